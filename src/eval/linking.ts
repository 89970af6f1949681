/**
 * `medical-ner eval --task linking`: entity linking scores and code coverage.
 *
 * 1. Normalisation, as in the BC5CDR disease/chemical normalisation task: document-level concept-id
 *    precision/recall/F1 (the set of ids predicted for a document against the gold set), on
 *    - BC5CDR test (MeSH; chemicals and diseases),
 *    - NCBI-disease test (MeSH or OMIM ids; a MeSH and an OMIM id of one mention are alternatives: either counts),
 *    - BioRED dev (NCBI Gene for genes; MeSH for diseases and chemicals; BioRED's test split is held out).
 *    Default: on gold mentions (linking alone), plus mention-level accuracy and a threshold sweep.
 *    With `--model NAME`: end to end, the NER model's entities linked by the pipeline's linker.
 * 2. Coverage (test split, default model; not with `--model`): for each entity type, the share of predicted entities (the NER model on the test splits of the
 *    NER corpora) that get a UMLS CUI, a SNOMED CT id, an RxNorm id, a LOINC id, …
 * 3. Cost: lexicon load time, RSS, mentions linked per second.
 */
import type { AnnotatedDoc, Mention } from '../core/corpus.js';
import type { EntityType } from '../core/types.js';
import { loadCorpus } from '../corpora/index.js';
import { getLinker, type Linker, type LinkContext, type LinkResult } from '../linking/index.js';
import { defaultModelName, NER_STEPS, pipeline } from '../pipeline.js';
import { modelForCorpus, NER_EVAL_CORPORA } from './ner.js';
import { prf, type Counts, type Prf } from './score.js';
import { registerEvalTask, type EvalOptions, type EvalReport, type ReportTable } from './task.js';

/** Which gold ids a corpus uses, per canonical type. */
export interface LinkSpec {
  corpus: string;
  types: EntityType[];
  system: (t: EntityType) => 'mesh' | 'ncbi_gene';
  /** A mention's MeSH and OMIM ids name one concept twice (NCBI-disease), not several concepts (`goldGroups`). */
  alternatives: boolean;
  /** OMIM ids count (NCBI-disease). */
  omim: boolean;
}

export const LINK_SPECS: Record<string, LinkSpec> = {
  bc5cdr: { corpus: 'bc5cdr', types: ['DISEASE', 'DRUG'], system: () => 'mesh', alternatives: false, omim: false },
  'ncbi-disease': { corpus: 'ncbi-disease', types: ['DISEASE'], system: () => 'mesh', alternatives: true, omim: true },
  biored: { corpus: 'biored', types: ['GENE', 'DISEASE', 'DRUG'], system: (t) => (t === 'GENE' ? 'ncbi_gene' : 'mesh'), alternatives: false, omim: true },
};
export const LINK_EVAL_CORPORA = ['bc5cdr', 'ncbi-disease', 'biored'];

const THRESHOLDS = [0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

const normId = (id: string) => id.trim().replace(/^MESH:/i, '');

/** Gold concept groups of a mention: each group is a set of alternative ids. */
export function goldGroups(m: Mention, spec: LinkSpec): string[][] {
  const ids = (m.ids ?? []).map(normId).filter((x) => x && x !== '-1' && x !== '-');
  if (!ids.length) return [];
  const parts = ids.flatMap((id) => id.split(/[|+]/).map(normId)).filter(Boolean);
  // NCBI-disease joins the concepts of a composite mention with "|" ("breast and ovarian cancers": D001943|D010051;
  // 62 of its 93 training mentions with "|" are CompositeMentions), and "+" those of a combined concept ("ochronotic
  // arthropathy": D009794+D007592); it also names one disease by a MeSH and an OMIM id ("cat eye syndrome":
  // C535918|OMIM:115470). So ids of one vocabulary are separate concepts, and MeSH with OMIM are alternatives.
  const omim = (id: string) => id.startsWith('OMIM:');
  if (spec.alternatives && parts.some(omim) && parts.some((id) => !omim(id))) return [parts];
  return parts.map((p) => [p]);
}

/**
 * The id a link result contributes for a corpus (one per concept), or undefined. A corpus alias that the corpora coded
 * by an OMIM id reports it, as a normaliser trained on them outputs the corpus's ids: NCBI-disease codes "C9
 * deficiency" by OMIM 613825, and the concept lists a MeSH supplementary id first. (Their MeSH ids are not reported
 * so: one learned from BC5CDR's older MeSH release would be wrong for BioRED's newer one.)
 */
function predictedId(r: LinkResult, system: 'mesh' | 'ncbi_gene', omim: boolean, version?: MeshVersion): string | undefined {
  if (omim && system === 'mesh' && r.corpus_id?.startsWith('omim:')) return `OMIM:${r.corpus_id.slice(5)}`;
  const ids = r.xrefs[system] ?? [];
  const first = (system === 'mesh' && version ? ids.find((id) => inVersion(id, version)) : undefined) ?? ids[0];
  if (first) return first;
  if (omim && system === 'mesh') {
    const o = r.xrefs.omim?.[0];
    if (o) return `OMIM:${o}`;
  }
  return undefined;
}

/**
 * The MeSH release a corpus was annotated with, estimated from its TRAINING split: the highest descriptor (D)
 * and supplementary concept (C) numbers among its gold ids. MeSH numbers ids in order of creation, and the
 * lexicon's MeSH is newer than BC5CDR's and NCBI-disease's: a drug promoted from supplementary concept to
 * descriptor since (remifentanil: C071741, now D000077208) carries both ids, and the corpus can only know the
 * old one. The scorer reports the first of the concept's ids that existed in the corpus's release.
 */
interface MeshVersion {
  maxD: number;
  maxC: number;
}

function meshVersion(corpus: string): MeshVersion {
  const v: MeshVersion = { maxD: 0, maxC: 0 };
  for (const d of loadCorpus(corpus, 'train')) {
    for (const m of d.mentions) {
      for (const raw of m.ids ?? []) {
        for (const id of raw.split(/[|+,]/).map(normId)) {
          const x = /^([CD])(\d+)$/.exec(id);
          if (x?.[1] === 'D') v.maxD = Math.max(v.maxD, Number(x[2]));
          else if (x?.[1] === 'C') v.maxC = Math.max(v.maxC, Number(x[2]));
        }
      }
    }
  }
  return v;
}

function inVersion(id: string, v: MeshVersion): boolean {
  const x = /^([CD])(\d+)$/.exec(id);
  return !!x && Number(x[2]) <= (x[1] === 'D' ? v.maxD : v.maxC);
}

/** The concepts a mention names as the pipeline links it: each part of a composite mention (`Linker.linkParts`), else the best one. */
function concepts(linker: Linker, text: string, type: EntityType, ctx: LinkContext): (LinkResult | null)[] {
  const parts = linker.linkParts(text, type, ctx);
  return parts ? parts.map((p) => p.result) : [linker.link(text, type, ctx)];
}

interface Linked {
  doc: number;
  type: EntityType;
  id: string | undefined;
  score: number;
  gold: string[][];
}

/** Document-level P/R/F1 of predicted ids (score ≥ threshold) against gold groups. */
function docLevel(items: Linked[], goldByDoc: Map<number, Map<EntityType, string[][]>>, type: EntityType, threshold: number): Prf {
  const c: Counts = { tp: 0, fp: 0, fn: 0 };
  const predByDoc = new Map<number, Set<string>>();
  for (const it of items) {
    if (it.type !== type || !it.id || it.score < threshold) continue;
    let s = predByDoc.get(it.doc);
    if (!s) predByDoc.set(it.doc, (s = new Set()));
    s.add(it.id);
  }
  for (const [doc, byType] of goldByDoc) {
    const groups = dedupeGroups(byType.get(type) ?? []);
    const pred = predByDoc.get(doc) ?? new Set<string>();
    const matched = new Set<string>();
    for (const g of groups) {
      const hit = g.find((id) => pred.has(id));
      if (hit) {
        c.tp++;
        for (const id of g) matched.add(id);
      } else c.fn++;
    }
    for (const id of pred) if (!matched.has(id)) c.fp++;
  }
  return prf(c);
}

function dedupeGroups(groups: string[][]): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    const k = [...g].sort().join('|');
    if (!seen.has(k)) {
      seen.add(k);
      out.push(g);
    }
  }
  // a group that contains another's only id is the same concept
  return out.filter((g) => !(g.length > 1 && out.some((h) => h !== g && h.length === 1 && g.includes(h[0]!))));
}

const pct = (x: number) => Number((100 * x).toFixed(2));

interface CorpusResult {
  corpus: string;
  split: string;
  type: EntityType;
  mode: 'gold-mentions' | 'end-to-end';
  docs: number;
  mentions: number;
  /** Gold mentions (with an id in the corpus) whose predicted id is one of theirs, at the threshold. */
  accuracy?: number;
  /** Share of gold concept ids that exist in the lexicon at all (an upper bound for recall). */
  idCoverage: number;
  doc: Prf;
  sweep: { threshold: number; p: number; r: number; f1: number }[];
}

/** All mesh / gene ids in the lexicon (for the recall ceiling). */
function lexiconIds(linker: Linker): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>([
    ['mesh', new Set()],
    ['ncbi_gene', new Set()],
    ['omim', new Set()],
  ]);
  const lex = linker.lexicon;
  for (let c = 0; c < lex.size; c++) {
    const s = lex.codesString(c);
    if (!s.includes('mesh=') && !s.includes('ncbi_gene=') && !s.includes('omim=')) continue;
    for (const [sys, ids] of lex.allCodes(c)) {
      const set = out.get(sys);
      if (set) for (const id of ids) set.add(sys === 'omim' ? `OMIM:${id}` : id);
    }
  }
  return out;
}

async function evalCorpus(linker: Linker, spec: LinkSpec, split: 'train' | 'dev' | 'test', options: EvalOptions, known: Map<string, Set<string>>): Promise<CorpusResult[]> {
  let docs: AnnotatedDoc[] = loadCorpus(spec.corpus, split);
  if (options.limit) docs = docs.slice(0, options.limit);
  const goldByDoc = new Map<number, Map<EntityType, string[][]>>();
  const items: Linked[] = [];
  const mentionCount = new Map<EntityType, number>();
  docs.forEach((d, i) => {
    const byType = new Map<EntityType, string[][]>();
    for (const m of d.mentions) {
      if (!m.type || !spec.types.includes(m.type)) continue;
      const g = goldGroups(m, spec);
      byType.set(m.type, [...(byType.get(m.type) ?? []), ...g]);
    }
    goldByDoc.set(i, byType);
  });
  const e2e = options.model !== undefined;
  const version = meshVersion(spec.corpus);
  if (!e2e) {
    docs.forEach((d, i) => {
      const ctx = linker.context(d.text);
      for (const m of d.mentions) {
        if (!m.type || !spec.types.includes(m.type)) continue;
        mentionCount.set(m.type, (mentionCount.get(m.type) ?? 0) + 1);
        const gold = goldGroups(m, spec);
        for (const r of concepts(linker, m.text, m.type, ctx)) items.push({ doc: i, type: m.type, id: r ? predictedId(r, spec.system(m.type), spec.omim, version) : undefined, score: r ? r.score : 0, gold });
      }
    });
  } else {
    const p = await pipeline({ model: modelForCorpus(options.model!, spec.corpus), components: [...NER_STEPS, 'linker'], ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}) });
    try {
      for (let i = 0; i < docs.length; i++) {
        const doc = await p.run(docs[i]!.text, options.allTypes ? {} : { entityTypes: spec.types }, docs[i]!.id);
        const ctx = linker.context(docs[i]!.text);
        for (const e of doc.entities) {
          if (!spec.types.includes(e.type)) continue;
          mentionCount.set(e.type, (mentionCount.get(e.type) ?? 0) + 1);
          // the entity's codes hold one id per system (no OMIM): the concept the pipeline linked (same linker, same
          // document context) gives the id the corpus would use
          const linked = typeof e.attributes?.link_score === 'number';
          for (const r of linked ? concepts(linker, e.text, e.type, ctx) : [null]) {
            const id = r ? predictedId(r, spec.system(e.type), spec.omim, version) : undefined;
            items.push({ doc: i, type: e.type, id, score: r?.score ?? 0, gold: [] });
          }
        }
      }
    } finally {
      await p.dispose();
    }
  }
  const out: CorpusResult[] = [];
  for (const type of spec.types) {
    const allGold = [...goldByDoc.values()].flatMap((m) => m.get(type) ?? []);
    if (!allGold.length) continue;
    const ids = new Set(allGold.flat());
    const sys = spec.system(type);
    const inLex = [...ids].filter((id) => known.get(sys)!.has(id) || (spec.omim && known.get('omim')!.has(id))).length;
    const th = e2e ? 0 : linker.thresholds[type];
    const res: CorpusResult = {
      corpus: spec.corpus,
      split,
      type,
      mode: e2e ? 'end-to-end' : 'gold-mentions',
      docs: docs.length,
      mentions: mentionCount.get(type) ?? 0,
      idCoverage: ids.size ? inLex / ids.size : 0,
      doc: docLevel(items, goldByDoc, type, th),
      sweep: e2e ? [] : THRESHOLDS.map((t) => {
        const s = docLevel(items, goldByDoc, type, t);
        return { threshold: t, p: s.precision, r: s.recall, f1: s.f1 };
      }),
    };
    if (!e2e) res.accuracy = accuracyAt(items, type, th);
    out.push(res);
  }
  return out;
}

function accuracyAt(items: Linked[], type: EntityType, th: number): number {
  let n = 0;
  let ok = 0;
  for (const it of items) {
    if (it.type !== type || !it.gold.length) continue;
    n++;
    if (it.id && it.score >= th && it.gold.some((g) => g.includes(it.id!))) ok++;
  }
  return n ? ok / n : 0;
}

// ------------------------------------------------------------------------------------------------ coverage

const COVERAGE_SYSTEMS = ['umls_cui', 'snomed', 'rxnorm', 'loinc', 'mesh', 'icd10cm', 'ncbi_gene'] as const;

interface CoverageRow {
  type: EntityType;
  entities: number;
  linked: number;
  bySystem: Record<string, number>;
}

async function coverage(options: EvalOptions): Promise<{ model: string; corpora: string[]; rows: CoverageRow[]; seconds: number }> {
  const model = options.model ?? defaultModelName();
  const t0 = performance.now();
  const p = await pipeline({ model, components: [...NER_STEPS, 'linker'], ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}) });
  const rows = new Map<EntityType, CoverageRow>();
  const corpora: string[] = [];
  try {
    for (const corpus of NER_EVAL_CORPORA) {
      let docs: AnnotatedDoc[];
      try {
        docs = loadCorpus(corpus, 'test');
      } catch {
        continue;
      }
      if (options.limit) docs = docs.slice(0, options.limit);
      corpora.push(corpus);
      for (const d of docs) {
        const doc = await p.run(d.text, {}, d.id);
        for (const e of doc.entities) {
          let r = rows.get(e.type);
          if (!r) rows.set(e.type, (r = { type: e.type, entities: 0, linked: 0, bySystem: {} }));
          r.entities++;
          if (e.preferred_name) r.linked++;
          for (const s of COVERAGE_SYSTEMS) if (e.codes?.[s]) r.bySystem[s] = (r.bySystem[s] ?? 0) + 1;
        }
      }
    }
  } finally {
    await p.dispose();
  }
  return { model, corpora, rows: [...rows.values()].sort((a, b) => a.type.localeCompare(b.type)), seconds: (performance.now() - t0) / 1000 };
}

// ------------------------------------------------------------------------------------------------ task

export async function runLinkingEval(options: EvalOptions): Promise<EvalReport> {
  const split = options.split ?? 'test';
  const corpora = (options.corpora ?? LINK_EVAL_CORPORA).filter((c) => LINK_SPECS[c]);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const linker = getLinker();
  const loadMs = performance.now() - t0;
  const rssAfterLoad = process.memoryUsage().rss;
  const known = lexiconIds(linker);
  const results: CorpusResult[] = [];
  let mentions = 0;
  const tLink = performance.now();
  for (const c of corpora) {
    // BioRED's test split is held out: its dev split stands in for "test"
    const s = c === 'biored' && split === 'test' ? 'dev' : split;
    const rs = await evalCorpus(linker, LINK_SPECS[c]!, s, options, known);
    for (const r of rs) mentions += r.mentions;
    results.push(...rs);
  }
  const linkSeconds = (performance.now() - tLink) / 1000;
  const mode = options.model ? `end to end, model ${options.model}` : 'gold mentions';
  const tables: ReportTable[] = [
    {
      title: `Linking: document-level concept ids (${mode}, split ${split}${split === 'test' ? '; BioRED: dev, its test split is held out' : ''})`,
      header: ['corpus', 'split', 'type', 'ids', 'docs', 'mentions', 'P', 'R', 'F1', 'mention acc', 'ids in lexicon %'],
      rows: results.map((r) => [
        r.corpus,
        r.split,
        r.type,
        LINK_SPECS[r.corpus]!.system(r.type) === 'mesh' ? (LINK_SPECS[r.corpus]!.omim ? 'MeSH/OMIM' : 'MeSH') : 'NCBI Gene',
        r.docs,
        r.mentions,
        pct(r.doc.precision),
        pct(r.doc.recall),
        pct(r.doc.f1),
        r.accuracy === undefined ? '' : pct(r.accuracy),
        pct(r.idCoverage),
      ]),
    },
  ];
  if (!options.model) {
    tables.push({
      title: `Linking: document-level F1 (%) by score threshold (split ${split}; tune on train/dev only)`,
      header: ['corpus', 'type', ...THRESHOLDS.map((t) => `≥${t}`)],
      rows: results.map((r) => [r.corpus, r.type, ...r.sweep.map((s) => pct(s.f1))]),
    });
  }
  // coverage is defined on the test splits for the default model: tuning runs (--split train/dev) and
  // end-to-end runs (--model) skip it
  const cov = split === 'test' && !options.model ? await coverage(options) : undefined;
  if (cov) tables.push({
    title: `Coverage: share (%) of predicted entities with each code (model ${cov.model}, test splits of ${cov.corpora.join(', ')})`,
    header: ['type', 'entities', 'linked', 'UMLS CUI', 'SNOMED CT', 'RxNorm', 'LOINC', 'MeSH', 'ICD-10-CM', 'NCBI Gene'],
    rows: cov.rows.map((r) => [
      r.type,
      r.entities,
      pct(r.linked / r.entities),
      ...COVERAGE_SYSTEMS.map((s) => pct((r.bySystem[s] ?? 0) / r.entities)),
    ]),
  });
  const lex = linker.lexicon;
  tables.push({
    title: 'Linking cost',
    header: ['lexicon load ms', 'RSS after load MB', 'RSS growth at load MB', 'lexicon files MB', 'concepts', 'names', 'mentions linked/s', 'n-gram index MB'],
    rows: [[
      Number(loadMs.toFixed(0)),
      Number((rssAfterLoad / 1e6).toFixed(0)),
      Number(((rssAfterLoad - rss0) / 1e6).toFixed(0)),
      Number((lex.stats.fileBytes / 1e6).toFixed(2)),
      lex.stats.concepts,
      lex.stats.names,
      options.model ? '' : Number((mentions / linkSeconds).toFixed(0)),
      Number((linker.ngramBytes() / 1e6).toFixed(1)),
    ]],
  });
  return { task: 'linking', tables, data: { split, mode, results, coverage: cov, cost: { loadMs, rssAfterLoad, rss0, lexicon: lex.stats, linkSeconds, mentions } } };
}

registerEvalTask({
  name: 'linking',
  description: 'concept normalisation P/R/F1 (BC5CDR, NCBI-disease: MeSH; BioRED genes: NCBI Gene) and code coverage per type',
  run: runLinkingEval,
});
