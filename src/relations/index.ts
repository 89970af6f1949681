/**
 * The `relations` component: TREATS, CAUSES, LOCATED_IN, DOSAGE_OF, TEST_FOR, CONTRAINDICATES and
 * INTERACTS_WITH between the entities of one sentence. `PipelineOptions.relationModel` picks the
 * extractor: `relations-lr` (default: rules + logistic-regression pair classifier) or `rules`.
 * `RunOptions.relations === false` turns it off for a call; `RunOptions.crossSentence` adds the document-level
 * drug→disease head.
 */
import { components } from '../core/component.js';
import type { Component } from '../core/component.js';
import { DEFAULT_RELATION_MODEL, relationExtractor } from './extract.js';

export { RelationExtractor, relationExtractor, loadLrModel, DEFAULT_RELATION_MODEL, RELATION_MODELS } from './extract.js';
export type { ExtractorConfig } from './extract.js';
export { SIGNATURES, SYMMETRIC, fits } from './schema.js';
export type { LrModelJson, HeadJson } from './lr.js';
export type { RuleSet, RuleSpec } from './rules.js';

export function relationsComponent(modelName: string = DEFAULT_RELATION_MODEL, modelsDir?: string): Component {
  const extractor = relationExtractor(modelName, modelsDir);
  return {
    name: 'relations',
    process(doc, options) {
      if (options.relations === false) return;
      const found = extractor.extract(doc, undefined, { crossSentence: options.crossSentence === true });
      const offset = doc.relations.length;
      found.forEach((r, i) => (r.id = `R${offset + i + 1}`));
      doc.relations.push(...found);
    },
  };
}

components.register(
  'relations',
  (o) => relationsComponent(o.relationModel ?? DEFAULT_RELATION_MODEL, o.modelsDir),
  'relations between entities of a sentence: rules + logistic-regression pair classifier (relationModel: relations-lr | rules)',
);
