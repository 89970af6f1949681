/** Clinical context: sections, ConText assertion, BioScope-style negation scopes, and the two components. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { components } from '../src/core/component.js';
import { makeEntity } from '../src/core/doc.js';
import type { Doc, EntityType } from '../src/core/types.js';
import {
  assertContext,
  ContextEngine,
  contextOf,
  defaultContextRules,
  detectSections,
  negationScopes,
  ScopeModel,
  SectionDetector,
} from '../src/context/index.js';
import type { ContextAttributes } from '../src/context/index.js';

/** Context of the first occurrence of `term` in `text`. */
function ctx(text: string, term: string, type?: EntityType): ContextAttributes {
  const i = text.indexOf(term);
  assert.ok(i >= 0, `"${term}" not in "${text}"`);
  return contextOf(text, { start: i, end: i + term.length }, type);
}

function docWith(text: string, terms: [string, EntityType][]): Doc {
  const doc: Doc = { text, entities: [], relations: [] };
  let from = 0;
  for (const [t, type] of terms) {
    const i = text.indexOf(t, from);
    assert.ok(i >= 0, t);
    doc.entities.push({ ...makeEntity(doc, { start: i, end: i + t.length }, type, 0.9), id: `T${doc.entities.length + 1}` });
    from = i + t.length;
  }
  return doc;
}

test('negation: "no chest pain", "denies", post-triggers', () => {
  const a = ctx('Patient has no chest pain.', 'chest pain');
  assert.equal(a.assertion, 'absent');
  assert.deepEqual(a.assertion_cue, { text: 'no', start: 12, end: 14 });
  assert.equal(ctx('She denies fever and chills.', 'chills').assertion, 'absent');
  assert.equal(ctx('Pneumonia is unlikely.', 'Pneumonia').assertion, 'absent');
  assert.equal(ctx('Extremities: no cyanosis, clubbing, or edema.', 'edema').assertion, 'absent');
  assert.equal(ctx('The patient has chest pain.', 'chest pain').assertion, 'present');
});

test('termination: "denies fever but reports cough"', () => {
  const text = 'Denies fever but reports cough.';
  assert.equal(ctx(text, 'fever').assertion, 'absent');
  const cough = ctx(text, 'cough');
  assert.equal(cough.assertion, 'present');
  assert.equal(cough.assertion_cue, undefined);
});

test('pseudo-triggers: "no increase", "not only", "gram negative"', () => {
  assert.equal(ctx('There is no increase in the pleural effusion.', 'pleural effusion').assertion, 'present');
  assert.equal(ctx('Not only fever but also a rash.', 'fever').assertion, 'present');
  assert.equal(ctx('Gram negative rods in the blood culture.', 'rods').assertion, 'present');
  // a pseudo-trigger that overlaps the entity itself does not hide the negation
  assert.equal(ctx('In general, no change in vision.', 'change in vision').assertion, 'absent');
});

test('possible and hypothetical: "rule out pneumonia", "return if chest pain"', () => {
  const ro = ctx('CXR to rule out pneumonia.', 'pneumonia');
  assert.equal(ro.assertion, 'possible');
  assert.equal(ro.assertion_cue?.text, 'rule out');
  assert.equal(ctx('Possible pneumonia in the left lower lobe.', 'pneumonia').assertion, 'possible');
  assert.equal(ctx('Pulmonary embolism cannot be excluded.', 'Pulmonary embolism').assertion, 'possible');
  const h = ctx('Return to the ED if you develop chest pain.', 'chest pain');
  assert.equal(h.assertion, 'hypothetical');
  assert.equal(h.assertion_cue?.text, 'if');
});

test('experiencer: "mother had breast cancer", companions are not experiencers', () => {
  const m = ctx('Mother had breast cancer.', 'breast cancer');
  assert.equal(m.experiencer, 'family');
  assert.deepEqual(m.experiencer_cue, { text: 'Mother', start: 0, end: 6 });
  assert.equal(ctx('His father died of a myocardial infarction at 50.', 'myocardial infarction').experiencer, 'family');
  assert.equal(ctx('Brought in by his wife for confusion.', 'confusion').experiencer, 'patient');
  assert.equal(ctx('He has asthma.', 'asthma').experiencer, 'patient');
  // a relative reaches back within its own phrase only
  assert.equal(ctx('Diabetes in mother.', 'Diabetes').experiencer, 'family', 'a relative after the finding');
  assert.equal(ctx('Reports cough, history of MI, mother with diabetes.', 'MI').experiencer, 'patient', 'the relative is in the next phrase');
  assert.equal(ctx('Reports cough, history of MI, mother with diabetes.', 'diabetes').experiencer, 'family', 'the relative is in this phrase');
});

test('temporality: "history of MI", "s/p appendectomy"', () => {
  const h = ctx('History of MI in 2010.', 'MI');
  assert.equal(h.temporality, 'historical');
  assert.equal(h.temporality_cue?.text, 'History of');
  assert.equal(h.assertion, 'present');
  assert.equal(ctx('s/p appendectomy', 'appendectomy').temporality, 'historical');
  assert.equal(ctx('Acute chest pain today.', 'chest pain').temporality, 'current');
  // history of present illness is a pseudo-trigger
  assert.equal(ctx('History of present illness: chest pain since this morning.', 'chest pain').temporality, 'current');
});

test('sections: canonical names, variants, CRLF, headings alone on a line, sub-headings', () => {
  const note = [
    'HPI: 55M with chest pain.',
    'PAST MEDICAL HISTORY:',
    'Diabetes, HTN.',
    '',
    'Family History: Mother with breast cancer.',
    'Allergies: penicillin (rash)',
    'MEDS: metformin',
    'ROS: negative for fever.',
    'PHYSICAL EXAM:',
    'VITAL SIGNS: BP 120/80',
    'HEENT: normal',
    'LUNGS: clear',
    'Labs: WBC 12',
    'A/P: pneumonia, start abx.',
    'IMPRESSION',
    'Normal.',
  ].join('\r\n');
  const secs = detectSections(note);
  assert.deepEqual(
    secs.map((s) => s.name),
    [
      'history_of_present_illness',
      'past_medical_history',
      'family_history',
      'allergies',
      'medications',
      'review_of_systems',
      'physical_exam',
      'vital_signs',
      'physical_exam',
      'labs',
      'assessment_and_plan',
      'impression',
    ],
  );
  for (const s of secs) {
    assert.equal(note.slice(s.start, s.start + s.heading.length), s.heading);
    assert.ok(!/\s$/.test(note.slice(s.start, s.end)), `section ${s.name} ends in whitespace`);
  }
  assert.equal(secs[1]!.heading, 'PAST MEDICAL HISTORY');
  assert.equal(note.slice(secs[1]!.start, secs[1]!.end), 'PAST MEDICAL HISTORY:\r\nDiabetes, HTN.');
  // LF and CRLF give the same sections, shifted by the CRs
  assert.deepEqual(
    detectSections(note.replace(/\r\n/g, '\n')).map((s) => s.name),
    secs.map((s) => s.name),
  );
});

test('sections: inline upper-case headings (lost line breaks) but not lower-case prose', () => {
  const mts = 'SUBJECTIVE:,  Allergies in spring.,MEDICATIONS: , Zyrtec.,ALLERGIES: , None.,ASSESSMENT:,  Allergic rhinitis.';
  assert.deepEqual(
    detectSections(mts).map((s) => s.name),
    ['history_of_present_illness', 'medications', 'allergies', 'assessment'],
  );
  assert.deepEqual(
    detectSections('Stable.  PLAN: follow up.  FAMILY HISTORY: CAD.').map((s) => s.name),
    ['plan', 'family_history'],
  );
  assert.deepEqual(detectSections('She has a family history: of nothing in particular.'), []);
  assert.deepEqual(detectSections('no fever, history of MI'), []);
  assert.deepEqual(detectSections(''), []);
  // unknown ALL-CAPS heading at a line start closes the previous section
  const s = detectSections('FAMILY HISTORY: CAD.\nHABITUS AND STUFF: thin.');
  assert.deepEqual(s.map((x) => x.name), ['family_history', 'other']);
  // custom rules
  const det = new SectionDetector({ sections: [{ name: 'my_section', variants: ['my heading'] }], unknown_heading: null });
  assert.deepEqual(det.detect('My heading: x\nOTHER: y').map((x) => [x.name, x.heading]), [['my_section', 'My heading']]);
});

test('sections drive experiencer and temporality; allergies are flagged', () => {
  const text = 'PAST MEDICAL HISTORY: Diabetes.\nFAMILY HISTORY: Breast cancer.\nALLERGIES: Penicillin.\nHPI: Cough for 3 days.';
  const doc = docWith(text, [
    ['Diabetes', 'DISEASE'],
    ['Breast cancer', 'DISEASE'],
    ['Penicillin', 'DRUG'],
    ['Cough', 'DISEASE'],
  ]);
  doc.sections = detectSections(text);
  assertContext(doc);
  const [dm, bc, pcn, cough] = doc.entities.map((e) => e.attributes as unknown as ContextAttributes);
  assert.equal(dm!.temporality, 'historical');
  assert.equal(dm!.temporality_cue?.section, 'past_medical_history');
  assert.equal(dm!.section, 'past_medical_history');
  assert.equal(bc!.experiencer, 'family');
  assert.deepEqual(bc!.experiencer_cue, { text: 'FAMILY HISTORY', start: 32, end: 46, section: 'family_history' });
  assert.equal(pcn!.allergy, true);
  assert.equal(pcn!.assertion, 'present');
  assert.equal(cough!.section, 'history_of_present_illness');
  assert.equal(cough!.temporality, 'current');
  assert.equal(cough!.experiencer, 'patient');
  assert.equal(cough!.allergy, undefined);
});

test('a negation does not cross a section heading in a line-less note', () => {
  const text = 'COMPLICATIONS: None POSTOPERATIVE DIAGNOSIS: 1) Sessile polyp in the colon';
  assert.equal(ctx(text, 'Sessile polyp').assertion, 'present');
  assert.equal(ctx('ALLERGIES - NONE.', 'ALLERGIES').assertion, 'absent');
});

test('no entities, empty text, whitespace: nothing breaks, nothing is added', () => {
  for (const text of ['', '   ', 'No fever.', 'PMH:\r\n\r\n']) {
    const doc: Doc = { text, entities: [], relations: [] };
    assert.doesNotThrow(() => assertContext(doc));
    assert.deepEqual(doc.entities, []);
    assert.equal(doc.sentences, undefined);
  }
});

test('entity offsets and texts are unchanged; other attributes are kept; re-running is idempotent', () => {
  const text = 'FH: mother with diabetes.\nHPI: No fever, but cough. Rule out pneumonia.';
  const doc = docWith(text, [
    ['diabetes', 'DISEASE'],
    ['fever', 'DISEASE'],
    ['cough', 'DISEASE'],
    ['pneumonia', 'DISEASE'],
  ]);
  doc.entities[0]!.attributes = { source: 'test' };
  const before = doc.entities.map((e) => [e.id, e.start, e.end, e.text, e.type]);
  assertContext(doc);
  const once = JSON.stringify(doc.entities);
  assertContext(doc);
  assert.equal(JSON.stringify(doc.entities), once);
  assert.deepEqual(doc.entities.map((e) => [e.id, e.start, e.end, e.text, e.type]), before);
  for (const e of doc.entities) {
    assert.equal(text.slice(e.start, e.end), e.text);
    const cue = e.attributes?.assertion_cue as { text: string; start: number; end: number } | undefined;
    if (cue) assert.equal(text.slice(cue.start, cue.end), cue.text);
  }
  assert.equal(doc.entities[0]!.attributes!.source, 'test');
  assert.deepEqual(
    doc.entities.map((e) => [e.attributes!.assertion, e.attributes!.experiencer]),
    [
      ['present', 'family'],
      ['absent', 'patient'],
      ['present', 'patient'],
      ['possible', 'patient'],
    ],
  );
});

test('uses doc.sentences when present', () => {
  const text = 'No fever cough';
  const doc = docWith(text, [['cough', 'DISEASE']]);
  assertContext(doc);
  assert.equal(doc.entities[0]!.attributes!.assertion, 'absent');
  doc.sentences = [
    { start: 0, end: 8 },
    { start: 9, end: 14 },
  ];
  assertContext(doc);
  assert.equal(doc.entities[0]!.attributes!.assertion, 'present');
});

test('components: sections sets doc.sections, context honours options.context === false', async () => {
  await import('../src/context/index.js');
  const sections = await components.create('sections', {});
  const context = await components.create('context', {});
  const text = 'FAMILY HISTORY: Mother had breast cancer.';
  const doc = docWith(text, [['breast cancer', 'DISEASE']]);
  await sections.process(doc, {});
  assert.deepEqual(doc.sections?.map((s) => s.name), ['family_history']);
  await context.process(doc, { context: false });
  assert.equal(doc.entities[0]!.attributes, undefined);
  await context.process(doc, {});
  assert.equal(doc.entities[0]!.attributes!.experiencer, 'family');
});

test('rules are data: a custom engine with one rule', () => {
  const engine = new ContextEngine({ context_rules: [{ literal: 'nicht', category: 'NEGATED_EXISTENCE', direction: 'FORWARD' }] });
  const doc = docWith('Patient hat nicht Fieber.', [['Fieber', 'DISEASE']]);
  engine.assertDoc(doc);
  assert.equal(doc.entities[0]!.attributes!.assertion, 'absent');
  assert.throws(() => new ContextEngine({ context_rules: [{ literal: 'x', category: 'NOPE' as never, direction: 'FORWARD' }] }), /bad category/);
  assert.ok(defaultContextRules.context_rules.length > 300);
});

test('negation scopes (BioScope style): clause-bounded, subject of a passive included', () => {
  const s1 = 'When cells were infected, no induction of NF-KB was detected, whereas virions were produced.';
  const [a] = negationScopes(s1);
  assert.equal(a!.cue.text, 'no');
  assert.equal(s1.slice(a!.scope.start, a!.scope.end), 'no induction of NF-KB was detected');
  const s2 = 'However, this mutated promoter was not transactivated during infection.';
  const [b] = negationScopes(s2);
  assert.equal(s2.slice(b!.scope.start, b!.scope.end), 'this mutated promoter was not transactivated during infection');
  assert.deepEqual(negationScopes('This is not only true but also useful.'), []);
});

test('a long note (2,000 sentences): every entity gets the same attributes as in a short one (speed: see the bench)', () => {
  const sentence = 'The patient denies chest pain but reports cough, history of MI, mother with diabetes. ';
  const text = sentence.repeat(2000);
  const doc: Doc = { text, entities: [], relations: [] };
  for (let k = 0; k < 2000; k++) {
    const off = k * sentence.length;
    for (const t of ['chest pain', 'cough', 'MI', 'diabetes']) {
      const i = off + sentence.indexOf(t);
      doc.entities.push({ id: `T${doc.entities.length}`, text: t, type: 'DISEASE', start: i, end: i + t.length, confidence: 1 });
    }
  }
  assertContext(doc);
  const got = doc.entities.map((e, i) => [i % 4, e.attributes!.assertion, e.attributes!.temporality, e.attributes!.experiencer].join(' '));
  const want = ['0 absent current patient', '1 present current patient', '2 present historical patient', '3 present historical family'];
  assert.deepEqual([...new Set(got)].sort(), want, 'assertion, temporality and experiencer by section');
});

test('learned negation scopes (models/negation-scope): rule cues, model scopes, offsets in the whole text', async () => {
  const model = await ScopeModel.load();
  try {
    const s1 = 'When cells were infected, no induction of NF-KB was detected, whereas virions were produced.';
    const [a, ...rest] = await model.negationScopes(s1);
    assert.equal(rest.length, 0, 'one cue');
    assert.equal(a!.cue.text, 'no');
    const scope = s1.slice(a!.scope.start, a!.scope.end);
    assert.ok(scope.startsWith('no induction of NF-KB'), `the scope starts at its cue: "${scope}"`);
    assert.ok(!scope.includes('virions'), `the scope stops before "whereas": "${scope}"`);
    assert.deepEqual(await model.negationScopes('This is not only true but also useful.'), [], 'a pseudo-cue has no scope');
    // a longer text is resolved sentence by sentence; offsets stay in the text; many cues run in batches
    const pre = 'First sentence here. ';
    const text = pre + `${s1} `.repeat(40);
    const all = await model.negationScopes(text);
    assert.equal(all.length, 40, 'one scope per repeated sentence');
    all.forEach((x, i) => {
      const shift = pre.length + i * (s1.length + 1);
      assert.deepEqual([x.scope.start - shift, x.scope.end - shift], [a!.scope.start, a!.scope.end], `sentence ${i}: same scope, shifted`);
    });
    assert.deepEqual(await model.scopes(text, [], pre.length, text.length), [], 'no cues, no scopes');
    assert.deepEqual(await model.negationScopes(''), [], 'empty text');
  } finally {
    await model.dispose();
  }
});

test('heading-filter: drops entities inside label headings and non-site sub-headings, keeps mention headings and the text', async () => {
  await import('../src/context/index.js');
  const sections = await components.create('sections', {});
  const filter = await components.create('heading-filter', {});
  const text = 'PROCEDURE: Appendectomy.  COMPLICATIONS: None.  CHEST X-RAY: Clear.\nABDOMEN: Soft.\nHEENT: Normal.\nPULSE: 80.\nALLERGIES: Penicillin.';
  const doc = docWith(text, [
    ['PROCEDURE', 'PROCEDURE'],
    ['Appendectomy', 'PROCEDURE'],
    ['COMPLICATIONS', 'DISEASE'],
    ['CHEST X-RAY', 'LAB_TEST'],
    ['ABDOMEN', 'ANATOMY'],
    ['HEENT', 'DISEASE'],
    ['PULSE', 'LAB_TEST'],
    ['ALLERGIES', 'DISEASE'],
    ['Penicillin', 'DRUG'],
  ]);
  const noSections = structuredClone(doc);
  await filter.process(noSections, {}); // without doc.sections only the sub-heading rule applies
  assert.deepEqual(noSections.entities.map((e) => e.text), ['PROCEDURE', 'Appendectomy', 'COMPLICATIONS', 'CHEST X-RAY', 'ABDOMEN', 'PULSE', 'ALLERGIES', 'Penicillin']);
  await sections.process(doc, {});
  await filter.process(doc, {});
  assert.deepEqual(
    doc.entities.map((e) => [e.id, e.text]),
    [['T1', 'Appendectomy'], ['T2', 'CHEST X-RAY'], ['T3', 'ABDOMEN'], ['T4', 'PULSE'], ['T5', 'Penicillin']],
  );
  // a sub-heading word in running text (no colon) stays
  const prose = docWith('Her cardiovascular status is stable.', [['cardiovascular', 'DISEASE']]);
  await filter.process(prose, {});
  assert.equal(prose.entities.length, 1);
});
