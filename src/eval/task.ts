import { Registry } from '../core/registry.js';

/** A table printed by `medical-ner eval` and stored in its JSON report. */
export interface ReportTable {
  title: string;
  header: string[];
  rows: (string | number)[][];
}

export interface EvalReport {
  task: string;
  tables: ReportTable[];
  /** Everything measured, for the JSON report. */
  data: unknown;
}

export interface EvalOptions {
  /** NER model name. */
  model?: string;
  /** Corpora to score (task-specific default when absent). */
  corpora?: string[];
  /** Split to score: 'test' (default) or 'dev'. */
  split?: 'train' | 'dev' | 'test';
  /** Score at most this many documents per corpus (quick runs). */
  limit?: number;
  /** Models directory override. */
  modelsDir?: string;
  /**
   * Run the pipeline for all entity types, as a user's default call does, and score the corpus's types only.
   * Without it the pipeline is asked for the corpus's types alone, so types it does not annotate cannot take a span.
   */
  allTypes?: boolean;
}

/** An evaluation task: `ner`, `relations`, `linking`, `assertion`, … */
export interface EvalTask {
  readonly name: string;
  readonly description: string;
  run(options: EvalOptions): Promise<EvalReport>;
}

export const evalTasks = new Registry<EvalTask>('eval task');

export function registerEvalTask(task: EvalTask): void {
  evalTasks.register(task.name, () => task, task.description);
}

export function formatTable(t: ReportTable): string {
  const cells = [t.header, ...t.rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = t.header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) => '| ' + r.map((c, i) => String(c ?? '').padEnd(widths[i]!)).join(' | ') + ' |';
  return [`### ${t.title}`, '', line(cells[0]!), '| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |', ...cells.slice(1).map(line)].join('\n');
}

function fmt(x: number): string {
  return String(Number.isInteger(x) ? x : Number(x.toFixed(4)));
}
