/**
 * The MTSamples notes of ../shared/data/text/mtsamples (CC0; see its SOURCE.md): one JSON object per line, with
 * `dup_of` naming the note a duplicate repeats (null for a distinct note). Read by the bench (its fixed notes), the
 * `history-sections` eval (the annotated notes) and scripts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MedicalNerError } from '../core/errors.js';
import { sharedDataDir } from '../core/paths.js';

export interface MtsamplesNote {
  id: string;
  text: string;
  dup_of: string | null;
}

export const mtsamplesPath = (): string => join(sharedDataDir(), 'text', 'mtsamples', 'mtsamples.jsonl');

/** The notes in file order, parsed as they are read (a caller that needs the first few stops early). */
export function* mtsamplesNotes(path = mtsamplesPath()): Generator<MtsamplesNote> {
  if (!existsSync(path)) throw new MedicalNerError('IO_ERROR', `MTSamples notes not found at ${path} (set MEDICAL_NER_SHARED)`);
  for (const line of readFileSync(path, 'utf8').split('\n')) if (line.trim()) yield JSON.parse(line) as MtsamplesNote;
}
