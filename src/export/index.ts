/** Exports of documents and patient graphs: JSON, FHIR R4, Neo4j Cypher, RDF Turtle, BioC JSON, PubTator, brat. */
export {
  exporters,
  registerExporter,
  exportDocs,
  exportGraph,
  exportDocFiles,
  exportFormats,
  graphExportFormats,
  extensionOf,
} from './registry.js';
export type { ExportOptions, ExportFile, Exporter } from './registry.js';
export { toCypher, cypherStatements, cypherSchema, cypherString } from './cypher.js';
export type { CypherDialect, CypherOptions } from './cypher.js';
export { pushToNeo4j } from './neo4j.js';
export type { Neo4jAuth, PushOptions, PushSummary } from './neo4j.js';
export { toTurtle, turtleIri, turtleString, nodeIri } from './turtle.js';
export type { TurtleOptions } from './turtle.js';
export { toFhirBundle, parseQuantity, uuidFor, NEGATED_PARTICIPANT_EXTENSION } from './fhir.js';
export type { FhirBundle, FhirBundleEntry, FhirOptions, FhirResource } from './fhir.js';
export { docToAnnotated, docsToAnnotated, docsToBioCJson, docsToPubTator, docToBrat, codeIds } from './annotated.js';
export { graphRows, typeLabel } from './graph-rows.js';
export * from './namespaces.js';
