/**
 * Helpers shared by the corpus readers: building mentions from spans, offset-unit
 * conversion, and the passage layout kept in `doc.meta.passages`.
 */
import type { Span } from '../core/types.js';
import type { AnnotatedDoc, Mention } from '../core/corpus.js';

/**
 * Attribute holding the corpus's own mention text when it differs from the offset
 * slice (a corpus quirk: CRLF in CHIA, joined parts in DDI, trailing spaces in NCBI).
 * `mention.text` is always the slice; this keeps the original for audits and writers.
 */
export const CORPUS_TEXT = 'corpus_text';

/**
 * Builds a mention over `spans` (one span, or the fragments of a discontinuous one).
 * `corpusText` is compared with the fragment slices joined by one space, the way
 * brat, DDI and BioC write discontinuous texts. Throws on out-of-range offsets so a
 * reader bug can never produce silently shifted mentions.
 */
export function makeMention(
  docText: string,
  id: string,
  label: string,
  spans: Span[],
  corpusText?: string,
): Mention {
  if (spans.length === 0) throw new Error(`mention ${id}: no span`);
  for (const s of spans) {
    if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end < s.start || s.end > docText.length) {
      throw new RangeError(`mention ${id}: span ${s.start}-${s.end} outside text of length ${docText.length}`);
    }
  }
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const start = sorted[0]!.start;
  const end = Math.max(...sorted.map((s) => s.end));
  const m: Mention = { id, start, end, text: docText.slice(start, end), label };
  if (spans.length > 1) m.fragments = sorted.map((s) => ({ start: s.start, end: s.end }));
  if (corpusText !== undefined && corpusText !== fragmentText(docText, spans)) {
    m.attributes = { [CORPUS_TEXT]: corpusText };
  }
  return m;
}

/** The fragments' slices joined by one space (the usual rendering of a discontinuous mention). */
export function fragmentText(docText: string, spans: Span[]): string {
  return spans.map((s) => docText.slice(s.start, s.end)).join(' ');
}

/** The spans of a mention: its fragments, or its outer span. */
export function mentionSpans(m: Mention): Span[] {
  return m.fragments ?? [{ start: m.start, end: m.end }];
}

/** The text a writer should emit for a mention: the corpus's own text if kept, else the slices. */
export function writtenText(doc: AnnotatedDoc, m: Mention): string {
  const kept = m.attributes?.[CORPUS_TEXT];
  return typeof kept === 'string' ? kept : fragmentText(doc.text, mentionSpans(m));
}

/**
 * Returns a function mapping code-point offsets (Python `str` indexing) to UTF-16
 * offsets. Identity when the text has no surrogate pairs, the common case.
 */
export function codePointToUtf16(text: string): (cp: number) => number {
  if (!/[\uD800-\uDFFF]/.test(text)) return (cp) => cp;
  const map: number[] = [];
  let u = 0;
  for (const ch of text) {
    map.push(u);
    u += ch.length;
  }
  map.push(u);
  return (cp) => {
    const v = map[cp];
    if (v === undefined) throw new RangeError(`code-point offset ${cp} outside text`);
    return v;
  };
}

/** Inverse of {@link codePointToUtf16}: UTF-16 offsets to code-point offsets. */
export function utf16ToCodePoint(text: string): (u: number) => number {
  if (!/[\uD800-\uDFFF]/.test(text)) return (u) => u;
  const map = new Map<number, number>();
  let u = 0;
  let cp = 0;
  for (const ch of text) {
    map.set(u, cp++);
    u += ch.length;
  }
  map.set(u, cp);
  return (x) => {
    const v = map.get(x);
    if (v === undefined) throw new RangeError(`UTF-16 offset ${x} splits a surrogate pair or lies outside text`);
    return v;
  };
}

/** A passage of a document (title, abstract, section…), as kept in `doc.meta.passages`. */
export interface PassageInfo {
  offset: number;
  length: number;
  infons: Record<string, string>;
}

/** The passages recorded by a reader, if present and well-formed. */
export function passagesOf(doc: AnnotatedDoc): PassageInfo[] | undefined {
  const p = doc.meta?.passages;
  if (!Array.isArray(p)) return undefined;
  const ok = p.every(
    (x): x is PassageInfo =>
      typeof x === 'object' && x !== null && typeof x.offset === 'number' && typeof x.length === 'number' &&
      x.offset + x.length <= doc.text.length,
  );
  return ok ? (p as PassageInfo[]) : undefined;
}

/** Splits a raw id column into ids, dropping the corpora's "no id" markers (`-1`, `-`). */
export function splitIds(raw: string | undefined, separators: RegExp): string[] | undefined {
  if (raw === undefined) return undefined;
  const ids = raw.split(separators).map((s) => s.trim()).filter((s) => s !== '' && s !== '-1' && s !== '-');
  return ids.length > 0 ? ids : undefined;
}

/** Sets an attribute on a mention or relation, creating the record on first use. */
export function setAttr(
  x: { attributes?: Record<string, string | boolean> },
  key: string,
  value: string | boolean,
): void {
  (x.attributes ??= {})[key] = value;
}
