/**
 * DDI corpus 2013 XML: one `<document>` per file, `<sentence text>` with `<entity
 * charOffset="a-b[;c-d]">` (offsets relative to the sentence, END INCLUSIVE) and
 * `<pair e1 e2 ddi [type]>`. The document text is the sentences joined by "\n".
 * Pairs with ddi="true" become mention-level relations labelled with their type; the
 * one positive training pair without a type is labelled `int` (the DDI guidelines'
 * class for an interaction stated without further detail) and flagged `type_missing`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Span } from '../core/types.js';
import type { AnnotatedDoc, GoldRelation, Mention } from '../core/corpus.js';
import { makeMention, setAttr } from './common.js';
import { attr, children, parseXml } from './xml.js';

export function parseDdiXml(xml: string): AnnotatedDoc {
  const root = parseXml(xml, ['sentence', 'entity', 'pair']);
  const docNode = children(root, 'document')[0];
  if (!docNode) throw new Error('DDI: no <document> element');
  const id = attr(docNode, 'id') ?? '';
  let text = '';
  const sentences: (Span & { id: string })[] = [];
  const mentions: Mention[] = [];
  const relations: GoldRelation[] = [];
  let pairCount = 0;
  for (const s of children(docNode, 'sentence')) {
    if (sentences.length > 0) text += '\n';
    const base = text.length;
    text += attr(s, 'text') ?? '';
    sentences.push({ id: attr(s, 'id') ?? '', start: base, end: text.length });
    // Entities are placed once the sentence is in `text`, so their slices can be checked.
    for (const e of children(s, 'entity')) {
      const spans = (attr(e, 'charOffset') ?? '').split(';').map((p): Span => {
        const [a, b] = p.split('-').map(Number) as [number, number];
        return { start: base + a, end: base + b + 1 };
      });
      mentions.push(makeMention(text, attr(e, 'id') ?? '', attr(e, 'type') ?? '', spans, attr(e, 'text')));
    }
    for (const p of children(s, 'pair')) {
      pairCount++;
      if (attr(p, 'ddi') !== 'true') continue;
      const type = attr(p, 'type');
      const r: GoldRelation = { id: attr(p, 'id'), label: type ?? 'int', arg1: attr(p, 'e1') ?? '', arg2: attr(p, 'e2') ?? '', level: 'mention' };
      if (!type) setAttr(r, 'type_missing', true);
      relations.push(r);
    }
  }
  return { id, text, mentions, relations, meta: { sentences, pair_count: pairCount } };
}

/** Reads every .xml under `dir` (recursively, sorted by path). MedLine files are named by PMID, kept as `meta.pmid`. */
export function readDdiDir(dir: string): AnnotatedDoc[] {
  return xmlFiles(dir).map((f) => {
    const doc = parseDdiXml(readFileSync(f, 'utf8'));
    const stem = basename(f, '.xml');
    if (/^\d+$/.test(stem)) doc.meta = { ...doc.meta, pmid: stem };
    return doc;
  });
}

function xmlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return xmlFiles(p);
      return f.endsWith('.xml') ? [p] : [];
    });
}
