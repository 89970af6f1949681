import type { Sentence } from '../core/types.js';

/** Tokens ending in "." that do not end a sentence. Lower-cased, without the final dot. */
const ABBREVIATIONS = new Set(
  (
    'dr mr mrs ms prof sr jr st vs etc e.g i.e approx appt apt dept est fig figs no nos ref resp temp wt ht vol ' +
    'b.i.d t.i.d q.i.d q.d q.h q.o.d p.o p.r p.r.n h.s a.c p.c i.v i.m s.c s.q q.a.m q.p.m ' +
    'bid tid qid qd qhs prn po iv im sc mg mcg ml kg hr hrs min mins sec wk wks mo mos yr yrs pt pts inc corp al cf ca'
  ).split(' '),
);

const BULLET_LINE = /^[ \t]*(?:[-*•·▪◦‣]|\d{1,3}[.)]|[a-zA-Z][.)])[ \t]+/;
const HEADING_LINE = /^[ \t]*(?:[A-Z][A-Z0-9 /&(),'-]{1,60}:|[A-Z][A-Za-z0-9 /&(),'-]{1,60}:)(?:[ \t]|$)/;

/**
 * Rule-based sentence splitter tuned for clinical text: it breaks at sentence punctuation (not after
 * abbreviations like "Dr." or "b.i.d." nor inside numbers like "7.2"; also at ".," before a capital, a lost line
 * break in MTSamples-style notes), at blank lines, before bullet or numbered list items and section headings,
 * and after a heading line. CRLF is handled like LF.
 * Returned spans are trimmed of surrounding whitespace and never empty.
 */
export function splitSentences(text: string): Sentence[] {
  const cuts: number[] = [];
  // 1. line-level breaks
  const lineRe = /\r\n|\n|\r/g;
  let lineStart = 0;
  let prevLine = '';
  for (let m = lineRe.exec(text); ; m = lineRe.exec(text)) {
    const lineEnd = m ? m.index : text.length;
    const line = text.slice(lineStart, lineEnd);
    const prevBlank = prevLine.trim() === '';
    const prevEndsSentence = /[.!?:;]["')\]]?\s*$/.test(prevLine);
    const isHeadingOnly = /^[ \t]*[A-Z][A-Za-z0-9 /&(),'-]{1,60}:?[ \t]*$/.test(prevLine) && prevLine === prevLine.toUpperCase();
    if (
      lineStart > 0 &&
      (prevBlank || BULLET_LINE.test(line) || HEADING_LINE.test(line) || prevEndsSentence || isHeadingOnly || line.trim() === '')
    ) {
      cuts.push(lineStart);
    }
    if (!m) break;
    prevLine = line;
    lineStart = m.index + m[0].length;
  }
  // 2. punctuation-level breaks inside lines
  const punctRe = /([.!?]+)(["')\]]*)([ \t]+)(?=["'(\[]?[A-Z0-9•\-*])/g;
  for (let m = punctRe.exec(text); m; m = punctRe.exec(text)) {
    const dot = m.index;
    if (m[1] === '.' && isAbbreviation(text, dot)) continue;
    cuts.push(dot + m[1].length + m[2].length + m[3].length);
  }
  // 2b. notes that lost their line breaks keep a comma where one was (MTSamples: "no swelling.,NEUROLOGIC: Alert"):
  // sentence punctuation, a comma, then a capital ends a sentence after the comma
  const lostBreakRe = /([.!?]+)(["')\]]*),(?=[ \t]*["'(\[]?[A-Z])/g;
  for (let m = lostBreakRe.exec(text); m; m = lostBreakRe.exec(text)) {
    if (m[1] === '.' && isAbbreviation(text, m.index)) continue;
    cuts.push(m.index + m[0].length);
  }
  // 3. a heading like "HPI:" followed by text on the same line is its own segment
  const headRe = /(^|\n)([ \t]*[A-Z][A-Z /&]{1,40}:)[ \t]+(?=\S)/g;
  for (let m = headRe.exec(text); m; m = headRe.exec(text)) {
    cuts.push(m.index + m[1].length + m[2].length);
  }
  cuts.sort((a, b) => a - b);
  const out: Sentence[] = [];
  let start = 0;
  for (const cut of [...cuts, text.length]) {
    if (cut <= start) continue;
    pushTrimmed(text, start, cut, out);
    start = cut;
  }
  return out;
}

function isAbbreviation(text: string, dot: number): boolean {
  let i = dot;
  while (i > 0 && /[A-Za-z.]/.test(text[i - 1]!)) i--;
  const word = text.slice(i, dot).toLowerCase();
  if (word === '') return false;
  if (ABBREVIATIONS.has(word)) return true;
  // single capital initial ("J. Smith") or dotted abbreviation ("a.m")
  return /^[a-z]$/.test(word) && /[A-Z]/.test(text[i]!) ? true : /^([a-z]\.)+[a-z]$/.test(word);
}

function pushTrimmed(text: string, start: number, end: number, out: Sentence[]): void {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start) out.push({ start, end });
}
