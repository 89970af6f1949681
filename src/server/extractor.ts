/**
 * Runs the pipeline for the servers: in-process (`InProcessExtractor`) or on a small pool of worker
 * threads (`WorkerPool`), so a multi-core machine serves several texts at once and the event loop
 * stays free for I/O while a long note is processed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PipelineOptions, RunOptions } from '../core/component.js';
import { MedicalNerError } from '../core/errors.js';
import type { ErrorCode } from '../core/errors.js';
import type { Doc } from '../core/types.js';
import { pipeline } from '../pipeline.js';
import type { Pipeline } from '../pipeline.js';
import type { Note } from './api-options.js';

export interface Extractor {
  /** Resolves once the model is loaded (rejects if it cannot be). */
  ready(): Promise<void>;
  readonly isReady: boolean;
  /** Name of the NER model, once ready. */
  readonly modelName: string | undefined;
  /** One promise per note, settled as each finishes (so results can be streamed). */
  runEach(notes: readonly Note[], options: RunOptions): Promise<Doc>[];
  /** Waits for in-flight work, then releases the model(s). */
  close(): Promise<void>;
}

export async function runAll(x: Extractor, notes: readonly Note[], options: RunOptions): Promise<Doc[]> {
  return Promise.all(x.runEach(notes, options));
}

const CLOSED = () => new MedicalNerError('INVALID_INPUT', 'the server is shutting down');

/** The pipeline on the calling thread; calls are serialised. */
export class InProcessExtractor implements Extractor {
  private readonly loading: Promise<Pipeline>;
  private pipe: Pipeline | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: PipelineOptions | Promise<Pipeline> = {}) {
    // a pipeline made here is warmed up like the workers' (lexicon, trigram indexes), so the first request does not wait
    this.loading = options instanceof Promise ? options : pipeline(options).then(async (p) => (await p.warmUp(), p));
    this.loading.then((p) => (this.pipe = p), () => undefined);
  }

  async ready(): Promise<void> {
    await this.loading;
  }

  get isReady(): boolean {
    return this.pipe !== undefined && !this.closed;
  }

  get modelName(): string | undefined {
    return this.pipe?.modelName;
  }

  runEach(notes: readonly Note[], options: RunOptions): Promise<Doc>[] {
    return notes.map((n) => {
      if (this.closed) return Promise.reject(CLOSED());
      const job = this.chain.then(async () => (await this.loading).run(n.text, options, n.id));
      this.chain = job.catch(() => undefined);
      return job;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    const p = await this.loading.catch(() => undefined);
    await p?.dispose();
  }
}

type FromWorker =
  | { type: 'ready'; model: string }
  | { type: 'fatal'; code?: ErrorCode; message: string }
  | { type: 'result'; task: number; doc: Doc }
  | { type: 'error'; task: number; code?: ErrorCode; message: string };

interface Task {
  id: number;
  note: Note;
  options: RunOptions;
  resolve: (d: Doc) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: Task | undefined;
  up: boolean;
  exited: boolean;
}

/**
 * The worker's entry: from dist/ the compiled worker.js; from src/ (run under tsx, which does not
 * reach into worker threads on Node 20) a small eval script that registers tsx and imports worker.ts.
 */
function workerEntry(): { entry: string | URL; eval: boolean } {
  const here = fileURLToPath(import.meta.url);
  const ts = here.replace(/extractor\.[jt]s$/, 'worker.ts');
  if (here.endsWith('.ts') && existsSync(ts)) {
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(ts).href)}); })`;
    return { entry: code, eval: true };
  }
  return { entry: here.replace(/extractor\.[jt]s$/, 'worker.js'), eval: false };
}

/** The parent's node flags minus those that only make sense for the main script (`-e`, `--input-type`, …). */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') {
      i++;
      continue;
    }
    if (a.startsWith('--input-type') || a.startsWith('--eval=') || a.startsWith('--print=') || a === '-i' || a === '--interactive' || a.startsWith('--test')) continue;
    out.push(a);
  }
  return out;
}

function toError(code: ErrorCode | undefined, message: string): Error {
  return code ? new MedicalNerError(code, message) : new Error(message);
}

/** N worker threads, each holding its own pipeline; tasks (one note each) go to the first idle worker. */
export class WorkerPool implements Extractor {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly allReady: Promise<void>;
  private nextId = 1;
  private closing = false;
  private name: string | undefined;
  private readyFlag = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly size: number,
    private readonly pipelineOptions: PipelineOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new MedicalNerError('INVALID_OPTION', '--workers must be a positive integer');
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
    this.allReady = Promise.all(this.slots.map((s) => s.ready)).then(() => {
      this.readyFlag = true;
    });
    this.allReady.catch(() => undefined);
  }

  private spawn(): Slot {
    const { entry, eval: isEval } = workerEntry();
    // the cores are shared among the workers, so that N workers do not oversubscribe them
    const threads = this.pipelineOptions.threads ?? Math.max(1, Math.floor(availableParallelism() / this.size));
    const worker = new Worker(entry, { eval: isEval, workerData: { pipelineOptions: { ...this.pipelineOptions, threads } }, execArgv: workerExecArgv() });
    let onReady!: () => void;
    let onFail!: (e: Error) => void;
    const slot: Slot = { worker, busy: undefined, up: false, exited: false, ready: new Promise<void>((res, rej) => ((onReady = res), (onFail = rej))) };
    slot.ready.catch(() => undefined);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        this.name = m.model;
        slot.up = true;
        onReady();
        this.pump();
      } else if (m.type === 'fatal') {
        onFail(toError(m.code, m.message));
      } else {
        const t = slot.busy;
        slot.busy = undefined;
        if (t && t.id === m.task) {
          if (m.type === 'result') t.resolve(m.doc);
          else t.reject(toError(m.code, m.message));
        }
        this.pump();
      }
    });
    worker.on('error', (e) => {
      onFail(e);
      slot.busy?.reject(new Error(`worker failed: ${e.message}`));
      slot.busy = undefined;
    });
    worker.on('exit', () => {
      slot.exited = true;
      const wasUp = slot.up;
      slot.up = false;
      onFail(new Error('worker exited before it was ready'));
      if (slot.busy) {
        slot.busy.reject(new Error('worker exited'));
        slot.busy = undefined;
      }
      const i = this.slots.indexOf(slot);
      if (i >= 0 && wasUp && !this.closing) {
        // Replace a crashed worker so the pool keeps its size.
        this.slots[i] = this.spawn();
      }
      this.pump();
    });
    return slot;
  }

  ready(): Promise<void> {
    return this.allReady;
  }

  get isReady(): boolean {
    return this.readyFlag && !this.closing;
  }

  get modelName(): string | undefined {
    return this.name;
  }

  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.busy).length;
  }

  runEach(notes: readonly Note[], options: RunOptions): Promise<Doc>[] {
    const out = notes.map(
      (note) =>
        new Promise<Doc>((resolve, reject) => {
          if (this.closing) return reject(CLOSED());
          this.queue.push({ id: this.nextId++, note, options, resolve, reject });
        }),
    );
    this.pump();
    return out;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!this.queue.length) break;
      if (!slot.up || slot.busy) continue;
      const t = this.queue.shift()!;
      slot.busy = t;
      slot.worker.postMessage({ type: 'run', task: t.id, id: t.note.id, text: t.note.text, options: t.options });
    }
    if (this.pending === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
    // Every worker failed to start: fail the queue rather than hang.
    if (this.queue.length && this.slots.every((s) => !s.up)) {
      this.allReady.catch((e: Error) => {
        for (const t of this.queue.splice(0)) t.reject(e);
      });
    }
  }

  /** Stop taking work, let queued and in-flight tasks finish, then stop the workers. */
  async close(timeoutMs = 30_000): Promise<void> {
    this.closing = true;
    if (this.pending > 0 && this.slots.some((s) => s.up)) {
      await Promise.race([new Promise<void>((r) => this.idleWaiters.push(r)), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    }
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.exited) return;
        const exited = new Promise<void>((r) => s.worker.once('exit', () => r()));
        if (s.up) s.worker.postMessage({ type: 'close' });
        else void s.worker.terminate();
        const t = setTimeout(() => void s.worker.terminate(), 5_000);
        t.unref();
        await exited;
        clearTimeout(t);
      }),
    );
  }
}

/** `workers` ≥ 1: a WorkerPool; 0: in-process. */
export function createExtractor(workers: number, options: PipelineOptions = {}): Extractor {
  return workers > 0 ? new WorkerPool(workers, options) : new InProcessExtractor(options);
}
