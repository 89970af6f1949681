/**
 * `medical-ner eval --task history-sections`: DISEASE entities in the FAMILY HISTORY and PAST MEDICAL HISTORY
 * sections of real clinical notes, against the hand annotation of test/fixtures/history-sections-devset.json (100
 * MTSamples notes, CC0; guidelines in docs/context.md, "History sections"). The pipeline runs on the whole note, as a
 * user would run it; only the DISEASE entities inside the annotated section are scored, strict (same span) and
 * lenient (overlap), per kind of section, with and without the `targets` step. The sections of each kind alternate
 * between dev (for designing) and test (scored once per change). No model here was trained on these notes.
 */
import { readFileSync } from 'node:fs';
import { spansOverlap } from '../core/doc.js';
import { MedicalNerError } from '../core/errors.js';
import { packagePath } from '../core/paths.js';
import type { Span } from '../core/types.js';
import { mtsamplesNotes } from '../io/mtsamples.js';
import { NER_STEPS, pipeline } from '../pipeline.js';
import { EntityScorer } from './score.js';
import { registerEvalTask, type EvalOptions, type EvalReport } from './task.js';

export const HISTORY_SECTIONS_FILE = 'test/fixtures/history-sections-devset.json';

export interface AnnotatedSection {
  note: string;
  split: 'dev' | 'test';
  /** `name`: the canonical section name (src/context/rules/sections.json). */
  section: Span & { name: string; text: string };
  diseases: (Span & { text: string })[];
}

export function readHistorySections(path = packagePath(HISTORY_SECTIONS_FILE)): AnnotatedSection[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { sections: AnnotatedSection[] }).sections;
}

export async function runHistorySectionsEval(options: EvalOptions): Promise<EvalReport> {
  const split = options.split === 'dev' || options.split === 'train' ? 'dev' : 'test';
  let sections = readHistorySections().filter((s) => s.split === split);
  if (options.limit) sections = sections.slice(0, options.limit);
  // the fixture holds offsets into the notes, not the notes
  const ids = new Set(sections.map((s) => s.note));
  const notes = new Map([...mtsamplesNotes()].filter((r) => ids.has(r.id)).map((r) => [r.id, r.text]));
  const model = options.model;
  // with and without the `targets` step (lexicon target matching in history sections), to show what it adds
  const variants = [
    { name: 'NER steps without targets', components: NER_STEPS.filter((c) => c !== 'targets') },
    { name: 'NER steps (with targets)', components: [...NER_STEPS] },
  ];
  const kinds = [...new Set(sections.map((s) => s.section.name))];
  const scored: { kind: string; name: string; scorer: EntityScorer; misses: string[] }[] = [];
  for (const v of variants) {
    const p = await pipeline({ ...(model ? { model } : {}), components: ['sentences', ...v.components], ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}) });
    const byKind = new Map(kinds.map((k) => [k, { kind: k, name: v.name, scorer: new EntityScorer(), misses: [] as string[] }]));
    try {
      for (const s of sections) {
        const text = notes.get(s.note);
        if (text === undefined || text.slice(s.section.start, s.section.end) !== s.section.text) {
          throw new MedicalNerError('IO_ERROR', `history-sections eval: note ${s.note} is not the text that was annotated`);
        }
        const doc = await p.run(text, {}, s.note);
        const inside = (x: Span) => x.start >= s.section.start && x.end <= s.section.end;
        const pred = doc.entities.filter((e) => e.type === 'DISEASE' && inside(e)).map((e) => ({ start: e.start, end: e.end, type: 'DISEASE' }));
        const k = byKind.get(s.section.name)!;
        k.scorer.add(s.diseases.map((d) => ({ start: d.start, end: d.end, type: 'DISEASE' })), pred);
        for (const d of s.diseases) if (!pred.some((x) => spansOverlap(x, d))) k.misses.push(d.text);
      }
    } finally {
      await p.dispose();
    }
    scored.push(...byKind.values());
  }
  const pct = (x: number) => Number((100 * x).toFixed(2));
  const results = scored.map(({ kind, name, scorer, misses }) => ({ kind, pipeline: name, strict: scorer.report('strict').micro, lenient: scorer.report('lenient').micro, missed: misses }));
  const row = (r: (typeof results)[number], mode: 'strict' | 'lenient') => [r.kind, r.pipeline, mode, pct(r[mode].precision), pct(r[mode].recall), pct(r[mode].f1), r[mode].tp, r[mode].fp, r[mode].fn];
  return {
    task: 'history-sections',
    tables: [
      {
        title: `DISEASE in history sections of MTSamples notes (${sections.length} sections, ${split}, hand-annotated; model ${model ?? 'default'})`,
        header: ['section', 'pipeline', 'match', 'P', 'R', 'F1', 'TP', 'FP', 'FN'],
        rows: [...results].sort((a, b) => a.kind.localeCompare(b.kind)).flatMap((r) => [row(r, 'strict'), row(r, 'lenient')]),
      },
    ],
    data: { split, sections: sections.length, results },
  };
}

registerEvalTask({ name: 'history-sections', description: 'DISEASE entities in the family and past medical history sections of hand-annotated MTSamples notes', run: runHistorySectionsEval });
