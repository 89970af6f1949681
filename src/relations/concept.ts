/**
 * Document-level drug→disease CAUSES, as BC5CDR's CID task asks it: does this chemical induce this disease
 * anywhere in the abstract? The sentence level reports a pair when one mention pair passes its threshold; a
 * drug concept × disease concept pair it did not report is scored here by one logistic regression over numeric
 * features: what the sentence level said of all its mention pairs (best and mean calibrated CAUSES, best
 * TREATS), the cross-sentence head's probability where they never share a sentence (document.ts), where and
 * how often each concept is mentioned, and how sure the document is of its other pairs. It only adds: a
 * version that also removed reported pairs gained on BC5CDR and lost on BioRED (dev, cross-validated; see
 * docs/relations.md). Trained by `scripts/train-concept-head.ts` on BC5CDR and BioRED dev, where the sentence
 * heads' probabilities are out of sample (their calibration split).
 */
import { readFileSync } from 'node:fs';
import { MedicalNerError } from '../core/errors.js';
import type { Entity, Predicate, Relation, Span } from '../core/types.js';
import { sigmoid } from '../ml/linear.js';
import { concepts, type DocPair } from './document.js';

export interface ConceptHeadJson {
  format: 'concept-head/1';
  features: string[];
  /** Standardisation of each feature (the weights are on the standardised scale). */
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
  /** Probability of CAUSES needed to report a concept pair. */
  threshold: number;
  /** How it was made: command, data, cross-validated figures. */
  trained?: Record<string, unknown>;
}

/** The head's file, beside the dense heads of `relations-nn`. */
export const CONCEPT_HEAD_FILE = 'document.json';

/** Reads a concept head; its features must be this code's, in this order. */
export function readConceptHead(file: string): ConceptHeadJson {
  const head = JSON.parse(readFileSync(file, 'utf8')) as ConceptHeadJson;
  const n = CONCEPT_FEATURES.length;
  const fits = head.format === 'concept-head/1' && head.features?.join() === CONCEPT_FEATURES.join() && [head.mean, head.std, head.weights].every((a) => a?.length === n);
  if (!fits) throw new MedicalNerError('MODEL_NOT_FOUND', `${file}: not a concept head with the features ${CONCEPT_FEATURES.join(', ')} (delete it and retrain: node --import tsx scripts/train-concept-head.ts)`);
  return head;
}

/** The calibrated predicate probabilities of one scored mention pair of a sentence. */
export interface PairScore {
  subject: Entity;
  object: Entity;
  sentence: Span;
  confidences: Partial<Record<Predicate, number>>;
}

export const CONCEPT_FEATURES = [
  'shared', 'best_causes', 'best_causes_p', 'mean_causes', 'n_pairs', 'n_sentences', 'best_treats', 'cross',
  'drug_in_title', 'disease_in_title', 'both_in_title', 'drug_mentions', 'disease_mentions', 'drug_top', 'disease_top',
  'drugs', 'diseases', 'drug_first', 'disease_first', 'drug_agent', 'disease_caused', 'doc_best', 'doc_none',
] as const;

export interface ConceptPair {
  drug: string;
  disease: string;
  /** Values in CONCEPT_FEATURES order. */
  features: number[];
  /**
   * What the sentence level reported on one of its mention pairs: CAUSES, else TREATS (the two exclude each other).
   * The head scores only the pairs with neither.
   */
  reported?: 'CAUSES' | 'TREATS';
  /** The mention pair a new relation links: the best-scored pair of a shared sentence, else the closest pair. */
  subject: Entity;
  object: Entity;
  /** The shared sentence of that pair; absent for a pair that never shares one. */
  sentence?: Span;
}

/** Bounded logit: a probability of 0 or 1 must not dominate a standardised feature. */
const lg = (p: number) => {
  const q = Math.min(1 - 1e-4, Math.max(1e-4, p));
  return Math.log(q / (1 - q));
};
export const conceptPairKey = (drug: string, disease: string) => `${drug}\u0000${disease}`;

/**
 * Every drug–disease concept pair of a document with its features. `scores`: the sentence level's drug→disease
 * mention pairs; `found`: its relations; `cross`: the cross-sentence head's pairs with their probability, by
 * `conceptPairKey` (`sorted`: sentences in text order).
 */
export function conceptPairs(
  text: string,
  entities: readonly Entity[],
  sorted: readonly Span[],
  scores: readonly PairScore[],
  found: readonly Relation[],
  cross: ReadonlyMap<string, { pair: DocPair; p: number }>,
): ConceptPair[] {
  if (!sorted.length) return [];
  const drugs = concepts(entities, 'DRUG', sorted);
  const diseases = concepts(entities, 'DISEASE', sorted);
  if (!drugs.length || !diseases.length) return [];
  const drugOf = new Map(drugs.flatMap((c) => c.mentions.map((m) => [m, c.key] as const)));
  const diseaseOf = new Map(diseases.flatMap((c) => c.mentions.map((m) => [m, c.key] as const)));
  const byPair = new Map<string, PairScore[]>();
  const agent = new Map<string, number>();
  const caused = new Map<string, number>();
  let docBest = 0;
  for (const s of scores) {
    const d = drugOf.get(s.subject);
    const z = diseaseOf.get(s.object);
    if (d === undefined || z === undefined) continue;
    const k = conceptPairKey(d, z);
    const list = byPair.get(k);
    if (list) list.push(s);
    else byPair.set(k, [s]);
    const c = s.confidences.CAUSES ?? 0;
    agent.set(d, Math.max(agent.get(d) ?? 0, c));
    caused.set(z, Math.max(caused.get(z) ?? 0, c));
    docBest = Math.max(docBest, c);
  }
  const byId = new Map(entities.map((e) => [e.id, e]));
  const reported = new Map<string, 'CAUSES' | 'TREATS'>();
  for (const r of found) {
    const s = byId.get(r.subject);
    const o = byId.get(r.object);
    if ((r.predicate !== 'CAUSES' && r.predicate !== 'TREATS') || !s || !o) continue;
    const d = drugOf.get(s);
    const z = diseaseOf.get(o);
    if (d === undefined || z === undefined) continue;
    const k = conceptPairKey(d, z);
    if (reported.get(k) !== 'CAUSES') reported.set(k, r.predicate);
  }
  // loops, not Math.max(...): a long document can have more mentions than a call has room for arguments
  const max = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, b), -Infinity);
  const min = (xs: readonly number[]) => xs.reduce((a, b) => Math.min(a, b), Infinity);
  const top = (list: typeof drugs) => max(list.map((c) => c.mentions.length));
  const [drugTop, diseaseTop] = [top(drugs), top(diseases)];
  const firstChar = (c: (typeof drugs)[number]) => min(c.mentions.map((m) => m.start)) / Math.max(text.length, 1);
  const out: ConceptPair[] = [];
  for (const d of drugs) {
    for (const z of diseases) {
      const k = conceptPairKey(d.key, z.key);
      const pairs = byPair.get(k) ?? [];
      const c = pairs.map((s) => s.confidences.CAUSES ?? 0);
      const best = pairs.reduce<PairScore | undefined>((a, s) => (!a || (s.confidences.CAUSES ?? 0) > (a.confidences.CAUSES ?? 0) ? s : a), undefined);
      const shared = pairs.length > 0 ? 1 : 0;
      const bestC = shared ? max(c) : 0;
      const x = cross.get(k);
      const dT = d.sentences.has(0) ? 1 : 0;
      const zT = z.sentences.has(0) ? 1 : 0;
      const values: Record<(typeof CONCEPT_FEATURES)[number], number> = {
        shared,
        best_causes: shared * lg(bestC),
        best_causes_p: bestC,
        mean_causes: shared ? c.reduce((a, b) => a + b, 0) / c.length : 0,
        n_pairs: Math.log1p(pairs.length),
        n_sentences: Math.log1p(new Set(pairs.map((s) => s.sentence.start)).size),
        best_treats: shared * lg(max([0, ...pairs.map((s) => s.confidences.TREATS ?? 0)])),
        cross: !shared && x ? lg(x.p) : 0,
        drug_in_title: dT,
        disease_in_title: zT,
        both_in_title: dT * zT,
        drug_mentions: Math.log(d.mentions.length),
        disease_mentions: Math.log(z.mentions.length),
        drug_top: d.mentions.length === drugTop ? 1 : 0,
        disease_top: z.mentions.length === diseaseTop ? 1 : 0,
        drugs: Math.log(drugs.length),
        diseases: Math.log(diseases.length),
        drug_first: firstChar(d),
        disease_first: firstChar(z),
        drug_agent: lg(agent.get(d.key) ?? 0),
        disease_caused: lg(caused.get(z.key) ?? 0),
        doc_best: lg(docBest),
        doc_none: docBest < 0.5 ? 1 : 0,
      };
      const subject = best?.subject ?? x?.pair.subject ?? d.mentions[0]!;
      const object = best?.object ?? x?.pair.object ?? z.mentions[0]!;
      const pair: ConceptPair = { drug: d.key, disease: z.key, features: CONCEPT_FEATURES.map((f) => values[f]), subject, object };
      if (best) pair.sentence = best.sentence;
      const said = reported.get(k);
      if (said) pair.reported = said;
      out.push(pair);
    }
  }
  return out;
}

/** Probability that the concept pair is a document-level CAUSES. */
export function conceptScore(head: ConceptHeadJson, pair: ConceptPair): number {
  let z = head.bias;
  pair.features.forEach((v, i) => {
    z += head.weights[i]! * ((v - head.mean[i]!) / head.std[i]!);
  });
  return sigmoid(z);
}
