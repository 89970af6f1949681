/**
 * Relation extraction over a Doc: candidate pairs are entities of one sentence whose types fit a
 * rule or a classifier head; rules (precise patterns) and the classifier (calibrated probability)
 * both vote, rules win conflicts. INTERACTS_WITH is reported once per pair (subject = first in text).
 * On request (`crossSentence`), drug→disease CAUSES at the document level: with `relations-nn`'s concept head,
 * decided per concept pair from all its mention pairs and document features (concept.ts); with `relations-lr`,
 * added for concepts that never share a sentence (document.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { round } from '../core/doc.js';
import { MedicalNerError } from '../core/errors.js';
import { packagePath } from '../core/paths.js';
import type { Doc, Entity, Predicate, Relation, Span } from '../core/types.js';
import { softmaxScores } from '../ml/linear.js';
import { splitSentences } from '../text/sentences.js';
import type { CueLexicon, PairView, SentenceView } from './features.js';
import { argumentsOverlap, isSubjectFirst, pairFeatures, pairView, sentencePairs } from './features.js';
import { headFits } from './data.js';
import { conceptPairKey, conceptPairs, conceptScore, type ConceptHeadJson, type ConceptPair, type PairScore } from './concept.js';
import { documentEvidence, documentPairs, documentScore, type DocHeadJson, type DocPair } from './document.js';
import type { HeadJson, LrModelJson } from './lr.js';
import { decide, predictHead, readLrModel } from './lr.js';
import { DenseHeads, type DensePair } from './dense.js';
import type { CompiledRule, RuleSet } from './rules.js';
import { applyRules, compileRules, compileVetoes, cueLexicon, DEFAULT_RULESET, ruleMatches } from './rules.js';
import { EXCLUSIVE_GROUPS, SYMMETRIC } from './schema.js';

export const RELATION_MODELS = ['rules', 'relations-lr', 'relations-nn'] as const;
export const DEFAULT_RELATION_MODEL = 'relations-nn';

export interface ExtractorConfig {
  /** Name written to each relation's `attributes.source` and the Doc meta. */
  name: string;
  /** Use the rule patterns (default true). */
  rules?: boolean;
  /** Classifier heads; none for the rules-only extractor. */
  model?: LrModelJson;
  /** Dense heads over the NER encoder's vectors, mixed with the classifier heads of the same name. */
  dense?: DenseHeads;
  ruleSet?: RuleSet;
}

export interface ExtractOptions {
  /** Drug→disease CAUSES at the document level (concept pairs, also across sentences). */
  crossSentence?: boolean;
  /** Training hook: the document's drug–disease concept pairs with their features (with `crossSentence`). */
  onConceptPairs?: (pairs: ConceptPair[]) => void;
}

/** Dense class probabilities per ordered entity pair and head (key: `denseKey`). */
type DenseProbs = Map<string, Float32Array>;
const denseKey = (subject: Entity, object: Entity, head: string) => `${subject.id}\u0000${object.id}\u0000${head}`;

/** A proposed relation before conflicts are resolved. */
interface Proposal {
  subject: Entity;
  object: Entity;
  predicate: Predicate;
  confidence: number;
  fromRule?: string;
  modelConfidence?: number;
  fine?: { attribute: string; value: string };
  sentence: Span;
}

export class RelationExtractor {
  readonly rules: readonly CompiledRule[];
  readonly vetoes: readonly CompiledRule[];
  readonly heads: readonly HeadJson[];
  readonly cues: CueLexicon;

  constructor(readonly config: ExtractorConfig) {
    const set = config.ruleSet ?? DEFAULT_RULESET;
    this.rules = config.rules === false ? [] : compileRules(set);
    this.vetoes = compileVetoes(set);
    this.heads = config.model?.heads ?? [];
    this.cues = cueLexicon(set);
  }

  get name(): string {
    return this.config.name;
  }

  /** Sentences of the doc (the `sentences` component's, else split here). */
  static sentencesOf(doc: Doc): Span[] {
    return doc.sentences && doc.sentences.length ? doc.sentences : splitSentences(doc.text);
  }

  /** Heads whose signature fits the pair in this role assignment. */
  headsFor(subject: Entity, object: Entity, subjectFirst: boolean): HeadJson[] {
    return this.heads.filter((h) => headFits(h, subject, object, subjectFirst));
  }

  private ruleTypeFits(subject: Entity, object: Entity): boolean {
    return this.rules.some((r) => r.subject.has(subject.type) && r.object.has(object.type));
  }

  /** All proposals for one ordered pair; a drug→disease pair's model probabilities also go to `scores`. */
  private propose(view: SentenceView, subject: Entity, object: Entity, dense?: DenseProbs, scores?: PairScore[]): Proposal[] {
    const subjectFirst = isSubjectFirst(subject, object);
    const heads = this.headsFor(subject, object, subjectFirst);
    const ruleFit = this.ruleTypeFits(subject, object);
    if (!heads.length && !ruleFit) return [];
    const pv: PairView = pairView(view, subject, object, 5);
    const out: Proposal[] = [];
    const sentence = { start: view.start, end: view.end };
    const model = new Map<Predicate, Proposal>();
    if (heads.length && !pv.overlap) {
      const features = pairFeatures(pv, this.cues);
      for (const h of heads) {
        const d = dense?.get(denseKey(subject, object, h.name));
        const p = d ? this.mixed(h, features, d) : predictHead(h, features);
        if (!p) continue;
        if (scores && subject.type === 'DRUG' && object.type === 'DISEASE') scores.push({ subject, object, sentence, confidences: p.confidences });
        const prop: Proposal = { subject, object, predicate: p.predicate, confidence: p.confidence, modelConfidence: p.confidence, sentence };
        if (h.attribute && p.fine) prop.fine = { attribute: h.attribute, value: p.fine };
        model.set(p.predicate, prop);
        if (p.accepted) out.push(prop);
      }
    }
    if (ruleFit) {
      const hits = applyRules(this.rules, pv);
      const seen = new Set<Predicate>();
      for (const hit of hits) {
        if (seen.has(hit.predicate)) continue;
        seen.add(hit.predicate);
        const m = model.get(hit.predicate);
        const prop: Proposal = { subject, object, predicate: hit.predicate, confidence: Math.max(hit.confidence, m?.modelConfidence ?? 0), fromRule: hit.rule, sentence };
        if (m?.modelConfidence !== undefined) prop.modelConfidence = m.modelConfidence;
        if (m?.fine) prop.fine = m.fine;
        const i = out.findIndex((o) => o.predicate === hit.predicate);
        if (i >= 0) out.splice(i, 1);
        out.push(prop);
      }
    }
    return this.vetoes.length ? out.filter((p) => !this.vetoed(view, pv, p.predicate)) : out;
  }

  /** A veto pattern rules the predicate out for this pair (either role order for a symmetric predicate). */
  private vetoed(view: SentenceView, pv: PairView, predicate: Predicate): boolean {
    const vetoes = this.vetoes.filter((v) => v.predicate === predicate);
    if (!vetoes.length) return false;
    if (vetoes.some((v) => ruleMatches(v, pv))) return true;
    if (!SYMMETRIC.has(predicate)) return false;
    const swapped = pairView(view, pv.object, pv.subject, 5);
    return vetoes.some((v) => ruleMatches(v, swapped));
  }

  /** The classifier head's class probabilities averaged with the dense head's, decided with the mixture's calibration. */
  private mixed(h: HeadJson, features: readonly string[], dense: Float32Array) {
    const { mix: defaultMix, heads } = this.config.dense!.config;
    const mix = heads[h.name]!.mix ?? defaultMix;
    const lr = softmaxScores(h, features);
    return decide(h, lr.map((p, k) => (1 - mix) * p + mix * dense[k]!), heads[h.name]);
  }

  /**
   * The relations of a Doc whose entities (with ids) are set. Does not modify the Doc. With dense heads the
   * pairs they cover are scored first (one batched call per head), so this is async; `extract` is the classifier
   * and rules alone.
   */
  async extractAsync(doc: Doc, sentences: readonly Span[] = RelationExtractor.sentencesOf(doc), options: ExtractOptions = {}): Promise<Relation[]> {
    const heads = this.config.dense;
    if (!heads) return this.extract(doc, sentences, options);
    const entities = doc.entities.filter((e) => e.id);
    if (entities.length < 2) return [];
    const pairs: (DensePair & { key: string })[] = [];
    for (const { subject, object, sentence } of sentencePairs(doc.text, entities, sentences)) {
      const subjectFirst = isSubjectFirst(subject, object);
      for (const h of this.headsFor(subject, object, subjectFirst)) {
        if (heads.has(h.name) && !argumentsOverlap(subject, object)) pairs.push({ head: h.name, subject, object, sentence, key: denseKey(subject, object, h.name) });
      }
    }
    const probs = await heads.score(doc, pairs);
    return this.extract(doc, sentences, options, new Map(pairs.map((p, i) => [p.key, probs[i]!])));
  }

  /** The relations of a Doc whose entities (with ids) are set, by rules and classifier heads. Does not modify the Doc. */
  extract(doc: Doc, sentences: readonly Span[] = RelationExtractor.sentencesOf(doc), options: ExtractOptions = {}, dense?: DenseProbs): Relation[] {
    const entities = doc.entities.filter((e) => e.id);
    if (entities.length < 2) return [];
    const proposals: Proposal[] = [];
    const scores: PairScore[] = [];
    for (const { view, subject, object } of sentencePairs(doc.text, entities, sentences)) proposals.push(...this.propose(view, subject, object, dense, options.crossSentence ? scores : undefined));
    const relations = this.resolve(doc, proposals);
    if (!options.crossSentence) return relations;
    const concept = this.config.dense?.concept;
    if (concept || options.onConceptPairs) return this.byConcept(doc, entities, sentences, relations, scores, concept, options.onConceptPairs);
    const head = this.config.model?.document;
    if (head) {
      const sorted = sortedSpans(sentences);
      relations.push(...this.crossSentence(doc, sorted, crossPairs(doc, entities, sorted, relations, head), head.threshold, relations));
    }
    return relations;
  }

  /**
   * Drug→disease CAUSES at the document level with the concept head (concept.ts): a concept pair on which the
   * sentence level reported neither CAUSES nor TREATS gets a relation on its best mention pair when the head is sure
   * enough. Without a concept head (training it), the pairs go to `onPairs` and the relations are those of the
   * cross-sentence head.
   */
  private byConcept(doc: Doc, entities: readonly Entity[], sentences: readonly Span[], found: Relation[], scores: readonly PairScore[], head: ConceptHeadJson | undefined, onPairs?: (pairs: ConceptPair[]) => void): Relation[] {
    const sorted = sortedSpans(sentences);
    const docHead = this.config.model?.document;
    const scored = docHead ? crossPairs(doc, entities, sorted, found, docHead) : [];
    const cross = new Map(scored.map((s) => [conceptPairKey(s.pair.drug.key, s.pair.disease.key), s]));
    const pairs = conceptPairs(doc.text, entities, sorted, scores, found, cross);
    onPairs?.(pairs);
    if (!head) return docHead ? [...found, ...this.crossSentence(doc, sorted, scored, docHead.threshold, found)] : found;
    const out = [...found];
    for (const pair of pairs) {
      if (pair.reported) continue;
      const p = conceptScore(head, pair);
      if (p < head.threshold) continue;
      const ev = pair.sentence ?? documentEvidence(sorted, pair.subject, pair.object);
      const attributes: Record<string, unknown> = { source: this.name, method: 'document', model_confidence: round(p), ...(pair.sentence ? {} : { cross_sentence: true }) };
      flagNegated(attributes, pair.subject, pair.object);
      out.push({ id: `R${out.length + 1}`, subject: pair.subject.id, predicate: 'CAUSES', object: pair.object.id, confidence: round(p), evidence: { start: ev.start, end: ev.end, text: doc.text.slice(ev.start, ev.end) }, attributes });
    }
    return out;
  }

  /** Document-level CAUSES between drug and disease concepts that never share a sentence: the scored pairs at `threshold` or above. */
  private crossSentence(doc: Doc, sorted: readonly Span[], scored: readonly { pair: DocPair; p: number }[], threshold: number, found: readonly Relation[]): Relation[] {
    const out: Relation[] = [];
    for (const { pair, p } of scored) {
      if (p < threshold) continue;
      const ev = documentEvidence(sorted, pair.subject, pair.object);
      const attributes: Record<string, unknown> = { source: this.name, method: 'document', model_confidence: round(p), cross_sentence: true };
      flagNegated(attributes, pair.subject, pair.object);
      out.push({ id: `R${found.length + out.length + 1}`, subject: pair.subject.id, predicate: 'CAUSES', object: pair.object.id, confidence: round(p), evidence: { ...ev, text: doc.text.slice(ev.start, ev.end) }, attributes });
    }
    return out;
  }

  private resolve(doc: Doc, proposals: Proposal[]): Relation[] {
    // One relation per (pair, predicate); symmetric predicates once per unordered pair.
    const best = new Map<string, Proposal>();
    const rank = (p: Proposal) => (p.fromRule ? 1 : 0) + p.confidence / 10;
    for (const p of proposals) {
      const sym = SYMMETRIC.has(p.predicate);
      // same-type symmetric pairs: subject = first in the text; drug–gene pairs keep the drug as subject
      const swap = sym && p.subject.type === p.object.type && p.object.start < p.subject.start;
      const [x, y] = swap ? [p.object, p.subject] : [p.subject, p.object];
      const k = sym ? [x.id, y.id].sort().join('\u0000') + `\u0000${p.predicate}` : `${x.id}\u0000${y.id}\u0000${p.predicate}`;
      const cur = best.get(k);
      if (!cur || rank(p) > rank(cur)) best.set(k, sym ? { ...p, subject: x, object: y } : p);
    }
    // Mutually exclusive predicates on one ordered pair: the rule, else the most confident, wins.
    const byPair = new Map<string, Proposal[]>();
    for (const p of best.values()) {
      const k = `${p.subject.id}\u0000${p.object.id}`;
      byPair.set(k, [...(byPair.get(k) ?? []), p]);
    }
    const kept: Proposal[] = [];
    for (const list of byPair.values()) {
      for (const p of list) {
        const group = EXCLUSIVE_GROUPS.find((g) => g.includes(p.predicate));
        const beaten = group && list.some((q) => q !== p && group.includes(q.predicate) && rank(q) > rank(p));
        if (!beaten) kept.push(p);
      }
    }
    kept.sort((a, b) => a.sentence.start - b.sentence.start || a.subject.start - b.subject.start || a.object.start - b.object.start || a.predicate.localeCompare(b.predicate));
    return kept.map((p, i) => {
      const attributes: Record<string, unknown> = { source: this.name, method: p.fromRule ? (p.modelConfidence !== undefined ? 'rule+model' : 'rule') : 'model' };
      if (p.fromRule) attributes.rule = p.fromRule;
      if (p.modelConfidence !== undefined) attributes.model_confidence = round(p.modelConfidence);
      if (p.fine) attributes[p.fine.attribute] = p.fine.value;
      flagNegated(attributes, p.subject, p.object);
      return {
        id: `R${i + 1}`,
        subject: p.subject.id,
        predicate: p.predicate,
        object: p.object.id,
        confidence: round(p.confidence),
        evidence: { start: p.sentence.start, end: p.sentence.end, text: doc.text.slice(p.sentence.start, p.sentence.end) },
        attributes,
      };
    });
  }
}

const sortedSpans = (spans: readonly Span[]) => [...spans].sort((a, b) => a.start - b.start);

/** The cross-sentence head's probability for each drug–disease concept pair that never shares a sentence (`sorted`: in text order). */
function crossPairs(doc: Doc, entities: readonly Entity[], sorted: readonly Span[], found: readonly Relation[], head: DocHeadJson): { pair: DocPair; p: number }[] {
  return documentPairs(doc.text, entities, sorted, found).map((pair) => ({ pair, p: documentScore(head, pair) }));
}

/** A relation with an absent (negated) participant is kept and flagged, never dropped silently. */
function flagNegated(attributes: Record<string, unknown>, subject: Entity, object: Entity): void {
  const negated: ('subject' | 'object')[] = [];
  if (subject.attributes?.assertion === 'absent') negated.push('subject');
  if (object.attributes?.assertion === 'absent') negated.push('object');
  if (negated.length) {
    attributes.negated = true;
    attributes.negated_participants = negated;
  }
}

/**
 * Reads `<modelsDir>/relations-lr/model.json`; a models dir without one (e.g. a folder holding only an
 * ONNX NER model) falls back to the package's own models/.
 */
export function loadLrModel(modelsDir?: string): LrModelJson {
  const own = join(packagePath('models'), 'relations-lr', 'model.json');
  const given = modelsDir ? join(modelsDir, 'relations-lr', 'model.json') : own;
  const file = existsSync(given) ? given : own;
  if (!existsSync(file)) {
    throw new MedicalNerError('MODEL_NOT_FOUND', `relation model not found at ${file} (train it with: node --import tsx scripts/train-relations.ts)`);
  }
  try {
    return readLrModel(file);
  } catch (err) {
    throw new MedicalNerError('MODEL_NOT_FOUND', `relation model ${file} could not be read: ${(err as Error).message}`);
  }
}

/** `<modelsDir>/relations-nn` (else the package's); its encoder (a NER model folder) beside it, else the package's. */
function loadDenseHeads(modelsDir: string | undefined, threads?: number): DenseHeads {
  const own = packagePath('models');
  const base = modelsDir && existsSync(join(modelsDir, 'relations-nn', 'config.json')) ? modelsDir : own;
  return DenseHeads.fromDir(join(base, 'relations-nn'), (encoder) => (existsSync(join(base, encoder, 'config.json')) ? join(base, encoder) : join(own, encoder)), threads);
}

const cache = new Map<string, RelationExtractor>();

/** An extractor by model name: `rules`, `relations-lr` (rules + classifier), `relations-nn` (+ dense heads). Cached per models dir. */
export function relationExtractor(name: string = DEFAULT_RELATION_MODEL, modelsDir?: string, threads?: number): RelationExtractor {
  const key = `${name}\u0000${modelsDir ?? ''}`;
  let x = cache.get(key);
  if (!x) {
    if (name === 'rules') x = new RelationExtractor({ name: 'rules' });
    else if (name === 'relations-lr') x = new RelationExtractor({ name: 'relations-lr', model: loadLrModel(modelsDir) });
    else if (name === 'relations-lr-only') x = new RelationExtractor({ name: 'relations-lr-only', rules: false, model: loadLrModel(modelsDir) });
    else if (name === 'relations-nn') x = new RelationExtractor({ name: 'relations-nn', model: loadLrModel(modelsDir), dense: loadDenseHeads(modelsDir, threads) });
    else throw new MedicalNerError('INVALID_OPTION', `Unknown relation model "${name}". Available: ${RELATION_MODELS.join(', ')}`);
    cache.set(key, x);
  }
  return x;
}
