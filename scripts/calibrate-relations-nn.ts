/**
 * Calibrates the mixture of the dense relation heads (training/train_relations.py) with the relations-lr heads on
 * the calibration pairs (scripts/dump-relation-pairs.ts): class probabilities averaged with weight `--mix` on the
 * dense head, then per predicate Platt scaling and the F1-optimal threshold (with relations-lr's floors), as for
 * relations-lr alone (src/relations/calibrate.ts). Writes `<out>/config.json` and adds the calibration report to
 * `<out>/training-report.json`.
 *
 *   node --import tsx scripts/calibrate-relations-nn.ts [--data training/data/relations] [--out models/relations-nn] [--mix 0.5]
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
  },
});
const mix = Number(args.mix);
// the encoder output the pairs were dumped from (scripts/dump-relation-pairs.ts reads the same config)
const hiddenOutput = (JSON.parse(readFileSync(join('models', args.encoder!, 'config.json'), 'utf8')) as { hidden_output: string }).hidden_output;
const config: DenseConfig = { format: 'relations-nn/1', encoder: args.encoder!, hidden_output: hiddenOutput, mix, heads: {} };
const report: Record<string, unknown> = {};
for (const def of HEAD_DEFS) {
  const onnx = join(args.out!, `${def.name}.onnx`);
  if (!existsSync(onnx)) continue;
  const meta = readFileSync(join(args.data!, `${def.name}.cal.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { allowed: number[]; lr: number[] });
  const dense = JSON.parse(readFileSync(join(args.data!, `${def.name}.cal.nn.json`), 'utf8')) as number[][];
  if (dense.length !== meta.length) throw new Error(`${def.name}: ${dense.length} dense rows, ${meta.length} pairs`);
  const lrOnly = calibrateHead(def, meta.map((m) => ({ probs: m.lr, allowed: m.allowed })), THRESHOLD_FLOOR);
  const mixed = calibrateHead(def, meta.map((m, i) => ({ probs: m.lr.map((p, k) => (1 - mix) * p + mix * dense[i]![k]!), allowed: m.allowed })), THRESHOLD_FLOOR);
  config.heads[def.name] = { file: `${def.name}.onnx`, calibration: mixed.calibration, threshold: mixed.threshold };
  report[def.name] = { mixture: mixed.report, relations_lr_alone: lrOnly.report };
  for (const pred of Object.keys(mixed.threshold)) {
    const f = (r: Record<string, unknown>) => ((r[pred] as { cal_f1_at_f1_optimal: number }).cal_f1_at_f1_optimal * 100).toFixed(2);
    console.log(`${def.name} ${pred}: cal F1 at the F1-optimal threshold ${f(lrOnly.report)} (relations-lr) → ${f(mixed.report)} (mixture), threshold ${mixed.threshold[pred]}`);
  }
}
writeFileSync(join(args.out!, 'config.json'), JSON.stringify(config, null, 1) + '\n');
const rp = join(args.out!, 'training-report.json');
const prev = existsSync(rp) ? (JSON.parse(readFileSync(rp, 'utf8')) as Record<string, unknown>) : {};
writeFileSync(rp, JSON.stringify({ ...prev, calibration: { command: `node --import tsx scripts/calibrate-relations-nn.ts --mix ${mix}`, heads: report } }, null, 1) + '\n');
