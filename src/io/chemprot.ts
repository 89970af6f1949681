/**
 * ChemProt (BioCreative VI track 5) TSV release:
 *   abstracts      PMID, title, abstract       (text = title + "\t" + abstract: the offsets
 *                                              count that one separator, kept as the organisers wrote it)
 *   entities       PMID, T<n>, CHEMICAL|GENE-Y|GENE-N, start, end, text
 *   relations      PMID, CPR:<n>, "Y "|"N ", fine type, Arg1:T<a>, Arg2:T<b>
 *   gold_standard  PMID, CPR:<n>, Arg1:T<a>, Arg2:T<b>   (the evaluated groups 3,4,5,6,9)
 * By default the relations are the gold-standard pairs (label `CPR:n`), with the fine
 * type from the relations file as attribute `fine_type`. `allRelations` returns every
 * annotated relation line instead (attribute `evaluated` = the Y/N flag).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnnotatedDoc, GoldRelation } from '../core/corpus.js';
import { makeMention, setAttr } from './common.js';

export interface ChemProtFiles {
  abstracts: string;
  entities: string;
  relations?: string;
  gold?: string;
}

export interface ChemProtOptions {
  allRelations?: boolean;
}

const rows = (content: string | undefined): string[][] =>
  (content ?? '').split(/\r?\n/).filter((l) => l !== '').map((l) => l.split('\t'));

const argId = (s: string | undefined) => (s ?? '').replace(/^Arg\d:/, '');

export function parseChemProt(files: ChemProtFiles, opts: ChemProtOptions = {}): AnnotatedDoc[] {
  const docs = new Map<string, AnnotatedDoc>();
  for (const [pmid, ...rest] of rows(files.abstracts)) {
    docs.set(pmid!, { id: pmid!, text: rest.join('\t'), mentions: [], relations: [], meta: { pmid } });
  }
  const docOf = (pmid: string | undefined) => {
    const d = docs.get(pmid ?? '');
    if (!d) throw new Error(`ChemProt: annotation for unknown abstract ${pmid}`);
    return d;
  };
  for (const [pmid, id, label, start, end, text] of rows(files.entities)) {
    const d = docOf(pmid);
    d.mentions.push(makeMention(d.text, id!, label!, [{ start: Number(start), end: Number(end) }], text));
  }
  // Fine types and flags of all annotated relations, keyed by document, group and arguments.
  const annotated = new Map<string, { flag: string; fine: string }>();
  for (const [pmid, group, flag, fine, a1, a2] of rows(files.relations)) {
    const key = [pmid, group, argId(a1), argId(a2)].join(' ');
    annotated.set(key, { flag: flag!.trim(), fine: fine! });
    if (opts.allRelations) {
      const r: GoldRelation = { label: group!, arg1: argId(a1), arg2: argId(a2), level: 'mention' };
      setAttr(r, 'fine_type', fine!);
      setAttr(r, 'evaluated', flag!.trim() === 'Y');
      docOf(pmid).relations.push(r);
    }
  }
  if (!opts.allRelations) {
    for (const [pmid, group, a1, a2] of rows(files.gold)) {
      const r: GoldRelation = { label: group!, arg1: argId(a1), arg2: argId(a2), level: 'mention' };
      const fine = annotated.get([pmid, group, r.arg1, r.arg2].join(' '))?.fine;
      if (fine) setAttr(r, 'fine_type', fine);
      docOf(pmid).relations.push(r);
    }
  }
  for (const d of docs.values()) d.relations.forEach((r, i) => (r.id = `R${i + 1}`));
  return [...docs.values()];
}

/** Reads a ChemProt split folder (files found by their `_abstracts`, `_entities`, `_relations`, `_gold_standard` names). */
export function readChemProtDir(dir: string, opts: ChemProtOptions = {}): AnnotatedDoc[] {
  const names = readdirSync(dir);
  const find = (part: string) => {
    const f = names.find((n) => n.endsWith('.tsv') && n.includes(part));
    return f === undefined ? undefined : readFileSync(join(dir, f), 'utf8');
  };
  const abstracts = find('_abstracts');
  const entities = find('_entities');
  if (abstracts === undefined || entities === undefined) throw new Error(`ChemProt: no abstracts/entities TSV in ${dir}`);
  return parseChemProt({ abstracts, entities, relations: find('_relations'), gold: find('_gold_standard') }, opts);
}
