/** The HTTP server: endpoints, OpenAPI, limits and error statuses, auth, CORS, logging, worker pool, streaming, shutdown. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { validateResult } from '../src/core/schema.js';
import { createDoc } from '../src/core/doc.js';
import type { Doc, ExtractionResult } from '../src/core/types.js';
import { buildServer, startServer } from '../src/server/index.js';
import type { BuiltServer, Extractor } from '../src/server/index.js';

const SEED = 'Patient started on metformin 500mg for type 2 diabetes. HbA1c was 8.2%.';
const NOTE2 = 'Aspirin 81 mg daily for coronary artery disease. No chest pain.';

function checkResult(text: string, r: ExtractionResult): void {
  assert.deepEqual(validateResult(r), []);
  assert.ok(r.entities.length > 0, 'some entities');
  for (const e of r.entities) assert.equal(text.slice(e.start, e.end), e.text, `offsets of ${e.id}`);
}

describe('HTTP API (in-process pipeline, inject)', () => {
  let s: BuiltServer;
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  before(async () => {
    s = await buildServer({ workers: 0, pipelineOptions: { model: 'baseline' }, logLevel: 'info', logStream, limits: { maxTextLength: 5000, maxTexts: 5 }, bodyLimit: 64 * 1024 });
    await s.service.extractor.ready();
  });
  after(() => s.app.close());
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => s.app.inject({ method: 'POST', url, payload: payload as object, headers });

  test('POST /v1/extract with one text returns the schema-valid result with exact offsets', async () => {
    const r = await post('/v1/extract', { text: SEED });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /application\/json/);
    const out = r.json() as ExtractionResult;
    checkResult(SEED, out);
    assert.ok(out.entities.some((e) => e.type === 'DRUG' && e.text === 'metformin'));
  });

  test('options: entity_types (array or comma string), link/relations/context flags', async () => {
    for (const entity_types of [['DRUG'], 'drug']) {
      const r = await post('/v1/extract', { text: SEED, entity_types, link: false, relations: false, context: false });
      assert.equal(r.statusCode, 200, r.body);
      const out = r.json() as ExtractionResult;
      assert.ok(out.entities.length > 0 && out.entities.every((e) => e.type === 'DRUG'));
      assert.deepEqual(out.relations, []);
    }
  });

  test('a list of texts returns {results} in order; ids kept', async () => {
    const r = await post('/v1/extract', { texts: [SEED, { id: 'n2', text: NOTE2 }, ''] });
    assert.equal(r.statusCode, 200, r.body);
    const { results } = r.json() as { results: { index: number; id: string; result: ExtractionResult }[] };
    assert.deepEqual(results.map((x) => [x.index, x.id]), [[0, 'text-1'], [1, 'n2'], [2, 'text-3']]);
    checkResult(SEED, results[0]!.result);
    checkResult(NOTE2, results[1]!.result);
    assert.deepEqual(results[2]!.result, { entities: [], relations: [], triples: [] });
  });

  test('Accept: application/x-ndjson streams one line per text', async () => {
    const r = await post('/v1/extract', { texts: [SEED, NOTE2] }, { accept: 'application/x-ndjson' });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /application\/x-ndjson/);
    const lines = r.body.trim().split('\n').map((l) => JSON.parse(l) as { index: number; result: ExtractionResult });
    assert.deepEqual(lines.map((l) => l.index), [0, 1]);
    checkResult(NOTE2, lines[1]!.result);
  });

  test('other output formats come back as that format', async (t) => {
    const r = await s.app.inject({ url: '/v1/info' });
    const formats = (r.json() as { output_formats: string[] }).output_formats;
    const other = formats.filter((f) => f !== 'json' && f !== 'brat');
    if (!other.length) return t.skip('only json is registered in this build');
    for (const f of other) {
      const x = await post('/v1/extract', { text: SEED, output_format: f });
      assert.equal(x.statusCode, 200, `${f}: ${x.body}`);
      assert.ok(x.body.length > 0);
    }
  });

  test('POST /v1/graph: json graph, and cypher/turtle/fhir exports (with aliases)', async () => {
    const r = await post('/v1/graph', { notes: [SEED, { id: 'b', text: 'Metformin was continued for type 2 diabetes.' }], patient_id: 'p1' });
    assert.equal(r.statusCode, 200, r.body);
    const g = r.json() as { patient_id: string; nodes: { id: string; note_ids: string[] }[]; stats: { notes: number; nodes: number } };
    assert.equal(g.patient_id, 'p1');
    assert.equal(g.stats.notes, 2);
    assert.ok(g.nodes.some((n) => n.note_ids.length === 2), 'a concept merged across the two notes');
    const cy = await post('/v1/graph', { notes: [SEED], output_format: 'neo4j' });
    assert.equal(cy.statusCode, 200);
    assert.match(cy.body, /MERGE/);
    const ttl = await post('/v1/graph', { notes: [SEED], output_format: 'rdf' });
    assert.match(String(ttl.headers['content-type']), /text\/turtle/);
    assert.match(ttl.body, /@prefix/);
    const fhir = await post('/v1/graph', { notes: [SEED], output_format: 'fhir' });
    assert.equal(fhir.statusCode, 200);
    assert.equal((fhir.json() as { resourceType: string }).resourceType, 'Bundle');
  });

  test('errors: 400 malformed, 413 too large, 422 invalid options, 404 unknown route', async () => {
    const bad = await s.app.inject({ method: 'POST', url: '/v1/extract', payload: '{"text": ', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.statusCode, 400);
    assert.equal((await post('/v1/extract', {})).statusCode, 400);
    assert.equal((await post('/v1/extract', { text: 42 })).statusCode, 400);
    assert.equal((await post('/v1/extract', { text: 'a', texts: ['b'] })).statusCode, 400);
    assert.equal((await post('/v1/graph', { notes: [] })).statusCode, 400);
    const types = await post('/v1/extract', { text: SEED, entity_types: ['DRUG', 'NOPE'] });
    assert.equal(types.statusCode, 422);
    assert.equal(types.json().code, 'INVALID_OPTION');
    assert.equal((await post('/v1/extract', { text: SEED, entity_types: 'DRUG,NOPE' })).statusCode, 422);
    assert.equal((await post('/v1/extract', { text: SEED, output_format: 'docx' })).statusCode, 422);
    assert.equal((await post('/v1/extract', { text: SEED, link: 'yes' })).statusCode, 422);
    assert.equal((await post('/v1/extract', { text: SEED, colour: 'red' })).statusCode, 422);
    assert.equal((await post('/v1/graph', { notes: [SEED], output_format: 'pubtator' })).statusCode, 422);
    const long = await post('/v1/extract', { text: 'x'.repeat(5001) });
    assert.equal(long.statusCode, 413);
    assert.equal(long.json().code, 'INPUT_TOO_LARGE');
    assert.match(long.json().message, /limit is 5000/);
    assert.equal((await post('/v1/extract', { texts: ['a', 'b', 'c', 'd', 'e', 'f'] })).statusCode, 413);
    assert.equal((await post('/v1/extract', { text: 'y'.repeat(70 * 1024) })).statusCode, 413);
    assert.equal((await s.app.inject({ url: '/v2/nothing' })).statusCode, 404);
  });

  test('healthz, readyz, info', async () => {
    assert.deepEqual((await s.app.inject({ url: '/healthz' })).json(), { status: 'ok' });
    const ready = await s.app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().model, 'baseline');
    const info = (await s.app.inject({ url: '/v1/info' })).json() as { entity_types: string[]; api_key_required: boolean; graph_formats: string[] };
    assert.equal(info.entity_types.length, 10);
    assert.equal(info.api_key_required, false);
    assert.ok(info.graph_formats.includes('fhir'));
  });

  test('OpenAPI 3 document is generated from the validating route schemas; /docs serves swagger-ui', async () => {
    const doc = (await s.app.inject({ url: '/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, { anyOf?: { items?: { enum?: string[] } }[] }> } }> } }>>;
      components: { schemas: Record<string, unknown> };
    };
    assert.match(doc.openapi, /^3\./);
    for (const p of ['/v1/extract', '/v1/graph', '/healthz', '/readyz']) assert.ok(doc.paths[p], p);
    const body = doc.paths['/v1/extract']!.post!.requestBody!.content['application/json']!.schema;
    assert.ok(body.properties.text && body.properties.texts && body.properties.output_format);
    assert.ok(body.properties.entity_types!.anyOf![0]!.items!.enum!.includes('DRUG'));
    assert.ok(doc.components.schemas.ExtractionResult && doc.components.schemas.Entity);
    const ui = await s.app.inject({ url: '/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger-ui/i);
    assert.doesNotMatch(ui.body, /https?:\/\/(cdn|unpkg)/);
  });

  test('the web viewer and its assets are served locally', async () => {
    const page = await s.app.inject({ url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<script src="\/assets\/cytoscape\.min\.js">/);
    assert.doesNotMatch(page.body, /https?:\/\/(?!github)/);
    const cy = await s.app.inject({ url: '/assets/cytoscape.min.js' });
    assert.equal(cy.statusCode, 200);
    assert.ok(cy.body.length > 100_000);
    const js = await s.app.inject({ url: '/assets/app.js' });
    assert.match(js.body, /v1\/extract/);
  });

  test('no note text, bodies or keys in the logs', async () => {
    const secret = 'Zebulon Quackenbush has metformin-resistant diabetes';
    await post('/v1/extract', { text: secret }, { 'x-api-key': 'sekrit-key' });
    await post('/v1/extract', { text: secret, entity_types: ['BAD'] });
    const all = logs.join('');
    assert.ok(all.includes('/v1/extract'), 'requests are logged');
    assert.ok(!all.includes('Quackenbush'), 'note text is not logged');
    assert.ok(!all.includes('sekrit-key'));
  });

  test('CORS is off by default', async () => {
    const r = await s.app.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    assert.equal((await s.app.inject({ method: 'OPTIONS', url: '/v1/extract', headers: { origin: 'https://evil.example' } })).statusCode, 404);
  });
});

describe('API key and CORS', () => {
  let s: BuiltServer;
  before(async () => {
    s = await buildServer({ workers: 0, pipelineOptions: { model: 'baseline' }, logLevel: 'silent', apiKey: 'k-123', cors: 'https://app.example' });
  });
  after(() => s.app.close());

  test('x-api-key is required on /v1/ only', async () => {
    const no = await s.app.inject({ method: 'POST', url: '/v1/extract', payload: { text: SEED } });
    assert.equal(no.statusCode, 401);
    assert.equal(no.json().code, 'UNAUTHORIZED');
    assert.equal((await s.app.inject({ method: 'POST', url: '/v1/extract', payload: { text: SEED }, headers: { 'x-api-key': 'wrong' } })).statusCode, 401);
    assert.equal((await s.app.inject({ method: 'POST', url: '/v1/extract', payload: { text: SEED }, headers: { 'x-api-key': 'k-123' } })).statusCode, 200);
    assert.equal((await s.app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await s.app.inject({ url: '/' })).statusCode, 200);
  });

  test('CORS allows the configured origin only, with preflight', async () => {
    const ok = await s.app.inject({ url: '/healthz', headers: { origin: 'https://app.example' } });
    assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example');
    const other = await s.app.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const pre = await s.app.inject({ method: 'OPTIONS', url: '/v1/extract', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.statusCode, 204);
    assert.match(String(pre.headers['access-control-allow-headers']), /x-api-key/);
  });
});

test('worker pool: 2 workers, parallel requests over real HTTP, NDJSON streaming, graceful close', async () => {
  const s = await startServer({ port: 0, workers: 2, pipelineOptions: { model: 'baseline' }, logLevel: 'silent', handleSignals: false });
  try {
    await s.service.extractor.ready();
    const ready = await (await fetch(`${s.url}/readyz`)).json();
    assert.deepEqual(ready, { status: 'ready', model: 'baseline', workers: 2 });
    const texts = Array.from({ length: 12 }, (_, i) => (i % 2 ? SEED : NOTE2) + ` Note ${i}.`);
    const res = await fetch(`${s.url}/v1/extract`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' }, body: JSON.stringify({ texts }) });
    assert.equal(res.status, 200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { index: number; result: ExtractionResult });
    assert.deepEqual(lines.map((l) => l.index), texts.map((_, i) => i));
    lines.forEach((l, i) => checkResult(texts[i]!, l.result));
    // Same answers as the in-process pipeline.
    const many = await Promise.all(texts.slice(0, 4).map((text) => fetch(`${s.url}/v1/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) }).then((r) => r.json())));
    assert.deepEqual(many, lines.slice(0, 4).map((l) => l.result));
    // Graceful: a request in flight when close starts still completes; new connections are refused after.
    const inflight = fetch(`${s.url}/v1/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: texts.concat(texts) }) });
    await new Promise((r) => setTimeout(r, 30));
    const closing = s.app.close();
    const done = await inflight;
    assert.equal(done.status, 200);
    assert.equal(((await done.json()) as { results: unknown[] }).results.length, 24);
    await closing;
    await assert.rejects(fetch(`${s.url}/healthz`));
  } finally {
    await s.app.close();
  }
});

test('graceful close: a slow request in flight finishes; the extractor is closed after it', async () => {
  const events: string[] = [];
  let markStarted!: () => void;
  const started = new Promise<void>((r) => (markStarted = r));
  const slow: Extractor = {
    ready: async () => undefined,
    isReady: true,
    modelName: 'slow',
    runEach: (notes) => {
      markStarted();
      return notes.map(
        (n) =>
          new Promise<Doc>((resolve) =>
            setTimeout(() => {
              events.push('done');
              resolve(createDoc(n.text, n.id));
            }, 400),
          ),
      );
    },
    close: async () => {
      events.push('closed');
    },
  };
  const s = await startServer({ port: 0, extractor: slow, logLevel: 'silent', handleSignals: false });
  const inflight = fetch(`${s.url}/v1/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: SEED }) });
  await started; // the request is being processed: close now must wait for it
  await s.app.close();
  const res = await inflight;
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { entities: [], relations: [], triples: [] });
  assert.deepEqual(events, ['done', 'closed']);
  await assert.rejects(fetch(`${s.url}/healthz`));
});

test('readyz is 503 while the model loads and when it failed; requests then get 503', async () => {
  const s = await buildServer({ workers: 1, pipelineOptions: { model: 'no-such-model' }, logLevel: 'silent' });
  try {
    const first = await s.app.inject({ url: '/readyz' });
    assert.equal(first.statusCode, 503);
    await assert.rejects(s.service.extractor.ready());
    const failed = await s.app.inject({ url: '/readyz' });
    assert.equal(failed.statusCode, 503);
    assert.equal(failed.json().status, 'failed');
    assert.match(failed.json().message, /no-such-model/);
    const r = await s.app.inject({ method: 'POST', url: '/v1/extract', payload: { text: SEED } });
    assert.equal(r.statusCode, 503);
    assert.equal((await s.app.inject({ url: '/healthz' })).statusCode, 200);
  } finally {
    await s.app.close();
  }
});

test('`serve` command: binds 127.0.0.1, answers, and exits 0 on SIGTERM', async () => {
  const here = new URL('.', import.meta.url).pathname;
  const driver = `import { cliCommands } from '${here}../src/cli/command.ts'; await import('${here}../src/cli/commands/serve.ts'); process.exitCode = await cliCommands.create('serve').run(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', driver, '--', '--port', '0', '--workers', '1', '--model', 'baseline', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no "listening" line: ${stderr}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
  });
  const r = await fetch(`${url}/v1/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: SEED }) });
  assert.equal(r.status, 200);
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  assert.equal(code, 0, stderr);
});
