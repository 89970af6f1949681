import type { Component, LexiconCheck, PipelineOptions, RunOptions } from '../core/component.js';
import { renumberEntities } from '../core/doc.js';
import { Registry } from '../core/registry.js';
import type { Doc, Entity, EntityType } from '../core/types.js';
import { ENTITY_TYPES } from '../core/types.js';
import { abbreviationConsistency } from './abbreviations.js';
import { dropNonMentions } from './non-mentions.js';

/** An entity recogniser. `predict` only needs to return entities of the requested types. */
export interface NerModel {
  readonly name: string;
  readonly types: readonly EntityType[];
  /**
   * Entities of `types`, and where the model can, of `helpers` too: types a later step reads, decoded and resolved
   * apart from `types`, so that asking for them changes no entity of `types`. Models may ignore `helpers`.
   */
  predict(doc: Doc, types: ReadonlySet<EntityType>, helpers?: ReadonlySet<EntityType>): Promise<Entity[]>;
  dispose?(): Promise<void>;
  /** Encoder outputs whose piece vectors to leave beside each Doc (core/token-states.ts), for later components; models without an encoder ignore it. */
  keepTokenStates?: readonly string[];
  /** The default of PipelineOptions.lexiconCheck for this model (its confidences are its own, so are the values). */
  readonly lexiconCheck?: LexiconCheck;
}

/** NER models by name: `baseline`, `ner-minilm`, … */
export const nerModels = new Registry<Promise<NerModel>, [PipelineOptions]>('NER model');

/** The `ner` component; `helperTypes` are the types later steps read (Component.needsTypes), set by the pipeline. */
export interface NerComponent extends Component {
  helperTypes: ReadonlySet<EntityType>;
}

/** Wraps a model as the pipeline's `ner` component (with abbreviation consistency and the non-mention rules, see abbreviations.ts and non-mentions.ts). */
export function nerComponent(model: NerModel): NerComponent {
  return {
    name: 'ner',
    helperTypes: new Set(),
    async process(doc: Doc, options: RunOptions) {
      const types = new Set<EntityType>(options.entityTypes ?? ENTITY_TYPES);
      const helpers = new Set([...this.helperTypes].filter((t) => !types.has(t)));
      const all = await model.predict(doc, types, helpers);
      // the requested and the helper types are made consistent and cleaned apart: helpers change no requested entity
      const clean = (keep: ReadonlySet<EntityType>) => dropNonMentions(doc.text, abbreviationConsistency(doc.text, all.filter((e) => keep.has(e.type)))).filter((e) => keep.has(e.type));
      doc.entities.push(...clean(types), ...(helpers.size ? clean(helpers) : []));
      renumberEntities(doc);
    },
    dispose: () => model.dispose?.(),
  };
}
