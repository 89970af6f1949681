/**
 * Gold corpora → relation data: a Doc with the gold mentions as entities, the corpus's sentences,
 * the classifier heads (type signature, classes) and, per corpus, how a candidate pair is labelled.
 * Shared by scripts/train-relations.ts and the `relations` eval task.
 */
import type { AnnotatedDoc, Mention } from '../core/corpus.js';
import type { Doc, Entity, EntityType, Predicate, Span } from '../core/types.js';
import { splitSentences } from '../text/sentences.js';
import { isSubjectFirst, pairView, sentencePairs, type PairView } from './features.js';

export interface HeadDef {
  name: string;
  subject: EntityType[];
  object: EntityType[];
  /** Pairs are taken in text order (subject = first argument): INTERACTS_WITH. */
  symmetric: boolean;
  /** Class 0 is NONE. */
  classes: string[];
  /** Predicate of each class but NONE. */
  predicates: Record<string, Predicate>;
  /** Attribute that carries the winning class (e.g. `ddi_type`), when the classes refine one predicate. */
  attribute?: string;
}

export const HEAD_DEFS: readonly HeadDef[] = [
  {
    name: 'ddi',
    subject: ['DRUG'],
    object: ['DRUG'],
    symmetric: true,
    classes: ['NONE', 'effect', 'mechanism', 'advise', 'int'],
    predicates: { effect: 'INTERACTS_WITH', mechanism: 'INTERACTS_WITH', advise: 'INTERACTS_WITH', int: 'INTERACTS_WITH' },
    attribute: 'ddi_type',
  },
  {
    name: 'chemprot',
    subject: ['DRUG'],
    object: ['GENE'],
    symmetric: false,
    classes: ['NONE', 'CPR:3', 'CPR:4', 'CPR:5', 'CPR:6', 'CPR:9'],
    predicates: { 'CPR:3': 'INTERACTS_WITH', 'CPR:4': 'INTERACTS_WITH', 'CPR:5': 'INTERACTS_WITH', 'CPR:6': 'INTERACTS_WITH', 'CPR:9': 'INTERACTS_WITH' },
    attribute: 'chemprot_class',
  },
  {
    name: 'drug_disease',
    subject: ['DRUG'],
    object: ['DISEASE'],
    symmetric: false,
    classes: ['NONE', 'CAUSES', 'TREATS'],
    predicates: { CAUSES: 'CAUSES', TREATS: 'TREATS' },
  },
  { name: 'dosage', subject: ['DOSAGE'], object: ['DRUG'], symmetric: false, classes: ['NONE', 'DOSAGE_OF'], predicates: { DOSAGE_OF: 'DOSAGE_OF' } },
  { name: 'location', subject: ['DISEASE'], object: ['ANATOMY'], symmetric: false, classes: ['NONE', 'LOCATED_IN'], predicates: { LOCATED_IN: 'LOCATED_IN' } },
];

const MESH_ID = /^(?:MESH:)?([CD]\d{6,9})$/;

/**
 * The gold mentions that carry a canonical type, as entities (id = mention id; discontinuous: outer span).
 * A gold MeSH id becomes `codes.mesh`, as a perfect linker would give it (BC5CDR's CID task gives gold
 * entities with their ids).
 */
export function goldDoc(ad: AnnotatedDoc): Doc {
  const entities: Entity[] = ad.mentions
    .filter((m) => m.type && m.end > m.start)
    .map((m) => {
      const e: Entity = { id: m.id, text: ad.text.slice(m.start, m.end), type: m.type!, start: m.start, end: m.end, confidence: 1 };
      const mesh = MESH_ID.exec(conceptIds(m)[0]?.split(/[|+]/)[0] ?? '')?.[1];
      if (mesh) e.codes = { mesh };
      return e;
    });
  const doc: Doc = { id: ad.id, text: ad.text, entities, relations: [] };
  doc.sentences = corpusSentences(ad);
  return doc;
}

/** The corpus's own sentences where it has them (DDI), else the rule splitter's. */
export function corpusSentences(ad: AnnotatedDoc): Span[] {
  const s = ad.meta?.sentences;
  if (Array.isArray(s) && s.length && typeof (s[0] as Span).start === 'number') {
    return (s as Span[]).filter((x) => x.end > x.start).map((x) => ({ start: x.start, end: x.end }));
  }
  return splitSentences(ad.text);
}

/** Concept ids of a mention ('-1' and empty ids dropped). */
export const conceptIds = (m: Pick<Mention, 'ids'> | undefined): string[] => (m?.ids ?? []).filter((x) => x && x !== '-1');

/**
 * Labels candidate pairs of one gold document: allowed class indices of `head` for the ordered pair
 * (subject, object), or undefined when the corpus says nothing usable (the pair is then skipped).
 */
export type PairLabeler = (head: HeadDef, subject: Entity, object: Entity) => number[] | undefined;

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

/** Which heads a corpus trains, and how its gold relations label a pair. */
export const CORPUS_HEADS: Readonly<Record<string, readonly string[]>> = {
  'ddi-re': ['ddi'],
  ddi: ['ddi'],
  chemprot: ['chemprot'],
  bc5cdr: ['drug_disease'],
  biored: ['drug_disease'],
  ade: ['drug_disease', 'dosage'],
  maccrobat: ['drug_disease', 'dosage', 'location'],
};

export function pairLabeler(corpus: string, ad: AnnotatedDoc): PairLabeler {
  const byId = new Map(ad.mentions.map((m) => [m.id, m]));
  const heads = new Set(CORPUS_HEADS[corpus] ?? []);
  const labels = new Map<string, string>();
  const name = corpus === 'ddi' ? 'ddi-re' : corpus;
  if (name === 'ddi-re') {
    for (const r of ad.relations) {
      labels.set(pairKey(r.arg1, r.arg2), r.label);
      labels.set(pairKey(r.arg2, r.arg1), r.label);
    }
  } else if (name === 'chemprot' || name === 'ade') {
    for (const r of ad.relations) labels.set(pairKey(r.arg1, r.arg2), r.label);
  } else if (name === 'bc5cdr' || name === 'biored') {
    for (const r of ad.relations) {
      labels.set(pairKey(r.arg1, r.arg2), r.label);
      if (name === 'biored') labels.set(pairKey(r.arg2, r.arg1), r.label);
    }
  } else if (name === 'maccrobat') {
    for (const r of ad.relations) {
      const a = byId.get(r.arg1);
      const b = byId.get(r.arg2);
      if (!a || !b) continue;
      if (r.label === 'MODIFY' && a.label === 'Biological_structure' && b.type === 'DISEASE') labels.set(pairKey(b.id, a.id), 'LOCATED_IN');
      if (r.label === 'MODIFY' && a.type === 'DOSAGE' && b.type === 'DRUG') labels.set(pairKey(a.id, b.id), 'DOSAGE_OF');
      if (r.label === 'CAUSE' && a.type === 'DRUG' && b.type === 'DISEASE') labels.set(pairKey(a.id, b.id), 'CAUSES');
    }
  }
  const conceptLabel = (s: Entity, o: Entity): string[] => {
    const out: string[] = [];
    for (const c of conceptIds(byId.get(s.id))) for (const d of conceptIds(byId.get(o.id))) {
      const l = labels.get(pairKey(c, d));
      if (l) out.push(l);
    }
    return out;
  };
  return (head, s, o) => {
    if (!heads.has(head.name)) return undefined;
    const idx = (c: string) => head.classes.indexOf(c);
    switch (name) {
      case 'ddi-re':
      case 'chemprot': {
        const l = labels.get(pairKey(s.id, o.id));
        return [l && idx(l) > 0 ? idx(l) : 0];
      }
      case 'ade':
        if (head.name === 'dosage') return [labels.get(pairKey(s.id, o.id)) === 'DOSE' ? 1 : 0];
        return labels.get(pairKey(s.id, o.id)) === 'ADE' ? [idx('CAUSES')] : [0, idx('TREATS')];
      case 'bc5cdr':
        return conceptLabel(s, o).includes('CID') ? [idx('CAUSES')] : [0, idx('TREATS')];
      case 'biored': {
        const ls = conceptLabel(s, o);
        if (ls.includes('Negative_Correlation')) return [idx('TREATS')];
        if (ls.includes('Positive_Correlation')) return [idx('CAUSES')];
        if (ls.length) return undefined; // Association, Bind, …: no usable label
        return [0];
      }
      case 'maccrobat': {
        const l = labels.get(pairKey(s.id, o.id));
        if (head.name === 'drug_disease') return l === 'CAUSES' ? [idx('CAUSES')] : [0, idx('TREATS')];
        return [l && idx(l) > 0 ? idx(l) : 0];
      }
    }
    return undefined;
  };
}

/** The head takes this ordered pair: its type signature fits, and a symmetric head takes each pair once (subject first). */
export function headFits(head: HeadDef, subject: Entity, object: Entity, subjectFirst: boolean): boolean {
  return head.subject.includes(subject.type) && head.object.includes(object.type) && (!head.symmetric || subjectFirst);
}

export interface LabelledPair {
  head: HeadDef;
  subject: Entity;
  object: Entity;
  view: PairView;
  sentence: Span;
  /** Allowed classes of the head (see pairLabeler). */
  allowed: number[];
}

/**
 * The training pairs of a gold document (`goldDoc(ad)`): every pair of one sentence that fits one of the corpus's
 * heads, does not overlap and gets a label. Both relation trainers read exactly these (scripts/train-relations.ts,
 * scripts/dump-relation-pairs.ts).
 */
export function* labelledPairs(corpus: string, ad: AnnotatedDoc, doc: Doc): Generator<LabelledPair> {
  const heads = HEAD_DEFS.filter((h) => CORPUS_HEADS[corpus]?.includes(h.name));
  const label = pairLabeler(corpus, ad);
  for (const { view, subject, object, sentence } of sentencePairs(doc.text, doc.entities, doc.sentences!)) {
    const subjectFirst = isSubjectFirst(subject, object);
    for (const head of heads) {
      if (!headFits(head, subject, object, subjectFirst)) continue;
      const pv = pairView(view, subject, object, 5);
      if (pv.overlap) continue;
      const allowed = label(head, subject, object);
      if (allowed) yield { head, subject, object, view: pv, sentence, allowed };
    }
  }
}
