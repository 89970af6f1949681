/**
 * BERT WordPiece tokenizer (uncased: lower-case + strip accents) that keeps, for every piece, its exact
 * span in the original text (UTF-16 code units). Behaviour follows the reference BasicTokenizer +
 * WordpieceTokenizer: control characters dropped, whitespace splits, punctuation and CJK characters
 * are tokens of their own, words over 100 characters become [UNK].
 */
import type { Span } from '../core/types.js';

export interface Piece extends Span {
  id: number;
  /** Index of the basic-tokenizer word this piece belongs to. */
  word: number;
  /** True for a "##" continuation piece. */
  cont: boolean;
}

export interface WordPieceOptions {
  lowercase?: boolean;
  stripAccents?: boolean;
  maxCharsPerWord?: number;
  unkToken?: string;
}

const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || /^\p{Zs}$/u.test(c);
const isControl = (c: string) => c !== '\t' && c !== '\n' && c !== '\r' && /^[\p{Cc}\p{Cf}]$/u.test(c);
function isPunct(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return /^\p{P}$/u.test(c);
}
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

export class WordPieceTokenizer {
  readonly vocab: Map<string, number>;
  readonly unkId: number;
  private readonly lowercase: boolean;
  private readonly stripAccents: boolean;
  private readonly maxChars: number;

  constructor(vocabLines: string[], opts: WordPieceOptions = {}) {
    this.vocab = new Map();
    vocabLines.forEach((tok, i) => {
      if (tok !== '' && !this.vocab.has(tok)) this.vocab.set(tok, i);
    });
    this.lowercase = opts.lowercase ?? true;
    this.stripAccents = opts.stripAccents ?? this.lowercase;
    this.maxChars = opts.maxCharsPerWord ?? 100;
    const unk = this.vocab.get(opts.unkToken ?? '[UNK]');
    if (unk === undefined) throw new Error('vocabulary has no [UNK] token');
    this.unkId = unk;
  }

  id(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined) throw new Error(`token ${token} not in vocabulary`);
    return id;
  }

  /** Basic-tokenizer words with their spans. */
  words(text: string): Span[] {
    const out: Span[] = [];
    let start = -1;
    const flush = (end: number) => {
      if (start >= 0 && end > start) out.push({ start, end });
      start = -1;
    };
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i)!;
      const c = String.fromCodePoint(cp);
      const n = c.length;
      if (cp === 0 || cp === 0xfffd || isControl(c)) {
        // dropped without splitting the word, as the reference does
      } else if (isWhitespace(c)) {
        flush(i);
      } else if (isPunct(c) || isCjk(cp)) {
        flush(i);
        out.push({ start: i, end: i + n });
      } else if (start < 0) {
        start = i;
      }
      i += n;
    }
    flush(text.length);
    return out;
  }

  /** Normalised form of a word plus, for each normalised char, the span of the original char it came from. */
  private normalise(text: string, w: Span): { norm: string; orig: number[]; origEnd: number[] } {
    let norm = '';
    const orig: number[] = [];
    const origEnd: number[] = [];
    for (let i = w.start; i < w.end; ) {
      const cp = text.codePointAt(i)!;
      let c = String.fromCodePoint(cp);
      if (cp === 0 || cp === 0xfffd || isControl(c)) c = '';
      if (this.lowercase) c = c.toLowerCase();
      if (this.stripAccents) c = c.normalize('NFD').replace(/\p{Mn}/gu, '');
      const next = i + (cp > 0xffff ? 2 : 1);
      for (let k = 0; k < c.length; k++) {
        orig.push(i);
        origEnd.push(next);
      }
      norm += c;
      i = next;
    }
    return { norm, orig, origEnd };
  }

  tokenize(text: string): Piece[] {
    const pieces: Piece[] = [];
    this.words(text).forEach((w, wi) => {
      const { norm, orig, origEnd } = this.normalise(text, w);
      if (norm.length === 0) return;
      if ([...norm].length > this.maxChars) {
        pieces.push({ id: this.unkId, start: w.start, end: w.end, word: wi, cont: false });
        return;
      }
      const found: Piece[] = [];
      let s = 0;
      while (s < norm.length) {
        let e = norm.length;
        let id: number | undefined;
        while (e > s) {
          id = this.vocab.get((s > 0 ? '##' : '') + norm.slice(s, e));
          if (id !== undefined) break;
          e--;
        }
        if (id === undefined) {
          found.length = 0;
          break;
        }
        // A piece covers every original character it has a part of (Hangul syllables decompose into
        // several jamo, so two pieces may share one character), as the Python reference does.
        found.push({ id, start: orig[s]!, end: origEnd[e - 1]!, word: wi, cont: s > 0 });
        s = e;
      }
      if (found.length === 0) pieces.push({ id: this.unkId, start: w.start, end: w.end, word: wi, cont: false });
      else pieces.push(...found);
    });
    return pieces;
  }
}
