/**
 * The linker: mention text + entity type → the best lexicon concept, with a score.
 *
 * Candidates come from cheap to expensive, and the expensive steps run only when the cheap ones found nothing
 * good enough:
 *   1. document abbreviations (Schwartz–Hearst): a short form defined in the text is linked as its long form;
 *   2. hash lookups: the normalised string (case, punctuation, hyphens, Greek letters, British spelling,
 *      plurals, Roman numerals), then the bag of words (word order);
 *   3. type-specific variants: generic head words (disease/syndrome/disorder) dropped or added, adjective →
 *      noun (ischemic → ischemia), salts dropped from drug names, "gene"/"protein" dropped from gene names,
 *      leading modifiers (acute, severe, drug-induced…) dropped;
 *   4. the clinical abbreviation list (vocab/medical_abbreviations), each expansion linked in turn;
 *   5. character-trigram search (IDF-weighted Dice) over the names of concepts of the mention's type;
 *   6. diseases only: the head phrase (the mention without its leading words), for a mention with no sure link or no
 *      MeSH heading (`withHeadPhrase`).
 * Candidates of another entity type are discarded; untyped concepts (MeSH descriptors no typed source points
 * to) are allowed with a small penalty. Ties are broken by the document context (words of a concept's other
 * names that occur in the document), an exact-case name match, and the concept's prior (sources, xrefs).
 */
import type { CodeSystem, Codes, Doc, Entity, EntityType } from '../core/types.js';
import { abbreviationMap } from '../text/abbreviations.js';
import type { Lexicon, Postings } from './lexicon.js';
import { makePosting, postingConcept, postingTier } from './lexicon.js';
import { NgramIndex, type NgramHit } from './ngram.js';
import { bagKeyFromTokens, clearWordMemo, isGenericWord, isStopWord, longWordSet, lookupTable, normKey, normTokens } from './normalize.js';

export type LinkMethod = 'exact' | 'normalized' | 'corpus-alias' | 'word-order' | 'variant' | 'abbreviation' | 'clinical-abbreviation' | 'ngram' | 'head';

export interface LinkCandidate {
  concept: number;
  score: number;
  method: LinkMethod;
  /** The (normalised) string that matched. */
  matched: string;
  /**
   * Corpus aliases only: the id ("mesh:D…", "omim:…", "ncbi_gene:…") the annotated corpora gave this string. The
   * concept carries it, but it may not be the id the concept lists first (NCBI-disease codes some diseases by OMIM id
   * where MeSH has a supplementary concept too); the linking eval reports such an OMIM id as the mention's.
   */
  corpus_id?: string;
}

export interface LinkResult extends LinkCandidate {
  type: EntityType | null;
  preferred_name: string;
  /** Entity.codes view (one id per system); frozen, shared by every result for the concept. */
  codes: Readonly<Codes>;
  /** Every id the lexicon holds for the concept, by system (incl. `omim`, `pharmgkb`); frozen. */
  xrefs: Readonly<Record<string, readonly string[]>>;
  /** Set when the MeSH heading is a broader concept's (`withHeadPhrase`): that concept's preferred name. */
  mesh_broader?: string;
}

/** Per-document information used for abbreviations and disambiguation. */
export interface LinkContext {
  abbreviations: Map<string, string>;
  /** The document's normalised words of 3+ characters, all the context bonus compares (computed on first use). */
  readonly tokens: Set<string>;
  /** Short words the document writes as gene names ("ATM protein", "Atm-deficient"; computed on first use). */
  readonly geneNames: Set<string>;
}

/** A short word before a word that makes it a gene or protein name. */
const GENE_NAME_USE = /\b([A-Za-z][A-Za-z0-9]{1,9})[- ](?:genes?|proteins?|cDNAs?|mRNAs?|transcripts?|mutations?|alleles?|locus|loci|knockout|deficient|polymorphisms?)\b/g;

function geneNamesOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(GENE_NAME_USE)) out.add(m[1]!);
  return out;
}

/** A word or ending that makes a name a disease's: its head ("… disease", "… injury") or a pathology suffix (-itis, -oma, -emia). */
const DISEASE_NAME =
  /\b(?:diseases?|disorders?|syndromes?|deficienc(?:y|ies)|injur(?:y|ies)|trauma|pain|failure|infections?|neoplasms?|tumou?rs?|cancers?|lesions?|abnormalit(?:y|ies)|malformations?|deformit(?:y|ies)|anomal(?:y|ies)|defects?|insufficiency|poisoning|toxicity|dysfunction|damage|hemorrhage|fractures?|wounds?|ulcers?|polyps?|cysts?|aberrations?|occlusion|obstruction|rupture|[a-z]+(?:itis|os[ie]s|omas?|omata|a?emia|path(?:y|ies)|plasia|trophy|algia|plegia|paresis|megaly|rrh(?:o?ea|age)|ectasia|spasms?))\b/i;
/** An organism's name (the last word of a preferred name): "Hepatitis B virus", "Adenoviridae", "Staphylococcus aureus". */
const ORGANISM_NAME = /(?:virus|viruses|viridae|virinae|bacteria|bacter|coccus|cocci|bacillus|aceae|mycetes)$|^[A-Z][a-z]+ [a-z]+$/;

/**
 * Types whose near-miss (trigram) search also reads the concepts that have no type. Not DISEASE and DRUG: without
 * it, dev document-level F1 rose on gold mentions (BC5CDR disease +0.19, chemical −0.09, BioRED disease +0.14,
 * chemical +0.53, NCBI-disease ±0) and end to end (BC5CDR +0.37 / +0.23, NCBI-disease +0.54), and the linker ran
 * about 16 % faster on the bench's mentions. Not GENE either. ANATOMY and LAB_TEST keep it, having no corpus here
 * to show the effect; PROCEDURE has only untyped concepts.
 */
const NEAR_MISS_UNTYPED: ReadonlySet<EntityType> = new Set(['ANATOMY', 'PROCEDURE', 'LAB_TEST']);

/** Entity types the lexicon has concepts for. PROCEDURE links only to untyped MeSH descriptors. */
export const LINKABLE_TYPES: readonly EntityType[] = ['DISEASE', 'DRUG', 'GENE', 'ANATOMY', 'PROCEDURE', 'LAB_TEST'];

/** Score thresholds below which codes are left empty (chosen from the threshold sweeps on BC5CDR, NCBI-disease and BioRED train and dev; see docs/linking.md). */
export const DEFAULT_THRESHOLDS: Record<EntityType, number> = {
  DISEASE: 0.75,
  DRUG: 0.75,
  GENE: 0.8,
  ANATOMY: 0.8,
  PROCEDURE: 0.85,
  LAB_TEST: 0.8,
  LAB_VALUE: 1,
  DOSAGE: 1,
  DURATION: 1,
  SEVERITY: 1,
};

export interface LinkerOptions {
  thresholds?: Partial<Record<EntityType, number>>;
  /** Character n-gram search on misses (default true). */
  fuzzy?: boolean;
  /** Minimum trigram similarity for an n-gram candidate (default 0.7). */
  minSimilarity?: number;
}

const TIER_SCORE = [1, 0.97, 0.92];
const BAG_FACTOR = 0.95;
const VARIANT_FACTOR = 0.9;
const DOC_ABBREV_FACTOR = 0.98;
const LIST_ABBREV_FACTOR = 0.85;
const NGRAM_FACTOR = 0.92;
/** How far below the best candidate a same-name companion may score and still lend its codes (`withCompanionCodes`). */
const COMPANION_GAP = 0.05;
/** Score factor of a link through the mention's head phrase (`withHeadPhrase`). */
const HEAD_FACTOR = 0.9;
/** Space-separated words, each with its plurals ("injury": injuries, injurys; harmless extra forms). */
function withPlurals(words: string): Set<string> {
  return new Set(words.split(' ').flatMap((w) => [w, w.replace(/y$/, 'ie') + 's', w + 's']));
}
const CANCER_WORD_LIST = 'tumor tumour cancer neoplasm carcinoma adenocarcinoma malignancy';
/**
 * Head words too broad to stand for a mention (`withHeadPhrase`): words that say only that something is wrong, and
 * the words for cancer, which MeSH files under the organ ("prostate adenocarcinoma": Prostatic Neoplasms, not
 * Adenocarcinoma). A head phrase made of these words alone is not linked.
 */
const GENERIC_HEADS = withPlurals(
  'injury toxicity disease disorder syndrome damage dysfunction impairment lesion pathology abnormality deficit deficiency ' +
    'failure complication effect reaction event condition problem ' +
    CANCER_WORD_LIST,
);
/** Longest text the linker looks up (characters); a longer mention gets no code. */
const MAX_MENTION_CHARS = 400;
/** Longest head phrase tried (words, `withHeadPhrase`). */
const MAX_HEAD_WORDS = 8;
/** Words that say how a disease is inherited (`withHeadPhrase`). */
const INHERITANCE_WORDS = new Set(
  // mentions are split at hyphens, so "X-linked" arrives as "x" and "linked"
  'autosomal dominant recessive dominantly recessively codominant inherited heritable hereditary genetic genetically mendelian monogenic x linked'.split(' '),
);
/** Words for a tumour, which MeSH files under the organ's neoplasms (`withHeadPhrase`). */
const CANCER_WORDS = withPlurals(CANCER_WORD_LIST);
/** "breast and ovarian cancers", "brain, breast, and prostate cancer": conjoined modifiers sharing a one- or two-word head. */
const COORDINATED = /^((?:[A-Za-z][\w-]*,\s+)*[A-Za-z][\w-]*),?\s+(?:and\/or|and|or)\s+([A-Za-z][\w-]*)\s+([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)$/;

/** The conjuncts of a coordinated mention, each with the shared head ("breast cancers", "ovarian cancers"), or null. */
export function coordinatedParts(text: string): string[] | null {
  const m = COORDINATED.exec(text.trim());
  return m ? [...m[1]!.split(/,\s+/), m[2]!].map((w) => `${w} ${m[3]}`) : null;
}

/** One concept of a composite mention (`Linker.linkParts`). */
export interface LinkedPart {
  text: string;
  result: LinkResult;
}

/** Disambiguation bonuses (added to a candidate's score; see `disambiguate`). */
const PRIOR_BONUS = 0.02;
const EXACT_CASE_BONUS = 0.01;
const CONTEXT_BONUS = 0.01;
const MAX_CONTEXT_BONUS = 0.02;
/** Bound of each memo (n-gram hits, concept name words); a full memo is simply emptied. */
const MEMO_SIZE = 50_000;

type ConceptInfo = Readonly<Pick<LinkResult, 'type' | 'preferred_name' | 'codes' | 'xrefs'>>;

interface ConceptNames {
  exact: ReadonlySet<string>;
  /** Filled on first use: only the context bonus reads them. */
  words?: readonly string[];
}

const DISEASE_MODIFIERS = new Set([
  'acute', 'chronic', 'severe', 'mild', 'moderate', 'progressive', 'recurrent', 'bilateral', 'unilateral', 'left', 'right',
  'massive', 'fatal', 'transient', 'persistent', 'induced', 'drug', 'primary', 'secondary', 'idiopathic', 'early', 'late',
  'onset', 'new', 'significant', 'marked', 'profound', 'focal', 'diffuse', 'generalized', 'sporadic', 'familial', 'hereditary',
  'congenital', 'acquired', 'clinical', 'subclinical', 'overt', 'symptomatic', 'asymptomatic', 'reversible', 'irreversible',
  'human', 'possible', 'probable', 'suspected', 'history', 'known', 'active', 'postoperative', 'perioperative', 'intraoperative',
  'postpartum', 'neonatal', 'juvenile', 'adult', 'childhood', 'infantile', 'iatrogenic', 'nonfatal', 'multiple', 'isolated', 'partial', 'complete', 'total',
]);
const SALTS = new Set([
  'hydrochloride', 'hcl', 'sodium', 'potassium', 'sulfate', 'sulphate', 'acetate', 'citrate', 'maleate', 'tartrate', 'phosphate',
  'mesylate', 'succinate', 'besylate', 'bromide', 'chloride', 'fumarate', 'hyclate', 'monohydrate', 'dihydrate', 'anhydrous',
  'calcium', 'magnesium', 'nitrate', 'lactate', 'gluconate', 'hydrobromide', 'dipropionate', 'propionate', 'valerate', 'disodium',
]);
const GENE_WORDS = new Set(['gene', 'protein', 'mrna', 'human', 'transcript', 'expression', 'level', 'product', 'polypeptide', 'isoform', 'wild', 'type', 'mutant', 'variant', 'h', 'hu']);
/** Element symbols, matched case-sensitively in chemical mentions. */
const ELEMENTS: ReadonlyMap<string, string> = new Map(
  (
    'H hydrogen,He helium,Li lithium,Be beryllium,B boron,C carbon,N nitrogen,O oxygen,F fluorine,Ne neon,Na sodium,Mg magnesium,' +
    'Al aluminum,Si silicon,P phosphorus,S sulfur,Cl chlorine,Ar argon,K potassium,Ca calcium,Ti titanium,V vanadium,Cr chromium,' +
    'Mn manganese,Fe iron,Co cobalt,Ni nickel,Cu copper,Zn zinc,Ga gallium,Ge germanium,As arsenic,Se selenium,Br bromine,Kr krypton,' +
    'Rb rubidium,Sr strontium,Zr zirconium,Mo molybdenum,Tc technetium,Ru ruthenium,Rh rhodium,Pd palladium,Ag silver,Cd cadmium,' +
    'In indium,Sn tin,Sb antimony,Te tellurium,I iodine,Xe xenon,Cs cesium,Ba barium,La lanthanum,Gd gadolinium,W tungsten,Pt platinum,' +
    'Au gold,Hg mercury,Tl thallium,Pb lead,Bi bismuth,Rn radon,Ra radium,U uranium,Pu plutonium'
  )
    .split(',')
    .map((x) => x.split(' ') as [string, string]),
);
const GREEK_LETTER = lookupTable({ a: 'alpha', b: 'beta', g: 'gamma', d: 'delta', k: 'kappa', e: 'epsilon' });
/** Adjective → noun endings for the last word of disease mentions. */
const ADJ_NOUN: [RegExp, string][] = [
  [/otic$/, 'osis'], // sclerotic → sclerosis, necrotic → necrosis
  [/tensive$/, 'tension'], // hypotensive → hypotension
  [/emic$/, 'emia'], // ischemic → ischemia, anemic → anemia
  [/etic$/, 'etes'], // diabetic → diabetes
  [/ic$/, 'ia'], // arrhythmic → arrhythmia, hypoxic → hypoxia
  [/ic$/, 'y'], // neuropathic → neuropathy, myopathic → myopathy
  [/itic$/, 'itis'], // arthritic → arthritis
  [/ified$/, 'ification'], // calcified → calcification, ossified → ossification
];
/** The nouns an adjective may stand for (ADJ_NOUN), none for another word. */
const nounsOf = (word: string): string[] => ADJ_NOUN.flatMap(([re, rep]) => (re.test(word) ? [word.replace(re, rep)] : []));
/** Words after an adjective that leave it naming the finding: "atherosclerotic changes", "emphysematous disease". */
const FINDING_AFTER_ADJECTIVE = new Set(['change', 'disease', 'process', 'calcification']);
/** A side prefix of a disease word: "levoscoliosis", "dextroscoliosis" are scoliosis convex to one side. */
const SIDE_PREFIX = /^(?:levo|dextro)(?=[a-z]{6})/;

export class Linker {
  readonly thresholds: Record<EntityType, number>;
  private readonly fuzzy: boolean;
  private readonly minSim: number;
  /** The most `disambiguate` can add to a score. */
  private readonly maxBonus: number;
  private readonly ngram = new Map<string, NgramIndex>();
  /** N-gram search results by index and key: they depend on nothing else, and misses repeat across notes. */
  private readonly ngramHits = new Map<string, NgramHit[]>();
  private readonly namesMemo = new Map<number, ConceptNames>();
  /** `conceptInfo` by concept. */
  private readonly conceptMemo = new Map<number, ConceptInfo>();

  constructor(
    readonly lexicon: Lexicon,
    options: LinkerOptions = {},
  ) {
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
    this.fuzzy = options.fuzzy ?? true;
    this.minSim = options.minSimilarity ?? 0.7;
    let maxPrior = 0;
    for (const p of lexicon.prior) maxPrior = Math.max(maxPrior, p);
    this.maxBonus = (maxPrior / 100) * PRIOR_BONUS + EXACT_CASE_BONUS + MAX_CONTEXT_BONUS;
  }

  /** Build the per-document context (abbreviation definitions, word set). */
  context(text: string): LinkContext {
    let tokens: Set<string> | undefined;
    let geneNames: Set<string> | undefined;
    return {
      abbreviations: abbreviationMap(text),
      get tokens() {
        return (tokens ??= longWordSet(text));
      },
      get geneNames() {
        return (geneNames ??= geneNamesOf(text));
      },
    };
  }

  /** Score multiplier for a concept of type `ct` given a mention of type `mt` (0: not allowed). */
  private typeFactor(c: number, mt: EntityType | null): number {
    if (!mt) return 1;
    const ct = this.lexicon.typeOf(c);
    if (ct === mt) return 1;
    // untyped MeSH descriptors are weaker for genes (no gene id) and lab tests (the analyte, not the test)
    if (ct === null) return mt === 'GENE' ? 0.85 : mt === 'LAB_TEST' ? 0.93 : mt === 'DISEASE' && !this.untypedDisease(c) ? 0 : 0.985;
    return 0;
  }

  /** Per untyped concept: 0 not yet known, 1 not a disease, 2 a disease. */
  private untypedDiseaseMemo?: Uint8Array;

  /**
   * Whether an untyped MeSH descriptor may name a disease. The MeSH file has no tree numbers, and untyped
   * descriptors are also organisms, chemicals, organs and functions ("Aspergillus", "Asbestos", "Breast", "Sleep")
   * that the NER model's stray DISEASE entities would otherwise be linked to. So one is a disease when the corpora's
   * disease mentions name it (a corpus alias), or when a curated name says so (DISEASE_NAME) and neither names an
   * organism nor is a curated name of a gene, drug, organ or lab test ("Hypoxanthine Phosphoribosyltransferase").
   */
  private untypedDisease(c: number): boolean {
    const memo = (this.untypedDiseaseMemo ??= new Uint8Array(this.lexicon.size));
    if (!memo[c]) {
      const names = this.lexicon.names(c, this.lexicon.curatedCount(c));
      const yes =
        this.lexicon.aliasedAs(c, 'DISEASE') ||
        (names.some((n) => DISEASE_NAME.test(n)) && !ORGANISM_NAME.test(names[0] ?? '') && !names.some((n) => this.namesAnotherType(normKey(n))));
      memo[c] = yes ? 2 : 1;
    }
    return memo[c] === 2;
  }

  /** Every candidate, best first (after type filtering and disambiguation bonuses); `minSimilarity` above 1: no near-miss search. */
  candidates(text: string, type: EntityType | null, ctx?: LinkContext, minSimilarity = this.minSim): LinkCandidate[] {
    return this.ranked(text, type, ctx, minSimilarity, 0);
  }

  /** Candidates best first; at depth ≥ 2 (a string derived from the mention) without abbreviations or the trigram search. */
  private ranked(text: string, type: EntityType | null, ctx: LinkContext | undefined, minSimilarity: number, depth: number): LinkCandidate[] {
    // no name is that long (the longest curated name has 200 characters), and each step costs more with the length
    if (text.length > MAX_MENTION_CHARS) return [];
    const best = new Map<number, LinkCandidate>();
    this.collect(text, type, ctx, best, 1, depth, minSimilarity);
    const list = [...best.values()];
    if (!list.length) return list;
    this.disambiguate(text, list, ctx);
    list.sort((a, b) => b.score - a.score || a.concept - b.concept);
    return list;
  }

  /** The best concept, or null when nothing matched at all (the threshold is applied by the caller). */
  link(text: string, type: EntityType | null, ctx?: LinkContext, minSimilarity = this.minSim): LinkResult | null {
    const list = this.candidates(text, type, ctx, minSimilarity);
    const r = list.length ? this.withCompanionCodes(list) : null;
    if (type !== 'DISEASE' || (r && r.score >= this.thresholds[type] && r.xrefs.mesh)) return r;
    return this.withHeadPhrase(text, type, ctx, r);
  }

  /**
   * A disease mention that links to nothing sure, or to a concept without a MeSH heading, is looked up again without
   * its leading words ("polymorphic ventricular tachycardia" → "ventricular tachycardia" → "tachycardia"): English
   * noun phrases end in their head. The first shorter phrase that names a disease concept with a MeSH heading gives
   * either the link itself (method `head`, score × HEAD_FACTOR), when the mention had none, or only its MeSH heading,
   * as a broader one (`mesh_broader`): HPO's "Ventricular arrhythmia" has no MeSH id, and MeSH indexes it under
   * "Arrhythmias, Cardiac", as BC5CDR's and NCBI-disease's annotators do. Chosen on the dev splits (see
   * docs/linking.md); chemicals lost by it there and are left alone.
   */
  private withHeadPhrase(text: string, type: EntityType, ctx: LinkContext | undefined, r: LinkResult | null): LinkResult | null {
    const sure = r && r.score >= this.thresholds[type] ? r : null;
    // a genetic disease with an OMIM id is more precisely named than by a broader MeSH heading
    if (sure?.xrefs.omim) return sure;
    const words = text.split(/[\s\-‐-―]+/).filter(Boolean);
    // the head comes before a post-modifier: "cirrhosis of the liver" is not a kind of liver
    const stop = words.findIndex((w, i) => i > 0 && isStopWord(w.toLowerCase()));
    const end = stop < 0 ? words.length : stop;
    const lower = words.slice(0, end).map((w) => w.toLowerCase());
    const phrases: string[] = [];
    // a cancer word after its organ: MeSH files the tumour under the organ's neoplasms ("colorectal adenocarcinoma":
    // Colorectal Neoplasms), which its names give as "<organ> cancer" or "<organ> neoplasm"
    if (end > 1 && CANCER_WORDS.has(lower[end - 1]!)) {
      const organ = words.slice(0, end - 1).join(' ');
      phrases.push(`${organ} cancer`, `${organ} neoplasm`);
    }
    // a disease named only by how it is inherited ("autosomal recessive disorder", "X-linked disease") is a genetic
    // disease, which MeSH has one heading for
    if (lower.some((w) => INHERITANCE_WORDS.has(w)) && GENERIC_HEADS.has(lower[end - 1]!) && lower.every((w) => INHERITANCE_WORDS.has(w) || (GENERIC_HEADS.has(w) && !CANCER_WORDS.has(w)) || DISEASE_MODIFIERS.has(w))) {
      phrases.push('genetic disease');
    }
    // the last few words only: a head is short, and a long mention would otherwise cost a lookup per word
    for (let k = Math.max(1, end - MAX_HEAD_WORDS); k < end; k++) {
      // "human disease", "chronic disease": a modifier and a generic head name no disease in particular
      if (lower.slice(k).every((w) => GENERIC_HEADS.has(w) || DISEASE_MODIFIERS.has(w))) break;
      phrases.push(words.slice(k, end).join(' '));
    }
    for (const phrase of phrases) {
      const list = this.ranked(phrase, type, ctx, this.minSim, 2);
      if (!list.length) continue;
      const h = this.withCompanionCodes(list);
      if (h.type !== type || !h.xrefs.mesh || h.score < this.thresholds[type]) continue;
      if (!sure) return r && r.score >= h.score * HEAD_FACTOR ? r : { ...h, score: Math.round(h.score * HEAD_FACTOR * 10000) / 10000, method: 'head' };
      const codes: Codes = { ...sure.codes };
      if (h.codes.mesh) codes.mesh = h.codes.mesh;
      return { ...sure, codes: Object.freeze(codes), xrefs: Object.freeze({ ...sure.xrefs, mesh: h.xrefs.mesh }), mesh_broader: h.preferred_name };
    }
    return r;
  }

  /**
   * The top candidate's result, with the code systems it lacks taken from its companions: candidates that matched
   * the same string in the same way, of its type (or untyped), scoring within COMPANION_GAP of it. The open
   * sources describe one substance as separate concepts when they share no id (DrugBank's "Iopentol" and MeSH's),
   * and the id a user needs (MeSH, say) may sit on the weaker one. Codes are added, never replaced.
   */
  private withCompanionCodes(list: readonly LinkCandidate[]): LinkResult {
    const top = list[0]!;
    const r = this.result(top);
    const type = this.lexicon.typeOf(top.concept);
    let codes: Codes | undefined;
    let xrefs: Record<string, readonly string[]> | undefined;
    for (const c of list.slice(1)) {
      if (c.score < top.score - COMPANION_GAP) break; // sorted best first
      if (c.matched !== top.matched || c.method !== top.method) continue;
      const ct = this.lexicon.typeOf(c.concept);
      if (ct !== type && ct !== null) continue;
      const o = this.conceptInfo(c.concept);
      for (const [sys, id] of Object.entries(o.codes) as [CodeSystem, string][]) if (!(sys in r.codes) && !(codes && sys in codes)) (codes ??= { ...r.codes })[sys] = id;
      for (const [sys, ids] of Object.entries(o.xrefs)) if (!(sys in r.xrefs) && !(xrefs && sys in xrefs)) (xrefs ??= { ...r.xrefs })[sys] = ids;
    }
    return codes || xrefs ? { ...r, codes: Object.freeze(codes ?? r.codes), xrefs: Object.freeze(xrefs ?? r.xrefs) } : r;
  }

  /**
   * What a result reports about a concept (memoised: parsing its codes string is the costly part). The code systems
   * the concept lacks are filled from its namesakes: concepts of its type (or untyped) whose preferred name is its
   * own (ICD-10-CM's "Nausea" beside HPO's). The open sources describe one thing as separate concepts when they
   * share no id, and the code a user needs may sit on the other one.
   */
  private conceptInfo(c: number): ConceptInfo {
    let info = this.conceptMemo.get(c);
    if (!info) {
      const lex = this.lexicon;
      const all = lex.allCodes(c);
      const type = lex.typeOf(c);
      const preferred = lex.preferredName(c);
      const namesakes = lex.lookupNorm(normKey(preferred));
      for (let i = 0; i < namesakes.length; i++) {
        const o = postingConcept(namesakes[i]!);
        const ot = lex.typeOf(o);
        if (o === c || postingTier(namesakes[i]!) !== 0 || (ot !== type && ot !== null)) continue;
        for (const [sys, ids] of lex.allCodes(o)) if (!all.has(sys)) all.set(sys, ids);
      }
      const xrefs = Object.fromEntries([...all].map(([sys, ids]) => [sys, Object.freeze(ids)]));
      info = Object.freeze({ type, preferred_name: preferred, codes: Object.freeze(lex.entityCodes(c, all)), xrefs: Object.freeze(xrefs) });
      if (this.conceptMemo.size >= MEMO_SIZE) this.conceptMemo.clear();
      this.conceptMemo.set(c, info);
    }
    return info;
  }

  result(c: LinkCandidate): LinkResult {
    const info = this.conceptInfo(c.concept);
    // spelled out rather than spread: this runs for every linked mention, and spreads are slow in V8
    const score = Math.round(Math.min(1, Math.max(0, c.score)) * 10000) / 10000;
    const r: LinkResult = { concept: c.concept, score, method: c.method, matched: c.matched, type: info.type, preferred_name: info.preferred_name, codes: info.codes, xrefs: info.xrefs };
    if (c.corpus_id) r.corpus_id = c.corpus_id;
    return r;
  }

  /** `typedOnly`: concepts of the mention's own type only, not untyped ones. */
  private add(best: Map<number, LinkCandidate>, postings: Postings, base: number, method: LinkMethod, matched: string, type: EntityType | null, tierScores = TIER_SCORE, typedOnly = false): boolean {
    let any = false;
    for (let i = 0; i < postings.length; i++) {
      const p = postings[i]!;
      const c = postingConcept(p);
      const f = typedOnly && type && this.lexicon.typeOf(c) !== type ? 0 : this.typeFactor(c, type);
      if (f === 0) continue;
      const score = base * tierScores[postingTier(p)]! * f;
      const cur = best.get(c);
      if (!cur || score > cur.score) best.set(c, { concept: c, score, method, matched });
      any = true;
    }
    return any;
  }

  private topScore(best: Map<number, LinkCandidate>): number {
    let m = 0;
    for (const c of best.values()) if (c.score > m) m = c.score;
    return m;
  }

  private collect(text: string, type: EntityType | null, ctx: LinkContext | undefined, best: Map<number, LinkCandidate>, factor: number, depth: number, minSim: number): void {
    const t = text.trim().replace(/^[\s"'([{]+|[\s"')\]},.;:]+$/g, '');
    if (!t) return;
    // chemical element symbols (K, Na, Pb) in drug/chemical mentions
    const element = (type === 'DRUG' || type === null) && depth === 0 ? ELEMENTS.get(t) : undefined;
    if (element) this.collect(element, type, undefined, best, factor * 0.97, depth + 1, minSim);
    // otherwise a single character is only linked through a definition in the document
    if (t.length < 2 && !ctx?.abbreviations.has(t)) return;
    // 1. short form defined in this document → its long form
    const long = ctx?.abbreviations.get(t);
    if (long && depth === 0) this.collect(long, type, ctx, best, factor * DOC_ABBREV_FACTOR, depth + 1, minSim);
    if (long && this.topScore(best) >= 0.9 * factor) {
      for (const c of best.values()) if (c.method !== 'abbreviation') c.method = 'abbreviation';
      return;
    }
    // 2. a mention the training corpora consistently link to one concept
    const tokens = normTokens(t);
    if (!tokens.length) return;
    const key = tokens.join(' ');
    const alias = type && depth === 0 ? this.lexicon.alias(type, key) : undefined;
    if (alias !== undefined && this.add(best, [makePosting(alias.concept, 0)], factor, 'corpus-alias', key, type)) {
      const c = best.get(alias.concept);
      if (c && alias.code && c.method === 'corpus-alias') c.corpus_id = alias.code;
      return;
    }
    // 3. hash lookups
    this.add(best, this.lexicon.lookupNorm(key), factor, 'normalized', key, type);
    const bk = bagKeyFromTokens(tokens, true);
    if (bk && bk !== key) this.add(best, this.lexicon.lookupBag(bk), factor * BAG_FACTOR, 'word-order', bk, type);
    if (this.topScore(best) >= 0.9 * factor) return;
    // 4. variants
    for (const [v, typedOnly] of this.variants(tokens, type)) {
      this.lookupTokens(v, type, best, factor * VARIANT_FACTOR, 'variant', typedOnly);
    }
    if (this.topScore(best) >= 0.85 * factor) return;
    // 5. clinical abbreviation list, unless the document uses the word as a gene's name ("ATM protein": not acute
    // transverse myelitis)
    if (depth === 0 && t.length <= 10 && /[A-Z]/.test(t) && !/\s/.test(t) && !ctx?.geneNames.has(t)) {
      const exps = this.lexicon.abbreviations.get(t) ?? this.lexicon.abbreviations.get(t.toUpperCase());
      if (exps) {
        for (const e of exps) this.collect(e, type, ctx, best, factor * LIST_ABBREV_FACTOR, depth + 1, minSim);
        for (const c of best.values()) if (c.method !== 'clinical-abbreviation' && c.score <= factor * LIST_ABBREV_FACTOR) c.method = 'clinical-abbreviation';
      }
    }
    if (this.topScore(best) >= 0.8 * factor) return;
    // 6. character trigrams
    if (this.fuzzy && depth <= 1) this.fuzzyLookup(key, type, best, factor, minSim);
  }

  private lookupTokens(tokens: string[], type: EntityType | null, best: Map<number, LinkCandidate>, factor: number, method: LinkMethod, typedOnly = false): void {
    if (!tokens.length) return;
    const nk = tokens.join(' ');
    this.add(best, this.lexicon.lookupNorm(nk), factor, method, nk, type, TIER_SCORE, typedOnly);
    const bk = bagKeyFromTokens(tokens, true);
    if (bk && bk !== nk) this.add(best, this.lexicon.lookupBag(bk), factor * BAG_FACTOR, method, bk, type, TIER_SCORE, typedOnly);
  }

  /** Whether a normalised key is a curated name (tier 0 or 1) of a concept of a type other than DISEASE. */
  private namesAnotherType(key: string): boolean {
    const ps = this.lexicon.lookupNorm(key);
    for (let i = 0; i < ps.length; i++) {
      const t = this.lexicon.typeOf(postingConcept(ps[i]!));
      if (t !== null && t !== 'DISEASE' && postingTier(ps[i]!) < 2) return true;
    }
    return false;
  }

  /** Type-specific rewrites of the normalised tokens, each with whether it may match only concepts of the mention's type. */
  private variants(tokens: string[], type: EntityType | null): [string[], boolean][] {
    const out: [string[], boolean][] = [];
    const push = (v: string[], typedOnly = false) => {
      if (v.length && v.join(' ') !== tokens.join(' ') && !out.some(([o]) => o.join(' ') === v.join(' '))) out.push([v, typedOnly]);
    };
    const last = tokens[tokens.length - 1]!;
    if (type === 'DISEASE' || type === null) {
      const core = tokens.filter((t) => !isGenericWord(t));
      // "adenovirus disease" without "disease" names the virus: an untyped MeSH descriptor (Adenoviridae) is not the disease
      push(core, type === 'DISEASE');
      // "prostate" + disease, "pancreas" + disease: not when the words name something of another type (an organ the NER
      // model cut out of "prostatic, pancreas, skin, and lung cancer"; dev end to end +0.17 BC5CDR, +0.41 NCBI-disease)
      // nor to a lone generic word ("deficiency", a piece the NER model cut) or to stop words only ("A-")
      if (core.length === tokens.length && tokens.some((t) => !isStopWord(t) && !GENERIC_HEADS.has(t)) && !this.namesAnotherType(tokens.join(' '))) {
        push([...tokens, 'disease']);
        push([...tokens, 'syndrome']);
      }
      for (const noun of nounsOf(last)) push([...tokens.slice(0, -1), noun]);
      if (SIDE_PREFIX.test(last)) push([...tokens.slice(0, -1), last.replace(SIDE_PREFIX, '')], true);
      const adjective = tokens[tokens.length - 2];
      if (adjective && FINDING_AFTER_ADJECTIVE.has(last)) for (const noun of nounsOf(adjective)) push([...tokens.slice(0, -2), noun], true);
      const unmod = tokens.filter((t) => !DISEASE_MODIFIERS.has(t));
      if (unmod.length && unmod.length < tokens.length) {
        push(unmod);
        const u = unmod[unmod.length - 1]!;
        for (const noun of nounsOf(u)) push([...unmod.slice(0, -1), noun]);
      }
      // "X-induced Y" / "Y due to X": keep Y
      const ind = tokens.indexOf('induced');
      if (ind >= 0 && ind < tokens.length - 1) push(tokens.slice(ind + 1));
    }
    if (type === 'DRUG' || type === null) {
      const core = tokens.filter((t) => !SALTS.has(t));
      if (core.length) push(core);
    }
    if (type === 'GENE' || type === null) {
      push(tokens.filter((t) => !GENE_WORDS.has(t)));
      // b-catenin, TGF-b, IFN-g: single Latin letters standing for Greek ones
      if (tokens.some((t) => GREEK_LETTER.has(t))) push(tokens.map((t) => GREEK_LETTER.get(t) ?? t));
      // "p53" style: protein names written as p + number ↔ the gene symbol (TP53) is in the synonyms already
    }
    if (type === 'ANATOMY' || type === 'LAB_TEST' || type === 'PROCEDURE' || type === null) {
      const core = tokens.filter((t) => !['level', 'levels', 'test', 'value', 'count', 'serum', 'plasma', 'blood', 'total'].includes(t));
      if (type === 'LAB_TEST') {
        push(core);
        // HbA1c, Hb → hemoglobin A1c, hemoglobin
        if (tokens.some((t) => /^hb[a-z]?$/.test(t))) push(tokens.flatMap((t) => (/^hb[a-z]?$/.test(t) ? ['hemoglobin', ...(t.length > 2 ? [t.slice(2)] : [])] : [t])));
      }
    }
    return out;
  }

  private ngramIndex(key: string, accept: (c: number, tier: number) => boolean): NgramIndex {
    let ix = this.ngram.get(key);
    if (!ix) this.ngram.set(key, (ix = new NgramIndex(this.lexicon, accept)));
    return ix;
  }

  /** The trigram indexes searched for a mention of this type (built on first use). */
  private indexesFor(type: EntityType | null): [string, NgramIndex][] {
    const lex = this.lexicon;
    if (!type) return [['all', this.ngramIndex('all', (_c, tier) => tier < 2)]];
    const indexes: [string, NgramIndex][] = [];
    const ti = lex.types.indexOf(type);
    // curated names only (lab tests: all, their common names are derived), which keeps the indexes small
    const allTiers = type === 'LAB_TEST';
    if (ti >= 0) indexes.push([type, this.ngramIndex(type, (c, tier) => lex.ctype[c] === ti && (allTiers || tier < 2))]);
    if (NEAR_MISS_UNTYPED.has(type)) indexes.push(['untyped', this.ngramIndex('untyped', (c, tier) => lex.ctype[c] === -1 && tier < 2)]);
    return indexes;
  }

  /** Builds the name hash tables and every trigram index now (servers call it at start so that no request pays for it). */
  prepare(): void {
    this.lexicon.norm.prepare();
    this.lexicon.bag.prepare();
    if (this.fuzzy) for (const t of LINKABLE_TYPES) this.indexesFor(t);
  }

  private fuzzyLookup(nk: string, type: EntityType | null, best: Map<number, LinkCandidate>, factor: number, minSim: number): void {
    // a similarity above 1 asks for names only (no near-miss search)
    if (minSim > 1 || nk.replace(/ /g, '').length < 5) return;
    const lex = this.lexicon;
    const indexes = this.indexesFor(type);
    for (const [name, ix] of indexes) {
      const key = `${name}\u0000${minSim}\u0000${nk}`;
      let hits = this.ngramHits.get(key);
      if (!hits) {
        if (this.ngramHits.size >= MEMO_SIZE) this.ngramHits.clear();
        this.ngramHits.set(key, (hits = ix.search(nk, minSim, 10)));
      }
      for (const hit of hits) {
        this.add(best, lex.lookupNorm(hit.text), factor * NGRAM_FACTOR * hit.score, 'ngram', hit.text, type);
      }
    }
  }

  /**
   * A concept's first 50 names as written (for the exact-case bonus) and, on first use, the distinct content words
   * of its first curated names (for the context bonus); memoised, as disambiguation asks again and again.
   */
  private names(c: number): ConceptNames {
    let names = this.namesMemo.get(c);
    if (!names) {
      if (this.namesMemo.size >= MEMO_SIZE) this.namesMemo.clear();
      this.namesMemo.set(c, (names = { exact: new Set(this.lexicon.names(c, 50)) }));
    }
    return names;
  }

  private nameWords(c: number): readonly string[] {
    const names = this.names(c);
    if (!names.words) {
      const lex = this.lexicon;
      const set = new Set<string>();
      for (const n of lex.names(c, Math.min(20, lex.curatedCount(c)))) for (const w of normTokens(n)) if (w.length > 2 && !isStopWord(w) && !isGenericWord(w)) set.add(w);
      names.words = [...set];
    }
    return names.words;
  }

  /** Small bonuses that break ties: document context, exact-case name, prior. */
  private disambiguate(text: string, list: LinkCandidate[], ctx: LinkContext | undefined): void {
    const lex = this.lexicon;
    list.sort((a, b) => b.score - a.score);
    const top = list[0]!.score;
    let n = 0;
    for (const c of list) {
      if (c.score < top - 0.1) break;
      c.score += (lex.prior[c.concept]! / 100) * PRIOR_BONUS + (this.names(c.concept).exact.has(text.trim()) ? EXACT_CASE_BONUS : 0);
      n++;
    }
    if (!ctx) return;
    // The context bonus cannot change the outcome when one candidate leads by more than the bonus can add and
    // its score is already at the cap of 1; skipping it saves normalising the document's words.
    const band = list.slice(0, n);
    const lead = band.reduce((a, c) => (c.score > a.score ? c : a));
    if (lead.score >= 1 && band.every((c) => c === lead || c.score + MAX_CONTEXT_BONUS < lead.score)) return;
    const mention = new Set(normTokens(text));
    for (const c of band) {
      // words of the concept's curated names (not the mention's own) found elsewhere in the document
      let hits = 0;
      for (const w of this.nameWords(c.concept)) if (!mention.has(w) && ctx.tokens.has(w)) hits++;
      c.score += Math.min(MAX_CONTEXT_BONUS, CONTEXT_BONUS * hits);
    }
  }

  /**
   * A coordinated disease mention names several diseases ("breast and ovarian cancers": Breast Neoplasms and Ovarian
   * Neoplasms, not the hereditary syndrome that a whole-string match finds), as BC5CDR's and NCBI-disease's composite
   * mentions do. Returns the conjuncts that link surely, or null when the mention is not coordinated or none links.
   */
  linkParts(text: string, type: EntityType, ctx?: LinkContext): LinkedPart[] | null {
    if (type !== 'DISEASE') return null;
    const parts = coordinatedParts(text);
    if (!parts) return null;
    const out: LinkedPart[] = [];
    for (const p of parts) {
      const r = this.linkIfSure(p, type, ctx);
      if (r) out.push({ text: p, result: r });
    }
    return out.length ? out : null;
  }

  /** Link every entity of a document in place (codes, preferred_name, attributes.link_score). */
  linkDoc(doc: Doc): void {
    if (!doc.entities.length) return;
    const ctx = this.context(doc.text);
    const cache = new Map<string, LinkResult | null>();
    for (const e of doc.entities) this.linkEntity(e, ctx, cache);
  }

  /** The best concept when it reaches the type's threshold (what the pipeline links), else null. */
  linkIfSure(text: string, type: EntityType, ctx?: LinkContext): LinkResult | null {
    // a trigram hit below this similarity cannot reach the type's threshold even with every bonus, so the
    // search skips it (same codes, less work)
    const minSim = Math.max(this.minSim, (this.thresholds[type] - this.maxBonus) / NGRAM_FACTOR);
    const r = this.link(text, type, ctx, minSim);
    return r && r.score >= this.thresholds[type] ? r : null;
  }

  linkEntity(e: Entity, ctx: LinkContext, cache = new Map<string, LinkResult | null>()): LinkResult | null {
    if (!LINKABLE_TYPES.includes(e.type)) return null;
    if (e.codes && Object.keys(e.codes).length) return null;
    // a composite mention gets one code set per concept it names, in attributes.components, and none of its own
    const parts = this.linkParts(e.text, e.type, ctx);
    if (parts) {
      const components = parts.map((p) => ({ text: p.text, preferred_name: p.result.preferred_name, codes: { ...p.result.codes }, link_score: p.result.score }));
      e.attributes = { ...e.attributes, link_score: Math.min(...components.map((c) => c.link_score)), link_method: 'composite', components };
      return null;
    }
    const key = `${e.type}\u0000${e.text}`;
    let r = cache.get(key);
    if (r === undefined) cache.set(key, (r = this.linkIfSure(e.text, e.type, ctx)));
    if (!r) return null;
    if (Object.keys(r.codes).length) e.codes = { ...r.codes };
    e.preferred_name = r.preferred_name;
    e.attributes = { ...e.attributes, link_score: r.score, link_method: r.method, ...(r.mesh_broader ? { mesh_broader: r.mesh_broader } : {}) };
    return r;
  }

  /** Forgets every memoised result (not the n-gram indexes): benchmarks time a linker that has seen nothing. */
  clearMemos(): void {
    this.ngramHits.clear();
    this.namesMemo.clear();
    this.conceptMemo.clear();
    clearWordMemo();
  }

  /** Memory held by the n-gram indexes built so far (bytes). */
  ngramBytes(): number {
    let n = 0;
    for (const ix of this.ngram.values()) n += ix.bytes;
    return n;
  }
}
