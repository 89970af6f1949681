/**
 * Exporters by format name (`json`, `fhir`, `cypher`, `turtle`, `bioc`, `pubtator`, `brat`): a registry,
 * not an if-chain. `exportDocs` serves the single-text and batch CLI (`--output-format`), `exportGraph`
 * the `graph` command. Graph formats given Docs build a one-patient graph from them first.
 */
import { toResult } from '../core/doc.js';
import { MedicalNerError } from '../core/errors.js';
import { Registry } from '../core/registry.js';
import type { Doc } from '../core/types.js';
import { buildPatientGraph, type PatientGraph } from '../graph/patient-graph.js';
import { docToBrat, docsToBioCJson, docsToPubTator } from './annotated.js';
import { toCypher, type CypherDialect } from './cypher.js';
import { toFhirBundle } from './fhir.js';
import { toTurtle } from './turtle.js';

export interface ExportOptions {
  /** Patient id for graph formats built from Docs (default `patient`). */
  patientId?: string;
  /** Put note texts into the output (Cypher Note.text, Turtle mner:text, FHIR attachment). Default true. */
  includeNoteText?: boolean;
  /** Cypher dialect (default `neo4j`). */
  dialect?: CypherDialect;
  /** Turtle instance base IRI. */
  base?: string;
  /** FHIR: reference an existing Patient (e.g. `Patient/123`) instead of writing one. */
  patientReference?: string;
}

export interface ExportFile {
  /** Relative file name, e.g. `note1.ann`. */
  name: string;
  content: string;
}

export interface Exporter {
  readonly name: string;
  readonly description: string;
  /** File extension without the dot (`fhir.json`, `ttl`, …). */
  readonly extension: string;
  readonly mediaType: string;
  fromDocs(docs: readonly Doc[], options: ExportOptions): string;
  /** Present for the formats that can write a patient graph. */
  fromGraph?(graph: PatientGraph, options: ExportOptions): string;
  /** Multi-file formats (brat) write one or more files per doc. Default: one file `export.<extension>`. */
  files?(docs: readonly Doc[], options: ExportOptions): ExportFile[];
}

export const exporters = new Registry<Exporter>('export format');

export function registerExporter(e: Exporter): void {
  exporters.register(e.name, () => e, e.description);
}

function exporter(format: string): Exporter {
  if (!exporters.has(format)) {
    throw new MedicalNerError('INVALID_OPTION', `unknown export format "${format}"; available: ${exporters.names().join(', ')}`);
  }
  return exporters.create(format);
}

export function exportFormats(): string[] {
  return exporters.names();
}

export function graphExportFormats(): string[] {
  return exporters.names().filter((n) => exporters.create(n).fromGraph);
}

export function exportDocs(docs: readonly Doc[], format: string, options: ExportOptions = {}): string {
  return exporter(format).fromDocs(docs, options);
}

export function exportGraph(graph: PatientGraph, format: string, options: ExportOptions = {}): string {
  const e = exporter(format);
  if (!e.fromGraph) {
    throw new MedicalNerError('INVALID_OPTION', `format "${format}" cannot write a patient graph; graph formats: ${graphExportFormats().join(', ')}`);
  }
  return e.fromGraph(graph, options);
}

export function exportDocFiles(docs: readonly Doc[], format: string, options: ExportOptions = {}): ExportFile[] {
  const e = exporter(format);
  return e.files ? e.files(docs, options) : [{ name: `export.${e.extension}`, content: e.fromDocs(docs, options) }];
}

export function extensionOf(format: string): string {
  return exporter(format).extension;
}

const graphOf = (docs: readonly Doc[], options: ExportOptions) =>
  buildPatientGraph(docs, options.patientId !== undefined ? { patientId: options.patientId } : {});

/** A graph format: from Docs it builds the patient graph first. */
function graphFormat(
  name: string,
  description: string,
  extension: string,
  mediaType: string,
  write: (g: PatientGraph, o: ExportOptions) => string,
): Exporter {
  return { name, description, extension, mediaType, fromGraph: write, fromDocs: (docs, o) => write(graphOf(docs, o), o) };
}

const json = (x: unknown) => JSON.stringify(x, null, 2) + '\n';
const stem = (doc: Doc, i: number) => (doc.id ?? `doc${i + 1}`).replace(/[\\/:*?"<>|\s]/g, '_');

registerExporter({
  name: 'json',
  description: 'JSON: {entities, relations, triples} per document; the patient graph (nodes, edges, triples, notes) for a graph',
  extension: 'json',
  mediaType: 'application/json',
  fromDocs: (docs) => json(docs.length === 1 ? toResult(docs[0]!) : docs.map((d) => toResult(d))),
  fromGraph: (g) => json(g.toJSON()),
});
registerExporter(
  graphFormat('fhir', 'FHIR R4 transaction Bundle (Condition, MedicationStatement, Observation, Procedure, FamilyMemberHistory, DocumentReference)', 'fhir.json', 'application/fhir+json', (g, o) => {
    const opts: Parameters<typeof toFhirBundle>[1] = {};
    if (o.includeNoteText !== undefined) opts.includeNoteText = o.includeNoteText;
    if (o.patientReference !== undefined) opts.patientReference = o.patientReference;
    return json(toFhirBundle(g, opts));
  }),
);
registerExporter(
  graphFormat('cypher', 'Neo4j Cypher script, idempotent (MERGE on stable keys); dialect kuzu on request', 'cypher', 'application/x-cypher-query', (g, o) => {
    const opts: Parameters<typeof toCypher>[1] = {};
    if (o.dialect) opts.dialect = o.dialect;
    if (o.includeNoteText !== undefined) opts.includeNoteText = o.includeNoteText;
    return toCypher(g, opts);
  }),
);
registerExporter(
  graphFormat('turtle', 'RDF Turtle (UMLS/SNOMED/RxNorm/MeSH IRIs, project vocabulary, provenance)', 'ttl', 'text/turtle', (g, o) => {
    const opts: Parameters<typeof toTurtle>[1] = {};
    if (o.base) opts.base = o.base;
    if (o.includeNoteText !== undefined) opts.includeNoteText = o.includeNoteText;
    return toTurtle(g, opts);
  }),
);
registerExporter({
  name: 'bioc',
  description: 'BioC JSON collection (one document per input)',
  extension: 'bioc.json',
  mediaType: 'application/json',
  fromDocs: (docs) => docsToBioCJson(docs),
});
registerExporter({
  name: 'pubtator',
  description: 'PubTator (concept-level relations)',
  extension: 'pubtator',
  mediaType: 'text/plain',
  fromDocs: (docs) => docsToPubTator(docs),
});
registerExporter({
  name: 'brat',
  description: 'brat standoff .ann (the .txt is the input text); files() gives both per document',
  extension: 'ann',
  mediaType: 'text/plain',
  fromDocs(docs) {
    if (docs.length !== 1) {
      throw new MedicalNerError('INVALID_OPTION', 'brat writes one .ann per document: export one document, or use exportDocFiles()');
    }
    return docToBrat(docs[0]!).ann;
  },
  files: (docs) =>
    docs.flatMap((d, i) => {
      const { txt, ann } = docToBrat(d, i);
      return [
        { name: `${stem(d, i)}.txt`, content: txt },
        { name: `${stem(d, i)}.ann`, content: ann },
      ];
    }),
});
