/**
 * Bit identity: faster kernels must give exactly the results they gave before (every output
 * element summed in the same order), so that committed runs stay valid. The fingerprints in
 * tests/fixtures/bit_identity.json were recorded on the kernels of commit 698d3a7. The same
 * fingerprints hold when RecurrentThreads split each recurrence across two threads, and for the
 * logits of the inference path (`SeqClassifier.infer`, one step's state).
 */
import assert from "node:assert/strict";
import { BIT_CASES, caseName, fingerprint } from "./fixtures/bit_identity.ts";

const expected = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/bit_identity.json", import.meta.url)),
) as Record<string, { params: string; logits: string; dh: string }>;

for (const c of BIT_CASES) {
  Deno.test(`bit identity: ${caseName(c)} after 20 Adam steps, logits and dL/dh_t`, async () => {
    assert.deepEqual(await fingerprint(c), expected[caseName(c)]);
  });
  Deno.test(`bit identity: ${caseName(c)} with the recurrences on two threads`, async () => {
    assert.deepEqual(await fingerprint(c, true), expected[caseName(c)]);
  });
  Deno.test(`bit identity: ${caseName(c)}, logits by infer on one and on two threads`, async () => {
    assert.deepEqual(await fingerprint(c, false, true), expected[caseName(c)]);
    assert.deepEqual(await fingerprint(c, true, true), expected[caseName(c)]);
  });
}
