/** Options shared by the single-text command, `batch`, `graph` and the servers. */
import type { ParseArgsConfig } from 'node:util';
import { applyLlmFlags, LLM_FLAGS, LLM_USAGE } from '../llm/index.js';
import type { PipelineOptions, RunOptions } from '../core/component.js';
import { MedicalNerError } from '../core/errors.js';
import { ENTITY_TYPES, isEntityType } from '../core/types.js';
import type { EntityType } from '../core/types.js';

/** Which models run (every command that builds a pipeline, servers included). */
export const MODEL_FLAGS = {
  model: { type: 'string' },
  'relation-model': { type: 'string' },
  'models-dir': { type: 'string' },
  ...LLM_FLAGS,
} as const satisfies ParseArgsConfig['options'];

export const MODEL_USAGE = `  --model <name>            NER model (default: best shipped; 'baseline' always available; '<model>:<corpus>' a corpus head, see 'medical-ner models')
  --relation-model <name>   relation model
  --models-dir <dir>        load models from this folder
${LLM_USAGE}`;

/** Model flags plus the per-call options of the extracting commands. */
export const PIPELINE_FLAGS = {
  ...MODEL_FLAGS,
  'entity-types': { type: 'string' },
  link: { type: 'boolean' },
  'no-link': { type: 'boolean' },
  'extract-relations': { type: 'boolean' },
  'no-relations': { type: 'boolean' },
  'no-context': { type: 'boolean' },
  'cross-sentence': { type: 'boolean' },
  'output-format': { type: 'string', default: 'json' },
  'max-length': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const PIPELINE_USAGE = `  --entity-types A,B        keep only these types (${ENTITY_TYPES.join(', ')})
  --link / --no-link        fill concept codes (default: on)
  --extract-relations / --no-relations   relations (default: on)
  --no-context              skip negation/experiencer/temporality
  --cross-sentence          also drug→disease CAUSES at the document level (concept pairs, across sentences too; for abstracts)
  --output-format <fmt>     json (default), fhir, cypher, turtle, bioc, pubtator, brat
  --max-length <n>          reject texts longer than n UTF-16 code units (default 1000000)
${MODEL_USAGE}`;

type Values = { [K in keyof typeof PIPELINE_FLAGS]?: string | boolean };
type ModelValues = { [K in keyof typeof MODEL_FLAGS]?: string | boolean } & { 'max-length'?: string | boolean };

/** An integer flag's value (undefined when absent); INVALID_OPTION below `min`. */
export function intFlag(v: unknown, name: string, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new MedicalNerError('INVALID_OPTION', `--${name} must be an integer ≥ ${min}`);
  return n;
}

export function parseEntityTypes(s: string | undefined): EntityType[] | undefined {
  if (s === undefined) return undefined;
  const parts = s.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean);
  const bad = parts.filter((p) => !isEntityType(p));
  if (bad.length) throw new MedicalNerError('INVALID_OPTION', `unknown entity type(s) ${bad.join(', ')}; valid: ${ENTITY_TYPES.join(', ')}`);
  return parts as EntityType[];
}

/** Pipeline options from the model flags (LLM validation included when `--validate-with` is given). */
export function pipelineOptionsFrom(v: ModelValues): PipelineOptions {
  const o: PipelineOptions = {};
  if (typeof v.model === 'string') o.model = v.model;
  if (typeof v['relation-model'] === 'string') o.relationModel = v['relation-model'];
  if (typeof v['models-dir'] === 'string') o.modelsDir = v['models-dir'];
  if (typeof v['max-length'] === 'string') {
    const n = Number(v['max-length']);
    if (!Number.isInteger(n) || n <= 0) throw new MedicalNerError('INVALID_OPTION', `--max-length must be a positive integer`);
    o.maxTextLength = n;
  }
  return applyLlmFlags(o, v);
}

/** Pipeline options for the servers, whose text-length limit always has a value (`--max-length` or their default). */
export function serverPipelineOptions(v: ModelValues, defaultMaxLength: number): PipelineOptions & { maxTextLength: number } {
  const o = pipelineOptionsFrom(v);
  return { ...o, maxTextLength: o.maxTextLength ?? defaultMaxLength };
}

export function runOptionsFrom(v: Values): RunOptions {
  const o: RunOptions = {};
  const types = parseEntityTypes(v['entity-types'] as string | undefined);
  if (types) o.entityTypes = types;
  if (v['no-link']) o.link = false;
  if (v['no-relations']) o.relations = false;
  if (v['cross-sentence']) o.crossSentence = true;
  if (v['no-context']) o.context = false;
  return o;
}
