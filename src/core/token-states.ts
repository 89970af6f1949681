/**
 * Contextual vectors of a Doc's WordPieces, left by the transformer NER model beside the Doc (never
 * serialised) so that a later component (relations) reuses the encoder pass instead of running its own. A Doc may
 * hold the vectors of several encoder outputs (layers), one TokenStates each.
 * The consumer releases them when done: the buffer goes back to the model, so a long-running pipeline does not
 * allocate a megabyte per text (such buffers outlive the young generation and raise peak memory by tens of MB
 * before a full garbage collection frees them).
 */
import type { Doc } from './types.js';

export interface TokenStates {
  /** The model that computed them (a consumer trained on another encoder's vectors must not use them). */
  model: string;
  /** The model output they come from (which layer). */
  output: string;
  /** Vector size. */
  dim: number;
  /** Character span of each piece (UTF-16 offsets), ascending. */
  starts: Int32Array;
  ends: Int32Array;
  /** [pieces × dim], row-major (the buffer may be longer). */
  data: Float32Array;
}

const store = new WeakMap<Doc, TokenStates[]>();
const releasers = new WeakMap<TokenStates, () => void>();

/**
 * Leaves `states` beside the Doc (after those of other outputs; it replaces none, so set each output once).
 * `release` (optional) gives the buffer back to its owner; it runs once, from `releaseTokenStates`.
 */
export function setTokenStates(doc: Doc, states: TokenStates, release?: () => void): void {
  store.set(doc, [...(store.get(doc) ?? []), states]);
  if (release) releasers.set(states, release);
}

/** The Doc's vectors of one encoder output, or without `output` the first set left. */
export function tokenStates(doc: Doc, output?: string): TokenStates | undefined {
  const all = store.get(doc);
  return output === undefined ? all?.[0] : all?.find((s) => s.output === output);
}

/** Forgets the Doc's vectors and hands their buffers back; whoever still holds the objects must not read them. */
export function releaseTokenStates(doc: Doc): void {
  const all = store.get(doc);
  if (!all) return;
  store.delete(doc);
  for (const states of all) {
    releasers.get(states)?.();
    releasers.delete(states);
  }
}
