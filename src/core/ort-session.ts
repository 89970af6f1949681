/**
 * Options shared by every onnxruntime session of the toolkit.
 *
 * `session.x64quantprecision`: the shipped models are int8 (s8 weights, u8 activations). On x86 CPUs without VNNI
 * (AVX2, or AVX-512 before VNNI) onnxruntime's U8S8 kernels add pairs of products in 16 bits, which can saturate,
 * so the same model gave other outputs there: on a 2-core AMD EPYC with AVX2, DDI relations with gold entities
 * scored 71.6 F1 instead of 72.8, JNLPBA NER 71.7 instead of 71.9. With the option onnxruntime converts the weights
 * to u8 and uses its exact U8U8 kernels on those CPUs only; on VNNI CPUs it changes nothing. It cost about 15 % of
 * the NER time on that AVX2 CPU.
 */
import type { InferenceSession } from 'onnxruntime-node';

export function ortSessionOptions(intraOpNumThreads: number, more: InferenceSession.SessionOptions = {}): InferenceSession.SessionOptions {
  return { intraOpNumThreads, interOpNumThreads: 1, graphOptimizationLevel: 'all', ...more, extra: { session: { x64quantprecision: '1' } } };
}
