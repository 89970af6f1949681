/**
 * What the HTTP server, the MCP server and the LangChain tools do, in one place: validate limits,
 * run notes through an Extractor, format per-text outputs and build/export patient graphs.
 */
import type { RunOptions } from '../core/component.js';
import { toResult } from '../core/doc.js';
import { MedicalNerError } from '../core/errors.js';
import type { Doc, ExtractionResult } from '../core/types.js';
import { buildPatientGraph } from '../graph/index.js';
import type { PatientGraph } from '../graph/index.js';
import { exportDocs, exportFormats } from '../export/index.js';
import type { Note } from './api-options.js';
import { runAll } from './extractor.js';
import type { Extractor } from './extractor.js';
import { exportPatientGraph, graphFormat, mediaTypeOf } from './graph-export.js';

export interface Limits {
  /** Longest accepted text, in UTF-16 code units. */
  maxTextLength: number;
  /** Most texts (or notes) in one request. */
  maxTexts: number;
}

export const DEFAULT_LIMITS: Limits = { maxTextLength: 100_000, maxTexts: 1_000 };

export type StreamItem = { index: number; id: string; doc: Doc } | { index: number; id: string; error: MedicalNerError | Error };

export class NerService {
  readonly limits: Limits;

  constructor(
    readonly extractor: Extractor,
    limits: Partial<Limits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Throws INPUT_TOO_LARGE (→ 413) when a request is over the limits, before any work starts. */
  checkLimits(notes: readonly Note[]): void {
    if (notes.length > this.limits.maxTexts) {
      throw new MedicalNerError('INPUT_TOO_LARGE', `${notes.length} texts in one request; the limit is ${this.limits.maxTexts}`);
    }
    notes.forEach((n, i) => {
      if (n.text.length > this.limits.maxTextLength) {
        throw new MedicalNerError('INPUT_TOO_LARGE', `text ${notes.length > 1 ? `${i} ("${n.id}") ` : ''}has ${n.text.length} characters; the limit is ${this.limits.maxTextLength}`);
      }
    });
  }

  checkFormat(format: string): void {
    if (!exportFormats().includes(format)) {
      throw new MedicalNerError('INVALID_OPTION', `unknown output_format "${format}"; available: ${exportFormats().join(', ')}`);
    }
  }

  async docs(notes: readonly Note[], options: RunOptions): Promise<Doc[]> {
    this.checkLimits(notes);
    return runAll(this.extractor, notes, options);
  }

  async extract(text: string, options: RunOptions): Promise<ExtractionResult> {
    const [doc] = await this.docs([{ id: 'input', text }], options);
    return toResult(doc!);
  }

  /** Results in input order, each yielded as soon as it and all before it are done. */
  async *stream(notes: readonly Note[], options: RunOptions): AsyncGenerator<StreamItem> {
    this.checkLimits(notes);
    const jobs = this.extractor.runEach(notes, options);
    jobs.forEach((j) => j.catch(() => undefined));
    for (let i = 0; i < jobs.length; i++) {
      const id = notes[i]!.id;
      try {
        yield { index: i, id, doc: await jobs[i]! };
      } catch (e) {
        yield { index: i, id, error: e as Error };
      }
    }
  }

  async format(docs: Doc[], format: string): Promise<{ body: string; mediaType: string }> {
    this.checkFormat(format);
    return { body: exportDocs(docs, format), mediaType: mediaTypeOf(format) };
  }

  async graph(notes: readonly Note[], options: RunOptions, patientId?: string): Promise<PatientGraph> {
    const docs = await this.docs(notes, options);
    return buildPatientGraph(docs, { patientId: patientId ?? 'patient', entityTypes: options.entityTypes });
  }

  /** Builds the graph and serialises it; `format` may be a name or an alias (neo4j, rdf). */
  async graphExport(notes: readonly Note[], options: RunOptions, format: string, patientId?: string): Promise<{ graph: PatientGraph; format: string; body: string; mediaType: string }> {
    const f = graphFormat(format);
    const graph = await this.graph(notes, options, patientId);
    return { graph, format: f, body: exportPatientGraph(graph, f), mediaType: mediaTypeOf(f) };
  }

  close(): Promise<void> {
    return this.extractor.close();
  }
}

/** HTTP status for an error thrown by the service or the pipeline. */
export function statusOf(e: unknown): number {
  if (e instanceof MedicalNerError) {
    return { INPUT_TOO_LARGE: 413, INVALID_INPUT: 400, INVALID_OPTION: 422, MODEL_NOT_FOUND: 500, IO_ERROR: 502 }[e.code];
  }
  return 500;
}
