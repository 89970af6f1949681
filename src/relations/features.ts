/**
 * The view of one candidate pair inside its sentence, shared by the rules and the classifier:
 * tokens between the two arguments (other entities collapsed to one `<type>` placeholder each),
 * the two tokens left of the first argument and right of the second, and the sparse features
 * the pair classifier scores.
 */
import type { Entity, Span } from '../core/types.js';
import { tokenize } from '../text/tokens.js';

/** One sentence and the entities inside it (sorted by start, widest first). */
export interface SentenceView extends Span {
  /** The sentence's own text (offsets relative to `start`). */
  sentenceText: string;
  entities: Entity[];
}

export function sentenceView(text: string, sentence: Span, entities: readonly Entity[]): SentenceView {
  const ents = entities
    .filter((e) => e.start < sentence.end && e.end > sentence.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  return { start: sentence.start, end: sentence.end, sentenceText: text.slice(sentence.start, sentence.end), entities: ents };
}

export interface PairView {
  subject: Entity;
  object: Entity;
  /** Subject starts before (or with) the object. */
  subjectFirst: boolean;
  /** The two argument spans overlap (e.g. an anatomy word nested in a finding). */
  overlap: boolean;
  /** Normalised tokens between the arguments; other entities become `<type>` (once per entity). */
  between: string[];
  /** `between` joined with single spaces (what rule patterns match). */
  betweenText: string;
  /** Up to `window` normalised tokens before the first argument (nearest last). */
  left: string[];
  /** Up to `window` normalised tokens after the second argument (nearest first). */
  right: string[];
  /** Types of the other entities between the arguments. */
  betweenTypes: string[];
  /** Entities in the sentence. */
  entitiesInSentence?: number;
}

const norm = (w: string) => w.toLowerCase().replace(/\d/g, '0');

/**
 * Normalised tokens of text[from, to): entities other than the arguments that lie wholly inside the
 * range become one `<type>` placeholder each (the outermost one where they nest).
 */
function words(view: SentenceView, from: number, to: number, args: readonly Entity[], types?: string[]): string[] {
  const out: string[] = [];
  from = Math.max(from, view.start);
  to = Math.min(to, view.end);
  if (to <= from) return out;
  let pos = from;
  for (const e of view.entities) {
    if (args.includes(e) || e.start < pos || e.end > to) continue;
    if (args.some((a) => a.start < e.end && e.start < a.end)) continue;
    for (const t of tokenize(view.sentenceText.slice(0, e.start - view.start), pos - view.start)) out.push(norm(t.text));
    out.push(`<${e.type.toLowerCase()}>`);
    types?.push(e.type);
    pos = e.end;
  }
  if (pos < to) for (const t of tokenize(view.sentenceText.slice(0, to - view.start), pos - view.start)) out.push(norm(t.text));
  return out;
}

const WINDOW_CHARS = 80;

/** The subject comes first in the text (on equal starts, the longer span counts as first). */
export function isSubjectFirst(subject: Span, object: Span): boolean {
  return subject.start < object.start || (subject.start === object.start && subject.end >= object.end);
}

/** The two argument spans overlap (then a pair gets no between-words and no classifier decision). */
export function argumentsOverlap(subject: Span, object: Span): boolean {
  const [a, b] = isSubjectFirst(subject, object) ? [subject, object] : [object, subject];
  return a.end > b.start;
}

export function pairView(view: SentenceView, subject: Entity, object: Entity, window = 3): PairView {
  const subjectFirst = isSubjectFirst(subject, object);
  const [a, b] = subjectFirst ? [subject, object] : [object, subject];
  const overlap = argumentsOverlap(subject, object);
  const args = [subject, object];
  const betweenTypes: string[] = [];
  const between = overlap ? [] : words(view, a.end, b.start, args, betweenTypes);
  const lastEnd = Math.max(a.end, b.end);
  const left = words(view, Math.max(view.start, a.start - WINDOW_CHARS), a.start, args).slice(-window);
  const right = words(view, lastEnd, Math.min(view.end, lastEnd + WINDOW_CHARS), args).slice(0, window);
  return { subject, object, subjectFirst, overlap, between, betweenText: between.join(' '), left, right, betweenTypes, entitiesInSentence: view.entities.length };
}

const bucket = (n: number) => (n <= 4 ? String(n) : n <= 7 ? '5-7' : n <= 12 ? '8-12' : n <= 20 ? '13-20' : '21+');

/** Cue lexicon: word (lower case) → cue class, e.g. `treated` → `treat`. */
export type CueLexicon = ReadonlyMap<string, string>;

const NEGATION = new Set(['no', 'not', 'without', 'denies', 'denied', 'negative', 'absence', 'neither', 'nor', 'never', 'none']);

/** Sparse features of a pair (strings; the model maps them to weights). */
export function pairFeatures(pv: PairView, cues: CueLexicon): string[] {
  const f: string[] = [];
  const ord = pv.subjectFirst ? 'SO' : 'OS';
  const tp = `${pv.subject.type}:${pv.object.type}`;
  f.push('bias', `ord=${ord}`, `tp=${tp}:${ord}`);
  if (pv.overlap) f.push('overlap');
  const b = pv.between;
  f.push(`nb=${bucket(b.length)}`, `ne=${bucket(pv.betweenTypes.length)}`);
  if (b.length === 0) f.push('b_empty');
  else {
    f.push(`bf=${b[0]}`, `bl=${b[b.length - 1]}`, `bf_ord=${b[0]}:${ord}`, `bl_ord=${b[b.length - 1]}:${ord}`);
    if (b.length <= 4) f.push(`bseq=${b.join('_')}:${ord}`);
  }
  if (b.length >= 2) f.push(`bf2=${b[0]}_${b[1]}`, `bl2=${b[b.length - 2]}_${b[b.length - 1]}`);
  if (b.length >= 1 && b[0] === '(' && b.length <= 2) f.push('paren_after');
  if (b.length > 0 && b.every((w) => w === ',' || w === 'and' || w === 'or' || w === '/' || w.startsWith('<'))) f.push('list_only');
  f.push(`nents=${bucket(pv.entitiesInSentence ?? 0)}`);
  for (const w of new Set(b)) f.push(`b=${w}`);
  for (let i = 0; i + 1 < b.length; i++) f.push(`bb=${b[i]}_${b[i + 1]}`);
  for (const t of new Set(pv.betweenTypes)) f.push(`bt=${t}`);
  pv.left.slice(-2).forEach((w, i, a) => f.push(`l${a.length - i}=${w}`));
  pv.right.slice(0, 2).forEach((w, i) => f.push(`r${i + 1}=${w}`));
  if (pv.subject.type === pv.object.type) {
    // drug–drug pairs (DDI): wider context helps, it over-fits the smaller heads
    for (const w of new Set(pv.left)) f.push(`lw=${w}`);
    for (const w of new Set(pv.right)) f.push(`rw=${w}`);
    for (let i = 0; i + 2 < b.length; i++) f.push(`bbb=${b[i]}_${b[i + 1]}_${b[i + 2]}`);
  }
  if (pv.left.length >= 2) f.push(`ll=${pv.left.slice(-2).join('_')}`);
  if (pv.right.length >= 2) f.push(`rr=${pv.right.slice(0, 2).join('_')}`);
  const sw = norm(lastWord(pv.subject.text));
  const ow = norm(lastWord(pv.object.text));
  f.push(`hs=${sw}`, `ho=${ow}`);
  if (norm(pv.subject.text) === norm(pv.object.text)) f.push('same_text');
  const seen = new Set<string>();
  for (const w of b) {
    const c = cues.get(w);
    if (c && !seen.has(c)) {
      seen.add(c);
      f.push(`cue=${c}`, `cue_ord=${c}:${ord}`);
    }
    if (NEGATION.has(w)) f.push('neg_between');
  }
  for (const w of [...pv.left, ...pv.right]) {
    const c = cues.get(w);
    if (c) f.push(`cue_w=${c}`);
  }
  if (pv.left.some((w) => NEGATION.has(w))) f.push('neg_left');
  return f;
}

function lastWord(s: string): string {
  const m = s.match(/[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*\W*$/u);
  return m ? m[0].replace(/\W+$/u, '') : s;
}

/**
 * Every ordered pair of distinct entities within one sentence (an entity belongs to the sentence
 * its start falls in). Both role assignments are yielded; callers filter by type signature.
 */
export function* sentencePairs(
  text: string,
  entities: readonly Entity[],
  sentences: readonly Span[],
): Generator<{ view: SentenceView; subject: Entity; object: Entity; sentence: Span }> {
  const sorted = [...entities].sort((a, b) => a.start - b.start || b.end - a.end);
  const sents = [...sentences].sort((a, b) => a.start - b.start);
  let ei = 0;
  for (const s of sents) {
    while (ei < sorted.length && sorted[ei]!.start < s.start) ei++;
    const inside: Entity[] = [];
    for (let j = ei; j < sorted.length && sorted[j]!.start < s.end; j++) inside.push(sorted[j]!);
    if (inside.length < 2) continue;
    const view = sentenceView(text, s, inside);
    for (let i = 0; i < inside.length; i++) {
      for (let j = 0; j < inside.length; j++) {
        if (i === j) continue;
        const a = inside[i]!;
        const b = inside[j]!;
        if (a.start === b.start && a.end === b.end && a.type === b.type) continue;
        yield { view, subject: a, object: b, sentence: s };
      }
    }
  }
}
