/**
 * The `llm-validate` component: sends the text and the model's entities to an LLM, which confirms,
 * corrects or rejects each entity, adds missed ones and proposes extra relations, as structured JSON.
 * Every entity it returns is re-anchored to exact offsets in the text (what cannot be found is dropped),
 * and every entity says where it came from: `attributes.source` is `model` or `llm`.
 */
import type { Component, PipelineOptions } from '../core/component.js';
import { makeEntity, renumberEntities, round } from '../core/doc.js';
import { MedicalNerError } from '../core/errors.js';
import { ENTITY_TYPES, PREDICATES, isEntityType, isPredicate } from '../core/types.js';
import type { Doc, Entity, Relation } from '../core/types.js';
import { anchor } from './anchor.js';
import { DEFAULT_ANTHROPIC_BASE_URL, DEFAULT_ANTHROPIC_MODEL, callWithTool } from './anthropic.js';
import type { ToolSpec } from './anthropic.js';

export const LLM_PROVIDERS = ['anthropic'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export interface LlmOptions {
  provider: LlmProvider;
  /** Model id (default: DEFAULT_ANTHROPIC_MODEL, or env MEDICAL_NER_LLM_MODEL). */
  model?: string;
  /** Default: env ANTHROPIC_BASE_URL, else https://api.anthropic.com. */
  baseUrl?: string;
  /** Default: env ANTHROPIC_API_KEY. */
  apiKey?: string;
  timeoutMs?: number;
  maxTokens?: number;
  /** Keep entities the LLM rejects (flagged `llm_validated: false`) instead of dropping them. Default false. */
  keepRejected?: boolean;
  /** What a failed LLM call does: `fail` (default) raises an IO_ERROR, `keep` keeps the model's output unvalidated. */
  onError?: 'fail' | 'keep';
}

export interface LlmPipelineOptions extends PipelineOptions {
  llm?: LlmOptions;
}

/** The structured answer the LLM is asked for. */
export interface LlmAnswer {
  entities?: { id?: string; text?: string; type?: string; start?: number; valid?: boolean; confidence?: number }[];
  added?: { ref?: string; text?: string; type?: string; start?: number; confidence?: number }[];
  relations?: { subject?: string; predicate?: string; object?: string; confidence?: number }[];
}

export const VALIDATION_TOOL: ToolSpec = {
  name: 'report_validation',
  description: 'Report the validated entities, the entities the model missed, and extra relations.',
  input_schema: {
    type: 'object',
    properties: {
      entities: {
        type: 'array',
        description: 'One verdict per given entity.',
        items: {
          type: 'object',
          required: ['id', 'valid'],
          properties: {
            id: { type: 'string', description: 'The given entity id (T1, T2, …).' },
            valid: { type: 'boolean', description: 'false when the span is not a medical entity of that kind.' },
            type: { type: 'string', enum: [...ENTITY_TYPES], description: 'The corrected type, if the given one is wrong.' },
            text: { type: 'string' },
            start: { type: 'integer' },
            confidence: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
      },
      added: {
        type: 'array',
        description: 'Entities the model missed. `text` must be copied exactly from the note.',
        items: {
          type: 'object',
          required: ['ref', 'text', 'type'],
          properties: {
            ref: { type: 'string', description: 'A new id for this entity: A1, A2, …' },
            text: { type: 'string' },
            type: { type: 'string', enum: [...ENTITY_TYPES] },
            start: { type: 'integer', description: 'Character offset of the text in the note (best guess).' },
            confidence: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
      },
      relations: {
        type: 'array',
        description: 'Relations not already given, between entity ids (T… or A…).',
        items: {
          type: 'object',
          required: ['subject', 'predicate', 'object'],
          properties: {
            subject: { type: 'string' },
            predicate: { type: 'string', enum: [...PREDICATES] },
            object: { type: 'string' },
            confidence: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
      },
    },
    required: ['entities', 'added', 'relations'],
  },
};

const SYSTEM = `You are a careful clinical NLP reviewer. You check medical named entities found by an automatic model in a clinical note.
Entity types: ${ENTITY_TYPES.join(', ')}. Relation predicates: ${PREDICATES.join(', ')}.
Judge every given entity (valid or not, and its correct type), add clearly missed entities with their text copied exactly from the note, and add relations the note states. Answer only by calling the tool.`;

export function buildPrompt(doc: Doc): string {
  const ents = doc.entities.map((e) => ({ id: e.id, text: e.text, type: e.type, start: e.start, end: e.end }));
  const rels = doc.relations.map((r) => ({ subject: r.subject, predicate: r.predicate, object: r.object }));
  return `<note>\n${doc.text}\n</note>\n\n<entities>\n${JSON.stringify(ents)}\n</entities>\n\n<relations>\n${JSON.stringify(rels)}\n</relations>`;
}

const clamp01 = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : d);

/** Applies an LLM answer to the doc. Exported for tests. Returns counts of what changed. */
export function applyAnswer(doc: Doc, answer: LlmAnswer, options: Pick<LlmOptions, 'keepRejected'> = {}): { confirmed: number; rejected: number; added: number; dropped: number; relations: number } {
  const stats = { confirmed: 0, rejected: 0, added: 0, dropped: 0, relations: 0 };
  const byId = new Map(doc.entities.map((e) => [e.id, e]));
  const rejected = new Set<string>();
  for (const e of doc.entities) {
    const prev = e.attributes?.source;
    e.attributes = { ...e.attributes, source: 'model' };
    if (typeof prev === 'string' && prev !== 'model' && prev !== 'llm') e.attributes.ner_model = prev;
  }
  for (const v of Array.isArray(answer.entities) ? answer.entities : []) {
    const e = typeof v?.id === 'string' ? byId.get(v.id) : undefined;
    if (!e) continue;
    if (v.valid === false) {
      stats.rejected++;
      rejected.add(e.id);
      e.attributes!.llm_validated = false;
      continue;
    }
    stats.confirmed++;
    e.attributes!.llm_validated = true;
    if (typeof v.type === 'string' && isEntityType(v.type) && v.type !== e.type) {
      e.attributes!.model_type = e.type;
      e.type = v.type;
    }
  }
  // Added entities: re-anchored to exact offsets; not found → dropped; same span and type as an existing one → merged.
  const refs = new Map<string, Entity>();
  let n = 0;
  for (const a of Array.isArray(answer.added) ? answer.added : []) {
    if (!a || typeof a.text !== 'string' || typeof a.type !== 'string' || !isEntityType(a.type)) {
      stats.dropped++;
      continue;
    }
    const span = anchor(doc.text, a.text, typeof a.start === 'number' ? a.start : undefined);
    if (!span) {
      stats.dropped++;
      continue;
    }
    const same = doc.entities.find((e) => e.start === span.start && e.end === span.end && e.type === a.type);
    if (same) {
      if (typeof a.ref === 'string') refs.set(a.ref, same);
      continue;
    }
    const e = makeEntity(doc, span, a.type, clamp01(a.confidence, 0.7), { attributes: { source: 'llm', llm_validated: true } });
    e.id = `llm-${++n}`;
    doc.entities.push(e);
    if (typeof a.ref === 'string') refs.set(a.ref, e);
    stats.added++;
  }
  if (!options.keepRejected && rejected.size) {
    doc.entities = doc.entities.filter((e) => !rejected.has(e.id));
    doc.relations = doc.relations.filter((r) => !rejected.has(r.subject) && !rejected.has(r.object));
  }
  // Relations: ends given as ids (T…, A…) or, failing that, as an entity's exact text.
  const live = new Set(doc.entities);
  const resolve = (x: unknown): Entity | undefined => {
    if (typeof x !== 'string') return undefined;
    const e = refs.get(x) ?? byId.get(x) ?? doc.entities.find((d) => d.text === x);
    return e && live.has(e) ? e : undefined;
  };
  const have = new Set(doc.relations.map((r) => `${r.subject}|${r.predicate}|${r.object}`));
  let rn = doc.relations.reduce((m, r) => Math.max(m, Number(/^R(\d+)$/.exec(r.id)?.[1] ?? 0)), 0);
  for (const r of Array.isArray(answer.relations) ? answer.relations : []) {
    const s = resolve(r?.subject);
    const o = resolve(r?.object);
    if (!s || !o || s === o || typeof r.predicate !== 'string' || !isPredicate(r.predicate)) continue;
    const key = `${s.id}|${r.predicate}|${o.id}`;
    if (have.has(key)) continue;
    have.add(key);
    const rel: Relation = { id: `R${++rn}`, subject: s.id, predicate: r.predicate, object: o.id, confidence: round(clamp01(r.confidence, 0.7)), attributes: { source: 'llm' } };
    const lo = Math.min(s.start, o.start);
    const hi = Math.max(s.end, o.end);
    rel.evidence = { start: lo, end: hi, text: doc.text.slice(lo, hi) };
    doc.relations.push(rel);
    stats.relations++;
  }
  renumberEntities(doc);
  return stats;
}

export function resolveLlmOptions(o: LlmOptions): Required<Pick<LlmOptions, 'model' | 'baseUrl' | 'apiKey'>> & LlmOptions {
  if (!(LLM_PROVIDERS as readonly string[]).includes(o.provider)) {
    throw new MedicalNerError('INVALID_OPTION', `unknown LLM provider "${o.provider}"; available: ${LLM_PROVIDERS.join(', ')}`);
  }
  const apiKey = o.apiKey ?? process.env.ANTHROPIC_API_KEY;
  if (!apiKey) throw new MedicalNerError('INVALID_OPTION', '--validate-with anthropic needs the API key in the environment variable ANTHROPIC_API_KEY');
  return {
    ...o,
    apiKey,
    model: o.model ?? process.env.MEDICAL_NER_LLM_MODEL ?? DEFAULT_ANTHROPIC_MODEL,
    baseUrl: o.baseUrl ?? process.env.ANTHROPIC_BASE_URL ?? DEFAULT_ANTHROPIC_BASE_URL,
  };
}

export function llmValidateComponent(options: LlmOptions): Component {
  const o = resolveLlmOptions(options);
  return {
    name: 'llm-validate',
    remote: true,
    async process(doc) {
      if (doc.text.trim() === '') return;
      let answer: LlmAnswer;
      try {
        answer = (await callWithTool(
          { apiKey: o.apiKey, baseUrl: o.baseUrl, model: o.model, maxTokens: o.maxTokens, timeoutMs: o.timeoutMs },
          SYSTEM,
          buildPrompt(doc),
          VALIDATION_TOOL,
        )) as LlmAnswer;
      } catch (e) {
        if (o.onError === 'keep') {
          doc.meta = { ...doc.meta, llm_validation: { status: 'error', message: (e as Error).message } };
          return;
        }
        throw e;
      }
      const stats = applyAnswer(doc, answer, o);
      doc.meta = { ...doc.meta, llm_validation: { status: 'ok', provider: o.provider, model: o.model, ...stats } };
    },
  };
}
