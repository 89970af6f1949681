/**
 * Calibrates the mixture of the dense relation heads (training/train_relations.py) with the relations-lr heads on
 * the calibration pairs (scripts/dump-relation-pairs.ts): class probabilities averaged with weight `--mix` on the
 * dense head, then per predicate Platt scaling and the F1-optimal threshold (with relations-lr's floors), as for
 * relations-lr alone (src/relations/calibrate.ts). Writes `<out>/config.json` and adds the calibration report to
 * `<out>/training-report.json`.
 *
 *   node --import tsx scripts/calibrate-relations-nn.ts [--data training/data/relations] [--out models/relations-nn] [--mix 0.5]
 *     [--head-data ddi=training/data/relations-h2,…] [--head-mix ddi=0.7,…]
 *
 * A head trained on another dump (`--head-data`, e.g. of another encoder output) reads that dump's calibration
 * pairs, and the config records the output it reads (`input`, from the dump's summary.json); `--head-mix` sets a
 * head's own mixture weight. `--heads ddi,chemprot` recalibrates those heads only and keeps the others' entries of
 * the existing config.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { HEAD_DEFS } from '../src/relations/data.js';
import { calibrateHead, THRESHOLD_FLOOR } from '../src/relations/calibrate.js';
import type { DenseConfig } from '../src/relations/dense.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: 'training/data/relations' },
    out: { type: 'string', default: 'models/relations-nn' },
    mix: { type: 'string', default: '0.5' },
    encoder: { type: 'string', default: 'ner-minilm-l4' },
    'head-data': { type: 'string', default: '' },
    'head-mix': { type: 'string', default: '' },
    heads: { type: 'string', default: '' },
  },
});
const only = new Set(args.heads!.split(',').filter(Boolean));
const perHead = (arg: string) => new Map(arg.split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
const headData = perHead(args['head-data']!);
const headMix = perHead(args['head-mix']!);
// the encoder output a dump was made from (summary.json; dumps older than that field used the model's default)
const defaultOutput = (JSON.parse(readFileSync(join('models', args.encoder!, 'config.json'), 'utf8')) as { hidden_output: string }).hidden_output;
const outputOf = (data: string) => {
  const f = join(data, 'summary.json');
  return (existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { hidden_output?: string }).hidden_output : undefined) ?? defaultOutput;
};
const configFile = join(args.out!, 'config.json');
const kept = only.size ? (JSON.parse(readFileSync(configFile, 'utf8')) as DenseConfig).heads : {};
const config: DenseConfig = { format: 'relations-nn/1', encoder: args.encoder!, hidden_output: outputOf(args.data!), mix: Number(args.mix), heads: {} };
const command = `node --import tsx scripts/calibrate-relations-nn.ts ${process.argv.slice(2).join(' ')}`.trim();
const report: Record<string, unknown> = {};
for (const def of HEAD_DEFS) {
  const onnx = join(args.out!, `${def.name}.onnx`);
  if (!existsSync(onnx)) continue;
  if (only.size && !only.has(def.name)) {
    if (kept[def.name]) config.heads[def.name] = kept[def.name]!;
    continue;
  }
  const data = headData.get(def.name) ?? args.data!;
  const input = outputOf(data);
  const mix = headMix.has(def.name) ? Number(headMix.get(def.name)) : config.mix;
  const meta = readFileSync(join(data, `${def.name}.cal.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { allowed: number[]; lr: number[] });
  const dense = JSON.parse(readFileSync(join(data, `${def.name}.cal.nn.json`), 'utf8')) as number[][];
  if (dense.length !== meta.length) throw new Error(`${def.name}: ${dense.length} dense rows, ${meta.length} pairs`);
  const lrOnly = calibrateHead(def, meta.map((m) => ({ probs: m.lr, allowed: m.allowed })), THRESHOLD_FLOOR);
  const mixed = calibrateHead(def, meta.map((m, i) => ({ probs: m.lr.map((p, k) => (1 - mix) * p + mix * dense[i]![k]!), allowed: m.allowed })), THRESHOLD_FLOOR);
  config.heads[def.name] = {
    file: `${def.name}.onnx`,
    ...(input !== config.hidden_output ? { input } : {}),
    ...(mix !== config.mix ? { mix } : {}),
    calibration: mixed.calibration,
    threshold: mixed.threshold,
  };
  report[def.name] = { command, mixture: mixed.report, relations_lr_alone: lrOnly.report };
  for (const pred of Object.keys(mixed.threshold)) {
    const f = (r: Record<string, unknown>) => ((r[pred] as { cal_f1_at_f1_optimal: number }).cal_f1_at_f1_optimal * 100).toFixed(2);
    console.log(`${def.name} ${pred}: cal F1 at the F1-optimal threshold ${f(lrOnly.report)} (relations-lr) → ${f(mixed.report)} (mixture), threshold ${mixed.threshold[pred]}`);
  }
}
writeFileSync(configFile, JSON.stringify(config, null, 1) + '\n');
const rp = join(args.out!, 'training-report.json');
const prev = existsSync(rp) ? (JSON.parse(readFileSync(rp, 'utf8')) as { calibration?: { heads?: Record<string, unknown> } }) : {};
const heads = only.size ? { ...prev.calibration?.heads, ...report } : report;
writeFileSync(rp, JSON.stringify({ ...prev, calibration: { command, heads } }, null, 1) + '\n');
