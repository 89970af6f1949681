/**
 * `medical-ner batch <input-dir> --out <output-dir>`: writes `<name>.<ext>` for every `<name>.txt`.
 * Resumable (existing outputs are skipped), atomic per file (write then rename), and a bad file is
 * reported at the end without stopping the others (exit code 1 then).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MedicalNerError } from '../../core/errors.js';
import { pipeline } from '../../pipeline.js';
import { registerCommand } from '../command.js';
import { PIPELINE_FLAGS, PIPELINE_USAGE, pipelineOptionsFrom, runOptionsFrom } from '../options.js';
import { exportDocs, exportFormats, extensionOf } from '../../export/registry.js';
import { ProgressBar } from '../progress.js';
import { readTextFile } from '../read-input.js';

registerCommand({
  name: 'batch',
  summary: 'process every .txt file of a folder into an output folder (resumable)',
  usage: `medical-ner batch <input-dir> --out <output-dir> [options]\n${PIPELINE_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { ...PIPELINE_FLAGS, out: { type: 'string' } }, allowPositionals: true });
    const inputDir = positionals[0];
    const outDir = values.out;
    if (!inputDir || typeof outDir !== 'string') throw new MedicalNerError('INVALID_OPTION', 'usage: medical-ner batch <input-dir> --out <output-dir>');
    if (!existsSync(inputDir) || !statSync(inputDir).isDirectory()) throw new MedicalNerError('IO_ERROR', `${inputDir}: not a directory`);
    const format = values['output-format'] as string;
    const runOptions = runOptionsFrom(values);
    if (!exportFormats().includes(format)) throw new MedicalNerError('INVALID_OPTION', `unknown --output-format "${format}"; available: ${exportFormats().join(', ')}`);
    mkdirSync(outDir, { recursive: true });
    const names = readdirSync(inputDir).filter((n) => n.endsWith('.txt')).sort();
    const ext = extensionOf(format);
    const todo = names.filter((n) => !existsSync(join(outDir, `${n.slice(0, -4)}.${ext}`)));
    const skipped = names.length - todo.length;
    const failures: { file: string; error: string }[] = [];
    const bar = new ProgressBar(todo.length, process.stderr);
    const p = await pipeline(pipelineOptionsFrom(values));
    try {
      for (const name of todo) {
        const stem = name.slice(0, -4);
        try {
          const text = readTextFile(join(inputDir, name));
          const doc = await p.run(text, runOptions, stem);
          const target = join(outDir, `${stem}.${ext}`);
          const tmp = `${target}.partial`;
          writeFileSync(tmp, exportDocs([doc], format));
          renameSync(tmp, target);
        } catch (e) {
          failures.push({ file: join(inputDir, name), error: (e as Error).message });
        }
        bar.tick(name);
      }
    } finally {
      bar.done();
      await p.dispose();
    }
    const ok = todo.length - failures.length;
    process.stderr.write(`batch: ${ok} written, ${skipped} already done, ${failures.length} failed (of ${names.length} .txt files)\n`);
    for (const f of failures) process.stderr.write(`  FAILED ${f.file}: ${f.error}\n`);
    return failures.length ? 1 : 0;
  },
});
