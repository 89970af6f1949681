/**
 * `pipeline(options)` is the one entry point: it loads a NER model by name plus the components around
 * it, and returns an object that turns text into a Doc or into the JSON result.
 */
import { components } from './core/component.js';
import type { Component, PipelineOptions, RunOptions } from './core/component.js';
import { createDoc, renumberEntities, toResult } from './core/doc.js';
import { MedicalNerError } from './core/errors.js';
import type { Doc, EntityType, ExtractionResult } from './core/types.js';
import { prefetchLexicon } from './linking/index.js';
import { nerComponent, nerModels, type NerComponent, type NerModel } from './ner/model.js';
import './register.js';

export type { PipelineOptions, RunOptions };

export const DEFAULT_MAX_TEXT_LENGTH = 1_000_000;

/** Default order; names not registered in this build are skipped. */
export const DEFAULT_COMPONENTS = ['sentences', 'sections', 'ner', 'heading-filter', 'lexicon-check', 'site-diseases', 'dose-drugs', 'targets', 'linker', 'context', 'relations'] as const;

/**
 * The components that make the entities (what evals score): sections, the model, the removal of its entities
 * inside label headings, the lexicon check of its unsure entities, sites joined to the diseases after them, drug
 * names beside doses, and lexicon targets in history sections.
 */
export const NER_STEPS = ['sections', 'ner', 'heading-filter', 'lexicon-check', 'site-diseases', 'dose-drugs', 'targets'] as const;

/** Preferred first: the 4-layer student is as accurate as the 6-layer model on dev (−0.08 F1) and about 1.4× faster. */
const DEFAULT_MODEL_PREFERENCE = ['ner-minilm-l4', 'ner-minilm', 'baseline'];

export function defaultModelName(): string {
  return DEFAULT_MODEL_PREFERENCE.find((name) => nerModels.has(name)) ?? 'baseline';
}

export class Pipeline {
  /** Wall time spent in each component since the pipeline was built (ms), for the bench's time shares. */
  readonly componentMs = new Map<string, number>();

  /** Index of the last step that reads types the caller may not have asked for (Component.needsTypes); -1 if none. */
  private readonly lastHelperStep: number;

  constructor(
    readonly modelName: string,
    readonly steps: readonly Component[],
    readonly maxTextLength: number,
  ) {
    this.lastHelperStep = steps.reduce((last, s, i) => (s.needsTypes?.length ? i : last), -1);
  }

  /** Run every component over the text and return the Doc. */
  async run(text: string, options: RunOptions = {}, id?: string): Promise<Doc> {
    if (typeof text !== 'string') throw new MedicalNerError('INVALID_INPUT', 'text must be a string');
    if (text.length > this.maxTextLength) {
      throw new MedicalNerError(
        'INPUT_TOO_LARGE',
        `text has ${text.length} characters; the limit is ${this.maxTextLength} (raise it with maxTextLength / --max-length)`,
      );
    }
    const doc = createDoc(text, id);
    if (text.trim() === '') return doc;
    for (const [i, step] of this.steps.entries()) {
      const t0 = performance.now();
      await step.process(doc, options);
      if (i === this.lastHelperStep && options.entityTypes) keepRequestedTypes(doc, options.entityTypes);
      this.componentMs.set(step.name, (this.componentMs.get(step.name) ?? 0) + performance.now() - t0);
    }
    return doc;
  }

  /** Run and return the JSON output `{entities, relations, triples}`. */
  async extract(text: string, options: RunOptions = {}): Promise<ExtractionResult> {
    return toResult(await this.run(text, options));
  }

  /** Loads what components load lazily (the lexicon, its search indexes) and makes first-call allocations. */
  async warmUp(): Promise<void> {
    const local = this.steps.filter((s) => !s.remote);
    for (const s of local) await s.warmUp?.();
    const doc = createDoc('Warm-up: metformin 500 mg for type 2 diabetes, no chest pain.');
    for (const s of local) await s.process(doc, {});
    this.componentMs.clear();
  }

  async dispose(): Promise<void> {
    for (const s of this.steps) await s.dispose?.();
  }
}

/** Drops the entities of types the caller did not ask for (the helpers of Component.needsTypes) and their relations. */
function keepRequestedTypes(doc: Doc, types: readonly EntityType[]): void {
  const keep = new Set(types);
  const gone = new Set(doc.entities.filter((e) => !keep.has(e.type)).map((e) => e.id));
  if (!gone.size) return;
  doc.entities = doc.entities.filter((e) => !gone.has(e.id));
  doc.relations = doc.relations.filter((r) => !gone.has(r.subject) && !gone.has(r.object));
  renumberEntities(doc);
}

export async function pipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const modelName = options.model ?? defaultModelName();
  const names = options.components ?? DEFAULT_COMPONENTS.filter((n) => n === 'ner' || components.has(n));
  const steps: Component[] = [];
  let ner: NerModel | undefined;
  let stepOptions = options;
  // the lexicon's gunzip runs on the thread pool while the models load here (a one-sentence command-line run: about
  // 0.16 s less); the linker and the lexicon check wait for it on the first document that needs it
  if (names.includes('linker') || (names.includes('lexicon-check') && options.lexiconCheck !== false)) prefetchLexicon().catch(() => undefined);
  for (const name of names) {
    if (name === 'ner') {
      steps.push(nerComponent((ner = await nerModels.create(modelName, options))));
      // the lexicon check's values belong to the model (its confidences are its own) unless the caller set them
      if (options.lexiconCheck === undefined && ner.lexiconCheck) stepOptions = { ...options, lexiconCheck: ner.lexiconCheck };
    } else steps.push(await components.create(name, stepOptions));
  }
  const outputs = [...new Set(steps.flatMap((s) => s.tokenStateOutputs ?? []))];
  if (ner && outputs.length) ner.keepTokenStates = outputs;
  const nerStep = steps.find((s) => s.name === 'ner') as NerComponent | undefined;
  if (nerStep) nerStep.helperTypes = new Set(steps.slice(steps.indexOf(nerStep) + 1).flatMap((s) => s.needsTypes ?? []));
  return new Pipeline(modelName, steps, options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH);
}
