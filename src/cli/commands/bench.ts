/**
 * `medical-ner bench`: throughput, latency, peak RSS and cold start per model, each model measured in
 * its own child process over the same fixed notes, with a BERT-base-size random-weight reference model
 * in the same run so the speed ratio means something on a noisy machine. Prints JSON.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchNotes, quantile } from '../../bench/notes.js';
import { createDoc, makeEntity } from '../../core/doc.js';
import type { Doc } from '../../core/types.js';
import { packagePath } from '../../core/paths.js';
import { loadCorpus } from '../../corpora/index.js';
import { getLinker } from '../../linking/index.js';
import { nerModels } from '../../ner/model.js';
import { OnnxNerModel } from '../../ner/onnx/index.js';
import { defaultModelName, pipeline } from '../../pipeline.js';
import { WordPieceTokenizer } from '../../text/wordpiece.js';
import { registerCommand } from '../command.js';

/** Made by `python training/make_reference_bert.py`: BERT-base size (12 x 768), random weights, int8 like ours. */
export const REFERENCE_MODEL = packagePath('bench', '.cache', 'bert-base-ref.int8.onnx');

/**
 * Weight precision of the reference, from make_reference_bert.py's bert-base-ref.json: 7 since 2026-12-03, as the
 * default model's; a file made before then has 8-bit weights, which run slower kernels on CPUs without VNNI.
 */
function referenceWeightBits(): number | 'unknown' {
  const meta = packagePath('bench', '.cache', 'bert-base-ref.json');
  if (!existsSync(meta)) return 'unknown';
  const bits = (JSON.parse(readFileSync(meta, 'utf8')) as { int8_weight_bits?: number }).int8_weight_bits;
  return bits ?? 8; // the field is written since 7-bit weights became the default
}

interface WorkerResult {
  model: string;
  components: string;
  notes: number;
  words: number;
  chars: number;
  load_ms: number;
  docs_per_s: number;
  words_per_s: number;
  /** WordPiece tokens of the notes (ner-minilm's vocabulary, no windows or [CLS]/[SEP]) per second. */
  wordpieces_per_s: number;
  latency_ms: { p50: number; p95: number; mean: number; max: number };
  peak_rss_mb: number;
  entities: number;
  /** Full pipeline only: wall time per component over the timed notes (ms). */
  component_ms?: Record<string, number>;
}

interface LinkerResult {
  model: 'linker';
  mentions: number;
  lexicon_load_ms: number;
  ngram_index_build_ms: number;
  /** Size of the trigram indexes of every type (built by `prepare()`), MB. */
  ngram_index_mb: number;
  mentions_per_s: number;
  /** RSS after loading the lexicon and linking every mention, minus RSS before loading (MB). */
  extra_rss_mb: number;
}

async function worker(model: string, n: number, componentsArg: string): Promise<WorkerResult> {
  if (model === 'reference') {
    // Same tokenizer, windows and decoding as ner-minilm; only the network differs.
    nerModels.register('reference', () => OnnxNerModel.load(packagePath('models', 'ner-minilm'), { modelFile: REFERENCE_MODEL }), 'BERT-base-size random-weight reference');
  }
  const notes = benchNotes(n);
  const t0 = performance.now();
  const components = componentsArg === 'ner' ? ['ner'] : undefined;
  const p = await pipeline({ model, ...(components ? { components } : {}) });
  const load = performance.now() - t0;
  await p.warmUp();
  const lat: number[] = [];
  let entities = 0;
  const t1 = performance.now();
  for (const note of notes) {
    const s = performance.now();
    const doc = await p.run(note.text, {}, note.id);
    lat.push(performance.now() - s);
    entities += doc.entities.length;
  }
  const secs = (performance.now() - t1) / 1000;
  await p.dispose();
  const words = notes.reduce((a, x) => a + x.text.split(/\s+/).filter(Boolean).length, 0);
  const wp = new WordPieceTokenizer(readFileSync(packagePath('models', 'ner-minilm', 'vocab.txt'), 'utf8').split(/\r?\n/), { lowercase: true, stripAccents: true });
  const pieces = notes.reduce((a, x) => a + wp.tokenize(x.text).length, 0);
  const r2 = (x: number) => Number(x.toFixed(2));
  return {
    model,
    components: componentsArg,
    notes: notes.length,
    words,
    chars: notes.reduce((a, x) => a + x.text.length, 0),
    load_ms: r2(load),
    docs_per_s: r2(notes.length / secs),
    words_per_s: r2(words / secs),
    wordpieces_per_s: r2(pieces / secs),
    latency_ms: { p50: r2(quantile(lat, 0.5)), p95: r2(quantile(lat, 0.95)), mean: r2(lat.reduce((a, b) => a + b, 0) / lat.length), max: r2(Math.max(...lat)) },
    peak_rss_mb: r2(process.resourceUsage().maxRSS / 1024),
    entities,
    ...(components ? {} : { component_ms: Object.fromEntries([...p.componentMs].map(([k, v]) => [k, r2(v)])) }),
  };
}

/** Documents whose entities are the gold mentions of a corpus split (no codes yet). */
function goldMentionDocs(corpus: string, split: 'train' | 'test'): Doc[] {
  return loadCorpus(corpus, split).map((d) => {
    const doc = createDoc(d.text, d.id);
    for (const m of d.mentions) if (m.type) doc.entities.push(makeEntity(doc, m, m.type, 1));
    return doc;
  });
}

const LINKER_PASSES = 5;

/**
 * The linker alone over the gold mentions of the BC5CDR and NCBI-disease test splits, through `linkDoc` as the
 * pipeline calls it (per document: abbreviation definitions and context words found once, a mention repeated
 * in the document linked once). Every gold mention counts as one linked. Steady state, as in a server: the
 * code is warmed up on train documents first, then every memo is emptied before each timed pass (a mention
 * string seen earlier in the pass still hits the n-gram memo, as it would in a long-running server).
 */
function linkerWorker(): LinkerResult {
  const docs = [...goldMentionDocs('bc5cdr', 'test'), ...goldMentionDocs('ncbi-disease', 'test')];
  const warmUp = [...goldMentionDocs('bc5cdr', 'train'), ...goldMentionDocs('ncbi-disease', 'train')].slice(0, 300);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const linker = getLinker(); // loads the lexicon
  const loadMs = performance.now() - t0;
  // the trigram indexes for near misses (built on the first miss of each type, or at a server's start)
  const t2 = performance.now();
  linker.prepare();
  const indexMs = performance.now() - t2;
  for (const doc of warmUp) linker.linkDoc(doc);
  // One pass takes under half a second, too short for one timing to mean much on a busy machine: the figure is
  // the median of LINKER_PASSES passes, each over fresh copies of the entities. The copies are made by
  // `makeEntity`, as the NER models make theirs: V8 gives objects copied by spread ({ ...e }) no shared shape
  // transitions, so each code the linker writes onto one cost about 1 µs, a fifth of the linker's time here.
  const mentions = docs.reduce((a, d) => a + d.entities.length, 0);
  const times: number[] = [];
  for (let pass = 0; pass < LINKER_PASSES; pass++) {
    const fresh = docs.map((d) => ({ ...d, entities: d.entities.map((e) => makeEntity(d, e, e.type, e.confidence)) }));
    linker.clearMemos();
    const t1 = performance.now();
    for (const doc of fresh) linker.linkDoc(doc);
    times.push(performance.now() - t1);
  }
  const secs = quantile(times, 0.5) / 1000;
  return {
    model: 'linker',
    mentions,
    lexicon_load_ms: Number(loadMs.toFixed(1)),
    ngram_index_build_ms: Number(indexMs.toFixed(1)),
    ngram_index_mb: Number((linker.ngramBytes() / 1e6).toFixed(1)),
    mentions_per_s: Math.round(mentions / secs),
    extra_rss_mb: Number(((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(1)),
  };
}

/** Time shares the issues set limits on, from the full-pipeline run's per-component times. */
function componentShares(ms: Record<string, number>) {
  const total = Object.values(ms).reduce((a, b) => a + b, 0);
  const get = (k: string) => ms[k] ?? 0;
  const r3 = (x: number) => Number(x.toFixed(3));
  return {
    share_of_pipeline: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, r3(v / total)])),
    /** Relations' time over the rest of the pipeline (target ≤ 0.30). */
    relations_added: r3(get('relations') / (total - get('relations'))),
    /** Assertion (context) share of the whole pipeline (target ≤ 0.05). */
    context_share: r3(get('context') / total),
  };
}

/** Wall time of a whole CLI process on a one-line text: import, model load, one extraction. */
function coldStart(model: string): number {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [main, 'Patient takes aspirin 81 mg daily.', '--model', model], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cold start of ${model} failed: ${r.stderr}`);
    times.push(performance.now() - t);
  }
  return Number(quantile(times, 0.5).toFixed(1));
}

registerCommand({
  name: 'bench',
  summary: 'throughput, latency, memory and cold start per model, against a BERT-base-size reference (JSON)',
  usage: 'medical-ner bench [--notes 100] [--rounds 1] [--models a,b] [--no-reference] [--out <file>]   (also times the linker alone and each pipeline component)',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        notes: { type: 'string', default: '100' },
        rounds: { type: 'string', default: '1' },
        models: { type: 'string' },
        worker: { type: 'string' },
        components: { type: 'string', default: 'ner' },
        'no-reference': { type: 'boolean' },
        out: { type: 'string' },
      },
    });
    const n = Number(values.notes);
    if (values.worker === 'linker') {
      process.stdout.write(JSON.stringify(linkerWorker()) + '\n');
      return 0;
    }
    if (values.worker) {
      process.stdout.write(JSON.stringify(await worker(values.worker, n, values.components!)) + '\n');
      return 0;
    }
    const models = values.models ? values.models.split(',') : [...new Set(['baseline', defaultModelName()])];
    const runs: { model: string; components: string }[] = models.map((m) => ({ model: m, components: 'ner' }));
    runs.push({ model: defaultModelName(), components: 'all' });
    const haveReference = existsSync(REFERENCE_MODEL);
    if (!values['no-reference'] && haveReference) runs.push({ model: 'reference', components: 'ner' });
    const main = fileURLToPath(new URL('../main.js', import.meta.url));
    const runWorker = <T>(args: string[]): T => {
      const out = spawnSync(process.execPath, [main, 'bench', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (out.status !== 0) throw new Error(`bench worker ${args.join(' ')} failed: ${out.stderr}`);
      return JSON.parse(out.stdout.trim().split('\n').pop()!) as T;
    };
    // On a shared machine a neighbour's load can slow one worker and not the next, so the ratio of one pass swings
    // (6.5x to 10.8x in four runs within an hour): with --rounds N every worker runs N times, the rounds interleaved,
    // and each keeps its fastest round, as timeit keeps its best repeat.
    const rounds = Math.max(1, Math.floor(Number(values.rounds)) || 1);
    type Row = WorkerResult & { cold_start_ms?: number; docs_per_s_rounds?: number[] };
    const results: Row[] = [];
    for (let round = 0; round < rounds; round++) {
      runs.forEach((r, i) => {
        process.stderr.write(`bench: ${r.model} (${r.components})${rounds > 1 ? `, round ${round + 1}/${rounds}` : ''} …\n`);
        const res: Row = runWorker(['--worker', r.model, '--notes', String(n), '--components', r.components]);
        const best = results[i];
        if (!best) {
          if (r.model !== 'reference' && r.components === 'ner') res.cold_start_ms = coldStart(r.model);
          if (rounds > 1) res.docs_per_s_rounds = [res.docs_per_s];
          results[i] = res;
          return;
        }
        best.docs_per_s_rounds!.push(res.docs_per_s);
        if (res.docs_per_s > best.docs_per_s) results[i] = { ...res, cold_start_ms: best.cold_start_ms, docs_per_s_rounds: best.docs_per_s_rounds };
      });
    }
    process.stderr.write('bench: linker …\n');
    const linker = runWorker<LinkerResult>(['--worker', 'linker']);
    const full = results.find((r) => r.component_ms);
    const ref = results.find((r) => r.model === 'reference');
    const report = {
      created: new Date().toISOString(),
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      notes: `first ${n} distinct MTSamples notes`,
      rounds,
      results,
      ...(full?.component_ms ? { components: componentShares(full.component_ms) } : {}),
      linker,
      ...(ref ? { reference_int8_weight_bits: referenceWeightBits() } : {}),
      speedup_vs_reference: ref
        ? Object.fromEntries(results.filter((r) => r !== ref && r.components === 'ner').map((r) => [r.model, Number((r.docs_per_s / ref.docs_per_s).toFixed(2))]))
        : values['no-reference']
          ? 'no reference (--no-reference)'
          : 'reference model missing: run `python training/make_reference_bert.py` first',
    };
    const text = JSON.stringify(report, null, 2) + '\n';
    if (values.out) writeFileSync(values.out, text);
    process.stdout.write(text);
    return 0;
  },
});
