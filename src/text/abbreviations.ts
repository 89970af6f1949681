/**
 * Abbreviation definitions in a document, after Schwartz & Hearst, "A simple algorithm for identifying
 * abbreviation definitions in biomedical text" (PSB 2003): `long form (SF)` and `SF (long form)` pairs where
 * the short form's characters occur in order in the long form and its first character starts a word.
 */

export interface AbbreviationPair {
  short: string;
  long: string;
  /** Offsets of the short form inside the parentheses (or before them). */
  shortStart: number;
  longStart: number;
}

/** Characters before a parenthesis searched for its long form (20 words, generously). */
const BEFORE_WINDOW = 1000;

function isAlnum(c: string | undefined): boolean {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  return (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || (x >= 48 && x <= 57);
}

/** Whether `s[k]` ends a clause: ; : ( ) [ ] or a line break, or a full stop before white space. */
function endsClause(s: string, k: number): boolean {
  const c = s[k];
  return c === ';' || c === ':' || c === '(' || c === ')' || c === '[' || c === ']' || c === '\n' || (c === '.' && /\s/.test(s[k + 1] ?? ''));
}

function validShort(sf: string): boolean {
  if (sf.length < 2 || sf.length > 10) return false;
  if (sf.split(/\s+/).length > 2) return false;
  if (!/[A-Za-z]/.test(sf) || !isAlnum(sf[0])) return false;
  if (/^[a-z]+$/.test(sf) && sf.length > 4) return false; // an ordinary lower-case word
  return true;
}

/** The shortest suffix of `lf` in which the characters of `sf` occur in order, the first at a word start. */
export function bestLongForm(sf: string, lf: string): string | null {
  let s = sf.length - 1;
  let l = lf.length - 1;
  for (; s >= 0; s--) {
    const c = sf[s]!.toLowerCase();
    if (!isAlnum(c)) continue;
    while ((l >= 0 && lf[l]!.toLowerCase() !== c) || (s === 0 && l > 0 && isAlnum(lf[l - 1]))) l--;
    if (l < 0) return null;
    l--;
  }
  const start = lf.lastIndexOf(' ', l) + 1;
  const out = lf.slice(start).trim();
  return out;
}

/** The last `n` words of the clause that ends at `before`'s end, and where they start (scanned from the end). */
function wordsBefore(before: string, n: number): [string, number] {
  let from = before.length;
  let found = 0;
  for (let j = before.length - 1; j >= 0 && found < n && !endsClause(before, j); j--) {
    if (before[j] !== ' ' && (j === 0 || before[j - 1] === ' ' || endsClause(before, j - 1))) {
      from = j;
      found++;
    }
  }
  return [before.slice(from), from];
}

/** All `long form (SF)` / `SF (long form)` definitions in the text, in order. */
export function findAbbreviations(text: string): AbbreviationPair[] {
  const out: AbbreviationPair[] = [];
  const re = /\(([^()]{1,120})\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index;
    let inner = m[1]!;
    const innerStart = open + 1;
    // "(HCC; see below)", "(HCC, n = 12)" → the part before the separator
    const cut = inner.search(/[;,]\s/);
    if (cut > 0) inner = inner.slice(0, cut);
    const sf = inner.trim();
    // the text before the parenthesis, within reach of the longest long form (at most 20 words): end-anchored
    // regexes over the whole prefix would make a document quadratic in its parentheses
    const from = Math.max(0, open - BEFORE_WINDOW);
    const before = text.slice(from, open).trimEnd();
    if (validShort(sf)) {
      const maxWords = Math.min(sf.length + 5, sf.length * 2);
      const [cand, candStart] = wordsBefore(before, maxWords);
      const lf = bestLongForm(sf, cand);
      if (lf && lf.length > sf.length && lf.split(/\s+/).length <= maxWords && !lf.toLowerCase().includes(`${sf.toLowerCase()} `)) {
        out.push({ short: sf, long: lf, shortStart: innerStart + m[1]!.indexOf(sf), longStart: from + candStart + cand.length - lf.length });
        continue;
      }
    }
    // "SF (long form)": the word before the parenthesis is the short form
    const w = /([A-Za-z0-9][\w\-/.]*)$/.exec(before.slice(-40));
    if (w && validShort(w[1]!) && sf.split(/\s+/).length >= 2) {
      const lf = bestLongForm(w[1]!, sf);
      if (lf && lf.length > w[1]!.length && lf === sf) {
        out.push({ short: w[1]!, long: sf, shortStart: from + before.length - w[1]!.length, longStart: innerStart + m[1]!.indexOf(sf) });
      }
    }
  }
  return out;
}

/** Short form → long form for a document (the first definition wins). */
export function abbreviationMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of findAbbreviations(text)) if (!map.has(p.short)) map.set(p.short, p.long);
  return map;
}
