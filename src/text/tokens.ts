import type { Token } from '../core/types.js';

/**
 * Word tokenizer with exact offsets. Keeps clinical units whole: "b.i.d.", "7.2%", "1,000", "HbA1c",
 * "COVID-19", "q.6h", "mg/dL" stay one token; other punctuation is one token per character.
 */
const TOKEN_RE =
  /(?:[A-Za-z]\.){2,}|\d+(?:[.,]\d+)*%?|[\p{L}\p{M}\p{N}]+(?:[-'’/.][\p{L}\p{M}\p{N}]+)*|[^\s]/gu;

export function tokenize(text: string, offset = 0, end = text.length): Token[] {
  const out: Token[] = [];
  TOKEN_RE.lastIndex = offset;
  const slice = end === text.length ? text : text.slice(0, end);
  for (let m = TOKEN_RE.exec(slice); m; m = TOKEN_RE.exec(slice)) {
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}
