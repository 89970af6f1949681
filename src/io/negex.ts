/**
 * Readers for the NegEx / ConText test kits (Chapman et al. 2001; Harkema et al. 2009) and their
 * trigger lexicons, as kept in `shared/data/corpora/negex` (see its SOURCE.md).
 *
 * - `Annotations-1-120.txt` (NegEx kit): `Report No.<TAB>Concept<TAB>Sentence<TAB>Negation`, CRLF,
 *   sentences sometimes CSV-quoted with `""` escapes.
 * - `rsAnnotations-1-120-random.txt` (ConText kit): `line number<TAB>Condition<TAB>sentence<TAB>negation<TAB>
 *   temporality<TAB>experiencer`, LF.
 *
 * The concept is written in UPPER CASE inside the sentence; {@link locateConcept} finds that occurrence.
 */
import { readFileSync } from 'node:fs';
import type { Span } from '../core/types.js';

export type NegexNegation = 'Affirmed' | 'Negated' | 'Possible';
export type NegexTemporality = 'Recent' | 'Historical' | 'Not particular';
export type NegexExperiencer = 'Patient' | 'Family member' | 'Other';

export interface NegexItem {
  /** `ann:<row>` (NegEx kit, 1-based data row) or `rs:<line number>` (ConText kit). */
  id: string;
  /** Report number (NegEx kit only). */
  report?: string;
  /** The condition as written in the annotation column (trimmed). */
  concept: string;
  sentence: string;
  /** Where the concept is in `sentence` (absent when it cannot be found). */
  span?: Span;
  negation: NegexNegation;
  temporality?: NegexTemporality;
  experiencer?: NegexExperiencer;
}

export interface NegexTrigger {
  phrase: string;
  /** PSEU, PREN, POST, PREP, POSP, CONJ, ONEW. */
  tag: string;
}

/** Removes CSV-style quoting: `"a ""b"""` → `a "b"`. */
function unquote(s: string): string {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) return s.slice(1, -1).replace(/""/g, '"');
  return s;
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

function asNegation(s: string, where: string): NegexNegation {
  const v = s.trim();
  if (v === 'Affirmed' || v === 'Negated' || v === 'Possible') return v;
  throw new Error(`${where}: unknown negation label ${JSON.stringify(s)}`);
}

function asTemporality(s: string, where: string): NegexTemporality {
  const v = s.trim();
  if (v === 'Recent' || v === 'Historical' || v === 'Not particular') return v;
  throw new Error(`${where}: unknown temporality label ${JSON.stringify(s)}`);
}

function asExperiencer(s: string, where: string): NegexExperiencer {
  const v = s.trim();
  if (v === 'Patient' || v === 'Family member' || v === 'Other') return v;
  throw new Error(`${where}: unknown experiencer label ${JSON.stringify(s)}`);
}

/** Parses the NegEx kit (`Annotations-1-120.txt`). */
export function parseNegexAnnotations(text: string): NegexItem[] {
  const rows = lines(text);
  const out: NegexItem[] = [];
  rows.slice(1).forEach((line, i) => {
    const f = line.split('\t');
    if (f.length < 4) throw new Error(`negex row ${i + 1}: expected 4 fields, got ${f.length}`);
    const sentence = unquote(f[2]!);
    const concept = unquote(f[1]!).trim();
    const item: NegexItem = {
      id: `ann:${i + 1}`,
      report: f[0]!.trim(),
      concept,
      sentence,
      negation: asNegation(f[3]!, `negex row ${i + 1}`),
    };
    const span = locateConcept(sentence, concept);
    if (span) item.span = span;
    out.push(item);
  });
  return out;
}

/** Parses the ConText kit (`rsAnnotations-1-120-random.txt`). */
export function parseContextAnnotations(text: string): NegexItem[] {
  const rows = lines(text);
  const out: NegexItem[] = [];
  for (const line of rows.slice(1)) {
    const f = line.split('\t');
    if (f.length < 6) throw new Error(`context row ${f[0]}: expected 6 fields, got ${f.length}`);
    const where = `context line ${f[0]}`;
    const sentence = unquote(f[2]!);
    const concept = unquote(f[1]!).trim();
    const item: NegexItem = {
      id: `rs:${f[0]!.trim()}`,
      concept,
      sentence,
      negation: asNegation(f[3]!, where),
      temporality: asTemporality(f[4]!, where),
      experiencer: asExperiencer(f[5]!, where),
    };
    const span = locateConcept(sentence, concept);
    if (span) item.span = span;
    out.push(item);
  }
  return out;
}

export function readNegexAnnotations(path: string): NegexItem[] {
  return parseNegexAnnotations(readFileSync(path, 'utf8'));
}

export function readContextAnnotations(path: string): NegexItem[] {
  return parseContextAnnotations(readFileSync(path, 'utf8'));
}

/** Parses a NegEx/ConText trigger file: `phrase<TAB><TAB>[TAG]` per line. */
export function parseNegexTriggers(text: string): NegexTrigger[] {
  const out: NegexTrigger[] = [];
  for (const line of lines(text)) {
    const m = /^(.*?)\t+\[(\w+)\]\s*$/.exec(line);
    if (m) out.push({ phrase: m[1]!.trim(), tag: m[2]! });
  }
  return out;
}

export function readNegexTriggers(path: string): NegexTrigger[] {
  return parseNegexTriggers(readFileSync(path, 'utf8'));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds the concept in the sentence: case-insensitive, any run of whitespace matching any run, hyphens and
 * spaces interchangeable. Among several occurrences the one written in upper case (the kit's marker) wins,
 * then the first. Returns undefined when the concept does not occur.
 */
export function locateConcept(sentence: string, concept: string): Span | undefined {
  const words = concept.trim().split(/[\s]+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const body = words.map((w) => escapeRegExp(w).replace(/-/g, '[-\\s]*')).join('[\\s-]+');
  const re = new RegExp(`(?<![A-Za-z0-9])${body}(?![A-Za-z0-9])`, 'gi');
  let first: Span | undefined;
  for (let m = re.exec(sentence); m; m = re.exec(sentence)) {
    const span = { start: m.index, end: m.index + m[0].length };
    if (m[0] === m[0].toUpperCase() && /[A-Z]/.test(m[0])) return span;
    first ??= span;
    if (m[0].length === 0) re.lastIndex++;
  }
  if (first) return first;
  // Edges of the concept may be glued to punctuation inside the sentence ("PE'S" vs "PE's" is case only).
  const loose = new RegExp(body, 'i').exec(sentence);
  return loose ? { start: loose.index, end: loose.index + loose[0].length } : undefined;
}

/** FNV-1a 32-bit hash. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The deterministic dev/test split used by the assertion eval: by a hash of the sentence text with case and
 * whitespace normalised, so every copy of a repeated sentence (and every concept of one sentence) falls on
 * the same side. About half of the items are `dev`.
 */
export function negexSplit(item: Pick<NegexItem, 'sentence'>): 'dev' | 'test' {
  const norm = item.sentence.toLowerCase().replace(/\s+/g, ' ').trim();
  return fnv1a(norm) % 2 === 0 ? 'dev' : 'test';
}
