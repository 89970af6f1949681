/** Turns processed docs into the requested output format. */
import { toResult } from '../core/doc.js';
import { MedicalNerError } from '../core/errors.js';
import type { Doc } from '../core/types.js';

export type Formatter = (docs: Doc[]) => string | Promise<string>;

const formatters = new Map<string, Formatter>([
  ['json', (docs) => JSON.stringify(docs.length === 1 ? toResult(docs[0]!) : docs.map((d) => toResult(d)), null, 2) + '\n'],
]);

export function registerFormatter(name: string, f: Formatter): void {
  formatters.set(name, f);
}

export function outputFormats(): string[] {
  return [...formatters.keys()];
}

export async function formatDocs(docs: Doc[], format: string): Promise<string> {
  const f = formatters.get(format);
  if (!f) throw new MedicalNerError('INVALID_OPTION', `unknown --output-format "${format}"; available: ${outputFormats().join(', ')}`);
  return f(docs);
}

/** File extension for a format, used by `batch`. */
export function extensionFor(format: string): string {
  return ({ json: 'json', fhir: 'fhir.json', cypher: 'cypher', turtle: 'ttl', bioc: 'bioc.json', pubtator: 'pubtator', brat: 'ann' } as Record<string, string>)[format] ?? format;
}
