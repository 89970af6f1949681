/** The TypeScript WordPiece tokenizer must reproduce the Python one the model was trained with. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WordPieceTokenizer } from '../src/text/wordpiece.js';
import { decodeBio, makeWindows, mergeAdjacent, resolveCrossTypeClashes, trimDangling, wholeNumber, withDottedAbbreviation, withoutCutNumber, withPercent, withTimeUnit } from '../src/ner/onnx/index.js';
import type { Entity } from '../src/core/types.js';
import { codePointToUtf16 } from '../src/io/common.js';

const ROOT = join(import.meta.dirname, '..');
const VOCAB = join(ROOT, 'models', 'ner-minilm', 'vocab.txt');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'wordpiece-fixture.json');

test('tokenization matches the Python reference on the fixture', { skip: !existsSync(FIXTURE) || !existsSync(VOCAB) ? 'model vocab or fixture missing' : false }, () => {
  const tok = new WordPieceTokenizer(readFileSync(VOCAB, 'utf8').split(/\r?\n/));
  const raw = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases?: unknown[] } | unknown[];
  const cases = (Array.isArray(raw) ? raw : raw.cases!) as { text: string; ids: number[]; offsets: [number, number][] }[];
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    const conv = codePointToUtf16(c.text); // Python offsets count code points
    const pieces = tok.tokenize(c.text);
    assert.deepEqual(pieces.map((p) => p.id), c.ids, `ids for ${JSON.stringify(c.text)}`);
    assert.deepEqual(pieces.map((p) => [p.start, p.end]), c.offsets.map(([s, e]) => [conv(s), conv(e)]), `offsets for ${JSON.stringify(c.text)}`);
  }
});

test('a small vocabulary tokenizes with exact offsets, accents stripped and [UNK] for unknown words', () => {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'met', '##formin', 'sjogren', '500', '##mg', '.', '%', '8', '2'];
  const tok = new WordPieceTokenizer(vocab);
  const text = 'Metformin 500MG. Sjögren 8.2% 😀xyz';
  const pieces = tok.tokenize(text);
  assert.deepEqual(
    pieces.map((p) => [text.slice(p.start, p.end), vocab[p.id]]),
    [['Met', 'met'], ['formin', '##formin'], ['500', '500'], ['MG', '##mg'], ['.', '.'], ['Sjögren', 'sjogren'], ['8', '8'], ['.', '.'], ['2', '2'], ['%', '%'], ['😀xyz', '[UNK]']],
  );
});

test('windows cover every piece with overlap, and BIO decoding joins word pieces', () => {
  const w = makeWindows(300, 126, 32);
  assert.equal(w[0]!.from, 0, 'first window starts at 0');
  assert.equal(w.at(-1)!.to, 300, 'last window ends at the last piece');
  for (let i = 1; i < w.length; i++) assert.ok(w[i]!.from < w[i - 1]!.to, 'consecutive windows overlap');
  assert.deepEqual(makeWindows(10, 126, 32), [{ from: 0, to: 10 }], 'a short text is one window');
  const pieces = [
    { id: 0, start: 0, end: 3, word: 0, cont: false },
    { id: 0, start: 3, end: 9, word: 0, cont: true },
    { id: 0, start: 10, end: 13, word: 1, cont: false },
    { id: 0, start: 14, end: 16, word: 2, cont: false },
  ];
  // most probable tags: B, O (inside the same word: joined anyway), O, I (not allowed after O: B, the next best, wins)
  const tags = [1, 0, 0, 2];
  const spans = decodeBio(pieces, (p, t) => (t === tags[p] ? 0.9 : (p === 3 && t === 1) || (p === 1 && t === 2) ? 0.3 : 0.05));
  assert.deepEqual(spans.map((s) => [s.start, s.end]), [[0, 9], [14, 16]]);
});

test('adjacent entities of one type split by a single space are merged; a comma or two spaces keep them apart', () => {
  const text = 'hemorrhagic cystitis, fever  rash';
  const s = (a: string, c = 0.8) => ({ start: text.indexOf(a), end: text.indexOf(a) + a.length, confidence: c });
  const merged = mergeAdjacent(text, [s('hemorrhagic', 0.6), s('cystitis', 1), s('fever'), s('rash')]);
  assert.deepEqual(merged.map((m) => text.slice(m.start, m.end)), ['hemorrhagic cystitis', 'fever', 'rash'], 'merged across one space only');
  assert.ok(Math.abs(merged[0]!.confidence - (0.6 * 11 + 1 * 8) / 19) < 1e-9, 'confidence is the mean over the characters of the parts');
});

/** The text a span fix gives for the first occurrence of `a` in `text` (from `from`). */
function fixed(fix: (text: string, span: { start: number; end: number }) => { start: number; end: number }, text: string, a: string, from = 0): string {
  const start = text.indexOf(a, from);
  const s = fix(text, { start, end: start + a.length });
  return text.slice(s.start, s.end);
}

test('a dangling conjunction or opening punctuation is cut from the end of an entity', () => {
  const text = 'squamous cell papilloma and Li/ x';
  const cut = (a: string) => fixed(trimDangling, text, a);
  assert.equal(cut('squamous cell papilloma and'), 'squamous cell papilloma', 'trailing conjunction cut');
  assert.equal(cut('Li/'), 'Li', 'trailing slash cut');
  assert.equal(cut('papilloma'), 'papilloma', 'nothing to cut');
  assert.equal(cut('/'), '/', 'never emptied');
});

test('a number that ends right before a % sign takes it', () => {
  const text = 'Using 1% lidocaine and 2 %, about 5';
  const grow = (a: string) => fixed(withPercent, text, a);
  assert.equal(grow('1'), '1%');
  assert.equal(grow('1%'), '1%', 'already there');
  assert.equal(grow('2'), '2', 'a space before the sign: left alone');
  assert.equal(grow('Using'), 'Using', 'not a number');
});

test('an amount never starts or ends inside a number', () => {
  const text = 'with 0.25% Marcaine, INR 3.8. Creatinine 1,250 and 12.5 mL; days 2, 3';
  const grow = (a: string, from = 0) => fixed(wholeNumber, text, a, from);
  assert.equal(grow('0'), '0.25', 'stopped before the decimal point');
  assert.equal(grow('0.'), '0.25', 'stopped after the decimal point');
  assert.equal(grow('25'), '0.25', 'started after the decimal point');
  assert.equal(grow('.25'), '0.25', 'started at the decimal point');
  assert.equal(grow('3'), '3.8', 'the sentence\'s full stop is not taken');
  assert.equal(grow('3.8'), '3.8', 'whole already');
  assert.equal(grow('1,2'), '1,250', 'thousands separator');
  assert.equal(grow('2.5 mL'), '12.5 mL', 'the start moves too');
  assert.equal(grow('2', text.indexOf('days')), '2', 'a comma and a space end a number');
  assert.equal(grow('Marcaine'), 'Marcaine', 'not a number');
});

test('a name drops the part of a number it cut', () => {
  const text = 'INR 3.8 and factor 8 and CD 34.5';
  const cut = (a: string) => fixed(withoutCutNumber, text, a);
  assert.equal(cut('INR 3'), 'INR');
  assert.equal(cut('INR 3.8'), 'INR 3.8', 'a whole number stays (the model\'s choice)');
  assert.equal(cut('factor 8'), 'factor 8', 'not cut');
  assert.equal(cut('CD 34.'), 'CD', 'cut after the point');
});

test('a dose that ends inside a dotted abbreviation runs to its end', () => {
  const text = 'Clonidine 0.2 mg p.o. b.i.d., 10 mg q.da, 5 mg b.i.d';
  const grow = (a: string, from = 0) => fixed(withDottedAbbreviation, text, a, from);
  assert.equal(grow('0.2 mg p'), '0.2 mg p.o.');
  assert.equal(grow('0.2 mg p.o. b.i'), '0.2 mg p.o. b.i.d.');
  assert.equal(grow('0.2 mg'), '0.2 mg', 'ends after a digit: left alone');
  assert.equal(grow('10 mg q'), '10 mg q', 'q.da is not an abbreviation of single letters');
  assert.equal(grow('5 mg b', 40), '5 mg b.i.d', 'the text may end before the last dot');
  assert.equal(grow('0.2 mg p.o. b.'), '0.2 mg p.o. b.i.d.', 'ended after a dot');
  assert.equal(grow('5 mg b.i', 40), '5 mg b.i.d');
  assert.equal(grow('10 mg q.', 30), '10 mg q.', 'still not q.da');
  const end = 'Take 1 q.4-6h. Gauze 4 x 4\'s.';
  assert.equal(fixed(withDottedAbbreviation, end, '1 q.4-6h'), '1 q.4-6h', 'the "h." of "4-6h." is no word of its own: the dot ends the sentence');
  assert.equal(fixed(withDottedAbbreviation, end, '4 x 4\'s'), '4 x 4\'s');
});

test('types clash on one span or on crossing spans, not when nested; a type that wins keeps the span whatever the confidences', () => {
  const text = 'She had breast cancer treated with tamoxifen.';
  const ent = (type: string, from: string, confidence: number): Entity => {
    const start = text.indexOf(from);
    return { id: '', text: from, type: type as Entity['type'], start, end: start + from.length, confidence };
  };
  const show = (es: Entity[]) => es.map((e) => `${e.type}:${e.text}`);
  const ents = [ent('ANATOMY', 'breast cancer', 1), ent('DISEASE', 'breast cancer', 0.94), ent('ANATOMY', 'breast', 0.9), ent('DRUG', 'cancer treated', 0.5), ent('DRUG', 'tamoxifen', 0.99)];
  // by confidence: the anatomy reading takes the span; "breast" nests in it and stays; the crossing drug goes
  assert.deepEqual(show(resolveCrossTypeClashes(ents)), ['ANATOMY:breast cancer', 'ANATOMY:breast', 'DRUG:tamoxifen']);
  assert.deepEqual(show(resolveCrossTypeClashes(ents, { DISEASE: ['ANATOMY'] })), ['DISEASE:breast cancer', 'ANATOMY:breast', 'DRUG:tamoxifen']);
  // a preference between other types changes nothing here
  assert.deepEqual(show(resolveCrossTypeClashes(ents, { GENE: ['LAB_TEST'] })), ['ANATOMY:breast cancer', 'ANATOMY:breast', 'DRUG:tamoxifen']);
  // a clash left to the lexicon: the surer type keeps the span and names the other
  const [first] = resolveCrossTypeClashes(ents.map((e) => ({ ...e })), {}, { ANATOMY: ['DISEASE'] });
  assert.deepEqual([first!.type, first!.attributes], ['ANATOMY', { alt_type: 'DISEASE', alt_confidence: 0.94 }]);
});

test('a duration that ends on its count takes its time unit', () => {
  const text = 'Return in two weeks; 7 to 10 days; a 10-day course; for several minutes; 3 mg; two patients; 5 years.';
  const grow = (a: string) => fixed(withTimeUnit, text, a);
  assert.equal(grow('two'), 'two weeks');
  assert.equal(grow('7'), '7 to 10 days', 'a range');
  assert.equal(grow('10-'), '10-day');
  assert.equal(grow('several'), 'several minutes');
  assert.equal(grow('3'), '3', 'no unit of time after it');
  assert.equal(grow('two patients'), 'two patients', 'does not end on a count');
  assert.equal(grow('5 years'), '5 years', 'complete already');
});
