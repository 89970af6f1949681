import assert from 'node:assert/strict';
import { test } from 'node:test';
import { releaseTokenStates, setTokenStates, tokenStates, type TokenStates } from '../src/core/token-states.js';
import type { Doc, Entity, EntityType, Span } from '../src/core/types.js';
import { pipeline } from '../src/pipeline.js';
import { PAIR_PARTS, PAIR_WINDOW, PairVectorizer, pairWindow, ROLE } from '../src/relations/dense.js';
import { relationExtractor, RelationExtractor } from '../src/relations/index.js';
import { DEFAULT_RULESET } from '../src/relations/rules.js';

function pairVector(st: TokenStates, subject: Span, object: Span): Float32Array {
  const v = new PairVectorizer(st);
  const out = new Float32Array(v.width);
  v.write(subject, object, out, 0);
  return out;
}

test('token states: one set per encoder output beside a Doc, each buffer handed back once on release', () => {
  const doc: Doc = { text: 'a b', entities: [], relations: [] };
  const given: string[] = [];
  const st = (output: string): TokenStates => ({ model: 'm', output, dim: 1, starts: Int32Array.of(0, 2), ends: Int32Array.of(1, 3), data: Float32Array.of(1, 2) });
  setTokenStates(doc, st('hidden3'), () => given.push('hidden3'));
  setTokenStates(doc, st('hidden2'), () => given.push('hidden2'));
  assert.equal(tokenStates(doc, 'hidden2')?.output, 'hidden2');
  assert.equal(tokenStates(doc, 'hidden3')?.output, 'hidden3');
  assert.equal(tokenStates(doc)?.output, 'hidden3', 'without an output: the first set');
  assert.equal(tokenStates(doc, 'hidden1'), undefined);
  releaseTokenStates(doc);
  releaseTokenStates(doc);
  assert.deepEqual(given, ['hidden3', 'hidden2']);
  assert.equal(tokenStates(doc, 'hidden2'), undefined);
});

test('pairVector: subject mean, object mean, max between, product', () => {
  // pieces "ab" [0,2) "c" [3,4) "d" [5,6) "ef" [7,9), dim 2
  const st: TokenStates = { model: 'm', output: 'h', dim: 2, starts: Int32Array.of(0, 3, 5, 7), ends: Int32Array.of(2, 4, 6, 9), data: Float32Array.of(1, 2, 3, -4, -5, 6, 7, 8) };
  const v = pairVector(st, { start: 0, end: 4 }, { start: 7, end: 9 });
  assert.equal(v.length, PAIR_PARTS * 2);
  assert.deepEqual([...v], [2, -1, 7, 8, -5, 6, 14, -8]);
  // object before subject: the between part is the same, the roles are not
  const w = pairVector(st, { start: 7, end: 9 }, { start: 0, end: 2 });
  assert.deepEqual([...w], [7, 8, 1, 2, Math.max(3, -5), Math.max(-4, 6), 7, 16]);
  // adjacent arguments: nothing between → zeros
  assert.deepEqual([...pairVector(st, { start: 3, end: 4 }, { start: 5, end: 6 })].slice(4, 6), [0, 0]);
});

test('PairVectorizer: block maxima give the plain loops\' numbers', () => {
  const n = 40;
  const d = 3;
  // pieces of 2 characters with a space between; the buffer is longer than the pieces need
  const data = Float32Array.from({ length: (n + 2) * d }, (_, i) => Math.sin(i * 12.9898) * 10);
  const st: TokenStates = { model: 'm', output: 'h', dim: d, starts: Int32Array.from({ length: n }, (_, p) => 3 * p), ends: Int32Array.from({ length: n }, (_, p) => 3 * p + 2), data };
  const row = (p: number) => [...data.subarray(p * d, p * d + d)];
  const plain = (s: [number, number], o: [number, number]) => {
    const mean = ([a, b]: [number, number]) => [0, 1, 2].map((j) => { let x = 0; for (let p = a; p < b; p++) x += row(p)[j]!; return x / (b - a); });
    const [f, g] = s[0] <= o[0] ? [s, o] : [o, s];
    const between = [0, 1, 2].map((j) => (g[0] > f[1] ? Math.max(...Array.from({ length: g[0] - f[1] }, (_, k) => row(f[1] + k)[j]!)) : 0));
    const ms = mean(s), mo = mean(o);
    return [...ms, ...mo, ...between, ...ms.map((x, j) => x * mo[j]!)];
  };
  const v = new PairVectorizer(st);
  for (const [s, o] of [[[0, 2], [37, 40]], [[30, 31], [1, 3]], [[5, 6], [14, 15]], [[9, 12], [12, 13]]] as [number, number][][]) {
    const out = new Float32Array(v.width);
    v.write({ start: 3 * s[0]!, end: 3 * s[1]! - 1 }, { start: 3 * o[0]!, end: 3 * o[1]! - 1 }, out, 0);
    plain(s as [number, number], o as [number, number]).forEach((x, i) => assert.ok(Math.abs(x - out[i]!) < 1e-4, `${JSON.stringify([s, o])} [${i}] ${x} vs ${out[i]}`));
  }
});

test('pairWindow: the sentence\'s pieces with roles; long sentences keep both arguments within PAIR_WINDOW pieces', () => {
  const n = 200;
  // pieces of 2 characters with a space between: piece p is [3p, 3p + 2)
  const st: TokenStates = { model: 'm', output: 'h', dim: 1, starts: Int32Array.from({ length: n }, (_, p) => 3 * p), ends: Int32Array.from({ length: n }, (_, p) => 3 * p + 2), data: new Float32Array(n) };
  const span = (a: number, b: number): Span => ({ start: 3 * a, end: 3 * b - 1 }); // pieces [a, b)
  // short sentence (pieces 10–29): all of it; object before subject
  let w = pairWindow(st, span(20, 22), span(12, 13), span(10, 30));
  assert.deepEqual(w.pieces, Array.from({ length: 20 }, (_, k) => 10 + k));
  assert.deepEqual(w.roles.map((r, k) => [w.pieces[k], r]).filter(([, r]) => r !== ROLE.outside), [[12, ROLE.object], ...[13, 14, 15, 16, 17, 18, 19].map((p) => [p, ROLE.between]), [20, ROLE.subject], [21, ROLE.subject]]);
  // long sentence, arguments close together near its start: PAIR_WINDOW pieces from the sentence's start
  w = pairWindow(st, span(2, 3), span(8, 9), span(0, 150));
  assert.deepEqual(w.pieces, Array.from({ length: PAIR_WINDOW }, (_, k) => k));
  // long sentence, arguments close together in the middle: a window centred on them
  w = pairWindow(st, span(70, 71), span(80, 82), span(0, 150));
  assert.equal(w.pieces.length, PAIR_WINDOW);
  assert.equal(w.pieces[0], 70 - Math.floor((PAIR_WINDOW - 12) / 2));
  // arguments further apart than the window: pieces from just before the first and up to just after the second
  w = pairWindow(st, span(10, 12), span(140, 141), span(0, 200));
  assert.ok(w.pieces.length <= PAIR_WINDOW);
  assert.ok(w.pieces.includes(10) && w.pieces.includes(11) && w.pieces.includes(140) && w.pieces.includes(144) && !w.pieces.includes(145));
  assert.deepEqual(w.pieces, [...w.pieces].sort((a, b) => a - b));
  assert.equal(new Set(w.pieces).size, w.pieces.length);
  assert.equal(w.roles.filter((r) => r === ROLE.subject).length, 2);
  assert.equal(w.roles.filter((r) => r === ROLE.object).length, 1);
});

function docWith(text: string, ents: [string, EntityType][]): Doc {
  const entities: Entity[] = ents.map(([t, type], i) => ({ id: `T${i + 1}`, text: t, type, start: text.indexOf(t), end: text.indexOf(t) + t.length, confidence: 1 }));
  return { text, entities, relations: [] };
}

test('relations-nn: seed example, direction, and the encoder pass is shared with the NER model', async () => {
  const x = relationExtractor('relations-nn');
  const dense = x.config.dense!;
  const d = docWith('Patient started on metformin 500mg for type 2 diabetes.', [
    ['metformin', 'DRUG'],
    ['500mg', 'DOSAGE'],
    ['type 2 diabetes', 'DISEASE'],
  ]);
  const rels = await x.extractAsync(d);
  const byId = new Map(d.entities.map((e) => [e.id, e.text]));
  assert.deepEqual(rels.map((r) => `${byId.get(r.subject)} ${r.predicate} ${byId.get(r.object)}`).sort(), ['500mg DOSAGE_OF metformin', 'metformin TREATS type 2 diabetes']);
  // gold entities, no NER run: the heads encoded the text themselves
  assert.equal(dense.encodedHere, 1);
  assert.deepEqual(await x.extractAsync(docWith('No entities here.', [])), []);

  const p = await pipeline({ components: ['sentences', 'ner', 'relations'] });
  const doc = await p.run('Warfarin levels rise when fluconazole is given; lisinopril 10 mg daily for hypertension.');
  assert.ok(doc.relations.length > 0);
  assert.equal(tokenStates(doc), undefined, 'the relations component released the vectors');
  assert.equal(dense.encodedHere, 1, 'the pipeline reused the NER pass');
  assert.ok(doc.relations.every((r) => r.attributes?.source === 'relations-nn'));
  await p.dispose();
});

test('relations-nn pair layers: the ddi head reads pair windows; batched and padded windows score as single ones', async () => {
  const x = relationExtractor('relations-nn');
  const dense = x.config.dense!;
  const text = 'Fluconazole increases plasma levels of warfarin. Patients on aspirin, ibuprofen, naproxen, heparin, clopidogrel, digoxin or amiodarone need monitoring when rifampin or phenytoin is added.';
  const d = docWith(text, ['Fluconazole', 'warfarin', 'aspirin', 'ibuprofen', 'naproxen', 'heparin', 'clopidogrel', 'digoxin', 'amiodarone', 'rifampin', 'phenytoin'].map((t) => [t, 'DRUG'] as [string, EntityType]));
  const [s1, s2] = [{ start: 0, end: 49 }, { start: 50, end: text.length }];
  const pairs = d.entities.flatMap((a) => d.entities.filter((b) => a.start < b.start && (a.start < s1.end) === (b.start < s1.end)).map((b) => ({ head: 'ddi', subject: a, object: b, sentence: a.start < s1.end ? s1 : s2 })));
  assert.ok(pairs.length > 33, 'more pairs than one batch');
  const all = await dense.score(d, pairs);
  for (const p of all) {
    assert.equal(p.length, 5);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-3);
  }
  assert.ok(all[0]![0]! < 0.5, `fluconazole–warfarin interacts (NONE ${all[0]![0]})`);
  // one pair per call: no padding, a batch of one (int8 activations are quantized per call, hence the tolerance)
  for (const i of [0, 5, pairs.length - 1]) {
    const [alone] = await dense.score(d, [pairs[i]!]);
    alone!.forEach((v, k) => assert.ok(Math.abs(v - all[i]![k]!) < 0.002, `pair ${i} class ${k}: ${v} vs ${all[i]![k]}`));
  }
});

test('vetoes: a local anaesthetic "with epinephrine" is one formulation, not an interaction', async () => {
  const x = relationExtractor('relations-nn');
  // the same model and heads without the veto patterns: what the veto is there to stop
  const unvetoed = new RelationExtractor({ ...x.config, name: 'no-vetoes', ruleSet: { ...DEFAULT_RULESET, vetoes: [] } });
  const interactions = async (ex: RelationExtractor, text: string, drugs: string[]) => {
    const rels = await ex.extractAsync(docWith(text, drugs.map((t) => [t, 'DRUG'])));
    return rels.filter((r) => r.predicate === 'INTERACTS_WITH').length;
  };
  const notes: [string, string[]][] = [
    ['Subfascial and subcutaneous tissues were injected with a total of 20 mL of 0.25% Marcaine with epinephrine for postoperative pain control.', ['Marcaine', 'epinephrine']],
    ['Approximately 4 mL of 1% lidocaine with 1:100,000 epinephrine were injected into the left inferior alveolar nerve block.', ['lidocaine', 'epinephrine']],
    ['Local anesthetic of 1% Marcaine with epinephrine and lidocaine were 50:50 mixed.', ['Marcaine', 'epinephrine', 'lidocaine']],
    ['A 9 cc of 1% lidocaine with 1:100,000 of epinephrine was injected into the area.', ['lidocaine', 'epinephrine']],
  ];
  let before = 0;
  for (const [text, drugs] of notes) {
    before += await interactions(unvetoed, text, drugs);
    assert.equal(await interactions(x, text, drugs), 0, text);
  }
  assert.ok(before >= 2, `without the veto the heads link these formulations (${before})`);
  // an interaction stated between other drugs is untouched
  assert.equal(await interactions(x, 'Fluconazole increases plasma levels of warfarin.', ['Fluconazole', 'warfarin']), 1);
});
