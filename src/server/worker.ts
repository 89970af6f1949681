/** A worker thread of the WorkerPool: loads one pipeline, then runs one note per message. */
import { parentPort, workerData } from 'node:worker_threads';
import type { PipelineOptions, RunOptions } from '../core/component.js';
import { MedicalNerError } from '../core/errors.js';
import '../llm/index.js';
import { pipeline } from '../pipeline.js';
import type { Pipeline } from '../pipeline.js';

type ToWorker = { type: 'run'; task: number; id: string; text: string; options: RunOptions } | { type: 'close' };

const port = parentPort!;
const errInfo = (e: unknown) => ({ code: e instanceof MedicalNerError ? e.code : undefined, message: (e as Error)?.message ?? String(e) });

let p: Pipeline;
try {
  p = await pipeline((workerData as { pipelineOptions: PipelineOptions }).pipelineOptions);
  await p.warmUp(); // ready means the first request is not slowed by loading the lexicon
  port.postMessage({ type: 'ready', model: p.modelName });
} catch (e) {
  port.postMessage({ type: 'fatal', ...errInfo(e) });
  process.exit(1);
}

port.on('message', async (m: ToWorker) => {
  if (m.type === 'close') {
    await p.dispose().catch(() => undefined);
    port.close();
    return;
  }
  try {
    const doc = await p.run(m.text, m.options, m.id);
    port.postMessage({ type: 'result', task: m.task, doc });
  } catch (e) {
    port.postMessage({ type: 'error', task: m.task, ...errInfo(e) });
  }
});
