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
  predict(doc: Doc, types: ReadonlySet<EntityType>): Promise<Entity[]>;
  dispose?(): Promise<void>;
  /** Leave the encoder's piece vectors beside each Doc (core/token-states.ts), for a later component; models without an encoder ignore it. */
  keepTokenStates?: boolean;
  /** The default of PipelineOptions.lexiconCheck for this model (its confidences are its own, so are the values). */
  readonly lexiconCheck?: LexiconCheck;
}

/** NER models by name: `baseline`, `ner-minilm`, … */
export const nerModels = new Registry<Promise<NerModel>, [PipelineOptions]>('NER model');

/** Wraps a model as the pipeline's `ner` component (with abbreviation consistency and the non-mention rules, see abbreviations.ts and non-mentions.ts). */
export function nerComponent(model: NerModel): Component {
  return {
    name: 'ner',
    async process(doc: Doc, options: RunOptions) {
      const types = new Set<EntityType>(options.entityTypes ?? ENTITY_TYPES);
      const found = dropNonMentions(doc.text, abbreviationConsistency(doc.text, await model.predict(doc, types)));
      doc.entities.push(...found.filter((e) => types.has(e.type)));
      renumberEntities(doc);
    },
    dispose: () => model.dispose?.(),
  };
}
