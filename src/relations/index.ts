/**
 * The `relations` component: TREATS, CAUSES, LOCATED_IN, DOSAGE_OF, TEST_FOR, CONTRAINDICATES and
 * INTERACTS_WITH between the entities of one sentence. `PipelineOptions.relationModel` picks the
 * extractor: `relations-nn` (default: rules + logistic-regression pair classifier mixed with dense heads over the
 * NER encoder's vectors), `relations-lr` (rules + the classifier alone) or `rules`.
 * `RunOptions.relations === false` turns it off for a call; `RunOptions.crossSentence` adds the document-level
 * drug→disease heads (extract.ts).
 */
import { components } from '../core/component.js';
import { releaseTokenStates } from '../core/token-states.js';
import type { Component } from '../core/component.js';
import { DEFAULT_RELATION_MODEL, relationExtractor } from './extract.js';

export { RelationExtractor, relationExtractor, loadLrModel, DEFAULT_RELATION_MODEL, RELATION_MODELS } from './extract.js';
export type { ExtractorConfig } from './extract.js';
export { SIGNATURES, SYMMETRIC, fits } from './schema.js';
export type { LrModelJson, HeadJson } from './lr.js';
export type { RuleSet, RuleSpec } from './rules.js';

export function relationsComponent(modelName: string = DEFAULT_RELATION_MODEL, modelsDir?: string, threads?: number): Component {
  const extractor = relationExtractor(modelName, modelsDir, threads);
  return {
    name: 'relations',
    ...(extractor.config.dense ? { tokenStateOutputs: extractor.config.dense.outputs } : {}),
    async process(doc, options) {
      try {
        if (options.relations === false) return;
        const found = await extractor.extractAsync(doc, undefined, { crossSentence: options.crossSentence === true });
        const offset = doc.relations.length;
        found.forEach((r, i) => (r.id = `R${offset + i + 1}`));
        doc.relations.push(...found);
      } finally {
        releaseTokenStates(doc); // the last reader of the NER model's vectors
      }
    },
  };
}

components.register(
  'relations',
  (o) => relationsComponent(o.relationModel ?? DEFAULT_RELATION_MODEL, o.modelsDir, o.threads),
  'relations between entities of a sentence: rules + pair classifiers (relationModel: relations-nn | relations-lr | rules)',
);
