#!/usr/bin/env node
/**
 * medical-ner command line. `medical-ner "text"` extracts; `medical-ner <command> …` runs a sub-command.
 * Exit codes: 0 ok, 1 some inputs failed, 2 bad usage or input.
 */
import { MedicalNerError } from '../core/errors.js';
import { cliCommands } from './command.js';
import './commands/index.js';

const HELP = () =>
  `medical-ner — medical entities, codes, relations and knowledge graphs, offline on CPU

Usage:
  medical-ner "text" [options]          extract from a text (also --file <path> or stdin)
${cliCommands
  .describe()
  .map((c) => `  medical-ner ${c.name.padEnd(24)} ${c.description}`)
  .join('\n')}

Run 'medical-ner help <command>' for a command's options. Offsets are UTF-16 code units, end-exclusive.
`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined && process.stdin.isTTY) {
    process.stdout.write(HELP());
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    if (rest[0] && cliCommands.has(rest[0])) process.stdout.write(cliCommands.create(rest[0]).usage + '\n');
    else process.stdout.write(HELP());
    return 0;
  }
  if (first !== undefined && cliCommands.has(first)) return cliCommands.create(first).run(rest);
  return cliCommands.create('extract').run(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof MedicalNerError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      process.stderr.write(`medical-ner: ${(e as Error).message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`medical-ner: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 3;
    }
  },
);
