/**
 * Registry of the shared gold corpora: name → splits → loader. Loaders read from
 * `<sharedDataDir()>/corpora/…`; `loadCorpus` fills each mention's canonical `type`
 * (src/core/labels.ts) and stamps `corpus` and `split` on the documents.
 * See docs/corpora.md for the sources, split rules and known overlaps.
 */
import { join } from 'node:path';
import type { AnnotatedDoc } from '../core/corpus.js';
import { canonicalType } from '../core/labels.js';
import { sharedDataDir } from '../core/paths.js';
import { readAdeDir } from '../io/ade.js';
import { readBratDir, type BratOptions } from '../io/brat.js';
import { readChemProtDir } from '../io/chemprot.js';
import { readConll } from '../io/conll.js';
import { readDdiDir } from '../io/ddi.js';
import { readPubTator } from '../io/pubtator.js';
import { hashSplit, SPLITS, type Split } from './split.js';

export { hashSplit, SPLITS, type Split } from './split.js';

/** Reads one split; the argument is the `corpora/` folder. */
type Loader = (corporaDir: string) => AnnotatedDoc[];

export interface CorpusSpec {
  description: string;
  /** `official`: the corpus's own splits; `hash`: the sha1 rule of split.ts. */
  splitRule: 'official' | 'hash';
  splits: Partial<Record<Split, Loader>>;
  /** PubMed id of a document, for corpora whose documents are PubMed records. */
  pmid?: (doc: AnnotatedDoc) => string | undefined;
}

/** Directory holding `corpora/`: env MEDICAL_NER_SHARED, else `<package root>/../shared/data` (from src/ and dist/ alike). */
export { sharedDataDir };

const metaPmid = (d: AnnotatedDoc) => (typeof d.meta?.pmid === 'string' ? d.meta.pmid : undefined);
const pubtator = (file: string): Loader => (dir) => readPubTator(join(dir, file));
const brat = (folder: string, opts?: BratOptions): Loader => (dir) => readBratDir(join(dir, folder), opts);
const conll = (file: string, idPrefix: string): Loader => (dir) => readConll(join(dir, file), { idPrefix });

/** Splits of a corpus without official ones: every split reads all documents and keeps its share. */
function hashed(corpus: string, all: Loader, key: (d: AnnotatedDoc) => string): Partial<Record<Split, Loader>> {
  return Object.fromEntries(SPLITS.map((s) => [s, (dir: string) => all(dir).filter((d) => hashSplit(corpus, key(d)) === s)]));
}

/** CHIA documents are `<NCT id>_inc` / `_exc`: both sections of a trial share the trial's split. */
export const chiaTrialId = (docId: string) => docId.replace(/_(inc|exc)$/, '');

const DDI_TRAIN: Loader = (dir) => readDdiDir(join(dir, 'ddi/DDICorpus/Train'));

export const CORPORA: Readonly<Record<string, CorpusSpec>> = {
  bc5cdr: {
    description: 'BioCreative V CDR: chemicals, diseases, chemical-induced-disease (CID) concept relations; PubTator',
    splitRule: 'official',
    splits: {
      train: pubtator('bc5cdr/CDR_TrainingSet.PubTator.txt'),
      dev: pubtator('bc5cdr/CDR_DevelopmentSet.PubTator.txt'),
      test: pubtator('bc5cdr/CDR_TestSet.PubTator.txt'),
    },
    pmid: metaPmid,
  },
  'ncbi-disease': {
    description: 'NCBI disease corpus: disease mentions; PubTator',
    splitRule: 'official',
    splits: {
      train: pubtator('ncbi-disease/NCBItrainset_corpus.txt'),
      dev: pubtator('ncbi-disease/NCBIdevelopset_corpus.txt'),
      test: pubtator('ncbi-disease/NCBItestset_corpus.txt'),
    },
    pmid: metaPmid,
  },
  bc2gm: {
    description: 'BioCreative II gene mention (MTL-2016 IOB conversion): one document per sentence',
    splitRule: 'official',
    splits: {
      train: conll('gene/BC2GM-IOB/train.tsv', 'bc2gm-train'),
      dev: conll('gene/BC2GM-IOB/devel.tsv', 'bc2gm-dev'),
      test: conll('gene/BC2GM-IOB/test.tsv', 'bc2gm-test'),
    },
  },
  jnlpba: {
    description: 'JNLPBA 2004 (GENIA): protein, DNA, RNA, cell_line, cell_type; brat standoff; no dev split',
    splitRule: 'official',
    splits: { train: brat('gene/JNLPBA/standoff/train'), test: brat('gene/JNLPBA/standoff/test') },
  },
  anatem: {
    description: 'AnatEM 1.0.2: 12 anatomical entity types; brat standoff',
    splitRule: 'official',
    splits: {
      train: brat('anatomy/AnatEM-1.0.2/standoff/train'),
      dev: brat('anatomy/AnatEM-1.0.2/standoff/devel'),
      test: brat('anatomy/AnatEM-1.0.2/standoff/test'),
    },
    pmid: (d) => (d.id.startsWith('PMID-') ? d.id.slice(5) : undefined),
  },
  biored: {
    description: 'BioRED: 6 entity types, 8 concept-level relation types (train/dev only; test held out)',
    splitRule: 'official',
    splits: { train: pubtator('biored/Train.PubTator'), dev: pubtator('biored/Dev.PubTator') },
    pmid: metaPmid,
  },
  maccrobat: {
    description: 'MACCROBAT clinical case reports (160 of 200): brat standoff with events and relations; code-point offsets',
    splitRule: 'hash',
    splits: hashed('maccrobat', brat('maccrobat/MACCROBAT2020', { offsets: 'codepoint' }), (d) => d.id),
    pmid: (d) => d.id,
  },
  chia: {
    description: 'Chia clinical-trial eligibility criteria (with scope): brat standoff, raw CRLF offsets',
    splitRule: 'hash',
    splits: hashed('chia', brat('chia/chia_with_scope'), (d) => chiaTrialId(d.id)),
  },
  ade: {
    description: 'ADE-Corpus-V2: drug, adverse effect, dosage; ADE and DOSE relations; one document per sentence',
    splitRule: 'hash',
    splits: hashed('ade', (dir) => readAdeDir(join(dir, 'ade')), (d) => metaPmid(d) ?? d.id),
    pmid: metaPmid,
  },
  ddi: {
    description: 'DDI 2013 for NER: Train, and "Test for DrugNER task" as test',
    splitRule: 'official',
    splits: { train: DDI_TRAIN, test: (dir) => readDdiDir(join(dir, 'ddi/DDICorpus/Test/Test for DrugNER task')) },
    pmid: metaPmid,
  },
  'ddi-re': {
    description: 'DDI 2013 for relation extraction: Train, and "Test for DDI Extraction task" as test',
    splitRule: 'official',
    splits: { train: DDI_TRAIN, test: (dir) => readDdiDir(join(dir, 'ddi/DDICorpus/Test/Test for DDI Extraction task')) },
    pmid: metaPmid,
  },
  chemprot: {
    description: 'ChemProt (BioCreative VI): chemicals, genes; gold CPR:3/4/5/6/9 relations',
    splitRule: 'official',
    splits: {
      train: (dir) => readChemProtDir(join(dir, 'chemprot/chemprot_training')),
      dev: (dir) => readChemProtDir(join(dir, 'chemprot/chemprot_development')),
      test: (dir) => readChemProtDir(join(dir, 'chemprot/chemprot_test_gs')),
    },
    pmid: metaPmid,
  },
};

/** Registry names reading the same documents (one is not "another corpus" for the other). */
const SAME_DATA: Readonly<Record<string, string>> = { 'ddi-re': 'ddi' };

/** The corpus whose documents a registry name reads (`ddi-re` → `ddi`; others are their own). */
export function sameDataAs(name: string): string {
  return SAME_DATA[name] ?? name;
}

export interface CorpusInfo {
  name: string;
  description: string;
  splitRule: 'official' | 'hash';
  splits: Split[];
}

export function listCorpora(): CorpusInfo[] {
  return Object.entries(CORPORA).map(([name, c]) => ({
    name,
    description: c.description,
    splitRule: c.splitRule,
    splits: SPLITS.filter((s) => c.splits[s] !== undefined),
  }));
}

export interface LoadOptions {
  /** Overrides sharedDataDir(). */
  dataDir?: string;
}

/** Loads one split of a registered corpus, with canonical types filled and corpus/split set. */
export function loadCorpus(name: string, split: Split, opts: LoadOptions = {}): AnnotatedDoc[] {
  const spec = CORPORA[name];
  if (!spec) throw new Error(`unknown corpus "${name}"; known: ${Object.keys(CORPORA).join(', ')}`);
  const loader = spec.splits[split];
  if (!loader) throw new Error(`corpus "${name}" has no ${split} split; it has: ${listCorpora().find((c) => c.name === name)!.splits.join(', ')}`);
  const docs = loader(join(opts.dataDir ?? sharedDataDir(), 'corpora'));
  for (const d of docs) {
    d.corpus = name;
    d.split = split;
    for (const m of d.mentions) {
      const t = canonicalType(name, m.label);
      if (t) m.type = t;
    }
  }
  return docs;
}

/**
 * Documents of a train/dev split whose PubMed abstract is a test document of another
 * corpus. `SOURCE.md`: stated in the corpus notes; `measured`: found by PMID when this
 * registry was written (ADE documents are sentences, so 5 abstracts give 34 documents).
 */
export const KNOWN_OVERLAPS: readonly { corpus: string; split: Split; testCorpus: string; docs: number; source: 'SOURCE.md' | 'measured' }[] = [
  { corpus: 'biored', split: 'train', testCorpus: 'bc5cdr', docs: 53, source: 'SOURCE.md' },
  { corpus: 'biored', split: 'dev', testCorpus: 'bc5cdr', docs: 16, source: 'SOURCE.md' },
  { corpus: 'biored', split: 'train', testCorpus: 'ncbi-disease', docs: 1, source: 'SOURCE.md' },
  { corpus: 'biored', split: 'dev', testCorpus: 'chemprot', docs: 1, source: 'measured' },
  { corpus: 'ade', split: 'train', testCorpus: 'bc5cdr', docs: 34, source: 'measured' },
  { corpus: 'bc5cdr', split: 'train', testCorpus: 'ade', docs: 1, source: 'measured' },
];

/**
 * Ids of the documents of `corpus`/`split` whose PubMed id is a test document of another
 * corpus (by default: every registered corpus with PubMed ids). Leave them out of
 * training, or report scores on those test sets with and without them.
 */
export function excludedForTraining(
  corpus: string,
  split: Split = 'train',
  opts: LoadOptions & { against?: string[] } = {},
): Set<string> {
  const own = CORPORA[corpus];
  if (!own?.pmid) return new Set();
  const against = opts.against ?? Object.keys(CORPORA);
  const testPmids = new Set<string>();
  for (const name of against) {
    const spec = CORPORA[name];
    if (name === corpus || !spec?.pmid || !spec.splits.test) continue;
    if (SAME_DATA[name] === corpus || SAME_DATA[corpus] === name) continue;
    for (const d of loadCorpus(name, 'test', opts)) {
      const p = spec.pmid(d);
      if (p) testPmids.add(p);
    }
  }
  const out = new Set<string>();
  for (const d of loadCorpus(corpus, split, opts)) {
    const p = own.pmid(d);
    if (p && testPmids.has(p)) out.add(d.id);
  }
  return out;
}
