/**
 * The two seed tools, shared by the MCP server and the LangChain tools: names, descriptions, zod
 * input/output schemas and implementations (on a NerService).
 */
import { z } from 'zod';
import { toResult } from '../core/doc.js';
import { CODE_SYSTEMS, ENTITY_TYPES, PREDICATES } from '../core/types.js';
import type { ExtractionResult } from '../core/types.js';
import type { RunOptions } from '../core/component.js';
import { exportPatientGraph, graphFormat, mediaTypeOf } from '../server/graph-export.js';
import type { NerService } from '../server/service.js';

export const EXTRACT_TOOL_NAME = 'extract_medical_entities';
export const GRAPH_TOOL_NAME = 'build_patient_knowledge_graph';

export const EXTRACT_TOOL_DESCRIPTION =
  'Extract medical entities (diseases, drugs, genes, anatomy, procedures, lab tests and values, dosages, durations, severities) from clinical text, ' +
  'with exact character offsets (UTF-16, end-exclusive), concept codes (UMLS, SNOMED CT, RxNorm, ICD-10-CM, LOINC, …), negation/experiencer/temporality ' +
  'attributes, and optionally relations between them (TREATS, CAUSES, DOSAGE_OF, …). Runs locally; the text is not sent anywhere.';

export const GRAPH_TOOL_DESCRIPTION =
  "Build one patient's knowledge graph from several clinical notes: concepts are merged across notes by code, relations become edges with noisy-OR " +
  'confidence and provenance. Output as JSON, Neo4j Cypher (neo4j), RDF Turtle (rdf) or a FHIR R4 Bundle (fhir).';

export const GRAPH_TOOL_FORMATS = ['json', 'neo4j', 'rdf', 'fhir'] as const;

export const extractInputShape = {
  clinical_text: z.string().describe('The clinical note text.'),
  entity_types: z.array(z.enum(ENTITY_TYPES)).optional().describe(`Keep only these entity types (default: all of ${ENTITY_TYPES.join(', ')}).`),
  include_relations: z.boolean().optional().describe('Also extract relations between the entities (default true).'),
};
export const extractInputSchema = z.object(extractInputShape);
export type ExtractInput = z.infer<typeof extractInputSchema>;

export const graphInputShape = {
  patient_notes: z.array(z.string()).min(1).describe("The patient's notes, oldest first."),
  output_format: z.enum(GRAPH_TOOL_FORMATS).optional().describe('json (default), neo4j (Cypher script), rdf (Turtle) or fhir (FHIR R4 Bundle JSON).'),
  patient_id: z.string().min(1).optional().describe('Patient identifier used in the exports (default "patient").'),
};
export const graphInputSchema = z.object(graphInputShape);
export type GraphInput = z.infer<typeof graphInputSchema>;

const span = { start: z.number().int().min(0), end: z.number().int().min(0) };
export const entityOutputSchema = z.object({
  id: z.string(),
  text: z.string(),
  type: z.enum(ENTITY_TYPES),
  ...span,
  confidence: z.number().min(0).max(1),
  codes: z.partialRecord(z.enum(CODE_SYSTEMS), z.string()).optional(),
  preferred_name: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export const relationOutputSchema = z.object({
  id: z.string(),
  subject: z.string(),
  predicate: z.enum(PREDICATES),
  object: z.string(),
  confidence: z.number().min(0).max(1),
  evidence: z.object({ ...span, text: z.string() }).optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export const extractOutputShape = {
  entities: z.array(entityOutputSchema),
  relations: z.array(relationOutputSchema),
  triples: z.array(z.tuple([z.string(), z.enum(PREDICATES), z.string()])),
};
export const extractOutputSchema = z.object(extractOutputShape);

export const graphOutputShape = {
  patient_id: z.string(),
  output_format: z.enum(GRAPH_TOOL_FORMATS),
  media_type: z.string(),
  stats: z.object({ notes: z.number().int(), nodes: z.number().int(), edges: z.number().int() }),
  triples: z.array(z.tuple([z.string(), z.string(), z.string()])).describe('[subject, PREDICATE, object] per edge'),
  graph: z.record(z.string(), z.unknown()).optional().describe('The graph (output_format json): {patient_id, notes, nodes, edges, triples, stats}'),
  output: z.string().optional().describe('The export (neo4j, rdf, fhir) as text'),
};
export const graphOutputSchema = z.object(graphOutputShape);
export type GraphOutput = z.infer<typeof graphOutputSchema>;

export function extractRunOptions(args: Pick<ExtractInput, 'entity_types' | 'include_relations'>): RunOptions {
  const o: RunOptions = {};
  if (args.entity_types?.length) o.entityTypes = [...new Set(args.entity_types)];
  if (args.include_relations === false) o.relations = false;
  return o;
}

export async function runExtractTool(service: NerService, args: ExtractInput): Promise<ExtractionResult> {
  const [doc] = await service.docs([{ id: 'input', text: args.clinical_text }], extractRunOptions(args));
  return toResult(doc!);
}

export async function runGraphTool(service: NerService, args: GraphInput): Promise<GraphOutput> {
  const outputFormat = args.output_format ?? 'json';
  const notes = args.patient_notes.map((text, i) => ({ id: `note-${i + 1}`, text }));
  const graph = await service.graph(notes, {}, args.patient_id);
  const json = graph.toJSON();
  const f = graphFormat(outputFormat);
  const out: GraphOutput = {
    patient_id: graph.patientId,
    output_format: outputFormat,
    media_type: mediaTypeOf(f),
    stats: { notes: json.stats.notes, nodes: json.stats.nodes, edges: json.stats.edges },
    triples: json.triples,
  };
  if (f === 'json') out.graph = json as unknown as Record<string, unknown>;
  else out.output = await exportPatientGraph(graph, f);
  return out;
}
