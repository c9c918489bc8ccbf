/**
 * The toolkit's version, written into checkpoints and ONNX models (kept equal to deno.json's
 * `version` by a test).
 * @module
 */

/** lstm-lab's version. */
export const VERSION = "0.1.0";
