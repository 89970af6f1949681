import { readFileSync } from 'node:fs';
import { MedicalNerError } from '../core/errors.js';

// ignoreBOM: true keeps a byte-order mark in the text (TextDecoder would drop it), so offsets count it as Node's
// readFileSync(path, 'utf8') and Python's open(path, encoding='utf-8') do
const decoders = {
  'UTF-8': new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }),
  'UTF-16LE': new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }),
  'UTF-16BE': new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true }),
};

/**
 * Decode bytes as text: UTF-16 when they start with its byte-order mark, else UTF-8. Binary data and invalid
 * bytes are refused with a clear error. A leading BOM is kept as the text's first character (offsets stay exact
 * against the file as read); CRLF is kept too.
 */
export function decodeText(bytes: Uint8Array, name = 'input'): string {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'UTF-16LE' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'UTF-16BE' : 'UTF-8';
  const binary = () => new MedicalNerError('INVALID_INPUT', `${name}: looks binary (contains NUL characters; UTF-16 text needs a byte-order mark)`);
  if (encoding === 'UTF-8' && bytes.includes(0)) throw binary();
  let text: string;
  try {
    text = decoders[encoding].decode(bytes);
  } catch {
    throw new MedicalNerError('INVALID_INPUT', `${name}: not valid ${encoding}`);
  }
  if (text.includes('\0')) throw binary();
  return text;
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
