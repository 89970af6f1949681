/** The CSV reader and the `radiology` eval task on the shared IU chest X-ray reports (skipped without ../shared). */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedDataDir } from '../src/core/paths.js';
import { parseCsv, parseCsvRows } from '../src/io/csv.js';
import { IU_XRAY_FILE, readIuXrayReports, runRadiologyEval } from '../src/eval/radiology.js';

test('CSV: quoted fields with commas, line breaks and doubled quotes; CRLF; BOM; clear errors', () => {
  const text = '\ufeffuid,text\r\n1,"a, ""b""\nc"\r\n2,plain\n\n3,\n';
  assert.deepEqual(parseCsvRows(text), [['uid', 'text'], ['1', 'a, "b"\nc'], ['2', 'plain'], ['3', '']]);
  assert.deepEqual(parseCsv(text)[0], { uid: '1', text: 'a, "b"\nc' });
  assert.deepEqual(parseCsv('a,b'), []);
  assert.throws(() => parseCsvRows('a,"b\n'), /not closed/);
  assert.throws(() => parseCsv('a,b\n1,2,3\n'), /row 2 has 3 fields, the header 2/);
});

const file = join(sharedDataDir(), IU_XRAY_FILE);
const skip = existsSync(file) ? false : `${file} not found (set MEDICAL_NER_SHARED)`;

test('IU X-ray reports: the counts of SOURCE.md, split by uid parity', { skip }, () => {
  const dev = readIuXrayReports('dev');
  const test_ = readIuXrayReports('test');
  assert.equal(dev.length + test_.length, 3826, 'the reports with findings or impression');
  assert.ok(dev.every((r) => Number(r.uid) % 2 === 0) && test_.every((r) => Number(r.uid) % 2 === 1));
  assert.ok(dev.some((r) => r.normal && r.problems.length === 0));
  assert.ok(dev.every((r) => r.text.length > 0 && !r.problems.includes('normal')));
});

test('radiology eval: the context filter removes negated findings ("no pleural effusion")', { skip }, async () => {
  const report = await runRadiologyEval({ split: 'dev', limit: 60 });
  const d = report.data as { reports: number; withContext: { tp: number; fp: number; fn: number }; withoutContext: { tp: number; fp: number; fn: number }; normal: number; normalClean: number };
  assert.equal(d.reports, 60);
  assert.ok(d.withContext.tp > 0, 'some indexed problems are found');
  assert.ok(d.withContext.fp < d.withoutContext.fp, `negated findings are dropped: ${d.withContext.fp} < ${d.withoutContext.fp}`);
  assert.equal(d.withContext.tp + d.withContext.fn, d.withoutContext.tp + d.withoutContext.fn, 'the same reference both ways');
  assert.ok(d.normal > 0 && d.normalClean <= d.normal);
});
