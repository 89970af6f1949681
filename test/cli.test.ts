/** The CLI contract: single text, stdin, options, errors, and the batch command. Runs the built dist/. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateResult } from '../src/core/schema.js';
import type { ExtractionResult } from '../src/core/types.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', input: input ?? '' });
const SEED = 'Patient started on metformin 500mg for type 2 diabetes. HbA1c was 8.2%.';

function checkOffsets(text: string, r: ExtractionResult): void {
  assert.deepEqual(validateResult(r), []);
  for (const e of r.entities) assert.equal(text.slice(e.start, e.end), e.text, `offsets of ${e.id}`);
}

test('the seed example prints schema-valid JSON with exact offsets (baseline)', () => {
  const r = run([SEED, '--model', 'baseline']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as ExtractionResult;
  checkOffsets(SEED, out);
  const found = out.entities.map((e) => `${e.type}:${e.text}`);
  for (const want of ['DRUG:metformin', 'DOSAGE:500mg', 'DISEASE:type 2 diabetes', 'LAB_VALUE:8.2%']) assert.ok(found.includes(want), `${want} in ${found.join(', ')}`);
});

test('models lists every NER model and marks the default', () => {
  const r = run(['models']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('model '));
  assert.ok(lines.some((l) => /^model\s+baseline\s/.test(l)));
  const defaults = lines.filter((l) => l.endsWith('(default)'));
  assert.equal(defaults.length, 1, r.stdout);
  assert.match(defaults[0]!, existsSync(join(import.meta.dirname, '..', 'models', 'ner-minilm-l4', 'model.onnx')) ? /^model\s+ner-minilm-l4\s/ : /^model\s+baseline\s/);
});

test('--entity-types filters, stdin and --file work, and CRLF/astral text keeps offsets exact', () => {
  const r = run([SEED, '--model', 'baseline', '--entity-types', 'DRUG']);
  const out = JSON.parse(r.stdout) as ExtractionResult;
  assert.ok(out.entities.length > 0);
  assert.ok(out.entities.every((e) => e.type === 'DRUG'));
  const odd = '😀 Café note\r\nPatient took aspirin 81 mg daily.\r\n';
  const viaStdin = run(['--model', 'baseline'], odd);
  assert.equal(viaStdin.status, 0, viaStdin.stderr);
  checkOffsets(odd, JSON.parse(viaStdin.stdout));
  const dir = mkdtempSync(join(tmpdir(), 'mner-'));
  writeFileSync(join(dir, 'n.txt'), odd);
  const viaFile = run(['--file', join(dir, 'n.txt'), '--model', 'baseline']);
  assert.deepEqual(JSON.parse(viaFile.stdout), JSON.parse(viaStdin.stdout));
});

test('empty text gives an empty result; bad input and options give clear errors', () => {
  const empty = run(['   ', '--model', 'baseline']);
  assert.equal(empty.status, 0);
  assert.deepEqual(JSON.parse(empty.stdout), { entities: [], relations: [], triples: [] });
  const big = run(['--model', 'baseline', '--max-length', '10'], 'x'.repeat(11));
  assert.equal(big.status, 2);
  assert.match(big.stderr, /limit is 10/);
  const badType = run([SEED, '--entity-types', 'DRUG,ALIEN']);
  assert.equal(badType.status, 2);
  assert.match(badType.stderr, /unknown entity type\(s\) ALIEN/);
  const badModel = run([SEED, '--model', 'nope']);
  assert.equal(badModel.status, 2);
  assert.match(badModel.stderr, /Unknown NER model "nope"/);
  const binary = run(['--model', 'baseline'], '\u0000\u0001binary');
  assert.equal(binary.status, 2);
  assert.match(binary.stderr, /binary/);
});

test('batch: one output per .txt, progress-free when piped, bad files reported, resumable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mner-batch-'));
  const inDir = join(dir, 'in');
  const outDir = join(dir, 'out');
  spawnSync('mkdir', ['-p', inDir]);
  writeFileSync(join(inDir, 'a.txt'), SEED);
  writeFileSync(join(inDir, 'b.txt'), 'Denies chest pain. Aspirin 81 mg daily.\r\n');
  writeFileSync(join(inDir, 'empty.txt'), '');
  writeFileSync(join(inDir, 'bad-utf8.txt'), Buffer.from([0x66, 0xff, 0xfe, 0x41]));
  writeFileSync(join(inDir, 'bin.txt'), Buffer.from([0, 1, 2, 3]));
  // a byte-order mark stays in the text (offsets count it); UTF-16 is read when its BOM says so
  const bomText = '\ufeffAspirin 81 mg daily.';
  writeFileSync(join(inDir, 'bom8.txt'), bomText, 'utf8');
  writeFileSync(join(inDir, 'bom16.txt'), Buffer.from(bomText, 'utf16le'));
  writeFileSync(join(inDir, 'ignored.md'), 'not a txt');
  const r = run(['batch', inDir, '--out', outDir, '--model', 'baseline', '--no-relations']);
  assert.equal(r.status, 1, 'a failed file makes the exit code non-zero');
  assert.match(r.stderr, /5 written, 0 already done, 2 failed/);
  assert.match(r.stderr, /bad-utf8\.txt: not valid UTF-8/);
  assert.match(r.stderr, /bin\.txt: .*binary/);
  assert.deepEqual(readdirSync(outDir).sort(), ['a.json', 'b.json', 'bom16.json', 'bom8.json', 'empty.json']);
  for (const f of ['bom8.json', 'bom16.json']) {
    const res = JSON.parse(readFileSync(join(outDir, f), 'utf8')) as ExtractionResult;
    checkOffsets(bomText, res);
    assert.deepEqual(res.entities.map((e) => [e.text, e.start]).slice(0, 1), [['Aspirin', 1]], f);
  }
  const a = JSON.parse(readFileSync(join(outDir, 'a.json'), 'utf8')) as ExtractionResult;
  checkOffsets(SEED, a);
  assert.deepEqual(JSON.parse(readFileSync(join(outDir, 'empty.json'), 'utf8')).entities, []);
  // resume: existing outputs are skipped, the bad ones are retried and still reported
  writeFileSync(join(inDir, 'c.txt'), 'Ibuprofen 400 mg for 3 days.');
  const again = run(['batch', inDir, '--out', outDir, '--model', 'baseline']);
  assert.match(again.stderr, /1 written, 5 already done, 2 failed/);
  assert.ok(existsSync(join(outDir, 'c.json')));
});

test('batch --workers 2: the same files as in-process, bad files still reported; --workers must be ≥ 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mner-batch-w-'));
  const inDir = join(dir, 'in');
  mkdirSync(inDir);
  writeFileSync(join(inDir, 'a.txt'), SEED);
  writeFileSync(join(inDir, 'b.txt'), 'Denies chest pain. Aspirin 81 mg daily.\r\n');
  writeFileSync(join(inDir, 'c.txt'), 'Ibuprofen 400 mg for 3 days for knee pain.');
  writeFileSync(join(inDir, 'bin.txt'), Buffer.from([0, 1, 2, 3]));
  const outs = ['0', '2'].map((w) => {
    const outDir = join(dir, `out${w}`);
    const r = run(['batch', inDir, '--out', outDir, '--model', 'baseline', '--workers', w]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /3 written, 0 already done, 1 failed/);
    assert.match(r.stderr, /bin\.txt: .*binary/);
    return readdirSync(outDir).sort().map((f) => [f, readFileSync(join(outDir, f), 'utf8')]);
  });
  assert.equal(outs[0]!.length, 3);
  assert.deepEqual(outs[1], outs[0]);
  const bad = run(['batch', inDir, '--out', join(dir, 'x'), '--workers=-1']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--workers must be an integer ≥ 0/);
});

test('bench --rounds: every worker runs each round and keeps its fastest (a small run, no reference)', () => {
  const r = run(['bench', '--notes', '2', '--rounds', '2', '--models', 'baseline', '--no-reference']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { rounds: number; results: { model: string; components: string; docs_per_s: number; docs_per_s_rounds: number[]; cold_start_ms?: number }[]; speedup_vs_reference: unknown; linker: { mentions_per_s: number } };
  assert.equal(out.rounds, 2);
  assert.deepEqual(out.results.map((x) => `${x.model}/${x.components}`), ['baseline/ner', 'ner-minilm-l4/all']);
  for (const x of out.results) {
    assert.equal(x.docs_per_s_rounds.length, 2, x.model);
    assert.equal(x.docs_per_s, Math.max(...x.docs_per_s_rounds), x.model);
  }
  assert.ok((out.results[0]!.cold_start_ms ?? 0) > 0, 'cold start measured once for a NER model');
  assert.equal(out.speedup_vs_reference, 'no reference (--no-reference)');
  assert.ok(out.linker.mentions_per_s > 0);
  // stderr names each round, interleaved: round 1 of every worker before round 2
  const order = r.stderr.split('\n').filter((l) => l.includes('round'));
  assert.deepEqual(order.map((l) => /round (\d)/.exec(l)![1]), ['1', '1', '2', '2']);
});
