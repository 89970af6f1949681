/** Readers and writers of every corpus format, on small inline fixtures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnnotatedDoc } from '../src/core/corpus.js';
import { canonicalType, LABEL_TABLE } from '../src/core/labels.js';
import { ENTITY_TYPES } from '../src/core/types.js';
import { hashSplit } from '../src/corpora/split.js';
import { parseAde } from '../src/io/ade.js';
import { parseBioCJson, parseBioCXml, writeBioCJson } from '../src/io/bioc.js';
import { parseBioScopeSentence } from '../src/io/bioscope.js';
import { parseBrat, writeBrat } from '../src/io/brat.js';
import { parseChemProt } from '../src/io/chemprot.js';
import { codePointToUtf16, CORPUS_TEXT, utf16ToCodePoint } from '../src/io/common.js';
import { parseConll } from '../src/io/conll.js';
import { parseDdiXml } from '../src/io/ddi.js';
import { parsePubTator, writePubTator } from '../src/io/pubtator.js';

/** Every mention's text is its slice; fragments lie inside the outer span. */
function assertExact(docs: AnnotatedDoc[]): void {
  for (const d of docs) {
    for (const m of d.mentions) {
      assert.equal(m.text, d.text.slice(m.start, m.end), `${d.id}/${m.id}`);
      for (const f of m.fragments ?? []) assert.ok(f.start >= m.start && f.end <= m.end, `${d.id}/${m.id} fragment`);
    }
  }
}

const span = (docs: AnnotatedDoc[], id: string, doc = 0) => {
  const m = docs[doc]!.mentions.find((x) => x.id === id)!;
  return [m.start, m.end, m.text];
};

// ------------------------------------------------------------------ PubTator

const PUBTATOR = [
  '100|t|Naloxone reverses clonidine.',
  '100|a|Ocular and auditory toxicity after clonidine.',
  '100\t0\t8\tNaloxone\tChemical\tD009270',
  '100\t18\t27\tclonidine\tChemical\t-1',
  '100\t29\t57\tOcular and auditory toxicity\tDisease\tD014786|D006311\tOcular toxicity|auditory toxicity',
  '100\tCID\tD009270\tD014786',
  '',
  '200|t|BRCA1 and cancer.',
  '200|a|',
  '200\t0\t5\tBRCA1\tGeneOrGeneProduct\t672',
  '200\t10\t16\tcancer\tDiseaseOrPhenotypicFeature\tD009369, D001943',
  '200\tAssociation\t672\tD009369\tNovel',
  '',
].join('\n');

test('pubtator: mentions, ids, composite column, concept relations', () => {
  const docs = parsePubTator(PUBTATOR);
  assertExact(docs);
  assert.equal(docs.length, 2);
  assert.equal(docs[0]!.text, 'Naloxone reverses clonidine. Ocular and auditory toxicity after clonidine.');
  assert.equal(docs[1]!.text, 'BRCA1 and cancer.', 'an empty abstract adds no separator');
  const [, , m3] = docs[0]!.mentions;
  assert.deepEqual(docs[0]!.mentions[1]!.ids, undefined, '-1 means no id');
  assert.deepEqual(m3!.ids, ['D014786', 'D006311']);
  assert.equal(m3!.attributes?.individual_mentions, 'Ocular toxicity|auditory toxicity');
  assert.deepEqual(docs[0]!.relations, [{ id: 'R1', label: 'CID', arg1: 'D009270', arg2: 'D014786', level: 'concept' }]);
  assert.deepEqual(docs[1]!.mentions[1]!.ids, ['D009369', 'D001943']);
  assert.deepEqual(docs[1]!.relations[0]!.attributes, { novel: 'Novel' });
});

test('pubtator: the text column is kept when it differs from the slice', () => {
  const docs = parsePubTator('1|t|Some disease here\n1|a|x\n1\t5\t12\tdisease  \tDisease\tD1\n');
  assert.equal(docs[0]!.mentions[0]!.text, 'disease');
  assert.equal(docs[0]!.mentions[0]!.attributes?.[CORPUS_TEXT], 'disease  ');
});

test('pubtator: write → parse round-trip', () => {
  const docs = parsePubTator(PUBTATOR);
  assert.deepEqual(parsePubTator(writePubTator(docs)), docs);
});

test('pubtator: writing a document without passages keeps offsets (newlines become spaces)', () => {
  const doc: AnnotatedDoc = { id: '9', text: 'Title\r\nAspirin helps.', mentions: [{ id: 'T1', start: 7, end: 14, text: 'Aspirin', label: 'Chemical' }], relations: [] };
  const back = parsePubTator(writePubTator([doc]))[0]!;
  assert.equal(back.text, 'Title  Aspirin helps.');
  assert.equal(back.mentions[0]!.text, 'Aspirin');
  assert.equal(back.mentions[0]!.start, 7);
});

// ------------------------------------------------------------------ BioC

const BIOC_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE collection SYSTEM "BioC.dtd">
<collection><source>test</source><date>2024</date><key>bioc.key</key>
<document><id>300</id>
<passage><infon key="type">title</infon><offset>0</offset><text>Aspirin &amp; heart attack</text>
<annotation id="1"><infon key="type">Chemical</infon><infon key="identifier">D001241</infon><location offset="0" length="7"/><text>Aspirin</text></annotation>
<annotation id="2"><infon key="type">Disease</infon><infon key="identifier">D009203</infon><location offset="10" length="12"/><text>heart attack</text></annotation>
</passage>
<passage><infon key="type">abstract</infon><offset>25</offset><text>Heart and renal attacks &#x3c;rare&#x3e;.</text>
<annotation id="3"><infon key="type">Disease</infon><location offset="25" length="5"/><location offset="41" length="7"/><text>Heart attacks</text></annotation>
<relation id="R1"><infon key="type">treats</infon><node refid="1" role="Chemical"/><node refid="2" role="Disease"/></relation>
</passage>
<relation id="R2"><infon key="relation">CID</infon><infon key="Chemical">D001241</infon><infon key="Disease">D009203</infon></relation>
</document>
</collection>`;

test('bioc xml: passages at offsets, entities decoded, discontinuous locations, both relation levels', () => {
  const docs = parseBioCXml(BIOC_XML);
  assertExact(docs);
  const d = docs[0]!;
  assert.equal(d.text, 'Aspirin & heart attack   Heart and renal attacks <rare>.');
  assert.deepEqual(span(docs, '2'), [10, 22, 'heart attack']);
  const disc = d.mentions.find((m) => m.id === '3')!;
  assert.deepEqual(disc.fragments, [{ start: 25, end: 30 }, { start: 41, end: 48 }]);
  assert.equal(disc.text, 'Heart and renal attacks');
  assert.equal(disc.attributes, undefined, 'fragment texts joined by a space equal the BioC text');
  assert.deepEqual(d.mentions[0]!.ids, ['D001241']);
  assert.deepEqual(d.relations, [
    { id: 'R1', label: 'treats', arg1: '1', arg2: '2', level: 'mention' },
    { id: 'R2', label: 'CID', arg1: 'D001241', arg2: 'D009203', level: 'concept' },
  ]);
});

test('bioc json: read, and write → read round-trip', () => {
  const fromXml = parseBioCXml(BIOC_XML);
  const json = writeBioCJson(fromXml);
  const parsed = JSON.parse(json);
  assert.equal(parsed.documents[0].passages.length, 2);
  assert.deepEqual(parsed.documents[0].passages[1].annotations[0].locations, [{ offset: 25, length: 5 }, { offset: 41, length: 7 }]);
  const back = parseBioCJson(json);
  assertExact(back);
  assert.deepEqual(back.map((d) => [d.text, d.mentions]), fromXml.map((d) => [d.text, d.mentions]));
  assert.deepEqual(back[0]!.relations.map((r) => [r.label, r.arg1, r.arg2, r.level]), fromXml[0]!.relations.map((r) => [r.label, r.arg1, r.arg2, r.level]));
  // A bare document array (PubTator3 style) reads the same.
  assert.deepEqual(parseBioCJson(JSON.stringify(parsed.documents)), back);
});

test('bioc json: astral characters count as two UTF-16 units', () => {
  const json = { documents: [{ id: 'e', passages: [{ offset: 0, infons: {}, text: '😷 fever', annotations: [{ id: 'a', infons: { type: 'Disease' }, text: 'fever', locations: [{ offset: 3, length: 5 }] }] }] }] };
  const docs = parseBioCJson(json);
  assert.deepEqual(span(docs, 'a'), [3, 8, 'fever']);
});

// ------------------------------------------------------------------ brat

// CRLF text, a non-BMP character before mentions, a discontinuous span, a span crossing
// a CRLF written over two .ann lines, events, relations, attributes, equivalences, notes.
const BRAT_TXT = 'Pain 😀 in left arm.\r\nNo fever; aspirin 81 mg given.\r\n';
// code points: "Pain " 0-5, emoji 5, " in left arm." 6-19, \r 19, \n 20, "No fever;" 21-30 …
const BRAT_ANN_CP = [
  'T1\tSign_symptom 0 4\tPain',
  'E1\tSign_symptom:T1 ',
  'T2\tBiological_structure 10 14;15 18\tleft arm',
  'R1\tMODIFY Arg1:T2 Arg2:E1\t',
  'T3\tSign_symptom 24 29\tfever',
  'E2\tSign_symptom:T3 ',
  'A1\tPOLARITY E2 NEG',
  'T4\tMedication 31 38\taspirin',
  'T5\tDosage 39 44\t81 mg',
  'R2\tMODIFY Arg1:T5 Arg2:T4\t',
  'T6\tDetailed_description 15 23\tarm.',
  'No',
  'A2\tOptional T4',
  '*\tOVERLAP E1 E2',
  '#1\tAnnotatorNotes T1\ta note',
  'N1\tReference T4 MESH:D001241\taspirin',
  '',
].join('\n');

test('brat: code-point offsets (MACCROBAT) become UTF-16, CRLF kept raw, multi-line entries', () => {
  const doc = parseBrat('d1', BRAT_TXT, BRAT_ANN_CP, { offsets: 'codepoint' });
  assertExact([doc]);
  const get = (id: string) => doc.mentions.find((m) => m.id === id)!;
  assert.equal(get('T1').text, 'Pain');
  assert.deepEqual([get('T2').start, get('T2').end, get('T2').text], [11, 19, 'left arm'], 'shifted by the surrogate pair');
  assert.deepEqual(get('T2').fragments, [{ start: 11, end: 15 }, { start: 16, end: 19 }]);
  assert.equal(get('T3').text, 'fever');
  assert.equal(get('T5').text, '81 mg');
  assert.equal(get('T6').text, 'arm.\r\nNo', 'the span crosses the CRLF');
  assert.equal(get('T6').attributes?.[CORPUS_TEXT], 'arm.\nNo', 'the .ann has "\\n" where the text has "\\r\\n"');
  assert.deepEqual(get('T1').attributes, { event_id: 'E1' });
  assert.deepEqual(get('T3').attributes, { event_id: 'E2', POLARITY: 'NEG' }, 'attribute on an event lands on its trigger');
  assert.deepEqual(get('T4').attributes, { Optional: true });
  assert.deepEqual(get('T4').ids, ['MESH:D001241']);
  assert.deepEqual(doc.relations, [
    { id: 'R1', label: 'MODIFY', arg1: 'T2', arg2: 'T1', level: 'mention' },
    { id: 'R2', label: 'MODIFY', arg1: 'T5', arg2: 'T4', level: 'mention' },
  ]);
  assert.deepEqual(doc.meta?.equivalences, [{ type: 'OVERLAP', ids: ['E1', 'E2'] }]);
});

test('brat: UTF-16 offsets by default (CHIA counts raw characters, "\\r" included)', () => {
  const txt = 'a\r\nHIV infection\r\n';
  const doc = parseBrat('c', txt, 'T1\tCondition 3 16\tHIV infection\n');
  assert.deepEqual(span([doc], 'T1'), [3, 16, 'HIV infection']);
});

test('brat: event arguments become relations labelled with the role', () => {
  const txt = 'IL-2 binds CD25.';
  const ann = 'T1\tProtein 0 4\tIL-2\nT2\tProtein 11 15\tCD25\nT3\tBinding 5 10\tbinds\nE1\tBinding:T3 Theme:T1 Theme2:T2\n';
  const doc = parseBrat('ev', txt, ann);
  assert.deepEqual(doc.relations.map((r) => [r.label, r.arg1, r.arg2, r.attributes]), [
    ['Theme', 'T3', 'T1', { event: 'E1' }],
    ['Theme', 'T3', 'T2', { event: 'E1', role: 'Theme2' }],
  ]);
  assert.deepEqual(parseBrat('ev', ...rt(doc)), doc);
});

const rt = (doc: AnnotatedDoc, offsets?: 'codepoint'): [string, string, { offsets?: 'codepoint' }] => {
  const { txt, ann } = writeBrat(doc, { offsets });
  return [txt, ann, { offsets }];
};

test('brat: write → parse round-trip (code points and UTF-16, discontinuous, CRLF, events)', () => {
  const doc = parseBrat('d1', BRAT_TXT, BRAT_ANN_CP, { offsets: 'codepoint' });
  assert.deepEqual(parseBrat('d1', ...rt(doc, 'codepoint')), doc);
  const { ann } = writeBrat(doc, { offsets: 'codepoint' });
  assert.match(ann, /^T2\tBiological_structure 10 14;15 18\tleft arm$/m);
  assert.deepEqual(parseBrat('d1', ...rt(doc)), doc);
  // Documents from other formats get brat ids.
  const pub = parsePubTator(PUBTATOR)[0]!;
  const back = parseBrat(pub.id, ...rt(pub));
  assert.deepEqual(back.mentions.map((m) => [m.start, m.end, m.label, m.ids]), pub.mentions.map((m) => [m.start, m.end, m.label, m.ids]));
  assert.deepEqual(back.relations, [], 'concept-level relations are not written to brat');
});

test('offset conversion helpers', () => {
  const text = 'a😀b𝒳c';
  const toU = codePointToUtf16(text);
  const toCp = utf16ToCodePoint(text);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(toU), [0, 1, 3, 4, 6, 7]);
  assert.deepEqual([0, 1, 3, 4, 6, 7].map(toCp), [0, 1, 2, 3, 4, 5]);
  assert.throws(() => toCp(2), /surrogate/);
});

// ------------------------------------------------------------------ CoNLL / IOB

test('conll: text rebuilt with spaces and newlines, B/I runs, I after O starts a mention', () => {
  const iob = ['IL-2\tB-protein', 'gene\tI-protein', 'in\tO', 'T\tI-cell_type', 'cells\tI-cell_type', '', 'NF-kB\tB-protein', 'p50\tB-protein', 'DNA\tI-DNA', ''].join('\n');
  const docs = parseConll(iob, { idPrefix: 'x' });
  assertExact(docs);
  assert.deepEqual(docs.map((d) => d.id), ['x-1', 'x-2'], 'no headers: one document per sentence');
  assert.equal(docs[0]!.text, 'IL-2 gene in T cells');
  assert.deepEqual(docs[0]!.mentions.map((m) => [m.text, m.label]), [['IL-2 gene', 'protein'], ['T cells', 'cell_type']]);
  assert.deepEqual(docs[1]!.mentions.map((m) => [m.text, m.label]), [['NF-kB', 'protein'], ['p50', 'protein'], ['DNA', 'DNA']], 'an I- of another type starts a mention');
});

test('conll: ###/-DOCSTART- headers group sentences into documents', () => {
  const iob = ['###MEDLINE:111', '', 'A\tB-GENE', 'b\tO', '', 'C\tO', 'D\tB-GENE', '', '###MEDLINE:111', '', 'E\tO', ''].join('\r\n');
  const docs = parseConll(iob);
  assertExact(docs);
  assert.deepEqual(docs.map((d) => [d.id, d.text]), [['111', 'A b\nC D'], ['111-2', 'E']]);
  assert.deepEqual(docs[0]!.mentions.map((m) => [m.start, m.end]), [[0, 1], [6, 7]]);
  assert.deepEqual(docs[0]!.meta?.sentences, [{ start: 0, end: 3 }, { start: 4, end: 7 }]);
  const conll03 = parseConll('-DOCSTART- -X- O O\n\nEU B-ORG\nrejects O\n\n-DOCSTART- -X- O O\n\nPeter B-PER\n', { idPrefix: 'c' });
  assert.deepEqual(conll03.map((d) => [d.id, d.text, d.mentions.length]), [['c-1', 'EU rejects', 1], ['c-2', 'Peter', 1]]);
});

// ------------------------------------------------------------------ DDI

const DDI_XML = `<?xml version="1.0" encoding="UTF-8"?>
<document id="DDI-MedLine.d1">
    <sentence id="DDI-MedLine.d1.s0" text="Interaction of aspirin &amp; warfarin.&#xd;&#xa;">
        <entity id="DDI-MedLine.d1.s0.e0" charOffset="15-21" type="drug" text="aspirin"/>
        <entity id="DDI-MedLine.d1.s0.e1" charOffset="25-32" type="drug" text="warfarin"/>
        <pair id="DDI-MedLine.d1.s0.p0" e1="DDI-MedLine.d1.s0.e0" e2="DDI-MedLine.d1.s0.e1" ddi="true" type="effect"/>
    </sentence>
    <sentence id="DDI-MedLine.d1.s1" text="No data."/>
    <sentence id="DDI-MedLine.d1.s2" text="Nonheme and heme iron with zinc.">
        <entity id="DDI-MedLine.d1.s2.e0" charOffset="0-6;17-20" type="drug" text="Nonheme iron"/>
        <entity id="DDI-MedLine.d1.s2.e1" charOffset="12-20" type="drug" text="heme iron"/>
        <entity id="DDI-MedLine.d1.s2.e2" charOffset="27-30" type="drug_n" text="zinc"/>
        <pair id="DDI-MedLine.d1.s2.p0" e1="DDI-MedLine.d1.s2.e0" e2="DDI-MedLine.d1.s2.e2" ddi="false"/>
        <pair id="DDI-MedLine.d1.s2.p1" e1="DDI-MedLine.d1.s2.e1" e2="DDI-MedLine.d1.s2.e2" ddi="true"/>
    </sentence>
</document>`;

test('ddi: sentences joined by "\\n", inclusive ends, discontinuous entities, positive pairs only', () => {
  const doc = parseDdiXml(DDI_XML);
  assertExact([doc]);
  assert.equal(doc.text, 'Interaction of aspirin & warfarin.\r\n\nNo data.\nNonheme and heme iron with zinc.');
  assert.deepEqual(span([doc], 'DDI-MedLine.d1.s0.e1'), [25, 33, 'warfarin']);
  const s2 = 46;
  const disc = doc.mentions.find((m) => m.id === 'DDI-MedLine.d1.s2.e0')!;
  assert.deepEqual(disc.fragments, [{ start: s2, end: s2 + 7 }, { start: s2 + 17, end: s2 + 21 }]);
  assert.equal(disc.text, 'Nonheme and heme iron');
  assert.equal(disc.attributes, undefined);
  assert.deepEqual(doc.relations, [
    { id: 'DDI-MedLine.d1.s0.p0', label: 'effect', arg1: 'DDI-MedLine.d1.s0.e0', arg2: 'DDI-MedLine.d1.s0.e1', level: 'mention' },
    { id: 'DDI-MedLine.d1.s2.p1', label: 'int', arg1: 'DDI-MedLine.d1.s2.e1', arg2: 'DDI-MedLine.d1.s2.e2', level: 'mention', attributes: { type_missing: true } },
  ]);
  assert.equal(doc.meta?.pair_count, 3);
});

// ------------------------------------------------------------------ ADE

test('ade: one document per (PMID, sentence), occurrence chosen by document offsets, relation directions', () => {
  const s = 'Low aspirin and later aspirin 81 mg caused rash.';
  // The document offsets put the sentence at 100: the first pair's drug is the second "aspirin".
  const ae = [`7|${s}|rash|143|147|aspirin|122|129`, `7|${s}|rash|143|147|aspirin|104|111`, '8|Drug X caused fever.|fever|14|19|Drug X|0|6'].join('\n');
  const dose = `7|${s}|81 mg|130|135|aspirin|122|129\n`;
  const neg = `7 NEG Nothing here.\n9 NEG Nothing here.\n9 NEG Nothing here.\n`;
  const docs = parseAde({ ae, dose, neg });
  assertExact(docs);
  assert.deepEqual(docs.map((d) => [d.id, d.meta?.pmid, d.text]), [['7-1', '7', s], ['8-1', '8', 'Drug X caused fever.'], ['7-2', '7', 'Nothing here.'], ['9-1', '9', 'Nothing here.']]);
  const d = docs[0]!;
  assert.deepEqual(d.mentions.map((m) => [m.id, m.start, m.label]), [['T1', 43, 'Adverse_Effect'], ['T2', 22, 'Drug'], ['T3', 4, 'Drug'], ['T4', 30, 'Dosage']], 'rash deduplicated');
  assert.deepEqual(d.relations.map((r) => [r.label, r.arg1, r.arg2]), [['ADE', 'T2', 'T1'], ['ADE', 'T3', 'T1'], ['DOSE', 'T4', 'T2']]);
});

// ------------------------------------------------------------------ ChemProt

test('chemprot: title TAB abstract, gold relations with fine types, all relations on request', () => {
  const files = {
    abstracts: '55\tAspirin inhibits COX-1.\tIt also binds albumin.\n',
    entities: '55\tT1\tCHEMICAL\t0\t7\tAspirin\n55\tT2\tGENE-Y\t17\t22\tCOX-1\n55\tT3\tGENE-N\t38\t45\talbumin\n',
    relations: '55\tCPR:4\tY \tINHIBITOR\tArg1:T1\tArg2:T2\n55\tCPR:1\tN \tPART-OF\tArg1:T1\tArg2:T3\n',
    gold: '55\tCPR:4\tArg1:T1\tArg2:T2\n',
  };
  const docs = parseChemProt(files);
  assertExact(docs);
  assert.equal(docs[0]!.text, 'Aspirin inhibits COX-1.\tIt also binds albumin.');
  assert.deepEqual(docs[0]!.relations, [{ id: 'R1', label: 'CPR:4', arg1: 'T1', arg2: 'T2', level: 'mention', attributes: { fine_type: 'INHIBITOR' } }]);
  const all = parseChemProt(files, { allRelations: true });
  assert.deepEqual(all[0]!.relations.map((r) => [r.label, r.attributes?.evaluated]), [['CPR:4', true], ['CPR:1', false]]);
});

// ------------------------------------------------------------------ labels and splits

test('labels: the mandatory mappings', () => {
  const cases: [string, string, string | undefined][] = [
    ['maccrobat', 'Sign_symptom', 'DISEASE'], ['maccrobat', 'Diagnostic_procedure', 'LAB_TEST'], ['maccrobat', 'Frequency', 'DOSAGE'],
    ['maccrobat', 'Date', undefined], ['bc5cdr', 'Chemical', 'DRUG'], ['biored', 'ChemicalEntity', 'DRUG'], ['biored', 'OrganismTaxon', undefined],
    ['ncbi-disease', 'Modifier', 'DISEASE'], ['jnlpba', 'RNA', 'GENE'], ['jnlpba', 'cell_line', undefined], ['anatem', 'Cancer', 'ANATOMY'],
    ['chia', 'Temporal', undefined], ['chia', 'Value', 'LAB_VALUE'], ['ade', 'Adverse_Effect', 'DISEASE'], ['ddi-re', 'brand', 'DRUG'],
    ['chemprot', 'GENE-N', 'GENE'], ['nope', 'Chemical', undefined], ['bc5cdr', 'toString', undefined],
  ];
  for (const [corpus, label, type] of cases) assert.equal(canonicalType(corpus, label), type, `${corpus}/${label}`);
  for (const row of Object.values(LABEL_TABLE)) for (const t of Object.values(row)) assert.ok(ENTITY_TYPES.includes(t), t);
});

test('hash split: same answers as the Python rule', () => {
  // Values computed with Python: int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % 10.
  assert.equal(hashSplit('maccrobat', '15939911'), 'train'); // h = 7
  assert.equal(hashSplit('ade', '10030778'), 'dev'); // h = 2
  assert.equal(hashSplit('chia', 'NCT03460002'), 'test'); // h = 1
  assert.equal(hashSplit('chia', 'NCT00050349'), 'train'); // h = 5
});

// ------------------------------------------------------------------ BioScope

test('bioscope: character entities decoded, unknown ones (even Object.prototype names) kept as written', () => {
  const s = parseBioScopeSentence('S1', 'A &amp; B &lt;5 &constructor; &toString; <cue type="negation" ref="X1.1">no</cue> effect');
  assert.equal(s.text, 'A & B <5 &constructor; &toString; no effect');
});
