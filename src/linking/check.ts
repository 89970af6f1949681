/**
 * The `lexicon-check` component: an entity the NER model is unsure of (confidence below its type's value) is
 * kept only if the lexicon links it. Runs right after `ner`. The model's low-confidence output outside the
 * corpora it learned from is partly words that name no concept at all ("complained", "A rare", "case" tagged
 * DISEASE in ADE case reports, whose training labels mark adverse effects only); a confident entity or one the
 * lexicon knows is kept whatever it is. Values per type come from the NER model's config (chosen on dev, see its
 * model card) or from PipelineOptions.lexiconCheck.
 *
 * It also settles the type clashes the NER model leaves to the lexicon (`attributes.alt_type`, see
 * OnnxNerConfig.clash_lexicon): the entity keeps its type if the lexicon links its text to a concept of that type,
 * and takes the other type (with that type's confidence) otherwise. This runs before the confidence check.
 *
 * Last, an entity whose text names a concept of another type and none of its own takes that type
 * (rules/retype.json: an organ tagged DISEASE on its own is an ANATOMY), or goes when that type was not asked for.
 */
import { components } from '../core/component.js';
import type { Component, LexiconCheck, PipelineOptions, RunOptions } from '../core/component.js';
import { renumberEntities } from '../core/doc.js';
import { MedicalNerError } from '../core/errors.js';
import type { Doc, Entity, EntityType } from '../core/types.js';
import { isEntityType } from '../core/types.js';
import { readyLinker } from './index.js';
import { LINKABLE_TYPES } from './linker.js';
import retypeJson from './rules/retype.json' with { type: 'json' };
import { compileNameRule, namesConcept } from './names.js';
import type { NameRule } from './names.js';

/** An entity of `from` that names no concept of its type but one of `to` (rule's `type`) takes `to` (rules/retype.json). */
interface RetypeRule extends NameRule {
  from: EntityType;
}

const RETYPE: RetypeRule[] = retypeJson.rules.map((r) => {
  if (!isEntityType(r.from)) throw new Error(`retype rule: unknown entity type ${JSON.stringify(r.from)}`);
  return { ...compileNameRule({ ...r, type: r.to }, 'retype rule'), from: r.from };
});

function validate(check: LexiconCheck): LexiconCheck {
  for (const [type, min] of Object.entries(check)) {
    if (!isEntityType(type) || !LINKABLE_TYPES.includes(type)) throw new MedicalNerError('INVALID_OPTION', `lexicon check: "${type}" is not a type the lexicon links (${LINKABLE_TYPES.join(', ')})`);
    if (typeof min !== 'number' || !(min >= 0 && min <= 1)) throw new MedicalNerError('INVALID_OPTION', `lexicon check: the value for ${type} must be a number in [0, 1]`);
  }
  return check;
}

export function lexiconCheckComponent(check: LexiconCheck | false | undefined, lexiconDir?: string): Component {
  const mins = check ? validate(check) : {};
  const active = Object.keys(mins).length > 0;
  return {
    name: 'lexicon-check',
    async process(doc: Doc, options: RunOptions) {
      if (!active || !doc.entities.length) return;
      const linker = await readyLinker(lexiconDir);
      let ctx: ReturnType<typeof linker.context> | undefined;
      for (const e of doc.entities) {
        const alt = e.attributes?.alt_type;
        if (typeof alt !== 'string' || !isEntityType(alt)) continue;
        const { alt_type: _t, alt_confidence: altConfidence, ...rest } = e.attributes!;
        ctx ??= linker.context(doc.text);
        if (linker.linkIfSure(e.text, e.type, ctx)?.type !== e.type && linker.linkIfSure(e.text, alt, ctx)?.type === alt) {
          e.type = alt;
          if (typeof altConfidence === 'number') e.confidence = altConfidence;
        }
        e.attributes = rest;
      }
      const retyped = new Set<Entity>();
      for (const e of doc.entities) {
        const rule = RETYPE.find((r) => r.from === e.type);
        // the name lookup first: it is cheap, and few entities pass it; linking as its own type may search near misses
        if (!rule || !namesConcept(linker, (ctx ??= linker.context(doc.text)), e.text, rule) || linker.linkIfSure(e.text, e.type, ctx) !== null) continue;
        e.type = rule.type; // dropped below when the type was not asked for
        retyped.add(e);
      }
      const kept = doc.entities.filter((e) => {
        if (retyped.has(e) && options.entityTypes && !options.entityTypes.includes(e.type)) return false;
        const min = mins[e.type];
        if (min === undefined || e.confidence >= min) return true;
        return linker.linkIfSure(e.text, e.type, (ctx ??= linker.context(doc.text))) !== null;
      });
      if (kept.length === doc.entities.length) return;
      doc.entities = kept;
      renumberEntities(doc);
    },
    async warmUp() {
      if (!active) return;
      (await readyLinker(lexiconDir)).prepare();
    },
  };
}

components.register('lexicon-check', (o: PipelineOptions) => lexiconCheckComponent(o.lexiconCheck), "drops entities the NER model is unsure of that the lexicon cannot link (values per type from the NER model's config)");
