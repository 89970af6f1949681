/**
 * Load test of the HTTP server on loopback: `npx tsx bench/server-load.ts [--seconds 60] [--connections 4]
 * [--workers 2] [--model NAME] [--relation-model NAME]`. Starts `medical-ner serve` on a free port, sends `POST /v1/extract` with
 * one ~500-word MTSamples note per request (autocannon, cycling through the notes), samples the server's
 * RSS every 5 s, and prints JSON: requests/s, latency percentiles (p95 computed from every response time),
 * errors, and the RSS series (flat memory = no leak). Every note is sent once before timing starts.
 * Needs `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { benchNotes, quantile } from '../src/bench/notes.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '4' },
    workers: { type: 'string', default: '2' },
    model: { type: 'string' },
    'relation-model': { type: 'string' },
    'min-words': { type: 'string', default: '450' },
    'max-words': { type: 'string', default: '550' },
  },
});
const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
const notes = benchNotes(3000).filter((n) => words(n.text) >= Number(values['min-words']) && words(n.text) <= Number(values['max-words'])).slice(0, 50);
if (!notes.length) throw new Error('no notes of that length');

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const args = [main, 'serve', '--port', '0', '--log-level', 'warn', '--workers', values.workers!, ...(values.model ? ['--model', values.model] : []), ...(values['relation-model'] ? ['--relation-model', values['relation-model']] : [])];
const server = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise<string>((resolve, reject) => {
  let err = '';
  server.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
    const m = /listening on (http:\/\/\S+)/.exec(err);
    if (m) resolve(m[1]!);
  });
  server.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
});
// wait until the workers have loaded their models
for (let i = 0; ; i++) {
  const r = await fetch(`${url}/readyz`).catch(() => null);
  if (r?.ok) break;
  if (i === 600) throw new Error('the server was not ready after 60 s');
  await new Promise((r) => setTimeout(r, 100));
}

// warm-up (not timed): every note once, so lazily built indexes (the linker's n-gram search) exist in each worker
const bodies = notes.map((n) => JSON.stringify({ text: n.text }));
await Promise.all(
  [0, 1].map(async (k) => {
    for (let i = k; i < bodies.length; i += 2) await fetch(`${url}/v1/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] });
  }),
);

const rssMb = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};
const rss: { s: number; mb: number }[] = [{ s: 0, mb: rssMb() }];
const t0 = Date.now();
const sampler = setInterval(() => rss.push({ s: Math.round((Date.now() - t0) / 1000), mb: rssMb() }), 5000);

const times: number[] = [];
let next = 0;
const instance = autocannon({
  url: `${url}/v1/extract`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  connections: Number(values.connections),
  duration: Number(values.seconds),
  requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
});
instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms));
const result = await instance;
clearInterval(sampler);
rss.push({ s: Math.round((Date.now() - t0) / 1000), mb: rssMb() });
server.kill('SIGTERM');

const q = (p: number) => Number(quantile(times, p).toFixed(1));
process.stdout.write(
  JSON.stringify(
    {
      created: new Date().toISOString(),
      notes: notes.length,
      mean_words: Math.round(notes.reduce((a, n) => a + words(n.text), 0) / notes.length),
      connections: Number(values.connections),
      workers: Number(values.workers),
      seconds: Number(values.seconds),
      requests: result.requests.total,
      requests_per_s: Number((result.requests.total / (result.duration || Number(values.seconds))).toFixed(2)),
      non_2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      latency_ms: { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1) },
      rss_mb: rss,
    },
    null,
    2,
  ) + '\n',
);
