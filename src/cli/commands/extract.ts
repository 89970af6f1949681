import { parseArgs } from 'node:util';
import { pipeline } from '../../pipeline.js';
import { registerCommand } from '../command.js';
import { PIPELINE_FLAGS, PIPELINE_USAGE, pipelineOptionsFrom, runOptionsFrom } from '../options.js';
import { exportDocs } from '../../export/registry.js';
import { readStdin, readTextFile } from '../read-input.js';

registerCommand({
  name: 'extract',
  summary: 'extract entities and relations from one text (the default command)',
  usage: `medical-ner [extract] "text" | --file <path> | (stdin) [options]\n${PIPELINE_USAGE}\n  --file <path>             read the text from a UTF-8 file`,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { ...PIPELINE_FLAGS, file: { type: 'string' } }, allowPositionals: true });
    const runOptions = runOptionsFrom(values);
    const format = values['output-format'] as string;
    let text: string;
    if (typeof values.file === 'string') text = readTextFile(values.file);
    else if (positionals.length > 0) text = positionals.join(' ');
    else text = await readStdin();
    const p = await pipeline(pipelineOptionsFrom(values));
    try {
      const doc = await p.run(text, runOptions, 'input');
      process.stdout.write(exportDocs([doc], format));
    } finally {
      await p.dispose();
    }
    return 0;
  },
});
