/**
 * The JSON Schemas of the HTTP API. Fastify validates requests with them and @fastify/swagger turns
 * the same objects into the OpenAPI document, so docs and validation cannot drift apart.
 */
import { extractionSchema } from '../core/schema.js';
import { ENTITY_TYPES, PREDICATES } from '../core/types.js';
import { noteSchema, runFieldSchemas } from './api-options.js';
import { graphFormatNames } from './graph-export.js';

/** Rewrites `#/$defs/x` references to shared-schema ids (`Entity#`, `Relation#`). */
function rewriteRefs(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(rewriteRefs);
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === '$ref' && v === '#/$defs/entity') out[k] = 'Entity#';
      else if (k === '$ref' && v === '#/$defs/relation') out[k] = 'Relation#';
      else out[k] = rewriteRefs(v);
    }
    return out;
  }
  return x;
}

/** Shared schemas (fastify `addSchema`); they become `components.schemas` in the OpenAPI document. */
export function sharedSchemas(): Record<string, unknown>[] {
  const { $schema: _s, $id: _i, $defs, ...result } = extractionSchema;
  void _s;
  void _i;
  return [
    { $id: 'Entity', ...(rewriteRefs($defs.entity) as object) },
    { $id: 'Relation', ...(rewriteRefs($defs.relation) as object) },
    { $id: 'ExtractionResult', ...(rewriteRefs(result) as object), description: 'Entities, relations and triples of one text (schema/extraction.schema.json).' },
    {
      $id: 'Error',
      type: 'object',
      required: ['statusCode', 'code', 'message'],
      properties: {
        statusCode: { type: 'integer' },
        code: { type: 'string', description: 'INVALID_INPUT (400), UNAUTHORIZED (401), INPUT_TOO_LARGE (413), INVALID_OPTION (422), …' },
        error: { type: 'string' },
        message: { type: 'string' },
      },
    },
  ];
}

const errors = {
  400: { description: 'Malformed request (bad JSON, missing or non-string text)', $ref: 'Error#' },
  401: { description: 'Missing or wrong x-api-key (when the server has an API key)', $ref: 'Error#' },
  413: { description: 'Body, text or list over the limits', $ref: 'Error#' },
  422: { description: 'Invalid option (unknown entity type, output format, field)', $ref: 'Error#' },
} as const;

export function extractRouteSchema(outputFormats: readonly string[]) {
  return {
    summary: 'Extract entities, codes and relations from one text or a list of texts',
    description:
      'Send `text` (one note) or `texts` (a list of strings or `{id, text}`). With `output_format: json` a single text returns the extraction result; a list returns `{results: [{index, id, result}]}`. ' +
      'Other formats return that format as text. For lists, `Accept: application/x-ndjson` streams one JSON line per text, in input order, as each is done ' +
      '(`{index, id, result}` for json, `{index, id, output}` otherwise, `{index, id, error}` when that text failed).',
    tags: ['extraction'],
    security: [{ apiKey: [] }],
    body: {
      type: 'object',
      properties: {
        text: { type: 'string', description: 'One note.' },
        texts: { type: 'array', minItems: 1, items: noteSchema(), description: 'Several notes (strings or {id, text}).' },
        ...runFieldSchemas,
        output_format: { type: 'string', enum: [...outputFormats], default: 'json', description: 'Output format.' },
      },
      additionalProperties: false,
      oneOf: [{ required: ['text'] }, { required: ['texts'] }],
      examples: [{ text: 'Patient started on metformin 500mg for type 2 diabetes. HbA1c was 8.2%.', entity_types: ['DRUG', 'DISEASE', 'DOSAGE'] }],
    },
    response: {
      200: {
        description: 'The extraction result(s) in the requested format',
        content: {
          'application/json': {
            schema: {
              anyOf: [
                { $ref: 'ExtractionResult#' },
                {
                  type: 'object',
                  required: ['results'],
                  properties: {
                    results: {
                      type: 'array',
                      items: { type: 'object', required: ['index', 'id', 'result'], properties: { index: { type: 'integer' }, id: { type: 'string' }, result: { $ref: 'ExtractionResult#' } } },
                    },
                  },
                },
              ],
            },
          },
          'application/x-ndjson': { schema: { type: 'string', description: 'One JSON object per line' } },
          'text/plain': { schema: { type: 'string', description: 'cypher, pubtator, brat, … outputs' } },
        },
      },
      ...errors,
    },
  };
}

export function graphRouteSchema() {
  return {
    summary: "Build a patient knowledge graph from a patient's notes",
    description:
      'Runs every note through the pipeline, merges the concepts and relations into one graph (nodes deduplicated by concept code, confidences combined by noisy-OR, provenance kept), ' +
      'and returns it as JSON or exports it: `cypher` (alias `neo4j`), `turtle` (alias `rdf`), `fhir`.',
    tags: ['graph'],
    security: [{ apiKey: [] }],
    body: {
      type: 'object',
      required: ['notes'],
      properties: {
        notes: { type: 'array', minItems: 1, items: noteSchema(), description: 'The notes (strings or {id, text}).' },
        patient_id: { type: 'string', minLength: 1, maxLength: 200, default: 'patient' },
        output_format: { type: 'string', enum: graphFormatNames(), default: 'json' },
        ...runFieldSchemas,
      },
      additionalProperties: false,
    },
    response: {
      200: {
        description: 'The graph in the requested format',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              description: 'PatientGraphJSON: {patient_id, aggregation, notes, nodes, edges, triples, stats}',
              properties: {
                patient_id: { type: 'string' },
                aggregation: { type: 'string' },
                notes: { type: 'array', items: { type: 'object' } },
                nodes: { type: 'array', items: { type: 'object' } },
                edges: { type: 'array', items: { type: 'object' } },
                triples: { type: 'array', items: { type: 'array' } },
                stats: { type: 'object' },
              },
            },
          },
          'application/fhir+json': { schema: { type: 'object', description: 'FHIR R4 Bundle' } },
          'text/turtle': { schema: { type: 'string' } },
          'text/plain': { schema: { type: 'string', description: 'Cypher script' } },
        },
      },
      ...errors,
    },
  };
}

export const infoRouteSchema = {
  summary: 'Model, formats, entity types and limits of this server',
  tags: ['meta'],
  response: {
    200: {
      type: 'object',
      properties: {
        model: { type: ['string', 'null'] },
        output_formats: { type: 'array', items: { type: 'string' } },
        graph_formats: { type: 'array', items: { type: 'string' } },
        entity_types: { type: 'array', items: { type: 'string', enum: [...ENTITY_TYPES] } },
        predicates: { type: 'array', items: { type: 'string', enum: [...PREDICATES] } },
        limits: { type: 'object', properties: { max_text_length: { type: 'integer' }, max_texts: { type: 'integer' }, body_limit: { type: 'integer' } } },
        api_key_required: { type: 'boolean' },
      },
    },
  },
} as const;

export const healthRouteSchema = {
  summary: 'Liveness: the process is up',
  tags: ['meta'],
  response: { 200: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } },
} as const;

export const readyRouteSchema = {
  summary: 'Readiness: the model is loaded and the server is not shutting down',
  tags: ['meta'],
  response: {
    200: { type: 'object', properties: { status: { type: 'string' }, model: { type: 'string' }, workers: { type: 'integer' } } },
    503: { type: 'object', properties: { status: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;
