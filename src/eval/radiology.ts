/**
 * `medical-ner eval --task radiology`: the whole pipeline (NER, linking, context) on real chest X-ray reports
 * that no model here was trained or tuned on: the Indiana University / Open-i reports of
 * shared/data/text/iu-xray-reports. Each report carries `Problems`, the MeSH headings an indexer gave its
 * positive findings ("Cardiomegaly;Pleural Effusion", or "normal"). The reference per report is the set of those
 * headings that the lexicon names exactly as a disease concept with a MeSH id (anatomy such as "Lung", devices
 * and Open-i's own terms such as "Opacity" have no such concept and are left out, with their share reported);
 * the prediction is the set of MeSH ids of the report's DISEASE entities that the context step does not mark
 * absent or hypothetical, within the indexers' vocabulary (the ids of every heading of the file that the lexicon
 * names as a disease: an indexer could not have given another). Scored per (report, MeSH id), micro P/R/F1, with
 * and without the context filter, and on the reports indexed "normal", the share with no asserted disease of that
 * vocabulary found.
 *
 * The text is the report's findings and impression (the indication is why the image was taken, not what it
 * showed). Split by uid: even = dev, odd = test. The labels are an indexer's, per report: a weak reference.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MedicalNerError } from '../core/errors.js';
import { codeSets } from '../core/doc.js';
import { sharedDataDir } from '../core/paths.js';
import type { Entity } from '../core/types.js';
import { parseCsv } from '../io/csv.js';
import { getLinker } from '../linking/index.js';
import type { Linker } from '../linking/linker.js';
import { NER_STEPS, pipeline } from '../pipeline.js';
import { prf } from './score.js';
import type { Counts } from './score.js';
import { registerEvalTask } from './task.js';
import type { EvalOptions, EvalReport } from './task.js';

export const IU_XRAY_FILE = join('text', 'iu-xray-reports', 'indiana_reports.csv');

export interface RadiologyReport {
  uid: string;
  text: string;
  /** The indexer's headings, "normal" and "No Indexing" left out. */
  problems: string[];
  normal: boolean;
}

/** A report's split: uid even = dev, odd = test. */
export const iuXraySplit = (r: Pick<RadiologyReport, 'uid'>): 'dev' | 'test' => (Number(r.uid) % 2 === 1 ? 'test' : 'dev');

/** The reports of one split (`train` reads as dev: nothing is trained on them), or all of them. */
export function readIuXrayReports(split: 'train' | 'dev' | 'test' | 'all', path = join(sharedDataDir(), IU_XRAY_FILE)): RadiologyReport[] {
  if (!existsSync(path)) throw new MedicalNerError('IO_ERROR', `radiology eval: ${path} not found (set MEDICAL_NER_SHARED)`);
  const want = split === 'train' ? 'dev' : split;
  return parseCsv(readFileSync(path, 'utf8')).flatMap((r) => {
    const text = [r.findings ? `Findings: ${r.findings}` : '', r.impression ? `Impression: ${r.impression}` : ''].filter(Boolean).join('\n');
    if (!Number.isInteger(Number(r.uid)) || !text || (want !== 'all' && iuXraySplit({ uid: r.uid! }) !== want)) return [];
    const terms = (r.Problems ?? '').split(';').map((t) => t.trim()).filter(Boolean);
    return [{ uid: r.uid!, text, problems: terms.filter((t) => t !== 'normal' && t !== 'No Indexing'), normal: terms.length === 1 && terms[0] === 'normal' }];
  });
}

/** The MeSH id of a heading the lexicon names as a disease: its name or a spelling of it, nothing fuzzy. */
function headingId(linker: Linker, heading: string): string | undefined {
  const r = linker.link(heading, 'DISEASE');
  const named = r && r.score >= 0.95 && (r.method === 'exact' || r.method === 'normalized' || r.method === 'corpus-alias' || r.method === 'word-order');
  return named && r.type === 'DISEASE' ? r.codes.mesh : undefined;
}

/** MeSH ids of an entity: its own, or those of the conditions a composite mention names. */
const meshIds = (e: Entity): string[] => codeSets(e).flatMap((c) => (c?.mesh ? [c.mesh] : []));

const asserted = (e: Entity) => e.attributes?.assertion !== 'absent' && e.attributes?.assertion !== 'hypothetical' && e.attributes?.experiencer !== 'family';

export async function runRadiologyEval(options: EvalOptions): Promise<EvalReport> {
  const split = options.split ?? 'test';
  const all = readIuXrayReports('all');
  let reports = all.filter((r) => iuXraySplit(r) === (split === 'train' ? 'dev' : split));
  if (options.limit) reports = reports.slice(0, options.limit);
  const linker = getLinker();
  const ids = new Map<string, string | undefined>();
  const idOf = (h: string) => (ids.has(h) ? ids.get(h) : (ids.set(h, headingId(linker, h)), ids.get(h)));
  // the indexers' vocabulary: every heading of the file (both splits) that names a disease concept
  const vocabulary = new Set(all.flatMap((r) => r.problems.flatMap((h) => idOf(h) ?? [])));
  let outside = 0;
  const model = options.model;
  const p = await pipeline({ ...(model ? { model } : {}), components: ['sentences', ...NER_STEPS, 'linker', 'context'], ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}) });
  const withContext: Counts = { tp: 0, fp: 0, fn: 0 };
  const without: Counts = { tp: 0, fp: 0, fn: 0 };
  const perHeading = new Map<string, Counts & { name: string }>();
  let headings = 0;
  let mapped = 0;
  let normal = 0;
  let normalClean = 0;
  const t0 = performance.now();
  try {
    for (const r of reports) {
      const gold = new Map<string, string>();
      for (const h of r.problems) {
        headings++;
        const id = idOf(h);
        if (id) (mapped++, gold.set(id, h));
      }
      const doc = await p.run(r.text, {}, r.uid);
      const diseases = doc.entities.filter((e) => e.type === 'DISEASE');
      const found = diseases.flatMap(meshIds);
      outside += new Set(found.filter((id) => !vocabulary.has(id))).size;
      const predicted = new Set(diseases.filter(asserted).flatMap(meshIds).filter((id) => vocabulary.has(id)));
      const any = new Set(found.filter((id) => vocabulary.has(id)));
      if (r.normal) (normal++, predicted.size === 0 && normalClean++);
      for (const [set, c] of [[predicted, withContext], [any, without]] as const) {
        for (const id of set) gold.has(id) ? c.tp++ : c.fp++;
        for (const id of gold.keys()) if (!set.has(id)) c.fn++;
      }
      for (const [id, name] of gold) {
        const c = perHeading.get(id) ?? { name, tp: 0, fp: 0, fn: 0 };
        predicted.has(id) ? c.tp++ : c.fn++;
        perHeading.set(id, c);
      }
      for (const id of predicted) {
        const c = perHeading.get(id);
        if (c && !gold.has(id)) c.fp++;
      }
    }
  } finally {
    await p.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const pct = (x: number) => Number((100 * x).toFixed(2));
  const a = prf(withContext);
  const b = prf(without);
  const data = { split, reports: reports.length, headings, mapped, vocabulary: vocabulary.size, outside, normal, normalClean, withContext: a, withoutContext: b, seconds };
  const top = [...perHeading.entries()].sort((x, y) => y[1].tp + y[1].fn - (x[1].tp + x[1].fn)).slice(0, 20);
  return {
    task: 'radiology',
    tables: [
      {
        title: `Radiology reports (IU X-ray / Open-i, ${split}: ${reports.length} reports; ${mapped} of ${headings} indexed headings name a disease concept with a MeSH id and are scored; ${vocabulary.size} such ids in the file, ${outside} found ids per report outside them not scored)`,
        header: ['disease MeSH ids per report', 'P', 'R', 'F1', 'TP', 'FP', 'FN'],
        rows: [
          ['asserted (context: not absent, hypothetical or family)', pct(a.precision), pct(a.recall), pct(a.f1), a.tp, a.fp, a.fn],
          ['every disease found (no context)', pct(b.precision), pct(b.recall), pct(b.f1), b.tp, b.fp, b.fn],
        ],
      },
      {
        title: 'Reports indexed "normal": share with no asserted disease found',
        header: ['reports', 'none found', '%', 'seconds'],
        rows: [[normal, normalClean, normal ? pct(normalClean / normal) : 0, Number(seconds.toFixed(1))]],
      },
      {
        title: 'Most frequent scored headings (asserted)',
        header: ['MeSH', 'heading', 'reports', 'TP', 'FP', 'FN', 'R'],
        rows: top.map(([id, c]) => [id, c.name, c.tp + c.fn, c.tp, c.fp, c.fn, pct(c.tp / Math.max(1, c.tp + c.fn))]),
      },
    ],
    data,
  };
}

registerEvalTask({ name: 'radiology', description: 'the whole pipeline on IU chest X-ray reports against their indexed MeSH problems', run: runRadiologyEval });
