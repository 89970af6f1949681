/** Optional LLM validation against a local server that speaks the Anthropic Messages API (no internet). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { assertConsistent } from '../src/core/doc.js';
import { MedicalNerError } from '../src/core/errors.js';
import { validateResult } from '../src/core/schema.js';
import type { Entity, ExtractionResult } from '../src/core/types.js';
import { anchor, applyLlmFlags, withLlmValidation } from '../src/llm/index.js';
import { pipeline } from '../src/pipeline.js';
import { buildServer } from '../src/server/index.js';

const NOTE = 'Reports nocturia at night. Patient started on metformin 500mg for type 2 diabetes. Later the nocturia settled.';

test('anchor: exact, nearest to the hint, case-insensitive, whitespace-tolerant, or nothing', () => {
  const t = 'Fatigue. fatigue and more fatigue; chest  pain.';
  assert.deepEqual(anchor(t, 'fatigue'), { start: 9, end: 16 });
  assert.deepEqual(anchor(t, 'fatigue', 30), { start: 26, end: 33 });
  assert.deepEqual(anchor(t, 'FATIGUE', 0), { start: 0, end: 7 });
  assert.deepEqual(anchor(t, 'chest pain'), { start: 35, end: 46 });
  assert.equal(anchor(t, 'pancreatitis'), undefined);
  assert.equal(anchor(t, '   '), undefined);
});

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: { model: string; system: string; messages: { content: string }[]; tools: { name: string }[]; tool_choice: unknown };
}

/** A fake Messages API: judges the given entities and answers with a tool_use block. */
function fakeAnthropic(mode: { status?: number; textReply?: boolean } = {}) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw) as Seen['body'];
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      if (mode.status) {
        res.writeHead(mode.status, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'try later' } }));
        return;
      }
      const prompt = body.messages[0]!.content;
      const given = JSON.parse(/<entities>\n(.*)\n<\/entities>/s.exec(prompt)![1]!) as Entity[];
      const drug = given.find((e) => e.text === 'metformin')!;
      const answer = {
        entities: given.map((e) => ({ id: e.id, valid: e.type !== 'DOSAGE' })),
        added: [
          { ref: 'A1', text: 'nocturia', type: 'DISEASE', start: 95 }, // second occurrence, by the hint
          { ref: 'A2', text: 'Type 2 Diabetes', type: 'DISEASE', start: 60 }, // same span as a model entity → merged
          { ref: 'A3', text: 'pancreatitis', type: 'DISEASE', start: 10 }, // not in the text → dropped
          { ref: 'A4', text: 'night', type: 'NOT_A_TYPE' }, // bad type → dropped
        ],
        relations: [
          { subject: drug.id, predicate: 'TREATS', object: 'A2', confidence: 0.9 },
          { subject: 'A1', predicate: 'CAUSES', object: 'T999' }, // unknown end → dropped
          { subject: drug.id, predicate: 'BOGUS', object: 'A1' }, // unknown predicate → dropped
        ],
      };
      const content = mode.textReply
        ? [{ type: 'text', text: 'Here is my review:\n```json\n' + JSON.stringify(answer) + '\n```' }]
        : [{ type: 'tool_use', id: 'toolu_1', name: body.tools[0]!.name, input: answer }];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: body.model, content, stop_reason: 'tool_use' }));
    });
  });
  return {
    seen,
    start: () => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function checkValidated(r: ExtractionResult): void {
  assert.deepEqual(validateResult(r), []);
  for (const e of r.entities) assert.equal(NOTE.slice(e.start, e.end), e.text, `offsets of ${e.id}`);
  const sources = r.entities.map((e) => `${e.attributes?.source}:${e.type}:${e.text}@${e.start}`);
  assert.ok(sources.includes(`model:DRUG:metformin@${NOTE.indexOf('metformin')}`), sources.join(', '));
  assert.ok(sources.includes(`llm:DISEASE:nocturia@${NOTE.lastIndexOf('nocturia')}`), sources.join(', '));
  assert.ok(!sources.includes('llm:DISEASE:nocturia@8'), 'anchored to the occurrence nearest the claimed offset');
  assert.ok(!r.entities.some((e) => e.type === 'DOSAGE'), 'rejected entity dropped');
  assert.ok(!r.entities.some((e) => e.text === 'pancreatitis'));
  assert.equal(r.entities.filter((e) => e.text.toLowerCase() === 'type 2 diabetes').length, 1, 'no duplicate for a merged span');
  assert.ok(r.entities.every((e) => e.attributes?.source === 'model' || e.attributes?.source === 'llm'));
  assert.deepEqual(r.triples.filter((t) => t[1] === 'TREATS'), [['metformin', 'TREATS', 'type 2 diabetes']]);
  const rel = r.relations.find((x) => x.predicate === 'TREATS')!;
  assert.equal(rel.attributes?.source, 'llm');
  assert.equal(rel.confidence, 0.9);
  assert.equal(r.relations.length, r.triples.length);
}

describe('llm-validate component', () => {
  const fake = fakeAnthropic();
  let base: string;
  const saved = { key: process.env.ANTHROPIC_API_KEY, url: process.env.ANTHROPIC_BASE_URL };
  before(async () => {
    base = await fake.start();
    process.env.ANTHROPIC_API_KEY = 'test-key-1';
    process.env.ANTHROPIC_BASE_URL = base;
  });
  after(async () => {
    await fake.stop();
    if (saved.key === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = saved.key;
    if (saved.url === undefined) delete process.env.ANTHROPIC_BASE_URL;
    else process.env.ANTHROPIC_BASE_URL = saved.url;
  });

  test('validates, adds, re-anchors, drops and relates; the request is a Messages API call', async () => {
    const p = await pipeline(withLlmValidation({ model: 'baseline', components: ['sentences', 'ner', 'linker', 'context'] }, { provider: 'anthropic', model: 'claude-test-model' }));
    try {
      assert.equal(p.steps.at(-1)!.name, 'llm-validate');
      const doc = await p.run(NOTE, {}, 'n1');
      assertConsistent(doc);
      const r = await p.extract(NOTE);
      checkValidated(r);
      assert.equal((doc.meta?.llm_validation as { status: string }).status, 'ok');
    } finally {
      await p.dispose();
    }
    const call = fake.seen.at(-1)!;
    assert.equal(call.url, '/v1/messages');
    assert.equal(call.headers['x-api-key'], 'test-key-1');
    assert.equal(call.headers['anthropic-version'], '2023-06-01');
    assert.equal(call.body.model, 'claude-test-model');
    assert.ok(call.body.messages[0]!.content.includes(NOTE));
    assert.deepEqual(call.body.tool_choice, { type: 'tool', name: 'report_validation' });
  });

  test('a JSON reply in a text block is accepted too; keepRejected keeps flagged entities', async () => {
    const textFake = fakeAnthropic({ textReply: true });
    const url = await textFake.start();
    const p = await pipeline(withLlmValidation({ model: 'baseline' }, { provider: 'anthropic', baseUrl: url, keepRejected: true }));
    try {
      const r = await p.extract(NOTE);
      const dosage = r.entities.find((e) => e.type === 'DOSAGE');
      assert.ok(dosage, 'kept');
      assert.equal(dosage.attributes?.llm_validated, false);
      assert.ok(r.entities.some((e) => e.attributes?.source === 'llm'));
    } finally {
      await p.dispose();
      await textFake.stop();
    }
  });

  test('errors: missing key, unknown provider, HTTP failure (fail or keep)', async () => {
    delete process.env.ANTHROPIC_API_KEY;
    assert.throws(() => withLlmValidation({ model: 'baseline' }, { provider: 'anthropic' }), (e: unknown) => e instanceof MedicalNerError && e.code === 'INVALID_OPTION' && /ANTHROPIC_API_KEY/.test(e.message));
    process.env.ANTHROPIC_API_KEY = 'test-key-1';
    assert.throws(() => applyLlmFlags({}, { 'validate-with': 'openai' }), /unknown provider/);
    assert.throws(() => applyLlmFlags({}, { 'llm-model': 'x' }), /needs --validate-with/);
    assert.deepEqual(applyLlmFlags({ model: 'baseline' }, {}), { model: 'baseline' });
    assert.equal((applyLlmFlags({}, { 'validate-with': 'anthropic', 'llm-model': 'm1' }) as { llm: { model: string } }).llm.model, 'm1');

    const down = fakeAnthropic({ status: 529 });
    const url = await down.start();
    const failing = await pipeline(withLlmValidation({ model: 'baseline' }, { provider: 'anthropic', baseUrl: url }));
    await failing.warmUp();
    assert.equal(down.seen.length, 0, 'a warm-up (server start) calls no remote component');
    await assert.rejects(failing.run(NOTE), (e: unknown) => e instanceof MedicalNerError && e.code === 'IO_ERROR' && /529/.test(e.message));
    const keeping = await pipeline(withLlmValidation({ model: 'baseline' }, { provider: 'anthropic', baseUrl: url, onError: 'keep' }));
    const doc = await keeping.run(NOTE);
    assert.ok(doc.entities.length > 0);
    assert.equal((doc.meta?.llm_validation as { status: string }).status, 'error');
    await down.stop();
  });

  test('from the CLI: --validate-with on the single-text command', async () => {
    const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [main, NOTE, '--model', 'baseline', '--no-relations', '--validate-with', 'anthropic'], { env: process.env });
    checkValidated(JSON.parse(stdout) as ExtractionResult);
  });

  test('through the HTTP server (worker threads carry the component)', async () => {
    const s = await buildServer({ workers: 1, pipelineOptions: applyLlmFlags({ model: 'baseline' }, { 'validate-with': 'anthropic' }), logLevel: 'silent' });
    try {
      const r = await s.app.inject({ method: 'POST', url: '/v1/extract', payload: { text: NOTE, relations: false } });
      assert.equal(r.statusCode, 200, r.body);
      checkValidated(r.json() as ExtractionResult);
    } finally {
      await s.app.close();
    }
  });
});
