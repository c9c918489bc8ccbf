/**
 * A seeded mutator for fuzz tests: from one generator (our MT19937, seeded per case, so a case
 * is reproduced from its seed alone) it applies one to three of bit flips, byte insertions and
 * deletions, truncations, splices from a donor file, and "interesting" tokens (numbers at the
 * edges, NaN, separators) written over a text field or a JSON value of a safetensors header.
 */
import { MT19937 } from "../lib/data/mt19937.ts";
import { concatBytes } from "./helpers.ts";

/** A named mutation: new bytes from `bytes`, drawing its choices from `rng`. */
type Mutation = (bytes: Uint8Array, rng: MT19937, donor: Uint8Array) => Uint8Array;

const encoder = new TextEncoder();

/** Tokens at the edges of what parsers accept, written over a field or JSON value. */
const TOKENS = [
  "",
  "0",
  "-0",
  "-1",
  "1",
  "9",
  "10",
  "18",
  "19",
  "1e308",
  "1e309",
  "-1e309",
  "NaN",
  "Infinity",
  "0.5",
  "1.5",
  "99999999999999999999",
  "4294967296",
  "9007199254740993",
  "0x10",
  " ",
  "\t",
  "\r",
  "\n",
  ",",
  '"',
  "{}",
  "[]",
  "null",
  "true",
  '"F16"',
  '"F64"',
  '"I32"',
  "[0,0]",
  "[1,1]",
  "[4,4]",
  "[0]",
  "[-1]",
  "[2147483648]",
  '"é"',
  "\u0000",
  "\ufeff",
];

const between = (rng: MT19937, low: number, high: number) =>
  high <= low ? low : rng.randint(low, high);

/** Bounds of a random "field": a run of bytes between separators (space, tab, comma, quotes…). */
function randomField(bytes: Uint8Array, rng: MT19937): [number, number] {
  const separator = (b: number) => ' \t\n\r,:[]{}"'.includes(String.fromCharCode(b));
  let begin = between(rng, 0, bytes.length);
  while (begin > 0 && !separator(bytes[begin - 1]!)) begin--;
  let end = begin;
  while (end < bytes.length && !separator(bytes[end]!)) end++;
  return [begin, end];
}

/** The mutations, by name (the name is reported with a failing case). */
export const MUTATIONS: Record<string, Mutation> = {
  bitFlip(bytes, rng) {
    const out = bytes.slice();
    const flips = between(rng, 1, 9);
    for (let i = 0; i < flips && out.length > 0; i++) {
      out[between(rng, 0, out.length)]! ^= 1 << rng.randint(0, 8);
    }
    return out;
  },
  insert(bytes, rng) {
    const at = between(rng, 0, bytes.length + 1);
    const added = Uint8Array.from({ length: between(rng, 1, 17) }, () => rng.randint(0, 256));
    return concatBytes(bytes.subarray(0, at), added, bytes.subarray(at));
  },
  delete(bytes, rng) {
    const at = between(rng, 0, bytes.length);
    const end = Math.min(bytes.length, at + between(rng, 1, 65));
    return concatBytes(bytes.subarray(0, at), bytes.subarray(end));
  },
  truncate(bytes, rng) {
    return bytes.slice(0, between(rng, 0, bytes.length));
  },
  /** A slice of the donor written over (or into) a random place. */
  splice(bytes, rng, donor) {
    const from = between(rng, 0, donor.length);
    const piece = donor.subarray(from, Math.min(donor.length, from + between(rng, 1, 257)));
    const at = between(rng, 0, bytes.length);
    const replaced = rng.random() < 0.5 ? piece.length : 0;
    return concatBytes(
      bytes.subarray(0, at),
      piece,
      bytes.subarray(Math.min(bytes.length, at + replaced)),
    );
  },
  /** The donor's first part (e.g. its safetensors header) on this file's rest. */
  spliceHead(bytes, rng, donor) {
    const cut = safetensorsDataStart(donor) ?? between(rng, 0, donor.length);
    const keep = safetensorsDataStart(bytes) ?? between(rng, 0, bytes.length);
    return concatBytes(donor.subarray(0, cut), bytes.subarray(keep));
  },
  token(bytes, rng) {
    const [begin, end] = randomField(bytes, rng);
    const token = encoder.encode(TOKENS[rng.randint(0, TOKENS.length)]!);
    return concatBytes(bytes.subarray(0, begin), token, bytes.subarray(end));
  },
  /** A token over a random field of the safetensors header, the length prefix kept right. */
  headerToken(bytes, rng) {
    const start = safetensorsDataStart(bytes);
    if (start === undefined) return MUTATIONS.token!(bytes, rng, bytes);
    const header = MUTATIONS.token!(bytes.subarray(8, start), rng, bytes);
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, BigInt(header.length), true);
    return concatBytes(length, header, bytes.subarray(start));
  },
};

/** Where a safetensors file's data begins (8 + header length), if the prefix is plausible. */
function safetensorsDataStart(bytes: Uint8Array): number | undefined {
  if (bytes.length < 8) return undefined;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return n <= BigInt(bytes.length - 8) ? 8 + Number(n) : undefined;
}

/** One mutated case: its bytes and the mutations applied, in order. */
export interface FuzzCase {
  bytes: Uint8Array;
  applied: string[];
}

/**
 * Case `index` of a run seeded with `seed`: `original` under one to three mutations (`donor`
 * feeds the splices). The same arguments always give the same bytes.
 */
export function mutate(
  original: Uint8Array,
  donor: Uint8Array,
  seed: number,
  index: number,
  names: readonly string[] = Object.keys(MUTATIONS),
): FuzzCase {
  const rng = new MT19937((seed * 1_000_003 + index) >>> 0);
  let bytes = original;
  const applied: string[] = [];
  for (let k = rng.randint(1, 4); k > 0; k--) {
    const name = names[rng.randint(0, names.length)]!;
    bytes = MUTATIONS[name]!(bytes, rng, donor);
    applied.push(name);
  }
  return { bytes, applied };
}
