/**
 * Contextual vectors of a Doc's WordPieces, left by the transformer NER model beside the Doc (never
 * serialised) so that a later component (relations) reuses the encoder pass instead of running its own.
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

const store = new WeakMap<Doc, TokenStates>();
const releasers = new WeakMap<TokenStates, () => void>();

/** `release` (optional) gives the buffer back to its owner; it runs once, from `releaseTokenStates`. */
export function setTokenStates(doc: Doc, states: TokenStates, release?: () => void): void {
  store.set(doc, states);
  if (release) releasers.set(states, release);
}

export function tokenStates(doc: Doc): TokenStates | undefined {
  return store.get(doc);
}

/** Forgets the Doc's vectors and hands their buffer back; whoever still holds the object must not read it. */
export function releaseTokenStates(doc: Doc): void {
  const states = store.get(doc);
  if (!states) return;
  store.delete(doc);
  releasers.get(states)?.();
  releasers.delete(states);
}
