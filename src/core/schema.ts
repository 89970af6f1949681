/**
 * JSON Schema (draft 2020-12) of the extraction output `{entities, relations, triples}`.
 * `schema/extraction.schema.json` is this object, written by `medical-ner schema`.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CODE_SYSTEMS, ENTITY_TYPES, PREDICATES } from './types.js';
import type { ExtractionResult } from './types.js';

const span = {
  start: { type: 'integer', minimum: 0, description: 'UTF-16 code unit offset, inclusive' },
  end: { type: 'integer', minimum: 0, description: 'UTF-16 code unit offset, exclusive' },
};

export const extractionSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/medical-ner/medical-ner/schema/extraction.schema.json',
  title: 'medical-ner extraction result',
  type: 'object',
  required: ['entities', 'relations', 'triples'],
  properties: {
    entities: { type: 'array', items: { $ref: '#/$defs/entity' } },
    relations: { type: 'array', items: { $ref: '#/$defs/relation' } },
    triples: {
      type: 'array',
      items: {
        type: 'array',
        prefixItems: [{ type: 'string' }, { enum: [...PREDICATES] }, { type: 'string' }],
        minItems: 3,
        maxItems: 3,
      },
    },
    meta: { type: 'object' },
  },
  additionalProperties: false,
  $defs: {
    entity: {
      type: 'object',
      required: ['id', 'text', 'type', 'start', 'end', 'confidence'],
      properties: {
        id: { type: 'string', minLength: 1 },
        text: { type: 'string', minLength: 1 },
        type: { enum: [...ENTITY_TYPES] },
        ...span,
        confidence: { type: 'number', minimum: 0, maximum: 1 },
        codes: {
          type: 'object',
          propertyNames: { enum: [...CODE_SYSTEMS] },
          additionalProperties: { type: 'string', minLength: 1 },
        },
        preferred_name: { type: 'string' },
        attributes: { type: 'object' },
      },
      additionalProperties: false,
    },
    relation: {
      type: 'object',
      required: ['id', 'subject', 'predicate', 'object', 'confidence'],
      properties: {
        id: { type: 'string', minLength: 1 },
        subject: { type: 'string', minLength: 1 },
        predicate: { enum: [...PREDICATES] },
        object: { type: 'string', minLength: 1 },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
        evidence: {
          type: 'object',
          required: ['start', 'end', 'text'],
          properties: { ...span, text: { type: 'string' } },
          additionalProperties: false,
        },
        attributes: { type: 'object' },
      },
      additionalProperties: false,
    },
  },
} as const;

let compiled: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

/** Validate an extraction result against the schema; returns a list of error strings (empty when valid). */
export function validateResult(result: ExtractionResult | unknown): string[] {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    compiled = ajv.compile(extractionSchema);
  }
  if (compiled(result)) return [];
  const errors = (compiled.errors ?? []) as { instancePath: string; message?: string }[];
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
}
