/**
 * The deterministic split for corpora that ship without one (MACCROBAT, CHIA, ADE).
 * The Python training code uses the very same rule, so both sides agree on every
 * document: key = `<corpus>:<docId>`, h = first 8 hex digits of sha1(key) mod 10;
 * h ∈ {0,1} → test, h = 2 → dev, otherwise train (≈ 20 / 10 / 70 %).
 */
import { createHash } from 'node:crypto';

export type Split = 'train' | 'dev' | 'test';
export const SPLITS: readonly Split[] = ['train', 'dev', 'test'];

export function hashSplit(corpus: string, docId: string): Split {
  const h = parseInt(createHash('sha1').update(`${corpus}:${docId}`, 'utf8').digest('hex').slice(0, 8), 16) % 10;
  return h <= 1 ? 'test' : h === 2 ? 'dev' : 'train';
}
