import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { components } from '../src/core/component.js';
import { MedicalNerError } from '../src/core/errors.js';
import type { Doc, Entity, EntityType, Relation } from '../src/core/types.js';
import { sharedDataDir } from '../src/corpora/index.js';
import { runRelationsEval, scoreDevset } from '../src/eval/relations.js';
import { pairFeatures, pairView, sentenceView } from '../src/relations/features.js';
import { loadLrModel, relationExtractor, RelationExtractor, SIGNATURES } from '../src/relations/index.js';
import { PackedWeights, softmaxScores } from '../src/ml/linear.js';
import { predictHead, readLrModel, writeLrModel, type HeadJson } from '../src/relations/lr.js';
import { CONCEPT_FEATURES, readConceptHead, type ConceptHeadJson } from '../src/relations/concept.js';
import { DenseHeads } from '../src/relations/dense.js';
import { compileRules, cueLexicon, DEFAULT_RULESET } from '../src/relations/rules.js';

/** A Doc with entities given as [text, type, occurrence?, attributes?], ids T1, T2, … in that order. */
function docWith(text: string, ents: [string, EntityType, number?, Record<string, unknown>?][]): Doc {
  const entities: Entity[] = ents.map(([t, type, occ = 1, attributes], i) => {
    let at = -1;
    for (let n = 0; n < occ; n++) at = text.indexOf(t, at + 1);
    assert.ok(at >= 0, `${t} not in text`);
    const e: Entity = { id: `T${i + 1}`, text: t, type, start: at, end: at + t.length, confidence: 1 };
    if (attributes) e.attributes = attributes;
    return e;
  });
  return { text, entities, relations: [] };
}

const triples = (doc: Doc, rels: Relation[]) => {
  const byId = new Map(doc.entities.map((e) => [e.id, e.text]));
  return rels.map((r) => `${byId.get(r.subject)} ${r.predicate} ${byId.get(r.object)}`).sort();
};

const rules = relationExtractor('rules');

test('rules: direction follows the signature whatever the word order', () => {
  const d1 = docWith('Metformin 500 mg daily for type 2 diabetes.', [
    ['Metformin', 'DRUG'],
    ['500 mg daily', 'DOSAGE'],
    ['type 2 diabetes', 'DISEASE'],
  ]);
  assert.deepEqual(triples(d1, rules.extract(d1)), ['500 mg daily DOSAGE_OF Metformin', 'Metformin TREATS type 2 diabetes']);
  const d2 = docWith('Melena secondary to ulcerative esophagitis. Hypertension, well controlled on amlodipine.', [
    ['Melena', 'DISEASE'],
    ['ulcerative esophagitis', 'DISEASE'],
    ['Hypertension', 'DISEASE'],
    ['amlodipine', 'DRUG'],
  ]);
  assert.deepEqual(triples(d2, rules.extract(d2)), ['amlodipine TREATS Hypertension', 'ulcerative esophagitis CAUSES Melena']);
  const d3 = docWith('Metformin was held due to acute kidney injury. A chest x-ray was obtained to rule out pneumonia. Pain in the left knee.', [
    ['Metformin', 'DRUG'],
    ['acute kidney injury', 'DISEASE'],
    ['chest x-ray', 'LAB_TEST'],
    ['pneumonia', 'DISEASE'],
    ['Pain', 'DISEASE'],
    ['left knee', 'ANATOMY'],
  ]);
  assert.deepEqual(triples(d3, rules.extract(d3)), [
    'Metformin CONTRAINDICATES acute kidney injury',
    'Pain LOCATED_IN left knee',
    'chest x-ray TEST_FOR pneumonia',
  ]);
});

test('rules: INTERACTS_WITH is symmetric and reported once per pair, subject first in the text', () => {
  for (const x of [rules, relationExtractor('relations-lr')]) {
    const d = docWith('Fluconazole may potentiate the anticoagulant effect of warfarin.', [
      ['Fluconazole', 'DRUG'],
      ['warfarin', 'DRUG'],
    ]);
    const rels = x.extract(d);
    assert.equal(rels.length, 1, x.name);
    assert.equal(rels[0]!.predicate, 'INTERACTS_WITH');
    assert.equal(rels[0]!.subject, 'T1');
    assert.equal(rels[0]!.object, 'T2');
  }
});

test('rules: evidence is the sentence span; no pairs across sentences', () => {
  const text = 'She takes aspirin daily. Lisinopril 10 mg for hypertension.';
  const d = docWith(text, [
    ['aspirin', 'DRUG'],
    ['Lisinopril', 'DRUG'],
    ['10 mg', 'DOSAGE'],
    ['hypertension', 'DISEASE'],
  ]);
  const rels = rules.extract(d);
  assert.deepEqual(triples(d, rels), ['10 mg DOSAGE_OF Lisinopril', 'Lisinopril TREATS hypertension']);
  for (const r of rels) {
    assert.deepEqual(r.evidence, { start: 25, end: text.length, text: 'Lisinopril 10 mg for hypertension.' });
    assert.equal(text.slice(r.evidence!.start, r.evidence!.end), r.evidence!.text);
    assert.ok(r.confidence > 0 && r.confidence <= 1);
    assert.equal(r.attributes?.source, 'rules');
  }
});

test('cross-sentence: drug and disease concepts that never share a sentence go to the document head', () => {
  const text = 'Cisplatin nephrotoxicity in children. Fifteen children received cisplatin for solid tumours. Four of them developed hypomagnesemia.';
  const d = docWith(text, [
    ['Cisplatin', 'DRUG', 1, undefined],
    ['nephrotoxicity', 'DISEASE'],
    ['cisplatin', 'DRUG'],
    ['hypomagnesemia', 'DISEASE'],
  ]);
  d.entities[0]!.codes = { mesh: 'D002945' };
  d.entities[2]!.codes = { mesh: 'D002945' }; // one concept, two spellings
  // a head that fires on "the drug is in the title": the mechanism, not the trained weights, is under test
  const head = { name: 'cid_document' as const, bias: [0, -1], weights: { 'dT=true': [0, 3] }, threshold: 0.5 };
  const x = new RelationExtractor({ name: 'doc-test', rules: false, model: { format: 'relations-lr/1', heads: [], document: head } });
  const rels = x.extract(d, undefined, { crossSentence: true });
  assert.deepEqual(triples(d, rels), ['cisplatin CAUSES hypomagnesemia'], 'only the pair with no shared sentence; nephrotoxicity shares the title');
  const r = rels[0]!;
  assert.equal(r.subject, 'T3', 'the closest mention of the drug concept');
  assert.deepEqual([r.evidence!.start, r.evidence!.end], [text.indexOf('Fifteen'), text.length], 'evidence from the first to the last sentence of the pair');
  assert.equal(r.evidence!.text, text.slice(r.evidence!.start, r.evidence!.end), 'evidence text is the slice');
  assert.equal(r.attributes?.cross_sentence, true, 'marked cross-sentence');
  assert.equal(r.attributes?.method, 'document', 'from the document head');
  assert.deepEqual(x.extract(d), [], 'off unless crossSentence is asked for');
  assert.ok(loadLrModel().document, 'the shipped model has a trained document head');
  // no entities, or only one side: nothing
  assert.deepEqual(x.extract(docWith(text, []), undefined, { crossSentence: true }), []);
  assert.deepEqual(x.extract(docWith(text, [['Cisplatin', 'DRUG'], ['cisplatin', 'DRUG']]), undefined, { crossSentence: true }), []);
});

test('document level with a concept head: only adds CAUSES to the drug–disease concept pairs the sentence level left out', () => {
  const text = 'Cocaine levels and seizures were recorded. Cocaine use was followed by chest pain in two patients. Three developed hypertension.';
  const d = docWith(text, [
    ['Cocaine', 'DRUG'],
    ['seizures', 'DISEASE'],
    ['Cocaine', 'DRUG', 2],
    ['chest pain', 'DISEASE'],
    ['hypertension', 'DISEASE'],
  ]);
  for (const i of [0, 2]) d.entities[i]!.codes = { mesh: 'D003042' }; // one drug concept, mentioned twice
  const lr = loadLrModel();
  const headWith = (bias: number): ConceptHeadJson => {
    const n = CONCEPT_FEATURES.length;
    return { format: 'concept-head/1', features: [...CONCEPT_FEATURES], mean: new Array(n).fill(0), std: new Array(n).fill(1), weights: new Array(n).fill(0), bias, threshold: 0.5 };
  };
  const extractorWith = (bias: number) => {
    const dense = new DenseHeads({ format: 'relations-nn/1', encoder: 'none', hidden_output: 'hidden3', mix: 0.5, heads: {} }, '', '');
    dense.concept = headWith(bias);
    return new RelationExtractor({ name: 'concept-test', model: lr, dense });
  };
  // the head's own weights are not under test: a bias alone says yes (or no) to every pair it is asked about
  const sentenceLevel = extractorWith(-9).extract(d);
  const yes = extractorWith(9).extract(d, undefined, { crossSentence: true });
  assert.deepEqual(extractorWith(-9).extract(d, undefined, { crossSentence: true }), sentenceLevel, 'a head that says no adds nothing and removes nothing');
  const said = new Set(triples(d, sentenceLevel));
  const added = yes.filter((r) => r.attributes?.method === 'document');
  const causes = (rels: Relation[]) => triples(d, rels).filter((t) => t.includes(' CAUSES '));
  assert.deepEqual([...new Set(causes(yes).map((t) => t.toLowerCase()))].sort(), ['cocaine causes chest pain', 'cocaine causes hypertension', 'cocaine causes seizures'], 'every concept pair has CAUSES');
  assert.ok(added.length >= 2 && added.some((r) => !r.attributes?.cross_sentence), `pairs of one sentence are added too: ${JSON.stringify(triples(d, added))}`);
  assert.equal(yes.length, sentenceLevel.length + added.length, 'the sentence level is kept as it was');
  for (const r of added) assert.ok(!said.has(triples(d, [r])[0]!), 'no pair the sentence level reported is added again');
  const cross = added.find((r) => d.entities.find((e) => e.id === r.object)!.text === 'hypertension')!;
  assert.equal(cross.attributes?.cross_sentence, true, 'hypertension shares no sentence with cocaine');
  assert.equal(cross.subject, 'T3', 'the closest mention of the drug concept');
  assert.deepEqual([cross.evidence!.start, cross.evidence!.end], [text.indexOf('Cocaine use'), text.length]);
  for (const r of added.filter((x) => x !== cross)) {
    assert.equal(r.attributes?.cross_sentence, undefined, 'a pair of one sentence is not cross-sentence');
    assert.equal(r.evidence!.text, text.slice(r.evidence!.start, r.evidence!.end));
  }
  assert.deepEqual(yes.map((r) => r.id), yes.map((_, i) => `R${i + 1}`), 'ids stay unique');
  assert.deepEqual(extractorWith(9).extract(docWith(text, [['Cocaine', 'DRUG']]), undefined, { crossSentence: true }), [], 'no disease: nothing');
  // the shipped head loads; one with other features is refused with a clear error
  assert.ok(relationExtractor('relations-nn').config.dense?.concept, 'relations-nn ships a concept head');
  const dir = mkdtempSync(join(tmpdir(), 'concept-'));
  try {
    writeFileSync(join(dir, 'document.json'), JSON.stringify({ ...headWith(0), features: ['shared'] }));
    assert.throws(() => readConceptHead(join(dir, 'document.json')), (e: unknown) => e instanceof MedicalNerError && /delete it and retrain/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('model files: weights packed as int16 thousandths read back to the same scores, v1 JSON still read', () => {
  const head: HeadJson = {
    name: 'ddi', subject: ['DRUG'], object: ['DRUG'], symmetric: true, classes: ['NONE', 'effect'], predicates: { effect: 'INTERACTS_WITH' },
    bias: [0.1, -0.2], weights: { 'b=with': [0.439, -1.5], 'l=the': [-32.767, 0.001], constructor: [1, 2] }, calibration: { INTERACTS_WITH: [1, 0] }, threshold: { INTERACTS_WITH: 0.5 },
  };
  const document = { name: 'cid_document' as const, bias: [0, -1], weights: { 'dT=true': [0, 3] }, threshold: 0.8 };
  const dir = mkdtempSync(join(tmpdir(), 'lr-'));
  try {
    writeLrModel(dir, { format: 'relations-lr/1', created: '2026-12-02', heads: [head], document });
    assert.equal(readFileSync(join(dir, 'features.txt'), 'utf8'), 'b=with\nl=the\nconstructor\ndT=true');
    assert.equal(readFileSync(join(dir, 'weights.bin')).length, 4 * 2 * 2);
    const back = readLrModel(join(dir, 'model.json'));
    assert.equal(back.format, 'relations-lr/2');
    assert.ok(back.heads[0]!.weights instanceof PackedWeights);
    for (const fs of [['b=with'], ['l=the', 'b=with', 'unknown'], ['constructor'], ['toString'], []]) {
      assert.deepEqual(softmaxScores(back.heads[0]!, fs), softmaxScores(head, fs), fs.join(' '));
    }
    assert.deepEqual(softmaxScores(back.document!, ['dT=true']), softmaxScores(document, ['dT=true']));
    assert.equal(back.document!.threshold, 0.8);
    // the trainer rounds to thousandths; anything else cannot be packed exactly
    assert.throws(() => PackedWeights.pack({ f: [0.0005] }, 1), /thousandth/);
    assert.throws(() => PackedWeights.pack({ f: [40] }, 1), /thousandth/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // the shipped model is packed, and a JSON model of format 1 is read as it is
  assert.ok(loadLrModel().heads.every((h) => h.weights instanceof PackedWeights));
  const v1dir = mkdtempSync(join(tmpdir(), 'lr1-'));
  try {
    const file = join(v1dir, 'model.json');
    writeFileSync(file, JSON.stringify({ format: 'relations-lr/1', heads: [head] }));
    assert.deepEqual(readLrModel(file).heads[0]!.weights, head.weights);
    writeFileSync(file, JSON.stringify({ format: 'relations-lr/9', heads: [] }));
    assert.throws(() => readLrModel(file), /unknown format/);
  } finally {
    rmSync(v1dir, { recursive: true, force: true });
  }
});

test('negated participants are flagged, not dropped', () => {
  const d = docWith('No tenderness over the lumbar spine.', [
    ['tenderness', 'DISEASE', 1, { assertion: 'absent' }],
    ['lumbar spine', 'ANATOMY'],
  ]);
  for (const x of [rules, relationExtractor('relations-lr')]) {
    const rels = x.extract(d);
    assert.equal(rels.length, 1);
    assert.equal(rels[0]!.predicate, 'LOCATED_IN');
    assert.equal(rels[0]!.attributes?.negated, true);
    assert.deepEqual(rels[0]!.attributes?.negated_participants, ['subject']);
  }
});

test('rule file: every rule compiles and fits its predicate signature', () => {
  const compiled = compileRules(DEFAULT_RULESET);
  assert.ok(compiled.length >= 20);
  for (const r of compiled) {
    const sig = SIGNATURES[r.predicate];
    for (const s of r.subject) assert.ok(sig.subject.includes(s), `${r.id}: subject ${s}`);
    for (const o of r.object) assert.ok(sig.object.includes(o), `${r.id}: object ${o}`);
    assert.ok(r.confidence > 0 && r.confidence <= 1);
  }
});

test('relations component: relationModel picks the extractor, relations:false turns it off', async () => {
  const comp = await components.create('relations', { relationModel: 'rules' });
  const d = docWith('Lisinopril 10 mg for hypertension.', [
    ['Lisinopril', 'DRUG'],
    ['10 mg', 'DOSAGE'],
    ['hypertension', 'DISEASE'],
  ]);
  await comp.process(d, { relations: false });
  assert.equal(d.relations.length, 0);
  await comp.process(d, {});
  assert.equal(d.relations.length, 2);
  assert.deepEqual(d.relations.map((r) => r.id), ['R1', 'R2']);
  assert.throws(() => components.create('relations', { relationModel: 'nope' }), (e: unknown) => e instanceof MedicalNerError && e.code === 'INVALID_OPTION');
  const dflt = await components.create('relations', {});
  await dflt.process(d, {});
  assert.ok(d.relations.length > 2);
  assert.ok(d.relations.every((r) => r.attributes?.source === 'relations-nn' || r.attributes?.source === 'rules'));
});

test('classifier: loads, scores with calibrated probabilities and fine classes', () => {
  const model = loadLrModel();
  assert.deepEqual(model.heads.map((h) => h.name), ['ddi', 'chemprot', 'drug_disease', 'dosage', 'location']);
  // a models dir without relations-lr/ (e.g. only an ONNX NER model) falls back to the package's model
  assert.equal(loadLrModel(join(sharedDataDir(), 'no-such-models-dir')).heads.length, 5);
  const cues = cueLexicon(DEFAULT_RULESET);
  const d = docWith('Ketoconazole increases the plasma concentrations of cisapride.', [
    ['Ketoconazole', 'DRUG'],
    ['cisapride', 'DRUG'],
  ]);
  const view = sentenceView(d.text, { start: 0, end: d.text.length }, d.entities);
  const f = pairFeatures(pairView(view, d.entities[0]!, d.entities[1]!), cues);
  const p = predictHead(model.heads[0]!, f)!;
  assert.equal(p.predicate, 'INTERACTS_WITH');
  assert.ok(p.confidence > 0.5 && p.confidence < 1, String(p.confidence));
  assert.equal(p.fine, 'mechanism');
  // the classifier alone (no rules) on an ADE-style sentence
  const lrOnly = new RelationExtractor({ name: 'lr', rules: false, model });
  const d2 = docWith('We describe a patient who developed severe hepatitis while taking isoniazid.', [
    ['hepatitis', 'DISEASE'],
    ['isoniazid', 'DRUG'],
  ]);
  const rels = lrOnly.extract(d2);
  assert.deepEqual(triples(d2, rels), ['isoniazid CAUSES hepatitis']);
  assert.ok(rels[0]!.confidence > 0.5);
  assert.equal(rels[0]!.attributes?.method, 'model');
});

test('hand-annotated dev set: rules are precise (measured floor)', async () => {
  const s = await scoreDevset(relationExtractor('rules'));
  // measured: P 100, R 69.3 (70 TP, 0 FP, 31 FN over 72 sentences)
  assert.ok(s.micro.precision >= 0.97, JSON.stringify(s.micro));
  assert.ok(s.micro.recall >= 0.65, JSON.stringify(s.micro));
  const c = await scoreDevset(relationExtractor('relations-lr'));
  assert.ok(c.micro.f1 >= 0.8, JSON.stringify(c.micro));
});

const hasData = existsSync(join(sharedDataDir(), 'corpora', 'ddi')) && existsSync(join(sharedDataDir(), 'corpora', 'ade'));

test('relations eval task on a slice (gold entities and end to end)', { skip: !hasData && 'shared corpora not found' }, async () => {
  const report = await runRelationsEval({ corpora: ['ddi-re', 'ade', 'bc5cdr'], limit: 30 });
  const results = (report.data as { results: { corpus: string; mode: string; extractor: string; scores: { micro: { f1: number; precision: number } } }[] }).results;
  const f1 = (corpus: string, mode: string, extractor: string) => results.find((r) => r.corpus === corpus && r.mode === mode && r.extractor === extractor)!.scores.micro.f1;
  // measured on these 30-document slices: relations-lr DDI 0.719, ADE 0.800, BC5CDR 0.549; relations-nn 0.798,
  // 0.843, 0.602; ADE end to end (baseline NER, relations-nn) 0.349. (relations-nn's ADE figure was 0.909 before its
  // drug_disease head also learned from the unmarked diseases of ADE's sentences: lower on gold entities, higher end to end.)
  assert.ok(f1('ddi-re', 'gold-entities', 'relations-lr') >= 0.65, String(f1('ddi-re', 'gold-entities', 'relations-lr')));
  assert.ok(f1('ade', 'gold-entities', 'relations-lr') >= 0.75, String(f1('ade', 'gold-entities', 'relations-lr')));
  assert.ok(f1('bc5cdr', 'gold-entities', 'relations-lr') >= 0.45, String(f1('bc5cdr', 'gold-entities', 'relations-lr')));
  assert.ok(f1('ddi-re', 'gold-entities', 'relations-nn') >= 0.72, String(f1('ddi-re', 'gold-entities', 'relations-nn')));
  assert.ok(f1('ade', 'gold-entities', 'relations-nn') >= 0.8, String(f1('ade', 'gold-entities', 'relations-nn')));
  assert.ok(f1('bc5cdr', 'gold-entities', 'relations-nn') >= 0.45, String(f1('bc5cdr', 'gold-entities', 'relations-nn')));
  assert.ok(f1('ade', 'end-to-end', 'relations-nn') >= 0.25, String(f1('ade', 'end-to-end', 'relations-nn')));
  assert.ok(report.tables.length >= 2);
});
