import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../core/paths.js';

/** The fixed benchmark set: the first `n` distinct MTSamples notes (CC0), in file order. */
export function benchNotes(n: number): { id: string; text: string }[] {
  const path = join(sharedDataDir(), 'text', 'mtsamples', 'mtsamples.jsonl');
  if (!existsSync(path)) throw new Error(`benchmark notes not found at ${path} (set MEDICAL_NER_SHARED)`);
  const out: { id: string; text: string }[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { id: string; text: string; dup_of: string | null };
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
