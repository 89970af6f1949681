/**
 * Patient-graph exports for the servers and tools, on the export registry (src/export): json, fhir,
 * cypher (alias neo4j), turtle (alias rdf); media types come from the exporters.
 */
import { MedicalNerError } from '../core/errors.js';
import { exportGraph, exporters, graphExportFormats } from '../export/index.js';
import type { PatientGraph } from '../graph/index.js';

export const GRAPH_FORMAT_ALIASES: Readonly<Record<string, string>> = { neo4j: 'cypher', rdf: 'turtle', ttl: 'turtle' };

/** Graph formats of this build (json, fhir, cypher, turtle). */
export function graphFormats(): string[] {
  return graphExportFormats();
}

/** Every accepted name (formats and aliases), for request schemas. */
export function graphFormatNames(): string[] {
  const formats = graphFormats();
  return [...formats, ...Object.keys(GRAPH_FORMAT_ALIASES).filter((a) => formats.includes(GRAPH_FORMAT_ALIASES[a]!))];
}

export function mediaTypeOf(format: string): string {
  const base = exporters.has(format) ? exporters.create(format).mediaType : 'text/plain';
  return `${base}; charset=utf-8`;
}

/** The canonical format name for a name or an alias; INVALID_OPTION when unknown. */
export function graphFormat(name: string): string {
  const f = Object.hasOwn(GRAPH_FORMAT_ALIASES, name) ? GRAPH_FORMAT_ALIASES[name]! : name;
  if (!graphFormats().includes(f)) {
    throw new MedicalNerError('INVALID_OPTION', `unknown graph format "${name}"; available: ${graphFormatNames().join(', ')}`);
  }
  return f;
}

/** The graph serialised in `format` (a name or an alias). */
export function exportPatientGraph(graph: PatientGraph, format: string): string {
  return exportGraph(graph, graphFormat(format));
}
