import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { MedicalNerError } from '../../core/errors.js';
import { evalTasks, formatTable } from '../../eval/task.js';
import { ALIASES_TRAIN_FILE } from '../../linking/format.js';
import type { EvalOptions } from '../../eval/task.js';
import '../../eval/index.js';
import { registerCommand } from '../command.js';

registerCommand({
  name: 'eval',
  summary: 'score models on the shared corpora (entities, relations, linking, assertion)',
  usage: `medical-ner eval [--task ner,relations,linking,assertion] [--model <name>] [--corpora a,b] [--split test|dev] [--limit n] [--all-types] [--json <file>]
  tasks: ${evalTasks.names().join(', ')}`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        task: { type: 'string', default: 'ner' },
        model: { type: 'string' },
        corpora: { type: 'string' },
        split: { type: 'string', default: 'test' },
        limit: { type: 'string' },
        json: { type: 'string' },
        'models-dir': { type: 'string' },
        'all-types': { type: 'boolean', default: false },
      },
    });
    const split = values.split;
    if (split !== 'test' && split !== 'dev' && split !== 'train') throw new MedicalNerError('INVALID_OPTION', '--split must be test, dev or train');
    const options: EvalOptions = { split };
    // The linker's corpus aliases are learned from the train and dev splits; dev is scored with those of train alone.
    if (split === 'dev' && !process.env.MEDICAL_NER_ALIASES) process.env.MEDICAL_NER_ALIASES = ALIASES_TRAIN_FILE;
    if (values.model) options.model = values.model;
    if (values.corpora) options.corpora = values.corpora.split(',').map((s) => s.trim());
    if (values.limit) options.limit = Number(values.limit);
    if (values['models-dir']) options.modelsDir = values['models-dir'];
    if (values['all-types']) options.allTypes = true;
    const reports = [];
    for (const name of (values.task ?? 'ner').split(',')) {
      const report = await evalTasks.create(name.trim()).run(options);
      for (const t of report.tables) process.stdout.write(formatTable(t) + '\n\n');
      reports.push(report);
    }
    if (values.json) {
      mkdirSync(dirname(values.json), { recursive: true });
      writeFileSync(values.json, JSON.stringify({ created: new Date().toISOString(), options, reports }, null, 2) + '\n');
    }
    return 0;
  },
});
