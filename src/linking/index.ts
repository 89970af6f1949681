/**
 * Entity linking: the `linker` component fills `codes`, `preferred_name` and `attributes.link_score`
 * on entities from the open lexicon in lexicons/ (built by scripts/build-lexicon.ts). `pipeline()` starts loading
 * the lexicon in the background while it loads the models (`prefetchLexicon`); the first document that needs it
 * waits for the rest, or `warmUp()` does.
 */
import { components } from '../core/component.js';
import type { Component, RunOptions } from '../core/component.js';
import type { Doc } from '../core/types.js';
import { aliasesFileName, defaultLexiconDir, loadLexicon, pendingLexicon } from './lexicon.js';
import { Linker, type LinkerOptions } from './linker.js';

export { findAbbreviations, abbreviationMap, type AbbreviationPair } from '../text/abbreviations.js';
export { Lexicon, loadLexicon, prefetchLexicon, pendingLexicon, defaultLexiconDir, aliasesFileName, LEXICON_FILE, PHARMGKB_FILE, type LexiconStats } from './lexicon.js';
export { ALIASES_FILE, ALIASES_TRAIN_FILE } from './format.js';
export { Linker, DEFAULT_THRESHOLDS, LINKABLE_TYPES, type LinkCandidate, type LinkContext, type LinkMethod, type LinkResult, type LinkerOptions } from './linker.js';
export { normKey, bagKey, normTokens } from './normalize.js';

const linkers = new Map<string, Linker>();

/** A Linker over the lexicon in `dir` (default: the package's lexicons/, or $MEDICAL_NER_LEXICONS); cached. */
export function getLinker(dir = defaultLexiconDir(), options: LinkerOptions = {}): Linker {
  const key = `${dir}\u0000${aliasesFileName()}\u0000${JSON.stringify(options)}`;
  let l = linkers.get(key);
  if (!l) linkers.set(key, (l = new Linker(loadLexicon(dir), options)));
  return l;
}

export interface LinkerComponentOptions extends LinkerOptions {
  lexiconDir?: string;
}

/** Waits for a background load of the lexicon, if one is running; its errors are left to `loadLexicon` to throw. */
export async function lexiconLoaded(dir?: string): Promise<void> {
  await pendingLexicon(dir)?.catch(() => undefined);
}

/** The shared linker of a lexicon folder, once a background load of that lexicon (if any) has finished. */
export async function readyLinker(dir?: string, options: LinkerOptions = {}): Promise<Linker> {
  await lexiconLoaded(dir);
  return getLinker(dir, options);
}

/** The pipeline component. Does nothing when `options.link === false`. */
export function linkerComponent(options: LinkerComponentOptions = {}): Component {
  const { lexiconDir, ...linkerOptions } = options;
  return {
    name: 'linker',
    async process(doc: Doc, run: RunOptions) {
      if (run.link === false || !doc.entities.length) return;
      (await readyLinker(lexiconDir, linkerOptions)).linkDoc(doc);
    },
    async warmUp() {
      (await readyLinker(lexiconDir, linkerOptions)).prepare();
    },
  };
}

components.register('linker', () => linkerComponent(), 'links entities to UMLS CUI, SNOMED CT, RxNorm, MeSH, ICD-10-CM, LOINC, NCBI Gene, … ids (open lexicon)');
