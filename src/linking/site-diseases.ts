/**
 * The `site-diseases` component: an anatomical site right before a disease word joins it when the two name one
 * disease concept ("[pulmonary] [edema]" → DISEASE "pulmonary edema", linked to *Pulmonary Edema* rather than
 * *Edema*). The site's ANATOMY entity stays, nested in the disease, so LOCATED_IN can still read it. The NER model
 * learned the split from MACCROBAT (rules/site-diseases.json); users of coded output expect the whole name, as
 * BC5CDR, NCBI-disease and the vocabularies write it. Runs after `lexicon-check`, before the linker.
 */
import { components } from '../core/component.js';
import type { Component } from '../core/component.js';
import { renumberEntities } from '../core/doc.js';
import type { Doc, EntityType } from '../core/types.js';
import { isEntityType } from '../core/types.js';
import { readyLinker } from './index.js';
import rulesJson from './rules/site-diseases.json' with { type: 'json' };
import { compileNameRule, namesConcept } from './names.js';
import type { NameRule } from './names.js';

export interface SiteRule extends NameRule {
  siteType: EntityType;
  gap: RegExp;
}

function compile(r: typeof rulesJson): SiteRule {
  if (!isEntityType(r.site_type)) throw new Error(`site-diseases rule: unknown entity type ${JSON.stringify(r.site_type)}`);
  return { ...compileNameRule(r, 'site-diseases rule'), siteType: r.site_type, gap: new RegExp(r.gap) };
}

const DEFAULT_RULE = compile(rulesJson);

export function siteDiseasesComponent(rule: SiteRule = DEFAULT_RULE, lexiconDir?: string): Component {
  return {
    name: 'site-diseases',
    needsTypes: [rule.siteType],
    async process(doc: Doc) {
      const sites = doc.entities.filter((e) => e.type === rule.siteType);
      if (!sites.length || !doc.entities.some((e) => e.type === rule.type)) return;
      const linker = await readyLinker(lexiconDir);
      let ctx: ReturnType<typeof linker.context> | undefined;
      let changed = false;
      for (const e of doc.entities) {
        if (e.type !== rule.type) continue;
        // the nearest site before it (the longest, where two end at the same place)
        const site = sites.filter((a) => a.end <= e.start && rule.gap.test(doc.text.slice(a.end, e.start))).sort((a, b) => a.start - b.start)[0];
        if (!site || doc.entities.some((x) => x.type === rule.type && x.start <= site.start && x.end >= e.end)) continue;
        const text = doc.text.slice(site.start, e.end);
        if (!namesConcept(linker, (ctx ??= linker.context(doc.text)), text, rule)) continue;
        e.start = site.start;
        e.text = text;
        e.confidence = Math.min(e.confidence, site.confidence);
        changed = true;
      }
      if (changed) renumberEntities(doc);
    },
    async warmUp() {
      (await readyLinker(lexiconDir)).prepare();
    },
  };
}

components.register('site-diseases', () => siteDiseasesComponent(), 'an anatomical site right before a disease word joins it when the two name one disease concept ("pulmonary edema")');
