/**
 * Clinical context: section detection (`sections` component → `doc.sections`) and ConText assertion
 * (`context` component → `entity.attributes.assertion / experiencer / temporality` + cues), plus the
 * BioScope-style negation-scope finder. Rules are JSON under ./rules (see docs/context.md).
 */
import { components } from '../core/component.js';
import { assertContext } from './assertion.js';
import { detectSections, dropHeadingEntities } from './sections.js';

components.register(
  'sections',
  () => ({
    name: 'sections',
    process(doc) {
      doc.sections = detectSections(doc.text);
    },
  }),
  'clinical note sections (HPI, PMH, FAMILY HISTORY, …) with canonical names (rules/sections.json)',
);

components.register(
  'heading-filter',
  () => ({
    name: 'heading-filter',
    process(doc) {
      dropHeadingEntities(doc);
    },
  }),
  'drops entities inside a section heading that is a label ("COMPLICATIONS:", "ALLERGIES:"); runs after sections and ner',
);

components.register(
  'context',
  () => ({
    name: 'context',
    process(doc, options) {
      if (options.context === false) return;
      assertContext(doc);
    },
  }),
  'ConText assertion: present/absent/possible/hypothetical, patient/family/other, current/historical (rules/context.json)',
);

export {
  assertContext,
  contextOf,
  ContextEngine,
  defaultContextEngine,
  defaultContextRules,
} from './assertion.js';
export type { Assertion, ContextAttributes, ContextRulesJson, Cue, Experiencer, Modifier, SentenceContext, Temporality } from './assertion.js';
export { defaultSectionDetector, defaultSectionRules, detectSections, dropHeadingEntities, SectionDetector, sectionAt, sectionContext } from './sections.js';
export type { SectionContext, SectionRuleJson, SectionRulesJson } from './sections.js';
export { defaultScopeResolver, defaultScopeRules, negationScopes, ScopeResolver } from './scope.js';
export type { NegationScope, ScopeOptions, ScopeRulesJson } from './scope.js';
export { DEFAULT_SCOPE_MODEL_DIR, ScopeModel } from './scope-model.js';
export type { ScopeQuery } from './scope-model.js';
export { contextTokens, TriggerMatcher } from './matcher.js';
export type { Axis, Category, ContextRuleJson, Direction } from './matcher.js';
