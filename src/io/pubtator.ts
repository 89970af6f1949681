/**
 * PubTator format (BC5CDR, NCBI-disease, BioRED):
 *   PMID|t|title
 *   PMID|a|abstract
 *   PMID<TAB>start<TAB>end<TAB>text<TAB>type<TAB>ids[<TAB>individual mentions]
 *   PMID<TAB>label<TAB>id1<TAB>id2[<TAB>Novel|No]      (concept-level relation)
 * Offsets are over title + " " + abstract, end-exclusive.
 */
import { readFileSync } from 'node:fs';
import type { AnnotatedDoc, GoldRelation } from '../core/corpus.js';
import { makeMention, passagesOf, setAttr, splitIds, writtenText, type PassageInfo } from './common.js';

/** Ids are `|`-separated (BC5CDR, NCBI alternatives) or `,`-separated (BioRED). `+` joins parts of one composite id. */
const ID_SEPARATORS = /[|,]/;

interface Pending {
  id: string;
  title: string;
  abstract?: string;
  mentionRows: string[][];
  relationRows: string[][];
}

export function parsePubTator(content: string): AnnotatedDoc[] {
  const pending: Pending[] = [];
  let cur: Pending | undefined;
  for (const line of content.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const head = /^([^|\t]+)\|([ta])\|(.*)$/s.exec(line); // s: a text may hold U+2028 or U+2029, which `.` would not match
    if (head) {
      const [, id, kind, body] = head as unknown as [string, string, string, string];
      if (kind === 't' || !cur || cur.id !== id || cur.abstract !== undefined) {
        cur = { id, title: '', mentionRows: [], relationRows: [] };
        pending.push(cur);
      }
      if (kind === 't') cur.title = body;
      else cur.abstract = body;
      continue;
    }
    const cols = line.split('\t');
    if (!cur || cols[0] !== cur.id) throw new Error(`PubTator: annotation line outside its document: ${line.slice(0, 80)}`);
    const isMention = cols.length >= 5 && /^\d+$/.test(cols[1]!) && /^\d+$/.test(cols[2]!);
    if (isMention) cur.mentionRows.push(cols);
    else if (cols.length >= 4) cur.relationRows.push(cols);
    else throw new Error(`PubTator: unreadable line: ${line.slice(0, 80)}`);
  }
  return pending.map(toDoc);
}

function toDoc(p: Pending): AnnotatedDoc {
  // An empty or missing abstract adds no separator, so the text has no trailing space.
  const text = p.abstract ? `${p.title} ${p.abstract}` : p.title;
  const passages: PassageInfo[] = [{ offset: 0, length: p.title.length, infons: { type: 'title' } }];
  if (p.abstract) passages.push({ offset: p.title.length + 1, length: p.abstract.length, infons: { type: 'abstract' } });
  const mentions = p.mentionRows.map((c, i) => {
    const m = makeMention(text, `T${i + 1}`, c[4]!, [{ start: Number(c[1]), end: Number(c[2]) }], c[3]);
    const ids = splitIds(c[5], ID_SEPARATORS);
    if (ids) m.ids = ids;
    if (c[6] !== undefined) setAttr(m, 'individual_mentions', c[6]);
    return m;
  });
  const relations = p.relationRows.map((c, i): GoldRelation => {
    const r: GoldRelation = { id: `R${i + 1}`, label: c[1]!, arg1: c[2]!.trim(), arg2: c[3]!.trim(), level: 'concept' };
    if (c[4] !== undefined) setAttr(r, 'novel', c.slice(4).join('\t'));
    return r;
  });
  return { id: p.id, text, mentions, relations, meta: { pmid: p.id, passages } };
}

export function readPubTator(path: string): AnnotatedDoc[] {
  return parsePubTator(readFileSync(path, 'utf8'));
}

/**
 * Writes documents as PubTator. Title/abstract come from `meta.passages` when the
 * reader kept them; otherwise the text is split at its first line break. Line breaks
 * and tabs become spaces (one for one, so offsets stay valid). Only concept-level
 * relations exist in PubTator; mention-level ones are left out, and discontinuous
 * mentions are written as their outer span.
 */
export function writePubTator(docs: AnnotatedDoc[]): string {
  return docs.map(writeDoc).join('\n');
}

function writeDoc(doc: AnnotatedDoc): string {
  const flat = (s: string) => s.replace(/[\t\r\n]/g, ' ');
  const [title, abstract] = splitTitle(doc);
  const lines = [`${doc.id}|t|${flat(title)}`, `${doc.id}|a|${flat(abstract)}`];
  for (const m of doc.mentions) {
    // A discontinuous mention is written as its outer span, so its text column is the outer slice.
    const cols = [doc.id, String(m.start), String(m.end), flat(m.fragments ? m.text : writtenText(doc, m)), m.label];
    const individual = m.attributes?.individual_mentions;
    if (m.ids?.length || typeof individual === 'string') cols.push(m.ids?.length ? m.ids.join('|') : '-1');
    if (typeof individual === 'string') cols.push(individual);
    lines.push(cols.join('\t'));
  }
  for (const r of doc.relations) {
    if (r.level !== 'concept') continue;
    const cols = [doc.id, r.label, r.arg1, r.arg2];
    if (typeof r.attributes?.novel === 'string') cols.push(r.attributes.novel);
    lines.push(cols.join('\t'));
  }
  return lines.join('\n') + '\n';
}

function splitTitle(doc: AnnotatedDoc): [string, string] {
  const t = doc.text;
  const ps = passagesOf(doc);
  const title = ps?.find((p) => p.offset === 0);
  if (title && (title.length === t.length || t[title.length] === ' ')) {
    return [t.slice(0, title.length), t.slice(title.length + 1)];
  }
  const nl = t.search(/\r?\n/);
  if (nl < 0) return [t, ''];
  // "\r\n" is two characters: keep one as a space at the end of the title so offsets hold.
  return t[nl] === '\r' ? [t.slice(0, nl + 1), t.slice(nl + 2)] : [t.slice(0, nl), t.slice(nl + 1)];
}
