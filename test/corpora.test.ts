/**
 * Loads every corpus and split of the shared data through the registry, checks every
 * mention against its offsets, and compares counts with the figures in each corpus's
 * SOURCE.md (the numbers below are copied from there; derived ones say so).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AnnotatedDoc } from '../src/core/corpus.js';
import { canonicalType } from '../src/core/labels.js';
import { CORPORA, excludedForTraining, hashSplit, chiaTrialId, KNOWN_OVERLAPS, listCorpora, loadCorpus, sharedDataDir, type Split } from '../src/corpora/index.js';
import { readConll } from '../src/io/conll.js';
import { readChemProtDir } from '../src/io/chemprot.js';
import { CORPUS_TEXT } from '../src/io/common.js';

const corporaDir = join(sharedDataDir(), 'corpora');
const skip = existsSync(corporaDir) ? false : `shared corpora not found at ${corporaDir} (set MEDICAL_NER_SHARED to the shared data folder)`;

type Counts = Record<string, number>;
const countBy = <T>(xs: Iterable<T>, key: (x: T) => string | undefined): Counts => {
  const out: Counts = {};
  for (const x of xs) {
    const k = key(x);
    if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};
const mentionsOf = (docs: AnnotatedDoc[]) => docs.flatMap((d) => d.mentions);
const relationsOf = (docs: AnnotatedDoc[]) => docs.flatMap((d) => d.relations);
const corpusTextCount = (docs: AnnotatedDoc[]) => mentionsOf(docs).filter((m) => m.attributes?.[CORPUS_TEXT] !== undefined).length;

/** Offsets, fragments, relation arguments, canonical types, corpus/split stamps: every document. */
function checkDocs(name: string, split: Split, docs: AnnotatedDoc[]): void {
  const problems: string[] = [];
  for (const d of docs) {
    if (d.corpus !== name || d.split !== split) problems.push(`${d.id}: corpus/split not set`);
    const ids = new Set<string>();
    for (const m of d.mentions) {
      if (ids.has(m.id)) problems.push(`${d.id}/${m.id}: duplicate mention id`);
      ids.add(m.id);
      if (m.text !== d.text.slice(m.start, m.end) || m.start < 0 || m.end > d.text.length || m.start > m.end) {
        problems.push(`${d.id}/${m.id}: text does not match offsets`);
      }
      for (const f of m.fragments ?? []) if (f.start < m.start || f.end > m.end || f.start > f.end) problems.push(`${d.id}/${m.id}: fragment outside span`);
      if (m.type !== canonicalType(name, m.label)) problems.push(`${d.id}/${m.id}: type ${m.type} for label ${m.label}`);
    }
    for (const r of d.relations) {
      if (r.level === 'mention' && !(ids.has(r.arg1) && ids.has(r.arg2))) problems.push(`${d.id}/${r.id}: relation argument is not a mention`);
    }
  }
  assert.deepEqual(problems.slice(0, 10), [], `${name}/${split}: ${problems.length} problems`);
}

const cache = new Map<string, AnnotatedDoc[]>();
function load(name: string, split: Split): AnnotatedDoc[] {
  const key = `${name}/${split}`;
  let docs = cache.get(key);
  if (!docs) {
    docs = loadCorpus(name, split);
    checkDocs(name, split, docs);
    cache.set(key, docs);
  }
  return docs;
}

/** Per-split expectations: docs, mentions by label, relations by label, mismatching corpus texts. */
interface Expect {
  docs: number;
  labels: Counts;
  relations?: Counts;
  corpusText?: number;
}

function expectSplit(name: string, split: Split, e: Expect): AnnotatedDoc[] {
  const docs = load(name, split);
  assert.equal(docs.length, e.docs, `${name}/${split} documents`);
  assert.deepEqual(countBy(mentionsOf(docs), (m) => m.label), e.labels, `${name}/${split} mentions by label`);
  assert.deepEqual(countBy(relationsOf(docs), (r) => r.label), e.relations ?? {}, `${name}/${split} relations by label`);
  assert.equal(corpusTextCount(docs), e.corpusText ?? 0, `${name}/${split} mentions whose corpus text differs from the slice`);
  return docs;
}

const sum = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);

test('registry lists the corpora and their splits', () => {
  const got = Object.fromEntries(listCorpora().map((c) => [c.name, c.splits]));
  assert.deepEqual(got, {
    bc5cdr: ['train', 'dev', 'test'],
    'ncbi-disease': ['train', 'dev', 'test'],
    bc2gm: ['train', 'dev', 'test'],
    jnlpba: ['train', 'test'],
    anatem: ['train', 'dev', 'test'],
    biored: ['train', 'dev'],
    maccrobat: ['train', 'dev', 'test'],
    chia: ['train', 'dev', 'test'],
    ade: ['train', 'dev', 'test'],
    ddi: ['train', 'test'],
    'ddi-re': ['train', 'test'],
    chemprot: ['train', 'dev', 'test'],
  });
});

test('bc5cdr', { skip }, () => {
  const rows: [Split, number, number, number, number, number][] = [
    // split, Chemical, Disease, CID, 7-column composite, id -1
    ['train', 5203, 4182, 1038, 107, 76],
    ['dev', 5347, 4244, 1012, 89, 59],
    ['test', 5385, 4424, 1066, 57, 91],
  ];
  for (const [split, chem, dis, cid, composite, noId] of rows) {
    const docs = expectSplit('bc5cdr', split, { docs: 500, labels: { Chemical: chem, Disease: dis }, relations: { CID: cid } });
    const ms = mentionsOf(docs);
    assert.equal(ms.filter((m) => m.attributes?.individual_mentions !== undefined).length, composite);
    assert.equal(ms.filter((m) => m.ids === undefined).length, noId);
    assert.ok(relationsOf(docs).every((r) => r.level === 'concept'), 'CID relations are concept-level');
  }
});

test('ncbi-disease', { skip }, () => {
  const train = expectSplit('ncbi-disease', 'train', {
    docs: 593,
    labels: { SpecificDisease: 2972, DiseaseClass: 769, Modifier: 1289, CompositeMention: 115 },
    corpusText: 1, // PMID 10923035 711–761: two trailing spaces in the text column
  });
  assert.equal(new Set(train.map((d) => d.id)).size, 592, 'PMID 8528200 appears twice');
  const odd = mentionsOf(train).find((m) => m.attributes?.[CORPUS_TEXT] !== undefined)!;
  assert.equal(`${odd.start}-${odd.end}`, '711-761');
  assert.equal(odd.attributes![CORPUS_TEXT], `${odd.text}  `);
  expectSplit('ncbi-disease', 'dev', { docs: 100, labels: { SpecificDisease: 412, DiseaseClass: 126, Modifier: 214, CompositeMention: 35 } });
  expectSplit('ncbi-disease', 'test', { docs: 100, labels: { SpecificDisease: 555, DiseaseClass: 121, Modifier: 264, CompositeMention: 20 } });
});

test('biored', { skip }, () => {
  const rows: [Split, number, Counts, Counts, [number, number]][] = [
    ['train', 400,
      { GeneOrGeneProduct: 4430, DiseaseOrPhenotypicFeature: 3646, ChemicalEntity: 2853, OrganismTaxon: 1429, SequenceVariant: 890, CellLine: 103 },
      { Association: 2192, Positive_Correlation: 1089, Negative_Correlation: 763, Bind: 61, Cotreatment: 31, Comparison: 28, Drug_Interaction: 11, Conversion: 3 },
      [2838, 1340]],
    ['dev', 100,
      { GeneOrGeneProduct: 1087, DiseaseOrPhenotypicFeature: 982, ChemicalEntity: 822, OrganismTaxon: 370, SequenceVariant: 250, CellLine: 22 },
      { Association: 560, Positive_Correlation: 352, Negative_Correlation: 216, Bind: 19, Cotreatment: 10, Comparison: 5 },
      [835, 327]],
  ];
  for (const [split, docs, labels, relations, [novel, no]] of rows) {
    const d = expectSplit('biored', split, { docs, labels, relations });
    assert.deepEqual(countBy(relationsOf(d), (r) => String(r.attributes?.novel)), { Novel: novel, No: no });
  }
  assert.throws(() => loadCorpus('biored', 'test'), /no test split/);
});

test('bc2gm (IOB)', { skip }, () => {
  const rows: [Split, number, number, number][] = [
    ['train', 12574, 355405, 15197],
    ['dev', 2519, 71042, 3061],
    ['test', 5038, 143465, 6325],
  ];
  for (const [split, sentences, tokens, genes] of rows) {
    // One document per sentence: the file has no document boundaries.
    const docs = expectSplit('bc2gm', split, { docs: sentences, labels: { GENE: genes } });
    assert.equal(docs.reduce((n, d) => n + d.text.split(/[ \n]/).length, 0), tokens);
  }
});

test('jnlpba (standoff, and the original IOB2 test file)', { skip }, () => {
  expectSplit('jnlpba', 'train', { docs: 2000, labels: { protein: 30269, DNA: 9533, RNA: 951, cell_type: 6718, cell_line: 3830 } });
  const testLabels = { protein: 5067, DNA: 1056, RNA: 118, cell_type: 1921, cell_line: 500 };
  const standoff = expectSplit('jnlpba', 'test', { docs: 404, labels: testLabels });
  const iob = readConll(join(corporaDir, 'gene/JNLPBA/original-data/test/Genia4EReval2.iob2'));
  assert.equal(iob.length, 404);
  assert.equal(iob.reduce((n, d) => n + d.text.split(/[ \n]/).length, 0), 101039);
  assert.deepEqual(countBy(mentionsOf(iob), (m) => m.label), testLabels);
  // The ###MEDLINE headers give the standoff file names (a repeated id gets "-2", as there).
  assert.deepEqual(iob.map((d) => d.id).sort(), standoff.map((d) => d.id).sort());
});

test('anatem (standoff, and the IOB conversion)', { skip }, () => {
  const types = ['Anatomical_system', 'Cancer', 'Cell', 'Cellular_component', 'Developing_anatomical_structure', 'Immaterial_anatomical_entity',
    'Multi-tissue_structure', 'Organ', 'Organism_subdivision', 'Organism_substance', 'Pathological_formation', 'Tissue'];
  const byType: Record<Split, number[]> = {
    train: [66, 1447, 2436, 407, 45, 116, 874, 413, 165, 338, 181, 458],
    dev: [7, 501, 656, 137, 20, 49, 270, 144, 60, 104, 62, 129],
    test: [39, 1117, 1429, 285, 35, 96, 551, 306, 111, 243, 148, 256],
  };
  const docs: Record<Split, number> = { train: 606, dev: 202, test: 404 };
  const iob: Record<Split, [string, number, number, number]> = {
    train: ['train.tsv', 5861, 153823, 6946],
    dev: ['devel.tsv', 2118, 58785, 2139],
    test: ['test.tsv', 3830, 99976, 4616],
  };
  for (const split of ['train', 'dev', 'test'] as const) {
    const labels = Object.fromEntries(types.map((t, i) => [t, byType[split][i]!]));
    expectSplit('anatem', split, { docs: docs[split], labels });
    const [file, sentences, tokens, total] = iob[split];
    const conll = readConll(join(corporaDir, 'anatomy/AnatEM-IOB', file));
    assert.equal(conll.length, sentences);
    assert.equal(conll.reduce((n, d) => n + d.text.split(/[ \n]/).length, 0), tokens);
    assert.deepEqual(countBy(mentionsOf(conll), (m) => m.label), { Anatomy: total });
    assert.equal(total, sum(labels), 'both forms hold the same number of mentions');
  }
});

/** Splits of a hash-split corpus: disjoint, complete, and following the sha1 rule. */
function hashSplits(name: string, key: (d: AnnotatedDoc) => string, sizes: [train: number, dev: number, test: number]): AnnotatedDoc[] {
  const all: AnnotatedDoc[] = [];
  for (const [i, split] of (['train', 'dev', 'test'] as const).entries()) {
    const docs = load(name, split);
    assert.equal(docs.length, sizes[i], `${name}/${split} size (the Python side must get the same)`);
    for (const d of docs) {
      assert.equal(hashSplit(name, key(d)), split);
      all.push(d);
    }
  }
  assert.equal(new Set(all.map((d) => d.id)).size, all.length, `${name}: a document in two splits`);
  return all;
}

test('maccrobat (160 documents, hash split)', { skip }, () => {
  const docs = hashSplits('maccrobat', (d) => d.id, [111, 13, 36]);
  assert.equal(docs.length, 160);
  const ms = mentionsOf(docs);
  assert.equal(ms.length, 19892);
  assert.equal(ms.filter((m) => m.fragments).length, 30);
  assert.equal(corpusTextCount(docs), 0);
  assert.deepEqual(countBy(ms, (m) => m.label), {
    Diagnostic_procedure: 3587, Sign_symptom: 2710, Biological_structure: 2384, Detailed_description: 2309, Lab_value: 2245,
    Therapeutic_procedure: 836, Medication: 833, Disease_disorder: 1064, Date: 578, Clinical_event: 498, Severity: 299, History: 290,
    Dosage: 275, Nonbiological_location: 266, Coreference: 257, Duration: 235, Age: 165, Sex: 152, Administration: 138, Distance: 97,
    Activity: 80, Family_history: 68, Frequency: 57, Shape: 52, Personal_background: 48, Other_entity: 8, Time: 44, Subject: 39,
    Color: 38, Area: 37, Texture: 36, Outcome: 34, Quantitative_concept: 33, Qualitative_concept: 28, Other_event: 24, Volume: 23,
    Occupation: 9, Biological_attribute: 9, Weight: 3, Height: 2, Mass: 2,
  });
  // Events: one per trigger mention; their types are the trigger labels.
  assert.deepEqual(countBy(ms, (m) => (m.attributes?.event_id ? m.label : undefined)), {
    Diagnostic_procedure: 3587, Sign_symptom: 2710, Disease_disorder: 1064, Therapeutic_procedure: 836, Medication: 833, Date: 578,
    Lab_value: 525, Clinical_event: 498, Coreference: 257, Duration: 235, Activity: 80, Time: 44, Outcome: 34, Other_event: 24,
  });
  assert.deepEqual(countBy(relationsOf(docs), (r) => r.label), {
    MODIFY: 9187, BEFORE: 1582, SUB_PROCEDURE: 1083, IDENTICAL: 629, AFTER: 313, CAUSE: 118, 'CO-OCCURRENCE': 5,
  });
  const attrs = ms.flatMap((m) => ['POLARITY', 'TREND'].flatMap((k) => (m.attributes?.[k] ? [`${k} ${m.attributes[k]}`] : [])));
  assert.deepEqual(countBy(attrs, (a) => a), {
    'POLARITY NEG': 838, 'POLARITY UNCERTAIN': 115, 'POLARITY MAYBE_POS': 39, 'POLARITY MAYBE_NEG': 18, 'POLARITY POS': 3,
    'TREND INC': 55, 'TREND DEC': 48, 'TREND STAY': 13,
  });
  assert.equal(docs.reduce((n, d) => n + ((d.meta?.equivalences as unknown[] | undefined)?.length ?? 0), 0), 1584);
  assert.equal(docs.filter((d) => /[^\x00-\x7f]/.test(d.text)).length, 135);
});

test('chia (2,000 documents, hash split by trial)', { skip }, () => {
  const docs = hashSplits('chia', (d) => chiaTrialId(d.id), [1450, 176, 374]);
  assert.equal(docs.length, 2000);
  assert.equal(new Set(docs.map((d) => chiaTrialId(d.id))).size, 1000);
  for (const split of ['train', 'dev', 'test'] as const) {
    for (const d of load('chia', split)) assert.equal(hashSplit('chia', chiaTrialId(d.id)), split, 'inc/exc of a trial share its split');
  }
  const ms = mentionsOf(docs);
  assert.equal(ms.length, 48870);
  assert.equal(ms.filter((m) => m.fragments).length, 1822);
  // SOURCE.md: 23 spans differ from their .ann text. Here: 20 cross a CRLF (the .ann has "\n"
  // or nothing where the raw text has "\r\n"), 2 .ann entries are followed by stray lines that
  // read as a continuation, and 1 (NCT03460002_inc T5) has a different text in the .ann.
  const odd = ms.filter((m) => m.attributes?.[CORPUS_TEXT] !== undefined);
  assert.equal(odd.length, 23);
  assert.equal(odd.filter((m) => m.text.includes('\r')).length, 20);
  assert.equal(odd.filter((m) => String(m.attributes![CORPUS_TEXT]).startsWith(`${m.text}\n`)).length, 2);
  assert.deepEqual(odd.filter((m) => !m.text.includes('\r') && !String(m.attributes![CORPUS_TEXT]).startsWith(m.text)).map((m) => m.text), [
    'Demographic Surveillance Site',
  ]);
  assert.equal(docs.filter((d) => d.text.includes('\r\n')).length, 1603);
  assert.equal(docs.filter((d) => d.mentions.length === 0).length, 19, 'empty .ann files');
  assert.equal(docs.reduce((n, d) => n + d.text.split(/\r?\n/).filter((l) => l.trim() !== '').length, 0), 12409);
  assert.deepEqual(countBy(ms, (m) => m.label), {
    Condition: 12039, Drug: 3801, Procedure: 3595, Measurement: 3305, Observation: 1795, Person: 1666, Device: 386, Visit: 165, Scope: 4254,
    Qualifier: 4157, Value: 4002, Temporal: 3044, Reference_point: 934, Negation: 843, Multiplier: 671, Mood: 573, Line: 100,
    'Non-query-able': 786, Parsing_Error: 608, 'Post-eligibility': 485, 'Non-representable': 304, Undefined_semantics: 265,
    Informed_consent: 258, Subjective_judgement: 241, Pregnancy_considerations: 190, Context_Error: 143, Competing_trial: 96,
    Grammar_Error: 82, Not_a_criteria: 76, Intoxication_considerations: 5, 'c-Requires_causality': 1,
  });
  assert.deepEqual(countBy(relationsOf(docs), (r) => r.label), {
    Has_value: 3643, Has_temporal: 3092, Has_qualifier: 3040, AND: 2666, Subsumes: 1875, Has_scope: 1513, Has_negation: 829,
    Has_index: 829, Has_multiplier: 602, multi: 502, Has_mood: 490, Has_context: 180, causal: 36, OR: 7,
  });
  const eq = docs.flatMap((d) => (d.meta?.equivalences as { type: string }[] | undefined) ?? []);
  assert.deepEqual(countBy(eq, (e) => e.type), { OR: 4964, NOT: 4 });
  assert.equal(ms.filter((m) => m.attributes?.Optional === true).length, 316);
});

test('ade (one document per sentence, hash split by PMID)', { skip }, () => {
  const docs = hashSplits('ade', (d) => String(d.meta?.pmid), [14515, 1977, 4468]);
  const withLabel = (l: string) => docs.filter((d) => d.relations.some((r) => r.label === l));
  const pmids = (ds: AnnotatedDoc[]) => new Set(ds.map((d) => String(d.meta?.pmid))).size;
  const ae = withLabel('ADE');
  const dose = withLabel('DOSE');
  const neg = docs.filter((d) => d.relations.length === 0);
  assert.deepEqual([ae.length, dose.length, neg.length], [4272, 213, 16688], 'distinct sentences');
  assert.equal(docs.length, 4272 + 16688, 'DOSE sentences are all ADE sentences');
  assert.deepEqual([pmids(ae), pmids(dose), pmids(neg), pmids(docs)], [1644, 168, 2922, 2972]);
  assert.deepEqual(countBy(relationsOf(docs), (r) => r.label), { ADE: 6821, DOSE: 279 }, 'one relation per .rel line');
  const textOf = (d: AnnotatedDoc, id: string) => d.mentions.find((m) => m.id === id)!.text;
  // SOURCE.md counts distinct strings case-insensitively.
  const distinct = (label: string, arg: 'arg1' | 'arg2') =>
    new Set(docs.flatMap((d) => d.relations.filter((r) => r.label === label).map((r) => textOf(d, r[arg]).toLowerCase()))).size;
  assert.deepEqual([distinct('ADE', 'arg2'), distinct('ADE', 'arg1'), distinct('DOSE', 'arg1'), distinct('DOSE', 'arg2')], [2984, 1050, 127, 159]);
  // DOSE goes dosage → drug.
  for (const d of dose) for (const r of d.relations.filter((x) => x.label === 'DOSE')) {
    assert.equal(d.mentions.find((m) => m.id === r.arg1)!.label, 'Dosage');
    assert.equal(d.mentions.find((m) => m.id === r.arg2)!.label, 'Drug');
  }
});

test('ddi and ddi-re', { skip }, () => {
  const folder = (d: AnnotatedDoc) => (d.id.startsWith('DDI-DrugBank') ? 'DrugBank' : 'MedLine');
  type Row = [docs: number, sentences: number, drug: number, group: number, brand: number, drugN: number, pairs: number, mech: number, eff: number, adv: number, int: number];
  const check = (docs: AnnotatedDoc[], src: string, row: Row) => {
    const ds = docs.filter((d) => folder(d) === src);
    const [n, sentences, drug, group, brand, drugN, pairs, mechanism, effect, advise, int] = row;
    assert.equal(ds.length, n);
    assert.equal(ds.reduce((k, d) => k + (d.meta?.sentences as unknown[]).length, 0), sentences);
    assert.deepEqual(countBy(mentionsOf(ds), (m) => m.label), Object.fromEntries(Object.entries({ drug, group, brand, drug_n: drugN }).filter(([, v]) => v > 0)));
    assert.equal(ds.reduce((k, d) => k + (d.meta?.pair_count as number), 0), pairs);
    const typed = relationsOf(ds).filter((r) => !r.attributes?.type_missing);
    assert.deepEqual(countBy(typed, (r) => r.label), Object.fromEntries(Object.entries({ mechanism, effect, advise, int }).filter(([, v]) => v > 0)));
  };
  const train = load('ddi', 'train');
  check(train, 'DrugBank', [572, 5675, 8197, 3206, 1423, 103, 26005, 1257, 1535, 818, 178]);
  check(train, 'MedLine', [142, 1301, 1228, 193, 14, 401, 1787, 62, 152, 8, 10]);
  const untyped = relationsOf(train).filter((r) => r.attributes?.type_missing);
  assert.deepEqual(untyped.map((r) => [r.id, r.label]), [['DDI-DrugBank.d236.s29.p0', 'int']]);
  const reTest = load('ddi-re', 'test');
  check(reTest, 'DrugBank', [158, 973, 1518, 626, 347, 21, 5265, 278, 298, 214, 94]);
  check(reTest, 'MedLine', [33, 326, 346, 41, 22, 119, 451, 24, 62, 7, 2]);
  const nerTest = load('ddi', 'test');
  check(nerTest, 'DrugBank', [54, 145, 180, 65, 53, 6, 606, 0, 0, 0, 0]);
  check(nerTest, 'MedLine', [58, 520, 171, 90, 6, 115, 335, 0, 0, 0, 0]);
  assert.equal(load('ddi-re', 'train').length, 714);
  const all = [...train, ...reTest, ...nerTest];
  assert.equal(all.length, 1017);
  assert.equal(mentionsOf(all).filter((m) => m.fragments).length, 49);
  // 3 discontinuous texts that join their parts without a space, and one (also discontinuous) off by one.
  const odd = mentionsOf(all).filter((m) => m.attributes?.[CORPUS_TEXT] !== undefined);
  assert.deepEqual(odd.map((m) => [m.id, m.attributes![CORPUS_TEXT]]).sort(), [
    ['DDI-DrugBank.d216.s16.e2', '(R)-warfarin'],
    ['DDI-DrugBank.d325.s6.e1', 'alpha-adrenergic blocking agents'],
    ['DDI-MedLine.d75.s3.e0', 'mu-selective opioids'],
    ['DDI-MedLine.d75.s3.e1', 'delta(1)-selective opioids'],
  ]);
});

test('chemprot', { skip }, () => {
  const rows: [Split, string, number, Counts, Counts, number][] = [
    ['train', 'chemprot_training', 1020, { CHEMICAL: 13017, 'GENE-Y': 8348, 'GENE-N': 4387 }, { 'CPR:3': 768, 'CPR:4': 2254, 'CPR:5': 173, 'CPR:6': 235, 'CPR:9': 727 }, 635],
    ['dev', 'chemprot_development', 612, { CHEMICAL: 8004, 'GENE-Y': 5151, 'GENE-N': 2412 }, { 'CPR:3': 550, 'CPR:4': 1094, 'CPR:5': 116, 'CPR:6': 199, 'CPR:9': 457 }, 376],
    ['test', 'chemprot_test_gs', 800, { CHEMICAL: 10810, 'GENE-Y': 6658, 'GENE-N': 3360 }, { 'CPR:3': 665, 'CPR:4': 1661, 'CPR:5': 195, 'CPR:6': 293, 'CPR:9': 644 }, 514],
  ];
  // All relation lines by group, CPR:0..10, and how many are flagged Y.
  const all: Record<Split, [number[], number]> = {
    train: [[1, 308, 1652, 777, 2260, 173, 235, 29, 34, 727, 241], 4172],
    dev: [[2, 153, 780, 552, 1103, 116, 199, 19, 2, 457, 175], 2427],
    test: [[0, 215, 1743, 667, 1667, 198, 293, 25, 25, 644, 267], 3469],
  };
  for (const [split, folder, n, labels, relations, withGold] of rows) {
    const docs = expectSplit('chemprot', split, { docs: n, labels, relations });
    assert.equal(docs.filter((d) => d.relations.length > 0).length, withGold);
    for (const d of docs) for (const r of d.relations) assert.equal(d.mentions.find((m) => m.id === r.arg1)!.label, 'CHEMICAL');
    const full = readChemProtDir(join(corporaDir, 'chemprot', folder), { allRelations: true });
    const [groups, flagged] = all[split];
    const expected = Object.fromEntries(groups.map((v, i) => [`CPR:${i}`, v]).filter(([, v]) => v !== 0));
    assert.deepEqual(countBy(relationsOf(full), (r) => r.label), expected);
    assert.equal(relationsOf(full).filter((r) => r.attributes?.evaluated === true).length, flagged);
  }
});

test('known overlaps between training splits and other corpora\'s tests', { skip }, () => {
  for (const o of KNOWN_OVERLAPS) {
    assert.equal(excludedForTraining(o.corpus, o.split, { against: [o.testCorpus] }).size, o.docs, `${o.corpus}/${o.split} ∩ ${o.testCorpus}/test`);
  }
  assert.ok(Object.values(CORPORA).every((c) => Object.keys(c.splits).length > 0), 'every corpus has a split');
});
