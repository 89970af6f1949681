/** The `targets` component (lexicon target matching in history sections) and the `history-sections` eval task. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDoc, makeEntity, renumberEntities } from '../src/core/doc.js';
import { sharedDataDir } from '../src/core/paths.js';
import { readHistorySections, runHistorySectionsEval } from '../src/eval/history-sections.js';
import { targetsComponent } from '../src/linking/targets.js';
import { pipeline } from '../src/pipeline.js';
import { detectSections } from '../src/context/sections.js';

const NOTE = [
  'HISTORY OF PRESENT ILLNESS: Mother reports type 1 diabetes in the patient.',
  'FAMILY HISTORY: Brother with type 1 diabetes. Mother had breast cancer. Father is healthy; his cough was chronic.',
  'SOCIAL HISTORY: No tobacco.',
].join('\n');

function sectioned(text: string) {
  const doc = createDoc(text);
  doc.sections = detectSections(text);
  return doc;
}

test('targets: names of diseases in a family history become DISEASE entities, nothing else and nowhere else', async () => {
  const doc = sectioned(NOTE);
  await targetsComponent().process(doc, {});
  const found = doc.entities.map((e) => [e.text, e.type, e.attributes?.source]);
  assert.deepEqual(found, [
    ['type 1 diabetes', 'DISEASE', 'targets'],
    ['breast cancer', 'DISEASE', 'targets'],
    ['cough', 'DISEASE', 'targets'],
  ]);
  // outside the section (the first line's "type 1 diabetes") nothing is added; HPO qualifiers ("healthy", "chronic") and short words ("was") are no targets
  assert.ok(doc.entities.every((e) => e.start > NOTE.indexOf('FAMILY HISTORY') && e.end < NOTE.indexOf('SOCIAL HISTORY')));
  for (const e of doc.entities) assert.equal(e.text, NOTE.slice(e.start, e.end));
  // the same with CRLF line ends and an emoji before the section: offsets stay exact
  const crlf = '🩺 ' + NOTE.replace(/\n/g, '\r\n');
  const other = sectioned(crlf);
  await targetsComponent().process(other, {});
  assert.deepEqual(other.entities.map((e) => e.text), ['type 1 diabetes', 'breast cancer', 'cough']);
  for (const e of other.entities) assert.equal(e.text, crlf.slice(e.start, e.end));
  // only when the type is asked for
  const skipped = sectioned(NOTE);
  await targetsComponent().process(skipped, { entityTypes: ['DRUG'] });
  assert.equal(skipped.entities.length, 0);
});

test("targets: a section is read up to its rule's max_chars (a heading followed by the rest of a huge note costs little)", async () => {
  const text = `FAMILY HISTORY: ${'Mother had breast cancer and an uncle had gout. '.repeat(20_000).trim()}`;
  const doc = sectioned(text);
  assert.equal(doc.sections![0]!.end, text.length, 'one section to the end of the text');
  await targetsComponent().process(doc, {});
  assert.ok(doc.entities.length > 50);
  assert.ok(doc.entities.every((e) => e.end <= doc.sections![0]!.start + 4000 && e.text === text.slice(e.start, e.end)));
});

test("targets: the model's entity the run covers whole gives way; one of the run's length or reaching out of it stays", async () => {
  const doc = sectioned(NOTE);
  const at = (s: string, type: 'DISEASE' | 'ANATOMY', from = NOTE.indexOf('FAMILY HISTORY')) => {
    const start = NOTE.indexOf(s, from);
    return makeEntity(doc, { start, end: start + s.length }, type, 0.9);
  };
  doc.entities.push(at('diabetes', 'DISEASE'), at('cancer. Father', 'DISEASE'), at('cough', 'DISEASE'));
  renumberEntities(doc);
  await targetsComponent().process(doc, {});
  const found = doc.entities.map((e) => `${e.text}/${e.type}/${e.attributes?.source ?? 'model'}`);
  assert.deepEqual(found, ['type 1 diabetes/DISEASE/targets', 'cancer. Father/DISEASE/model', 'cough/DISEASE/model']);
  // an entity of another type inside a run gives way too ("breast" ANATOMY in "breast cancer")
  const doc2 = sectioned(NOTE);
  const start = NOTE.indexOf('breast');
  doc2.entities.push(makeEntity(doc2, { start, end: start + 6 }, 'ANATOMY', 0.9));
  await targetsComponent().process(doc2, {});
  assert.ok(doc2.entities.some((e) => e.text === 'breast cancer' && e.type === 'DISEASE') && !doc2.entities.some((e) => e.type === 'ANATOMY'));
});

test('history-sections devset: well-formed, spans inside their sections, dev and test halves of each kind', () => {
  const set = readHistorySections();
  const count = (name: string, split: string) => set.filter((s) => s.section.name === name && s.split === split).length;
  assert.deepEqual([count('family_history', 'dev'), count('family_history', 'test'), count('past_medical_history', 'dev'), count('past_medical_history', 'test')], [30, 30, 20, 20]);
  let n = 0;
  for (const s of set) {
    assert.equal(s.section.text.length, s.section.end - s.section.start);
    for (const d of s.diseases) {
      assert.ok(s.section.start <= d.start && d.end <= s.section.end, `${s.note} ${d.text}`);
      assert.equal(s.section.text.slice(d.start - s.section.start, d.end - s.section.start), d.text);
      n++;
    }
  }
  assert.equal(n, 303);
});

const mtsamples = join(sharedDataDir(), 'text', 'mtsamples', 'mtsamples.jsonl');
const skip = existsSync(mtsamples) ? false : `${mtsamples} not found (set MEDICAL_NER_SHARED)`;

test('history-sections eval: the targets step finds diseases the model misses there', { skip }, async () => {
  const report = await runHistorySectionsEval({ split: 'dev', limit: 10 });
  const results = (report.data as { results: { kind: string; pipeline: string; lenient: { tp: number; fn: number; fp: number } }[] }).results;
  const [without, withTargets] = results.filter((r) => r.kind === 'family_history');
  assert.equal(without!.lenient.tp + without!.lenient.fn, withTargets!.lenient.tp + withTargets!.lenient.fn, 'the same gold both ways');
  assert.ok(withTargets!.lenient.tp > without!.lenient.tp, `${withTargets!.lenient.tp} > ${without!.lenient.tp}`);
});

test("default pipeline: a family-history disease is found and marked as the family's", { skip }, async () => {
  const p = await pipeline();
  try {
    const r = await p.extract('FAMILY HISTORY: Brother with type 1 diabetes. Mother had breast cancer.');
    for (const name of ['type 1 diabetes', 'breast cancer']) {
      const e = r.entities.find((x) => x.text === name);
      assert.ok(e, `${name} found: ${JSON.stringify(r.entities.map((x) => [x.text, x.type]))}`);
      assert.equal(e.type, 'DISEASE');
      assert.equal(e.attributes?.experiencer, 'family');
    }
  } finally {
    await p.dispose();
  }
});
