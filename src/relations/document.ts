/**
 * Cross-sentence drug→disease relations, at the document level where BC5CDR CID scores them: a drug
 * and a disease that never share a sentence can still be a CID pair ("Cocaine-induced ... . Three
 * patients developed seizures.", 30 % of BC5CDR's CID pairs). Mentions are grouped into concepts (the
 * linker's MeSH/UMLS/RxNorm code, else the lower-cased text), and each drug–disease concept pair with no
 * shared sentence is scored by one logistic regression over document features: which concepts sit in
 * the title, how often and how early each is mentioned, how many drugs and diseases the document has,
 * sentence distance, cue words ("induced", "toxicity", "developed") in the sentences of each, and what
 * the sentence-level extractor already found (a drug that CAUSES something in a sentence is the
 * document's suspected agent). The relation links the closest mention pair; its evidence runs from
 * the first of their sentences to the last.
 */
import { softmaxScores, type LinearWeights } from '../ml/linear.js';
import type { Entity, Relation, Span } from '../core/types.js';

export interface DocHeadJson extends LinearWeights {
  name: 'cid_document';
  /** Probability of CAUSES needed to report a pair. */
  threshold: number;
}

const CUES = new Set(['induced', 'induce', 'induces', 'induction', 'associated', 'toxicity', 'toxic', 'caused', 'causes', 'following', 'after', 'developed', 'develop', 'due', 'adverse', 'side', 'effects', 'effect', 'risk', 'treated', 'treatment', 'therapy', 'patients', 'case', 'rats', 'administration', 'dose', 'overdose', 'intoxication', 'withdrawal', 'prevent', 'prevented', 'reduced', 'protective']);

/** The concept a mention stands for: its code where the linker gave one, else its lower-cased text. */
export function conceptKey(e: Entity): string {
  const c = e.codes;
  const code = c?.mesh ?? c?.umls_cui ?? c?.rxnorm;
  return code ? `code:${code}` : `text:${e.text.toLowerCase().replace(/\s+/g, ' ').trim()}`;
}

interface Concept {
  key: string;
  mentions: Entity[];
  sentences: Set<number>;
  first: number;
}

export interface DocPair {
  drug: Concept;
  disease: Concept;
  /** The closest mention pair (subject, object). */
  subject: Entity;
  object: Entity;
  features: string[];
}

const bucket = (n: number) => (n <= 3 ? String(n) : n <= 5 ? '4-5' : n <= 9 ? '6-9' : '10+');

/** Sentence index of each offset (sentences sorted, non-overlapping). */
function sentenceIndex(sentences: readonly Span[], pos: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sentences[mid]!.start <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The concepts of one type in a document, with their mentions and sentences. */
export function concepts(entities: readonly Entity[], type: Entity['type'], sentences: readonly Span[]): Concept[] {
  const by = new Map<string, Concept>();
  for (const e of entities) {
    if (e.type !== type) continue;
    const key = conceptKey(e);
    const s = sentenceIndex(sentences, e.start);
    const c = by.get(key) ?? { key, mentions: [], sentences: new Set<number>(), first: s };
    c.mentions.push(e);
    c.sentences.add(s);
    c.first = Math.min(c.first, s);
    by.set(key, c);
  }
  return [...by.values()];
}

/** Drug–disease concept pairs that never share a sentence, with their features (`sorted`: sentences in text order). */
export function documentPairs(text: string, entities: readonly Entity[], sorted: readonly Span[], sentenceRelations: readonly Relation[]): DocPair[] {
  if (!sorted.length) return [];
  const drugs = concepts(entities, 'DRUG', sorted);
  const diseases = concepts(entities, 'DISEASE', sorted);
  if (!drugs.length || !diseases.length) return [];
  const byId = new Map(entities.map((e) => [e.id, e]));
  const causes = new Set<string>();
  const caused = new Set<string>();
  const treats = new Set<string>();
  for (const r of sentenceRelations) {
    const s = byId.get(r.subject);
    const o = byId.get(r.object);
    if (!s || !o || s.type !== 'DRUG' || o.type !== 'DISEASE') continue;
    if (r.predicate === 'CAUSES') {
      causes.add(conceptKey(s));
      caused.add(conceptKey(o));
    } else if (r.predicate === 'TREATS') treats.add(conceptKey(s));
  }
  const words = sorted.map((s) => new Set(text.slice(s.start, s.end).toLowerCase().split(/[^a-z]+/).filter((w) => CUES.has(w))));
  const cueWords = (c: Concept) => {
    const out = new Set<string>();
    for (const i of c.sentences) for (const w of words[i]!) out.add(w);
    return out;
  };
  const rank = (list: Concept[], c: Concept) => 1 + list.filter((x) => x.mentions.length > c.mentions.length).length;
  const head = (c: Concept) => c.mentions[0]!.text.toLowerCase().split(/\s+/).pop()!;
  const out: DocPair[] = [];
  for (const d of drugs) {
    const dCues = cueWords(d);
    for (const z of diseases) {
      if ([...d.sentences].some((s) => z.sentences.has(s))) continue;
      let best: [Entity, Entity] | undefined;
      let gap = Infinity;
      let sentGap = Infinity;
      for (const a of d.mentions) {
        for (const b of z.mentions) {
          const g = Math.abs(a.start - b.start);
          if (g < gap) [gap, best] = [g, [a, b]];
          sentGap = Math.min(sentGap, Math.abs(sentenceIndex(sorted, a.start) - sentenceIndex(sorted, b.start)));
        }
      }
      const f = [
        'bias',
        `dT=${d.sentences.has(0)}`,
        `zT=${z.sentences.has(0)}`,
        `dT_zT=${d.sentences.has(0)}_${z.sentences.has(0)}`,
        `dn=${bucket(d.mentions.length)}`,
        `zn=${bucket(z.mentions.length)}`,
        `drank=${Math.min(rank(drugs, d), 3)}`,
        `zrank=${Math.min(rank(diseases, z), 3)}`,
        `ndrugs=${bucket(drugs.length)}`,
        `ndis=${bucket(diseases.length)}`,
        `gap=${bucket(sentGap)}`,
        `dfirst=${bucket(d.first)}`,
        `zfirst=${bucket(z.first)}`,
        `d_causes=${causes.has(d.key)}`,
        `z_caused=${caused.has(z.key)}`,
        `d_treats=${treats.has(d.key)}`,
        `dh=${head(d)}`,
        `zh=${head(z)}`,
      ];
      for (const w of cueWords(z)) f.push(`zcue=${w}`);
      for (const w of dCues) f.push(`dcue=${w}`);
      out.push({ drug: d, disease: z, subject: best![0], object: best![1], features: f });
    }
  }
  return out;
}

/** Probability that the pair is a document-level CAUSES. */
export function documentScore(head: DocHeadJson, pair: DocPair): number {
  return softmaxScores(head, pair.features)[1]!;
}

/** The evidence of a cross-sentence pair: from the first of its two sentences to the end of the last (`sorted`: in text order). */
export function documentEvidence(sorted: readonly Span[], a: Entity, b: Entity): Span {
  const s1 = sorted[sentenceIndex(sorted, Math.min(a.start, b.start))]!;
  const s2 = sorted[sentenceIndex(sorted, Math.max(a.start, b.start))]!;
  return { start: s1.start, end: s2.end };
}
