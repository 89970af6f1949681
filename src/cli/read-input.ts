import { readFileSync } from 'node:fs';
import { MedicalNerError } from '../core/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode bytes as UTF-8 text, refusing binary data and invalid UTF-8 with a clear error.
 * A leading BOM is kept (offsets stay exact against the file as read); CRLF is kept too.
 */
export function decodeText(bytes: Uint8Array, name = 'input'): string {
  if (bytes.includes(0)) throw new MedicalNerError('INVALID_INPUT', `${name}: looks binary (contains NUL bytes)`);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MedicalNerError('INVALID_INPUT', `${name}: not valid UTF-8`);
  }
}

export function readTextFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new MedicalNerError('IO_ERROR', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeText(bytes, path);
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return decodeText(Buffer.concat(chunks), 'stdin');
}
