import { Registry } from './registry.js';
import type { Doc, EntityType } from './types.js';

/** Per-call options every component may read. */
export interface RunOptions {
  /** Keep only these entity types (models skip the work for the others where they can). */
  entityTypes?: readonly EntityType[];
  /** Fill `codes` on entities. Default true. */
  link?: boolean;
  /** Extract relations. Default true. */
  relations?: boolean;
  /** Add assertion/experiencer/temporality attributes. Default true. */
  context?: boolean;
  /**
   * Also decide drug→disease CAUSES at the document level, per pair of concepts and across sentences too (as
   * BC5CDR CID scores it). Default false: the document heads were trained on abstracts, and on clinical notes
   * they fire wrongly.
   */
  crossSentence?: boolean;
}

/** One pipeline step with one job: it reads the Doc and adds to it. */
export interface Component {
  readonly name: string;
  process(doc: Doc, options: RunOptions): void | Promise<void>;
  /** Load or build what the first document would otherwise wait for (long-running processes call it). */
  warmUp?(): void | Promise<void>;
  /** Calls a remote service (LLM validation): left out of warm-ups, which must not cost an API call or fail on one. */
  readonly remote?: boolean;
  /** Release native resources (ONNX sessions, …). */
  dispose?(): void | Promise<void>;
  /** The NER encoder outputs whose piece vectors the step reads (core/token-states.ts): the pipeline asks its NER model to keep them. */
  readonly tokenStateOutputs?: readonly string[];
  /**
   * Entity types the step reads even when the caller did not ask for them (`site-diseases` reads ANATOMY): the NER
   * model decodes them apart from the requested types, and the pipeline removes them after the last such step.
   */
  readonly needsTypes?: readonly EntityType[];
}

/** Options given when a pipeline is built (once), as opposed to RunOptions (per call). */
export interface PipelineOptions {
  /** NER model name (default: the best shipped model). */
  model?: string;
  /** Relation model name (default: the best shipped one). */
  relationModel?: string;
  /** Component names, in order; `ner` marks where the NER model runs. Default: DEFAULT_COMPONENTS. */
  components?: readonly string[];
  /** Texts longer than this (UTF-16 code units) are rejected with INPUT_TOO_LARGE. */
  maxTextLength?: number;
  /** Directory holding the models (defaults to the package's own models/). */
  modelsDir?: string;
  /** Intra-op threads of a neural model (default 2; a server's worker pool divides the cores among its workers). */
  threads?: number;
  /**
   * The `lexicon-check` component: an entity of one of these types whose confidence is below the type's value
   * and that the lexicon cannot link is dropped. Default: the NER model's own values (its `config.json`
   * `lexicon_check`, chosen on dev); false: keep everything the model found.
   */
  lexiconCheck?: LexiconCheck | false;
}

/** Per entity type, the confidence below which an entity must link to a lexicon concept to be kept. */
export type LexiconCheck = Readonly<Partial<Record<EntityType, number>>>;

/** Component factories by name (`sentences`, `sections`, `linker`, `context`, `relations`, …). */
export const components = new Registry<Component | Promise<Component>, [PipelineOptions]>('component');
