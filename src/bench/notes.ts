import { mtsamplesNotes } from '../io/mtsamples.js';

/** The fixed benchmark set: the first `n` distinct MTSamples notes (CC0), in file order. */
export function benchNotes(n: number): { id: string; text: string }[] {
  const out: { id: string; text: string }[] = [];
  for (const row of mtsamplesNotes()) {
    if (row.dup_of === null) out.push({ id: row.id, text: row.text });
    if (out.length >= n) break;
  }
  return out;
}

/** The q-quantile (0..1) of `xs` by the nearest-rank rule (NaN when empty). */
export function quantile(xs: readonly number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
