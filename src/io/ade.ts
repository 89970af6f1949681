/**
 * ADE-Corpus-V2: `DRUG-AE.rel` and `DRUG-DOSE.rel` (`PMID|sentence|arg|begin|end|drug|begin|end`)
 * and `ADE-NEG.txt` (`PMID NEG sentence`). One document per distinct (PMID, sentence),
 * in order of first appearance (AE, then DOSE, then NEG).
 *
 * The .rel offsets are relative to an undistributed document, so mentions are found by
 * string search inside the sentence. When a string occurs more than once, the
 * occurrence is chosen that agrees with the document offsets: within one sentence
 * `docBegin - sentencePosition` is the same for every mention, so the most common
 * such difference over all candidate positions picks the right occurrence.
 * Relations: `ADE` drug → effect, `DOSE` dosage → drug (arg1 = dosage, arg2 = drug).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnnotatedDoc, Mention } from '../core/corpus.js';
import { makeMention } from './common.js';

export interface AdeFiles {
  /** Contents of DRUG-AE.rel. */
  ae: string;
  /** Contents of DRUG-DOSE.rel. */
  dose?: string;
  /** Contents of ADE-NEG.txt. */
  neg?: string;
}

interface Occurrence {
  label: 'Drug' | 'Adverse_Effect' | 'Dosage';
  str: string;
  docBegin: number;
}

interface Pending {
  pmid: string;
  sentence: string;
  pairs: { kind: 'ADE' | 'DOSE'; arg: Occurrence; drug: Occurrence }[];
}

export function parseAde(files: AdeFiles): AnnotatedDoc[] {
  const byKey = new Map<string, Pending>();
  const get = (pmid: string, sentence: string): Pending => {
    const key = `${pmid}\u0000${sentence}`;
    let p = byKey.get(key);
    if (!p) byKey.set(key, (p = { pmid, sentence, pairs: [] }));
    return p;
  };
  const readRel = (content: string, kind: 'ADE' | 'DOSE') => {
    for (const line of lines(content)) {
      const c = line.split('|');
      if (c.length !== 8) throw new Error(`ADE: expected 8 columns: ${line.slice(0, 80)}`);
      const [pmid, sentence, arg, ab, , drug, db] = c as [string, string, string, string, string, string, string];
      get(pmid, sentence).pairs.push({
        kind,
        arg: { label: kind === 'ADE' ? 'Adverse_Effect' : 'Dosage', str: arg, docBegin: Number(ab) },
        drug: { label: 'Drug', str: drug, docBegin: Number(db) },
      });
    }
  };
  readRel(files.ae, 'ADE');
  if (files.dose) readRel(files.dose, 'DOSE');
  for (const line of lines(files.neg ?? '')) {
    const m = /^(\d+) NEG (.*)$/.exec(line);
    if (!m) throw new Error(`ADE: bad NEG line: ${line.slice(0, 80)}`);
    get(m[1]!, m[2]!);
  }
  const perPmid = new Map<string, number>();
  return [...byKey.values()].map((p) => {
    const n = (perPmid.get(p.pmid) ?? 0) + 1;
    perPmid.set(p.pmid, n);
    return toDoc(p, `${p.pmid}-${n}`);
  });
}

function lines(content: string): string[] {
  return content.split(/\r?\n/).filter((l) => l !== '');
}

function toDoc(p: Pending, id: string): AnnotatedDoc {
  const occ = p.pairs.flatMap((x) => [x.arg, x.drug]);
  const base = commonBase(p.sentence, occ);
  const mentions: Mention[] = [];
  const byKey = new Map<string, Mention>();
  const locate = (o: Occurrence): string => {
    const guess = base === undefined ? -1 : o.docBegin - base;
    const start = p.sentence.startsWith(o.str, guess) && guess >= 0 ? guess : p.sentence.indexOf(o.str);
    if (start < 0) throw new Error(`ADE ${id}: "${o.str}" not in sentence`);
    const key = `${start}:${start + o.str.length}:${o.label}`;
    let m = byKey.get(key);
    if (!m) {
      m = makeMention(p.sentence, `T${mentions.length + 1}`, o.label, [{ start, end: start + o.str.length }]);
      byKey.set(key, m);
      mentions.push(m);
    }
    return m.id;
  };
  const seen = new Set<string>();
  const relations = p.pairs.flatMap((x) => {
    const arg = locate(x.arg);
    const drug = locate(x.drug);
    const [arg1, arg2] = x.kind === 'ADE' ? [drug, arg] : [arg, drug];
    const key = `${x.kind}:${arg1}:${arg2}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ id: `R${seen.size}`, label: x.kind, arg1, arg2, level: 'mention' as const }];
  });
  return { id, text: p.sentence, mentions, relations, meta: { pmid: p.pmid } };
}

/** The sentence's document offset most consistent with the mentions' document offsets. */
function commonBase(sentence: string, occ: Occurrence[]): number | undefined {
  const votes = new Map<number, number>();
  for (const o of occ) {
    for (let i = sentence.indexOf(o.str); i >= 0 && o.str !== ''; i = sentence.indexOf(o.str, i + 1)) {
      const b = o.docBegin - i;
      votes.set(b, (votes.get(b) ?? 0) + 1);
    }
  }
  let best: number | undefined;
  for (const [b, v] of votes) if (best === undefined || v > votes.get(best)!) best = b;
  return best;
}

/** Reads DRUG-AE.rel, DRUG-DOSE.rel and ADE-NEG.txt from the corpus folder. */
export function readAdeDir(dir: string): AnnotatedDoc[] {
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return parseAde({ ae: read('DRUG-AE.rel'), dose: read('DRUG-DOSE.rel'), neg: read('ADE-NEG.txt') });
}
