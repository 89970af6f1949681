/**
 * Throughput of `medical-ner batch` in-process and on worker threads: `npx tsx bench/batch-throughput.ts
 * [--notes 400] [--workers 0,2]`. Writes the first N distinct MTSamples notes (the bench's notes) as .txt files
 * into a temporary folder, runs the CLI's `batch` over them once per `--workers` value with the default
 * pipeline, and prints JSON: wall time of the whole process (start-up and model loading included) and notes/s.
 * Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchNotes } from '../src/bench/notes.js';

const { values } = parseArgs({ options: { notes: { type: 'string', default: '400' }, workers: { type: 'string', default: '0,2' } } });
const notes = benchNotes(Number(values.notes));
const dir = mkdtempSync(join(tmpdir(), 'mner-batch-bench-'));
const inDir = join(dir, 'in');
mkdirSync(inDir);
for (const n of notes) writeFileSync(join(inDir, `${n.id}.txt`), n.text);
const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const runs = [];
try {
  for (const w of values.workers!.split(',')) {
    const outDir = join(dir, `out-${w}`);
    const t = performance.now();
    const r = spawnSync(process.execPath, [main, 'batch', inDir, '--out', outDir, '--workers', w], { encoding: 'utf8' });
    const secs = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`batch --workers ${w} failed: ${r.stderr}`);
    if (readdirSync(outDir).length !== notes.length) throw new Error(`batch --workers ${w} wrote ${readdirSync(outDir).length} of ${notes.length} files`);
    runs.push({ workers: Number(w), notes: notes.length, seconds: Number(secs.toFixed(2)), notes_per_s: Number((notes.length / secs).toFixed(2)) });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify({ created: new Date().toISOString(), runs }, null, 2) + '\n');
