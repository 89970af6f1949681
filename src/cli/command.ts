import { Registry } from '../core/registry.js';

/** A CLI sub-command (`medical-ner <name> …`). `run` returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}

export const cliCommands = new Registry<CliCommand>('command');

export function registerCommand(cmd: CliCommand): void {
  cliCommands.register(cmd.name, () => cmd, cmd.summary);
}
