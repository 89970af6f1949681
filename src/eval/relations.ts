/**
 * `medical-ner eval --task relations`: relation P/R/F1 per corpus and predicate.
 *
 * 1. Gold entities: the corpus's typed mentions are the entities (corpus sentences for DDI, the rule
 *    splitter elsewhere) and each relation extractor (`rules`, `relations-lr`, and the classifier alone)
 *    runs over them. Mention-level corpora (DDI extraction test, ChemProt test, ADE hash test,
 *    MACCROBAT hash test) are scored on exact argument spans; INTERACTS_WITH is symmetric. The fine
 *    DDI type (`ddi_type`) and ChemProt class (`chemprot_class`) are scored too (the corpora's usual
 *    figures). Document-level corpora (BC5CDR CID, BioRED) are scored over concept pairs: a concept
 *    pair is predicted when any mention pair of it is (max aggregation over mentions and sentences).
 * 2. End to end: `pipeline({ model, components: ['sentences', ...NER_STEPS, 'relations'] })`. A predicted
 *    mention-level relation is right when both argument spans overlap the gold argument spans
 *    (lenient, one-to-one); document-level: predicted entities are mapped to the concepts of gold
 *    mentions with the same normalised text (or their MeSH code when linked).
 * Each corpus scores only the predicates (and type signatures) it annotates; other predictions are
 * not counted (a corpus that does not annotate TREATS cannot judge it).
 * 3. `devset`: the hand-annotated clinical sentences of test/fixtures/relations-devset.json (gold
 *    entities), for the predicates no corpus covers (docs/relations-devset.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AnnotatedDoc } from '../core/corpus.js';
import { packagePath } from '../core/paths.js';
import type { Doc, Entity, EntityType, Predicate, Relation, Span } from '../core/types.js';
import { loadCorpus, CORPORA } from '../corpora/index.js';
import { NER_STEPS, pipeline } from '../pipeline.js';
import '../relations/index.js';
import { conceptIds, goldDoc } from '../relations/data.js';
import { DEFAULT_RELATION_MODEL, RelationExtractor, relationExtractor } from '../relations/extract.js';
import { SYMMETRIC } from '../relations/schema.js';
import { modelForCorpus } from './ner.js';
import { prf, RelationScorer, spanKey } from './score.js';
import type { Counts, Prf, ScoredRelation } from './score.js';
import { registerEvalTask } from './task.js';
import type { EvalOptions, EvalReport, ReportTable } from './task.js';

export const RELATION_EVAL_CORPORA = ['ddi-re', 'chemprot', 'bc5cdr', 'ade', 'maccrobat', 'biored', 'devset'];
/** Extractors scored with gold entities (`relations-lr-only` = the classifier without rules, an ablation). */
export const RELATION_EVAL_EXTRACTORS = ['rules', 'relations-lr', 'relations-lr-only', 'relations-nn'];
export const DEVSET_FILE = 'test/fixtures/relations-devset.json';

interface Scope {
  predicate: Predicate;
  subject: readonly EntityType[];
  object: readonly EntityType[];
}

interface GoldRel {
  predicate: Predicate;
  /** Spans (mention level) or concept ids (document level). */
  s: Span | string;
  o: Span | string;
  fine?: string;
}

interface CorpusDef {
  level: 'mention' | 'concept';
  scope: Scope[];
  /** Attribute holding the fine class, scored as a second table. */
  fine?: string;
  gold(ad: AnnotatedDoc): GoldRel[];
}

const DD: EntityType[] = ['DISEASE'];
const mentionGold =
  (map: (label: string, a: AnnotatedDoc['mentions'][number], b: AnnotatedDoc['mentions'][number]) => { predicate: Predicate; swap?: boolean } | undefined, fine = false) =>
  (ad: AnnotatedDoc): GoldRel[] => {
    const byId = new Map(ad.mentions.map((m) => [m.id, m]));
    const out: GoldRel[] = [];
    for (const r of ad.relations) {
      const a = byId.get(r.arg1);
      const b = byId.get(r.arg2);
      if (!a || !b || !a.type || !b.type) continue;
      const m = map(r.label, a, b);
      if (!m) continue;
      const [s, o] = m.swap ? [b, a] : [a, b];
      const g: GoldRel = { predicate: m.predicate, s: { start: s.start, end: s.end }, o: { start: o.start, end: o.end } };
      if (fine) g.fine = r.label;
      out.push(g);
    }
    return out;
  };

function conceptTypes(ad: AnnotatedDoc): Map<string, EntityType> {
  const m = new Map<string, EntityType>();
  for (const x of ad.mentions) if (x.type) for (const id of conceptIds(x)) if (!m.has(id)) m.set(id, x.type);
  return m;
}

export const RELATION_CORPORA: Readonly<Record<string, CorpusDef>> = {
  'ddi-re': {
    level: 'mention',
    scope: [{ predicate: 'INTERACTS_WITH', subject: ['DRUG'], object: ['DRUG'] }],
    fine: 'ddi_type',
    gold: mentionGold(() => ({ predicate: 'INTERACTS_WITH' }), true),
  },
  chemprot: {
    level: 'mention',
    scope: [{ predicate: 'INTERACTS_WITH', subject: ['DRUG'], object: ['GENE'] }],
    fine: 'chemprot_class',
    gold: mentionGold((_, a, b) => (a.type === 'DRUG' && b.type === 'GENE' ? { predicate: 'INTERACTS_WITH' } : undefined), true),
  },
  ade: {
    level: 'mention',
    scope: [
      { predicate: 'CAUSES', subject: ['DRUG'], object: DD },
      { predicate: 'DOSAGE_OF', subject: ['DOSAGE'], object: ['DRUG'] },
    ],
    gold: mentionGold((l) => (l === 'ADE' ? { predicate: 'CAUSES' } : l === 'DOSE' ? { predicate: 'DOSAGE_OF' } : undefined)),
  },
  maccrobat: {
    level: 'mention',
    scope: [
      { predicate: 'LOCATED_IN', subject: DD, object: ['ANATOMY'] },
      { predicate: 'DOSAGE_OF', subject: ['DOSAGE'], object: ['DRUG'] },
      { predicate: 'CAUSES', subject: ['DRUG', 'DISEASE', 'PROCEDURE'], object: DD },
    ],
    gold: mentionGold((l, a, b) => {
      if (l === 'MODIFY' && a.label === 'Biological_structure' && b.type === 'DISEASE') return { predicate: 'LOCATED_IN', swap: true };
      if (l === 'MODIFY' && a.type === 'DOSAGE' && b.type === 'DRUG') return { predicate: 'DOSAGE_OF' };
      if (l === 'CAUSE' && ['DRUG', 'DISEASE', 'PROCEDURE'].includes(a.type!) && b.type === 'DISEASE') return { predicate: 'CAUSES' };
      return undefined;
    }),
  },
  bc5cdr: {
    level: 'concept',
    scope: [{ predicate: 'CAUSES', subject: ['DRUG'], object: DD }],
    gold: (ad) => ad.relations.filter((r) => r.label === 'CID').map((r) => ({ predicate: 'CAUSES' as const, s: r.arg1, o: r.arg2 })),
  },
  biored: {
    level: 'concept',
    scope: [
      { predicate: 'CAUSES', subject: ['DRUG'], object: DD },
      { predicate: 'TREATS', subject: ['DRUG'], object: DD },
      { predicate: 'INTERACTS_WITH', subject: ['DRUG'], object: ['DRUG'] },
    ],
    gold: (ad) => {
      const types = conceptTypes(ad);
      const out: GoldRel[] = [];
      for (const r of ad.relations) {
        let [a, b] = [r.arg1, r.arg2];
        if (types.get(a) === 'DISEASE' && types.get(b) === 'DRUG') [a, b] = [b, a];
        const ta = types.get(a);
        const tb = types.get(b);
        if (ta === 'DRUG' && tb === 'DISEASE') {
          if (r.label === 'Positive_Correlation') out.push({ predicate: 'CAUSES', s: a, o: b });
          if (r.label === 'Negative_Correlation') out.push({ predicate: 'TREATS', s: a, o: b });
        } else if (ta === 'DRUG' && tb === 'DRUG' && r.label === 'Drug_Interaction') out.push({ predicate: 'INTERACTS_WITH', s: a, o: b });
      }
      return out;
    },
  },
};

const inScope = (scope: readonly Scope[], p: Predicate, s: EntityType, o: EntityType) =>
  scope.some((x) => x.predicate === p && ((x.subject.includes(s) && x.object.includes(o)) || (SYMMETRIC.has(p) && x.subject.includes(o) && x.object.includes(s))));

const normText = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** Concept ids of a predicted entity: its gold mention's ids (gold mode), its MeSH code, or gold mentions with the same normalised text. */
function conceptsOf(e: Entity, ad: AnnotatedDoc, byId: Map<string, AnnotatedDoc['mentions'][number]>, byText: Map<string, string[]>): string[] {
  const gold = byId.get(e.id);
  if (gold && gold.start === e.start && gold.end === e.end) return conceptIds(gold);
  const mesh = e.codes?.mesh;
  if (mesh) return [mesh.replace(/^MESH:/i, '')];
  return byText.get(`${e.type}\u0000${normText(e.text)}`) ?? [`text:${normText(e.text)}`];
}

interface Scored {
  perLabel: Record<string, Prf>;
  micro: Prf;
}

/** Lenient one-to-one matching of mention-level relations (argument spans overlap, same label). */
export class LenientRelationScorer {
  readonly perLabel = new Map<string, Counts>();
  constructor(private readonly symmetric: ReadonlySet<string> = SYMMETRIC) {}

  add(gold: readonly { label: string; s: Span; o: Span }[], pred: readonly { label: string; s: Span; o: Span }[]): void {
    const ov = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
    const dedupe = <T extends { label: string; s: Span; o: Span }>(xs: readonly T[]) => [...new Map(xs.map((x) => [`${x.label}|${spanKey(x.s)}|${spanKey(x.o)}`, x])).values()];
    const g = dedupe(gold);
    const p = dedupe(pred);
    const used = new Set<number>();
    const c = (l: string) => {
      let x = this.perLabel.get(l);
      if (!x) this.perLabel.set(l, (x = { tp: 0, fp: 0, fn: 0 }));
      return x;
    };
    for (const r of p) {
      const i = g.findIndex(
        (x, k) => !used.has(k) && x.label === r.label && ((ov(x.s, r.s) && ov(x.o, r.o)) || (this.symmetric.has(r.label) && ov(x.s, r.o) && ov(x.o, r.s))),
      );
      if (i >= 0) {
        used.add(i);
        c(r.label).tp++;
      } else c(r.label).fp++;
    }
    g.forEach((x, k) => {
      if (!used.has(k)) c(x.label).fn++;
    });
  }

  report(): Scored {
    return report(this.perLabel);
  }
}

function report(table: Map<string, Counts>): Scored {
  const perLabel: Record<string, Prf> = {};
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const [l, c] of [...table].sort(([a], [b]) => a.localeCompare(b))) {
    perLabel[l] = prf(c);
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
  }
  return { perLabel, micro: prf(total) };
}

export interface CorpusRelationScore {
  corpus: string;
  split: string;
  mode: 'gold-entities' | 'end-to-end';
  extractor: string;
  level: 'mention' | 'concept';
  docs: number;
  scores: Scored;
  fine?: Scored;
  /** Document level: share of gold concept pairs whose concepts share a sentence (recall ceiling). */
  sentenceCeiling?: number;
  seconds: number;
}

/** Scores one extractor on gold entities. */
export async function scoreGoldEntities(corpus: string, docs: readonly AnnotatedDoc[], extractor: RelationExtractor): Promise<Omit<CorpusRelationScore, 'split' | 'seconds'>> {
  const def = RELATION_CORPORA[corpus]!;
  const scorer = new RelationScorer(SYMMETRIC);
  const fineScorer = new RelationScorer(new Set(['effect', 'mechanism', 'advise', 'int']));
  let reachable = 0;
  let goldPairs = 0;
  for (const ad of docs) {
    const doc = goldDoc(ad);
    // document-level corpora score cross-sentence pairs too
    const rels = await extractor.extractAsync(doc, doc.sentences, { crossSentence: def.level === 'concept' });
    const ents = new Map(doc.entities.map((e) => [e.id, e]));
    const gold = def.gold(ad);
    if (def.level === 'mention') {
      const key = (x: Span | string) => (typeof x === 'string' ? x : spanKey(x));
      const g: ScoredRelation[] = gold.map((r) => ({ label: r.predicate, arg1: key(r.s), arg2: key(r.o) }));
      const p: ScoredRelation[] = [];
      const gf: ScoredRelation[] = gold.map((r) => ({ label: r.fine ?? '', arg1: key(r.s), arg2: key(r.o) }));
      const pf: ScoredRelation[] = [];
      for (const r of rels) {
        const s = ents.get(r.subject)!;
        const o = ents.get(r.object)!;
        if (!inScope(def.scope, r.predicate, s.type, o.type)) continue;
        p.push({ label: r.predicate, arg1: spanKey(s), arg2: spanKey(o) });
        const f = def.fine ? r.attributes?.[def.fine] : undefined;
        if (typeof f === 'string') pf.push({ label: f, arg1: spanKey(s), arg2: spanKey(o) });
      }
      scorer.add(g, p);
      if (def.fine) fineScorer.add(gf, pf);
    } else {
      const byId = new Map(ad.mentions.map((m) => [m.id, m]));
      const p = conceptRelations(rels, ents, def, (e) => conceptsOf(e, ad, byId, new Map()));
      const g = gold.map((r) => ({ label: r.predicate, arg1: r.s as string, arg2: r.o as string }));
      scorer.add(g, p);
      // recall ceiling: gold pairs whose two concepts have mentions in one sentence
      const sentOf = (m: Span) => doc.sentences!.findIndex((s) => m.start >= s.start && m.start < s.end);
      const sents = new Map<string, Set<number>>();
      for (const m of ad.mentions) for (const id of conceptIds(m)) sents.set(id, (sents.get(id) ?? new Set()).add(sentOf(m)));
      for (const r of new Map(g.map((x) => [`${x.label}|${x.arg1}|${x.arg2}`, x])).values()) {
        goldPairs++;
        const a = sents.get(r.arg1);
        const b = sents.get(r.arg2);
        if (a && b && [...a].some((x) => b.has(x))) reachable++;
      }
    }
  }
  const out: Omit<CorpusRelationScore, 'split' | 'seconds'> = { corpus, mode: 'gold-entities', extractor: extractor.name, level: def.level, docs: docs.length, scores: scorer.report() };
  if (def.fine) out.fine = fineScorer.report();
  if (def.level === 'concept') out.sentenceCeiling = goldPairs ? reachable / goldPairs : 0;
  return out;
}

function conceptRelations(rels: readonly Relation[], ents: Map<string, Entity>, def: CorpusDef, concepts: (e: Entity) => string[]): ScoredRelation[] {
  const out: ScoredRelation[] = [];
  for (const r of rels) {
    const s = ents.get(r.subject)!;
    const o = ents.get(r.object)!;
    if (!inScope(def.scope, r.predicate, s.type, o.type)) continue;
    for (const a of concepts(s)) for (const b of concepts(o)) if (a !== b) out.push({ label: r.predicate, arg1: a, arg2: b });
  }
  return out;
}

/** Scores the full pipeline (NER + relations) against gold relations. */
export async function scoreEndToEnd(corpus: string, docs: readonly AnnotatedDoc[], model: string, relationModel: string, modelsDir?: string, allTypes = false): Promise<Omit<CorpusRelationScore, 'split' | 'seconds'>> {
  const def = RELATION_CORPORA[corpus]!;
  const p = await pipeline({ model, relationModel, components: ['sentences', ...NER_STEPS, 'relations'], ...(modelsDir ? { modelsDir } : {}) });
  const types = [...new Set(def.scope.flatMap((s) => [...s.subject, ...s.object]))];
  const lenient = new LenientRelationScorer();
  const exact = new RelationScorer(SYMMETRIC);
  try {
    for (const ad of docs) {
      const doc: Doc = await p.run(ad.text, { ...(allTypes ? {} : { entityTypes: types }), crossSentence: def.level === 'concept' }, ad.id);
      const ents = new Map(doc.entities.map((e) => [e.id, e]));
      const gold = def.gold(ad);
      if (def.level === 'mention') {
        const pred = doc.relations.flatMap((r) => {
          const s = ents.get(r.subject)!;
          const o = ents.get(r.object)!;
          return inScope(def.scope, r.predicate, s.type, o.type) ? [{ label: r.predicate, s: s as Span, o: o as Span }] : [];
        });
        lenient.add(
          gold.map((g) => ({ label: g.predicate, s: g.s as Span, o: g.o as Span })),
          pred,
        );
      } else {
        const byText = new Map<string, string[]>();
        for (const m of ad.mentions) {
          if (!m.type) continue;
          const k = `${m.type}\u0000${normText(m.text)}`;
          byText.set(k, [...new Set([...(byText.get(k) ?? []), ...conceptIds(m)])]);
        }
        const pr = conceptRelations(doc.relations, ents, def, (e) => conceptsOf({ ...e, id: '' }, ad, new Map(), byText));
        exact.add(
          gold.map((r) => ({ label: r.predicate, arg1: r.s as string, arg2: r.o as string })),
          pr,
        );
      }
    }
  } finally {
    await p.dispose();
  }
  return { corpus, mode: 'end-to-end', extractor: relationModel, level: def.level, docs: docs.length, scores: def.level === 'mention' ? lenient.report() : exact.report() };
}

// ---------------------------------------------------------------- the hand-annotated dev set

export interface DevsetSentence {
  id: string;
  source: string;
  text: string;
  entities: { id: string; text: string; type: EntityType; occurrence?: number; assertion?: string }[];
  relations: [string, Predicate, string][];
}

export interface Devset {
  description?: string;
  sentences: DevsetSentence[];
}

/** The dev set as gold Docs (entity offsets found from their text; `occurrence` picks the n-th, 1-based). */
export function loadDevset(file = packagePath(DEVSET_FILE)): { docs: Doc[]; gold: Relation[][] } {
  const set = JSON.parse(readFileSync(file, 'utf8')) as Devset;
  const docs: Doc[] = [];
  const gold: Relation[][] = [];
  for (const s of set.sentences) {
    const entities: Entity[] = s.entities.map((e) => {
      let at = -1;
      for (let n = 0; n < (e.occurrence ?? 1); n++) at = s.text.indexOf(e.text, at + 1);
      if (at < 0) throw new Error(`devset ${s.id}: entity "${e.text}" not in text`);
      const ent: Entity = { id: e.id, text: e.text, type: e.type, start: at, end: at + e.text.length, confidence: 1 };
      if (e.assertion) ent.attributes = { assertion: e.assertion };
      return ent;
    });
    docs.push({ id: s.id, text: s.text, entities, relations: [] });
    gold.push(s.relations.map(([a, p, b], i) => ({ id: `G${i + 1}`, subject: a, predicate: p, object: b, confidence: 1 })));
  }
  return { docs, gold };
}

export async function scoreDevset(extractor: RelationExtractor, file?: string): Promise<Scored> {
  const { docs, gold } = loadDevset(file);
  const scorer = new RelationScorer(SYMMETRIC);
  for (const [i, d] of docs.entries()) {
    const rels = await extractor.extractAsync(d);
    scorer.add(
      gold[i]!.map((r) => ({ label: r.predicate, arg1: r.subject, arg2: r.object })),
      rels.map((r) => ({ label: r.predicate, arg1: r.subject, arg2: r.object })),
    );
  }
  return scorer.report();
}

// ---------------------------------------------------------------- the task

const pct = (x: number) => Number((100 * x).toFixed(2));
const prfRow = (lead: (string | number)[], s: Prf) => [...lead, pct(s.precision), pct(s.recall), pct(s.f1), s.tp, s.fp, s.fn];

export async function runRelationsEval(options: EvalOptions): Promise<EvalReport> {
  const model = options.model ?? 'baseline';
  const split = options.split ?? 'test';
  const corpora = options.corpora ?? RELATION_EVAL_CORPORA;
  const results: CorpusRelationScore[] = [];
  const skipped: string[] = [];
  const header = ['corpus', 'mode', 'extractor', 'predicate', 'P', 'R', 'F1', 'TP', 'FP', 'FN'];
  const rows: (string | number)[][] = [];
  const fineRows: (string | number)[][] = [];
  const devRows: (string | number)[][] = [];
  for (const corpus of corpora) {
    if (corpus === 'devset') {
      const file = packagePath(DEVSET_FILE);
      if (!existsSync(file)) {
        skipped.push('devset (file not found)');
        continue;
      }
      for (const name of RELATION_EVAL_EXTRACTORS) {
        const t0 = performance.now();
        const scores = await scoreDevset(relationExtractor(name, options.modelsDir), file);
        const n = loadDevset(file).docs.length;
        results.push({ corpus: 'devset', split: 'dev', mode: 'gold-entities', extractor: name, level: 'mention', docs: n, scores, seconds: (performance.now() - t0) / 1000 });
        for (const [label, s] of Object.entries(scores.perLabel)) devRows.push(prfRow([name, label], s));
        devRows.push(prfRow([name, 'micro'], scores.micro));
      }
      continue;
    }
    if (!RELATION_CORPORA[corpus]) {
      skipped.push(`${corpus} (no relation mapping)`);
      continue;
    }
    if (!CORPORA[corpus]?.splits[split]) {
      skipped.push(`${corpus} (no ${split} split)`);
      continue;
    }
    let docs = loadCorpus(corpus, split);
    if (options.limit) docs = docs.slice(0, options.limit);
    for (const name of RELATION_EVAL_EXTRACTORS) {
      const t0 = performance.now();
      const r = await scoreGoldEntities(corpus, docs, relationExtractor(name, options.modelsDir));
      results.push({ ...r, split, seconds: (performance.now() - t0) / 1000 });
    }
    const t0 = performance.now();
    const e2e = await scoreEndToEnd(corpus, docs, modelForCorpus(model, corpus), DEFAULT_RELATION_MODEL, options.modelsDir, options.allTypes);
    results.push({ ...e2e, split, seconds: (performance.now() - t0) / 1000 });
  }
  for (const r of results.filter((x) => x.corpus !== 'devset')) {
    const mode = r.mode === 'end-to-end' ? `end-to-end (${modelForCorpus(model, r.corpus)}${r.level === 'mention' ? ', lenient spans' : ', concept pairs'})` : `gold entities (${r.level === 'concept' ? 'concept pairs' : 'exact spans'})`;
    for (const [label, s] of Object.entries(r.scores.perLabel)) rows.push(prfRow([r.corpus, mode, r.extractor, label], s));
    if (Object.keys(r.scores.perLabel).length > 1) rows.push(prfRow([r.corpus, mode, r.extractor, 'micro'], r.scores.micro));
    if (r.fine && r.extractor !== 'rules') {
      for (const [label, s] of Object.entries(r.fine.perLabel)) fineRows.push(prfRow([r.corpus, r.extractor, label], s));
      fineRows.push(prfRow([r.corpus, r.extractor, 'micro'], r.fine.micro));
    }
  }
  const tables: ReportTable[] = [
    { title: `Relations, split ${split} (P/R/F1 in %)`, header, rows },
  ];
  if (fineRows.length) tables.push({ title: 'Fine classes with gold entities: DDI type, ChemProt class', header: ['corpus', 'extractor', 'class', 'P', 'R', 'F1', 'TP', 'FP', 'FN'], rows: fineRows });
  const ceilings = results.filter((r) => r.sentenceCeiling !== undefined && r.extractor === 'relations-lr');
  if (ceilings.length) {
    tables.push({
      title: 'Document-level corpora: share of gold concept pairs that co-occur in a sentence (recall ceiling of sentence-level extraction)',
      header: ['corpus', 'ceiling %'],
      rows: ceilings.map((r) => [r.corpus, pct(r.sentenceCeiling!)]),
    });
  }
  if (devRows.length) tables.push({ title: `Hand-annotated dev set (${DEVSET_FILE}, gold entities)`, header: ['extractor', 'predicate', 'P', 'R', 'F1', 'TP', 'FP', 'FN'], rows: devRows });
  return { task: 'relations', tables, data: { model, split, results, skipped } };
}

registerEvalTask({
  name: 'relations',
  description: 'relation P/R/F1 per corpus and predicate, gold entities and end to end (+ the hand-annotated dev set)',
  run: runRelationsEval,
});
