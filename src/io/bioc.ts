/**
 * BioC (XML and JSON). Both are first turned into the same plain BioC objects, then
 * into AnnotatedDocs:
 * - document text: each passage's text placed at its offset, gaps filled with spaces
 *   (title at 0 and abstract at title.length + 1 gives PubTator's title + " " + abstract);
 *   a passage without text contributes its sentences;
 * - annotations → mentions: label = infon `type`, ids = infon `identifier` (or `MESH`),
 *   other infons → attributes; several locations = a discontinuous mention;
 * - relations with ≥ 2 nodes → mention level (node order = arg1, arg2); relations
 *   without nodes → concept level, arguments from infons (`entity1`/`entity2`, BC5CDR's
 *   `Chemical`/`Disease`, or the first two non-label infons).
 * Passage offsets and infons are kept in `meta.passages` so the writer can restore them.
 * The JSON writer emits infons as strings (BioC's data model); boolean attributes come
 * back as "true"/"false".
 */
import { readFileSync } from 'node:fs';
import type { AnnotatedDoc, GoldRelation, Mention } from '../core/corpus.js';
import type { Span } from '../core/types.js';
import { CORPUS_TEXT, makeMention, mentionSpans, passagesOf, setAttr, splitIds, writtenText, type PassageInfo } from './common.js';
import { attr, children, parseXml, textOf, type XmlNode } from './xml.js';

export type Infons = Record<string, string>;
export interface BioCLocation { offset: number; length: number }
export interface BioCAnnotation { id?: string; infons: Infons; text?: string; locations: BioCLocation[] }
export interface BioCNode { refid: string; role?: string }
export interface BioCRelation { id?: string; infons: Infons; nodes: BioCNode[] }
export interface BioCSentence { offset: number; infons?: Infons; text?: string; annotations?: BioCAnnotation[]; relations?: BioCRelation[] }
export interface BioCPassage {
  offset: number;
  infons: Infons;
  text?: string;
  sentences?: BioCSentence[];
  annotations: BioCAnnotation[];
  relations: BioCRelation[];
}
export interface BioCDocument { id: string; infons: Infons; passages: BioCPassage[]; relations: BioCRelation[] }
export interface BioCCollection { source: string; date: string; key: string; infons: Infons; documents: BioCDocument[] }

const ID_INFONS = ['identifier', 'Identifier', 'MESH'];
const LABEL_INFONS = ['type', 'relation'];
const ARG_INFONS: [string, string][] = [['entity1', 'entity2'], ['Chemical', 'Disease'], ['arg1', 'arg2'], ['Arg1', 'Arg2']];

// ---------------------------------------------------------------- BioC → docs

export function bioCToDocs(collection: BioCCollection): AnnotatedDoc[] {
  return collection.documents.map(toDoc);
}

function toDoc(d: BioCDocument): AnnotatedDoc {
  let text = '';
  const place = (offset: number, t: string, where: string) => {
    if (offset < text.length) throw new Error(`BioC ${d.id}: ${where} at ${offset} overlaps text ending at ${text.length}`);
    text += ' '.repeat(offset - text.length) + t;
  };
  const passages: PassageInfo[] = [];
  const sorted = [...d.passages].sort((a, b) => a.offset - b.offset);
  for (const p of sorted) {
    if (p.text !== undefined) place(p.offset, p.text, 'passage');
    else for (const s of p.sentences ?? []) place(s.offset, s.text ?? '', 'sentence');
    passages.push({ offset: p.offset, length: Math.max(0, text.length - p.offset), infons: p.infons });
  }
  const anns = sorted.flatMap((p) => [...p.annotations, ...(p.sentences ?? []).flatMap((s) => s.annotations ?? [])]);
  const rels = [...sorted.flatMap((p) => [...p.relations, ...(p.sentences ?? []).flatMap((s) => s.relations ?? [])]), ...d.relations];
  const mentions: Mention[] = [];
  const used = new Set<string>();
  for (const a of anns) {
    let id = a.id ?? '';
    if (id === '' || used.has(id)) id = `A${mentions.length + 1}`;
    used.add(id);
    const spans: Span[] = a.locations.map((l) => ({ start: l.offset, end: l.offset + l.length }));
    const m = makeMention(text, id, a.infons.type ?? '', spans, a.text);
    const idKey = ID_INFONS.find((k) => a.infons[k] !== undefined);
    const ids = splitIds(idKey ? a.infons[idKey] : undefined, /[,;|]/);
    if (ids) m.ids = ids;
    for (const [k, v] of Object.entries(a.infons)) if (k !== 'type' && k !== idKey) setAttr(m, k, v);
    mentions.push(m);
  }
  const relations = rels.map((r) => toRelation(r, used, d.id));
  const meta: Record<string, unknown> = { passages };
  if (Object.keys(d.infons).length > 0) meta.infons = d.infons;
  return { id: d.id, text, mentions, relations, meta };
}

function toRelation(r: BioCRelation, mentionIds: Set<string>, docId: string): GoldRelation {
  const labelKey = LABEL_INFONS.find((k) => r.infons[k] !== undefined);
  const label = labelKey ? r.infons[labelKey]! : '';
  let rel: GoldRelation;
  let consumed: string[];
  if (r.nodes.length >= 2) {
    const [a, b] = r.nodes as [BioCNode, BioCNode];
    for (const n of [a, b]) if (!mentionIds.has(n.refid)) throw new Error(`BioC ${docId}: relation node refers to unknown annotation ${n.refid}`);
    rel = { label, arg1: a.refid, arg2: b.refid, level: 'mention' };
    consumed = [];
  } else {
    const rest = Object.keys(r.infons).filter((k) => k !== labelKey);
    consumed = ARG_INFONS.find(([x, y]) => r.infons[x] !== undefined && r.infons[y] !== undefined) ?? [rest[0] ?? '', rest[1] ?? ''];
    rel = { label, arg1: r.infons[consumed[0]!] ?? '', arg2: r.infons[consumed[1]!] ?? '', level: 'concept' };
  }
  if (r.id !== undefined) rel.id = r.id;
  for (const [k, v] of Object.entries(r.infons)) if (k !== labelKey && !consumed.includes(k)) setAttr(rel, k, v);
  return rel;
}

// ---------------------------------------------------------------- XML

const XML_ARRAYS = ['document', 'passage', 'sentence', 'annotation', 'relation', 'location', 'node', 'infon'];

export function parseBioCXml(xml: string): AnnotatedDoc[] {
  const root = parseXml(xml, XML_ARRAYS);
  const col = (root.collection ?? {}) as XmlNode;
  const collection: BioCCollection = {
    source: textOf(col.source) ?? '',
    date: textOf(col.date) ?? '',
    key: textOf(col.key) ?? '',
    infons: xmlInfons(col),
    documents: children(col, 'document').map((d) => ({
      id: textOf(d.id) ?? '',
      infons: xmlInfons(d),
      passages: children(d, 'passage').map((p) => ({
        offset: Number(textOf(p.offset) ?? 0),
        infons: xmlInfons(p),
        text: textOf(p.text),
        sentences: children(p, 'sentence').map((s) => ({
          offset: Number(textOf(s.offset) ?? 0),
          text: textOf(s.text),
          annotations: children(s, 'annotation').map(xmlAnnotation),
          relations: children(s, 'relation').map(xmlRelation),
        })),
        annotations: children(p, 'annotation').map(xmlAnnotation),
        relations: children(p, 'relation').map(xmlRelation),
      })),
      relations: children(d, 'relation').map(xmlRelation),
    })),
  };
  return bioCToDocs(collection);
}

function xmlInfons(n: XmlNode): Infons {
  return Object.fromEntries(children(n, 'infon').map((i) => [attr(i, 'key') ?? '', textOf(i) ?? '']));
}

function xmlAnnotation(a: XmlNode): BioCAnnotation {
  return {
    id: attr(a, 'id'),
    infons: xmlInfons(a),
    text: textOf(a.text),
    locations: children(a, 'location').map((l) => ({ offset: Number(attr(l, 'offset')), length: Number(attr(l, 'length')) })),
  };
}

function xmlRelation(r: XmlNode): BioCRelation {
  return {
    id: attr(r, 'id'),
    infons: xmlInfons(r),
    nodes: children(r, 'node').map((n) => ({ refid: attr(n, 'refid') ?? '', role: attr(n, 'role') })),
  };
}

// ---------------------------------------------------------------- JSON

/**
 * Reads BioC JSON: a collection (`{documents: [...]}`), a bare array of documents, a
 * single document, or PubTator3's `{PubTator3: [...]}`.
 */
export function parseBioCJson(json: string | unknown): AnnotatedDoc[] {
  const v = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
  const o = v as Record<string, unknown>;
  const docs = Array.isArray(v) ? v : Array.isArray(o.documents) ? o.documents : Array.isArray(o.PubTator3) ? o.PubTator3 : [v];
  return bioCToDocs({ source: '', date: '', key: '', infons: {}, documents: (docs as Record<string, unknown>[]).map(jsonDocument) });
}

type J = Record<string, unknown>;
const arr = (x: unknown): J[] => (Array.isArray(x) ? (x as J[]) : []);
const infonsOf = (x: unknown): Infons =>
  Object.fromEntries(Object.entries((x ?? {}) as J).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)]));
const str = (x: unknown): string | undefined => (x === undefined || x === null ? undefined : String(x));

function jsonDocument(d: J): BioCDocument {
  const ann = (a: J): BioCAnnotation => ({
    id: str(a.id),
    infons: infonsOf(a.infons),
    text: str(a.text),
    locations: arr(a.locations).map((l) => ({ offset: Number(l.offset), length: Number(l.length) })),
  });
  const rel = (r: J): BioCRelation => ({
    id: str(r.id),
    infons: infonsOf(r.infons),
    nodes: arr(r.nodes).map((n) => ({ refid: String(n.refid), role: str(n.role) })),
  });
  return {
    id: String(d.id ?? ''),
    infons: infonsOf(d.infons),
    passages: arr(d.passages).map((p) => ({
      offset: Number(p.offset ?? 0),
      infons: infonsOf(p.infons),
      text: str(p.text),
      sentences: arr(p.sentences).map((s) => ({
        offset: Number(s.offset ?? 0),
        text: str(s.text),
        annotations: arr(s.annotations).map(ann),
        relations: arr(s.relations).map(rel),
      })),
      annotations: arr(p.annotations).map(ann),
      relations: arr(p.relations).map(rel),
    })),
    relations: arr(d.relations).map(rel),
  };
}

// ---------------------------------------------------------------- docs → BioC

/** Converts docs to a BioC collection: passages from `meta.passages` (else one passage), relations at document level. */
export function docsToBioC(docs: AnnotatedDoc[], source = 'medical-ner'): BioCCollection {
  return { source, date: '', key: '', infons: {}, documents: docs.map(fromDoc) };
}

function fromDoc(doc: AnnotatedDoc): BioCDocument {
  const layout = passagesOf(doc) ?? [{ offset: 0, length: doc.text.length, infons: {} }];
  const passages: BioCPassage[] = layout.map((p) => ({
    offset: p.offset,
    infons: { ...p.infons },
    text: doc.text.slice(p.offset, p.offset + p.length),
    annotations: [],
    relations: [],
  }));
  for (const m of doc.mentions) {
    const home = [...passages].reverse().find((p) => p.offset <= m.start) ?? passages[0]!;
    home.annotations.push(toAnnotation(doc, m));
  }
  const relations = doc.relations.map((r, i): BioCRelation => {
    const infons: Infons = { type: r.label };
    const nodes: BioCNode[] = [];
    if (r.level === 'mention') nodes.push({ refid: r.arg1, role: 'Arg1' }, { refid: r.arg2, role: 'Arg2' });
    else Object.assign(infons, { entity1: r.arg1, entity2: r.arg2 });
    for (const [k, v] of Object.entries(r.attributes ?? {})) infons[k] = String(v);
    return { id: r.id ?? `R${i + 1}`, infons, nodes };
  });
  const infons = (doc.meta?.infons ?? {}) as Infons;
  return { id: doc.id, infons, passages, relations };
}

function toAnnotation(doc: AnnotatedDoc, m: Mention): BioCAnnotation {
  const infons: Infons = { type: m.label };
  if (m.ids?.length) infons.identifier = m.ids.join(',');
  for (const [k, v] of Object.entries(m.attributes ?? {})) if (k !== CORPUS_TEXT) infons[k] = String(v);
  return {
    id: m.id,
    infons,
    text: writtenText(doc, m),
    locations: mentionSpans(m).map((s) => ({ offset: s.start, length: s.end - s.start })),
  };
}

export function writeBioCJson(docs: AnnotatedDoc[], source?: string): string {
  return JSON.stringify(docsToBioC(docs, source), null, 1);
}

export function readBioCXml(path: string): AnnotatedDoc[] {
  return parseBioCXml(readFileSync(path, 'utf8'));
}

export function readBioCJson(path: string): AnnotatedDoc[] {
  return parseBioCJson(readFileSync(path, 'utf8'));
}
