/**
 * Options shared by every onnxruntime session of the toolkit.
 *
 * `session.x64quantprecision`: the shipped models are int8 (s8 weights, u8 activations). On x86 CPUs without VNNI
 * (AVX2, or AVX-512 before VNNI) onnxruntime's U8S8 kernels add pairs of products in 16 bits, which can saturate,
 * so the same model gave other outputs there: on a 2-core AMD EPYC with AVX2, DDI relations with gold entities
 * scored 71.6 F1 instead of 72.8, JNLPBA NER 71.7 instead of 71.9. With the option onnxruntime converts a weight
 * matrix to u8 and runs its exact but slower U8U8 kernels, on x86 only, and only where a weight lies outside
 * -64..64. The default NER model has 7-bit weights since 2026-12-03 (training/requantize_7bit.py): no pair sum can
 * saturate, onnxruntime keeps the fast kernels, and its outputs are the same with the option or without. The other
 * models (8-bit) still need it.
 */
import type { InferenceSession } from 'onnxruntime-node';

export function ortSessionOptions(intraOpNumThreads: number, more: InferenceSession.SessionOptions = {}, spin = true): InferenceSession.SessionOptions {
  // spin = false for sessions that take turns on the same cores (an ensemble's members): an idle pool's spinning
  // threads would hold the cores the running session needs
  const session = spin ? { x64quantprecision: '1' } : { x64quantprecision: '1', 'intra_op.allow_spinning': '0' };
  return { intraOpNumThreads, interOpNumThreads: 1, graphOptimizationLevel: 'all', ...more, extra: { session } };
}
