import { writeFileSync } from 'node:fs';
import { extractionSchema } from '../../core/schema.js';
import { nerModels } from '../../ner/model.js';
import { components } from '../../core/component.js';
import { defaultModelName } from '../../pipeline.js';
import { registerCommand } from '../command.js';

registerCommand({
  name: 'schema',
  summary: 'print the JSON Schema of the JSON output (or write it with --out <file>)',
  usage: 'medical-ner schema [--out <file>]',
  async run(argv) {
    const text = JSON.stringify(extractionSchema, null, 2) + '\n';
    const i = argv.indexOf('--out');
    if (i >= 0 && argv[i + 1]) writeFileSync(argv[i + 1]!, text);
    else process.stdout.write(text);
    return 0;
  },
});

registerCommand({
  name: 'models',
  summary: 'list the NER models and pipeline components available',
  usage: 'medical-ner models',
  async run() {
    const def = defaultModelName();
    for (const m of nerModels.describe()) process.stdout.write(`model      ${m.name.padEnd(14)} ${m.description}${m.name === def ? ' (default)' : ''}\n`);
    for (const c of components.describe()) process.stdout.write(`component  ${c.name.padEnd(14)} ${c.description}\n`);
    return 0;
  },
});
