/**
 * A small RFC 4180 CSV reader: comma-separated fields, double-quoted fields that may hold commas, line breaks
 * and `""` for a quote; CRLF or LF line ends. Rows are returned as records keyed by the header row.
 */
import { MedicalNerError } from '../core/errors.js';

/** The rows of a CSV text as arrays of fields (the header row included). */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') (field += '"'), i++;
      else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') endRow();
    else if (c === '\r' && text[i + 1] === '\n') (endRow(), i++);
    else field += c;
  }
  if (quoted) throw new MedicalNerError('INVALID_INPUT', 'CSV: a quoted field is not closed before the end of the text');
  if (field !== '' || row.length) endRow();
  return rows;
}

/** The rows of a CSV text with a header row, as records; a row with another number of fields is an error. */
export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsvRows(text);
  if (!header) return [];
  return rows.map((r, k) => {
    if (r.length !== header.length) throw new MedicalNerError('INVALID_INPUT', `CSV: row ${k + 2} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, r[j]!]));
  });
}
