/**
 * medical-ner public API.
 *
 *   import { pipeline } from 'medical-ner';
 *   const ner = await pipeline();                 // best shipped model; { model: 'baseline' } for rules
 *   const result = await ner.extract(text);       // { entities, relations, triples }
 *
 * Offsets are UTF-16 code units (JavaScript string indices), end-exclusive.
 */
export { pipeline, Pipeline, DEFAULT_COMPONENTS, DEFAULT_MAX_TEXT_LENGTH, defaultModelName } from './pipeline.js';
export type { PipelineOptions, RunOptions } from './pipeline.js';
export * from './core/types.js';
export type { AnnotatedDoc, Mention, GoldRelation } from './core/corpus.js';
export type { Component } from './core/component.js';
export { components } from './core/component.js';
export { Registry } from './core/registry.js';
export { MedicalNerError } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
export { createDoc, makeEntity, toResult, triplesOf, assertConsistent } from './core/doc.js';
export { extractionSchema, validateResult } from './core/schema.js';
export { nerModels } from './ner/model.js';
export type { NerModel } from './ner/model.js';
export { splitSentences } from './text/sentences.js';
export { tokenize } from './text/tokens.js';
export { negationScopes, ScopeModel } from './context/index.js';
export type { NegationScope, ScopeQuery } from './context/index.js';
export { EntityScorer, RelationScorer, prf } from './eval/score.js';
export * from './export/index.js';
export * from './graph/index.js';
export { createMedicalNerTools, createExtractMedicalEntitiesTool, createBuildPatientKnowledgeGraphTool } from './langchain/index.js';
export type { MedicalNerToolsOptions } from './langchain/index.js';
