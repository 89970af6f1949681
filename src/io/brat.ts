/**
 * brat standoff (.txt + .ann): MACCROBAT, CHIA, JNLPBA, AnatEM.
 *
 * - `T` spans become mentions (`a b;c d` = discontinuous); `E` events point at their
 *   trigger `T` (the trigger mention gets `event_id`, and `event_type` when it differs
 *   from the trigger's label), their arguments
 *   become relations labelled with the role; `R` relations and event arguments that
 *   reference an `E` are resolved to its trigger mention.
 * - `A`/`M` attributes land on the mention (`true` for binary ones), `N` normalisations
 *   add ids, `*` equivalence sets go to `doc.meta.equivalences`, `#` notes are ignored.
 * - An entry whose text crosses a line break continues on the next physical line(s)
 *   of the .ann file (CHIA); such lines are joined back with "\n".
 * - Offsets are UTF-16 by default; MACCROBAT counts code points (`offsets: 'codepoint'`).
 *   The .txt must be read raw: CHIA offsets count the "\r" of CRLF line ends.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Span } from '../core/types.js';
import type { AnnotatedDoc, GoldRelation, Mention } from '../core/corpus.js';
import { codePointToUtf16, makeMention, mentionSpans, setAttr, utf16ToCodePoint, writtenText, CORPUS_TEXT } from './common.js';

export interface BratOptions {
  /** Unit of the .ann offsets: UTF-16 code units (default) or Unicode code points. */
  offsets?: 'utf16' | 'codepoint';
}

export interface Equivalence {
  type: string;
  ids: string[];
}

const ENTRY = /^([TREAMN]\d+|#\d*|\*)\t/;

/** Splits .ann content into entries, re-joining entries whose text spans several lines. */
function annEntries(ann: string): string[] {
  // CRLF only when the whole file uses it; otherwise a "\r" may belong to a span's text.
  const eol = ann.includes('\r\n') && !/[^\r]\n/.test(ann) ? '\r\n' : '\n';
  const lines = ann.split(eol);
  if (lines.at(-1) === '') lines.pop();
  const out: string[] = [];
  for (const line of lines) {
    if (ENTRY.test(line) || out.length === 0) out.push(line);
    else out[out.length - 1] += '\n' + line;
  }
  return out.filter((e) => e !== '');
}

export function parseBrat(id: string, txt: string, ann: string, opts: BratOptions = {}): AnnotatedDoc {
  const toU16 = opts.offsets === 'codepoint' ? codePointToUtf16(txt) : (x: number) => x;
  const mentions: Mention[] = [];
  const byId = new Map<string, Mention>();
  const triggerOf = new Map<string, string>(); // E id -> T id
  const relations: GoldRelation[] = [];
  const equivalences: Equivalence[] = [];
  const later: string[][] = []; // entries that reference others: resolved after all T/E are known

  for (const entry of annEntries(ann)) {
    const tab = entry.split('\t');
    const key = tab[0]!;
    if (key.startsWith('#')) continue; // annotator notes
    if (key === '*') {
      const [type, ...ids] = (tab[1] ?? '').trim().split(/\s+/);
      equivalences.push({ type: type!, ids });
    } else if (key.startsWith('T')) {
      const m = /^(\S+) (\d+ \d+(?:;\d+ \d+)*)$/.exec(tab[1] ?? '');
      if (!m) throw new Error(`brat ${id}: bad T entry: ${entry.slice(0, 80)}`);
      const spans: Span[] = m[2]!.split(';').map((p) => {
        const [s, e] = p.split(' ').map(Number) as [number, number];
        return { start: toU16(s), end: toU16(e) };
      });
      const mention = makeMention(txt, key, m[1]!, spans, tab[2]); // later columns are stray (one in MACCROBAT)
      mentions.push(mention);
      byId.set(key, mention);
    } else if (key.startsWith('E')) {
      const [trigger, ...args] = (tab[1] ?? '').trim().split(/\s+/);
      const [type, tid] = (trigger ?? '').split(':');
      if (!type || !tid) throw new Error(`brat ${id}: bad E entry: ${entry}`);
      triggerOf.set(key, tid);
      later.push([key, type, tid, ...args]);
    } else {
      later.push(tab); // R, A, M, N
    }
  }

  const resolve = (ref: string): Mention => {
    const m = byId.get(triggerOf.get(ref) ?? ref);
    if (!m) throw new Error(`brat ${id}: reference to unknown annotation ${ref}`);
    return m;
  };
  for (const e of later) {
    const key = e[0]!;
    if (key.startsWith('E')) {
      const [, type, tid, ...args] = e as [string, string, string, ...string[]];
      const trigger = resolve(tid);
      setAttr(trigger, 'event_id', key);
      if (type !== trigger.label) setAttr(trigger, 'event_type', type);
      args.forEach((a, i) => {
        const [role, ref] = a.split(':') as [string, string];
        const r: GoldRelation = { id: `${key}-arg${i + 1}`, label: role.replace(/\d+$/, ''), arg1: trigger.id, arg2: resolve(ref).id, level: 'mention' };
        setAttr(r, 'event', key);
        if (role !== r.label) setAttr(r, 'role', role);
        relations.push(r);
      });
    } else if (key.startsWith('R')) {
      const [label, a1, a2] = (e[1] ?? '').trim().split(/\s+/);
      const ref = (a: string | undefined) => resolve((a ?? '').replace(/^[^:]*:/, '')).id;
      relations.push({ id: key, label: label!, arg1: ref(a1), arg2: ref(a2), level: 'mention' });
    } else if (key.startsWith('A') || key.startsWith('M')) {
      const [name, ref, value] = (e[1] ?? '').trim().split(/\s+/);
      setAttr(resolve(ref!), name!, value ?? true);
    } else if (key.startsWith('N')) {
      const [, ref, concept] = (e[1] ?? '').trim().split(/\s+/);
      const m = resolve(ref!);
      (m.ids ??= []).push(concept!);
    }
  }
  const doc: AnnotatedDoc = { id, text: txt, mentions, relations };
  if (equivalences.length > 0) doc.meta = { equivalences };
  return doc;
}

/** Reads `<base>.txt` and `<base>.ann` (a missing .ann means no annotations). Raw text, no newline translation. */
export function readBratDoc(base: string, opts: BratOptions = {}): AnnotatedDoc {
  const txt = readFileSync(`${base}.txt`, 'utf8');
  const ann = existsSync(`${base}.ann`) ? readFileSync(`${base}.ann`, 'utf8') : '';
  return parseBrat(basename(base), txt, ann, opts);
}

/** Every `<id>.txt` (+ `.ann`) in a folder, sorted by file name. */
export function readBratDir(dir: string, opts: BratOptions = {}): AnnotatedDoc[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readBratDoc(join(dir, f.slice(0, -4)), opts));
}

const INTERNAL_ATTRS = new Set([CORPUS_TEXT, 'event_id', 'event_type']);

/**
 * Writes one document as brat standoff. Mention and relation ids are kept when they
 * are brat-shaped (`T12`, `R3`) and fresh ones are assigned otherwise. Relations that
 * came from event arguments are written back as event arguments.
 */
export function writeBrat(doc: AnnotatedDoc, opts: BratOptions = {}): { txt: string; ann: string } {
  const toOut = opts.offsets === 'codepoint' ? utf16ToCodePoint(doc.text) : (x: number) => x;
  const tIds = assignIds(doc.mentions.map((m) => m.id), 'T');
  const lines: string[] = [];
  const eventOf = new Map<string, string>(); // mention id -> E id
  const eventArgs = new Map<string, string[]>();
  doc.mentions.forEach((m, i) => {
    const spans = mentionSpans(m).map((s) => `${toOut(s.start)} ${toOut(s.end)}`).join(';');
    lines.push(`${tIds[i]}\t${m.label} ${spans}\t${writtenText(doc, m)}`);
    const ev = m.attributes?.event_id;
    if (typeof ev === 'string') {
      eventOf.set(m.id, ev);
      eventArgs.set(ev, []);
    }
  });
  const tOf = new Map(doc.mentions.map((m, i) => [m.id, tIds[i]!]));
  const ref = (mid: string) => eventOf.get(mid) ?? tOf.get(mid) ?? mid;
  // Concept-level relations (PubTator, BioRED) have no place in brat: left out.
  const plain = doc.relations.filter((r) => {
    if (r.level !== 'mention') return false;
    const ev = r.attributes?.event;
    if (typeof ev !== 'string' || !eventArgs.has(ev)) return true;
    eventArgs.get(ev)!.push(`${r.attributes?.role ?? r.label}:${ref(r.arg2)}`);
    return false;
  });
  doc.mentions.forEach((m) => {
    const ev = eventOf.get(m.id);
    if (ev) lines.push([`${ev}\t${m.attributes?.event_type ?? m.label}:${tOf.get(m.id)}`, ...eventArgs.get(ev)!].join(' '));
  });
  const rIds = assignIds(plain.map((r) => r.id ?? ''), 'R');
  plain.forEach((r, i) => lines.push(`${rIds[i]}\t${r.label} Arg1:${ref(r.arg1)} Arg2:${ref(r.arg2)}\t`));
  let a = 0;
  for (const m of doc.mentions) {
    for (const [k, v] of Object.entries(m.attributes ?? {})) {
      if (INTERNAL_ATTRS.has(k) || k === 'individual_mentions') continue;
      lines.push(`A${++a}\t${token(k)} ${ref(m.id)}${v === true ? '' : ` ${token(String(v))}`}`);
    }
  }
  let n = 0;
  for (const m of doc.mentions) for (const c of m.ids ?? []) lines.push(`N${++n}\tReference ${ref(m.id)} ${token(c)}\t`);
  const eq = doc.meta?.equivalences;
  if (Array.isArray(eq)) for (const e of eq as Equivalence[]) lines.push(`*\t${e.type} ${e.ids.join(' ')}`);
  return { txt: doc.text, ann: lines.map((l) => l + '\n').join('') };
}

/** brat fields are space-separated: attributes and ids from other formats must not contain spaces. */
const token = (s: string) => s.replace(/\s+/g, '_');

/** Keeps ids of the form `<prefix><n>` when unique; numbers the others after the largest kept one. */
function assignIds(ids: string[], prefix: string): string[] {
  const shaped = new RegExp(`^${prefix}\\d+$`);
  const seen = new Set<string>();
  const kept = ids.map((id) => (shaped.test(id) && !seen.has(id) ? (seen.add(id), id) : undefined));
  let next = Math.max(0, ...[...seen].map((id) => Number(id.slice(prefix.length)))) + 1;
  return kept.map((id) => id ?? `${prefix}${next++}`);
}
