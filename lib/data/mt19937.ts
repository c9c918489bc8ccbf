/**
 * MT19937 with numpy's legacy `RandomState` behaviour: `np.random.seed(n)`,
 * `np.random.randint(low, high)` for a scalar and `np.random.random()`.
 *
 * The book's data generator draws from numpy's legacy global generator, so reproducing its
 * files byte for byte needs these exact draws.
 * @module
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** The whole state of an {@linkcode MT19937}: its 624 words and its position in them. */
export interface MT19937State {
  /** The 624 state words. */
  key: number[];
  /** Index of the next word to temper, 0–624. */
  pos: number;
  /** The second normal deviate of the last polar draw, when one is cached. */
  gauss: number | null;
}

/**
 * The Mersenne Twister MT19937, seeded and drawn from as numpy's legacy `RandomState` does.
 *
 * @example Same draws as `np.random.seed(0); np.random.randint(2, 5)`
 * ```ts
 * import assert from "node:assert/strict";
 * import { MT19937 } from "./mt19937.ts";
 * const rng = new MT19937(0);
 * assert.equal(rng.nextUint32(), 2357136044); // numpy's first output for seed 0
 * ```
 */
export class MT19937 {
  #key = new Uint32Array(N);
  #pos = N;
  #gauss: number | null = null;

  /** A generator seeded with `seed` (see {@linkcode MT19937.seed}). */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /** `init_genrand(seed)`: numpy's `RandomState.seed(n)` for an integer 0 ≤ n < 2³². */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
    }
    const key = this.#key;
    key[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = key[i - 1]! ^ (key[i - 1]! >>> 30);
      // 1812433253 * prev + i, in 32 bits without losing precision
      key[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.#pos = N;
    this.#gauss = null;
  }

  /** Regenerate all 624 words (the "twist"). */
  #twist(): void {
    const key = this.#key;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (key[i]! & UPPER_MASK) | (key[i + 1]! & LOWER_MASK);
      key[i] = key[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      const y = (key[i]! & UPPER_MASK) | (key[i + 1]! & LOWER_MASK);
      key[i] = key[i + M - N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (key[N - 1]! & UPPER_MASK) | (key[0]! & LOWER_MASK);
    key[N - 1] = key[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.#pos = 0;
  }

  /** The next 32-bit output, an integer in [0, 2³²). */
  nextUint32(): number {
    if (this.#pos >= N) this.#twist();
    let y = this.#key[this.#pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * `np.random.randint(low, high)` for one value: an integer in [low, high).
   * Masked rejection sampling over 32-bit outputs, as numpy's legacy generator does it.
   */
  randint(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw new RangeError(`randint needs integers low < high, got ${low}, ${high}`);
    }
    const range = high - 1 - low;
    if (range === 0) return low;
    if (range > 0xffffffff) throw new RangeError("randint range above 2^32 is not supported");
    let mask = range;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0; while (value > range);
    return low + value;
  }

  /** `np.random.random()`: a double in [0, 1) with 53 random bits, from two outputs. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * `np.random.standard_normal()`: numpy's legacy polar Box–Muller, which draws two deviates per
   * accepted pair and caches the second.
   */
  standardNormal(): number {
    if (this.#gauss !== null) {
      const cached = this.#gauss;
      this.#gauss = null;
      return cached;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.#gauss = f * x1;
    return f * x2;
  }

  /** A copy of the state, as plain JSON-able numbers (for checkpoints). */
  getState(): MT19937State {
    return { key: Array.from(this.#key), pos: this.#pos, gauss: this.#gauss };
  }

  /** Restore a state from {@linkcode MT19937.getState}. */
  setState(state: MT19937State): void {
    if (state.key.length !== N || !(state.pos >= 0 && state.pos <= N)) {
      throw new RangeError(`MT19937 state needs ${N} words and a position in [0, ${N}]`);
    }
    this.#key.set(state.key);
    this.#pos = state.pos;
    this.#gauss = state.gauss ?? null;
  }
}
