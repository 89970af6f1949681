/**
 * LangChain.js tools with the seed's names and arguments:
 * `extract_medical_entities(clinical_text, entity_types?, include_relations?)` and
 * `build_patient_knowledge_graph(patient_notes, output_format?)`.
 *
 * Each returns its result as a JSON (or Cypher/Turtle/FHIR) string for the model, and the structured
 * object as the tool message's `artifact` (`responseFormat: 'content_and_artifact'`).
 *
 *   const tools = createMedicalNerTools({ model: 'baseline' });
 *   const out = JSON.parse(await tools[0].invoke({ clinical_text: 'Started metformin for T2DM.' }));
 */
import { tool } from '@langchain/core/tools';
import type { PipelineOptions } from '../core/component.js';
import type { ExtractionResult } from '../core/types.js';
import {
  EXTRACT_TOOL_DESCRIPTION,
  EXTRACT_TOOL_NAME,
  GRAPH_TOOL_DESCRIPTION,
  GRAPH_TOOL_NAME,
  extractInputSchema,
  graphInputSchema,
  runExtractTool,
  runGraphTool,
} from '../mcp/tools.js';
import type { GraphOutput } from '../mcp/tools.js';
import { InProcessExtractor } from '../server/extractor.js';
import type { Extractor } from '../server/extractor.js';
import { NerService } from '../server/service.js';
import type { Limits } from '../server/service.js';
import type { Pipeline } from '../pipeline.js';

export interface MedicalNerToolsOptions extends PipelineOptions {
  /** Use this pipeline (else one is built from the PipelineOptions, on first use). */
  pipeline?: Pipeline;
  /** Or run on this extractor (e.g. a WorkerPool). */
  extractor?: Extractor;
  /** Or share this service. */
  service?: NerService;
  limits?: Partial<Limits>;
}

function serviceFor(o: MedicalNerToolsOptions): NerService {
  if (o.service) return o.service;
  const { pipeline: p, extractor, limits, service: _s, ...pipelineOptions } = o;
  void _s;
  return new NerService(extractor ?? new InProcessExtractor(p ? Promise.resolve(p) : pipelineOptions), {
    maxTextLength: pipelineOptions.maxTextLength ?? 1_000_000,
    ...limits,
  });
}

export function createExtractMedicalEntitiesTool(options: MedicalNerToolsOptions = {}) {
  const service = serviceFor(options);
  return tool(
    async (args): Promise<[string, ExtractionResult]> => {
      const result = await runExtractTool(service, args);
      return [JSON.stringify(result), result];
    },
    { name: EXTRACT_TOOL_NAME, description: EXTRACT_TOOL_DESCRIPTION, schema: extractInputSchema, responseFormat: 'content_and_artifact' },
  );
}

export function createBuildPatientKnowledgeGraphTool(options: MedicalNerToolsOptions = {}) {
  const service = serviceFor(options);
  return tool(
    async (args): Promise<[string, GraphOutput]> => {
      const out = await runGraphTool(service, args);
      return [out.output ?? JSON.stringify(out.graph), out];
    },
    { name: GRAPH_TOOL_NAME, description: GRAPH_TOOL_DESCRIPTION, schema: graphInputSchema, responseFormat: 'content_and_artifact' },
  );
}

/** Both tools, sharing one pipeline. Call `dispose()` on the returned array's service when done (or let the process exit). */
export function createMedicalNerTools(options: MedicalNerToolsOptions = {}) {
  const service = serviceFor(options);
  const tools = [createExtractMedicalEntitiesTool({ service }), createBuildPatientKnowledgeGraphTool({ service })] as const;
  return Object.assign(tools, { dispose: () => service.close() });
}

export { EXTRACT_TOOL_NAME, GRAPH_TOOL_NAME };
