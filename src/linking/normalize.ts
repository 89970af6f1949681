/**
 * String normalisation for concept lookup. The same functions build the lexicon keys and the mention
 * keys, so anything lossy here (plural stripping, British→American spelling) is lossy on both sides
 * and only risks a rare collision, never a miss.
 *
 * Levels (each one a superset of the matches of the one before):
 *   1. `normKey`  : lower case, diacritics and Greek letters spelled out (α → alpha), punctuation and
 *                   hyphens → space, British → American spelling, Roman numerals → digits, plurals → singular.
 *   2. `bagKey`   : the tokens of `normKey` without stop words, sorted (word order ignored).
 *   3. loose      : (query side only, in the linker) generic head words such as "disease" or "syndrome" dropped.
 */

/** Bump when the output of any function in this file changes: the lexicon build records it. */
export const NORMALIZER_VERSION = 5;

/** A word table as a Map: looked up in an object literal, a token such as "constructor" would find Object.prototype's members. */
export function lookupTable(entries: Record<string, string>): ReadonlyMap<string, string> {
  return new Map(Object.entries(entries));
}

const GREEK = lookupTable({
  α: 'alpha', β: 'beta', γ: 'gamma', δ: 'delta', ε: 'epsilon', ϵ: 'epsilon', ζ: 'zeta', η: 'eta', θ: 'theta', ι: 'iota',
  κ: 'kappa', λ: 'lambda', μ: 'mu', µ: 'mu', ν: 'nu', ξ: 'xi', ο: 'omicron', π: 'pi', ρ: 'rho', σ: 'sigma', ς: 'sigma',
  τ: 'tau', υ: 'upsilon', φ: 'phi', ϕ: 'phi', χ: 'chi', ψ: 'psi', ω: 'omega',
});
const GREEK_RE = /[\u0370-\u03ffµ]/g;

/** Roman numerals as whole tokens; `i` and `v` only after a word that takes a numeral. */
const ROMAN = lookupTable({
  ii: '2', iii: '3', iv: '4', vi: '6', vii: '7', viii: '8', ix: '9', x: '10', xi: '11', xii: '12', xiii: '13', xiv: '14', xv: '15',
});
/** Tokens that may be Roman numerals (the rest skip the table). */
const ROMAN_LIKE = /^[ivxIVX]+$/;
const NUMERAL_HEADS = new Set(['type', 'class', 'grade', 'stage', 'phase', 'group', 'factor', 'degree', 'complex', 'subtype', 'form', 'level']);

/** Words whose British and American forms differ in ways the suffix rules below do not catch. */
const SPELLING = lookupTable({
  aluminium: 'aluminum', sulphur: 'sulfur', ageing: 'aging', grey: 'gray', mould: 'mold', moult: 'molt',
  programme: 'program', paralysed: 'paralyzed', analysed: 'analyzed', dialysed: 'dialyzed', catalysed: 'catalyzed', hydrolysed: 'hydrolyzed', catalogue: 'catalog', analyse: 'analyze', paralyse: 'paralyze', dialyse: 'dialyze',
  foetus: 'fetus', foetal: 'fetal', manoeuvre: 'maneuver', plough: 'plow', tyre: 'tire', cheque: 'check',
  oesophagus: 'esophagus', diarrhoea: 'diarrhea', gonorrhoea: 'gonorrhea', haemorrhoid: 'hemorrhoid',
});

/** Singular forms that the generic plural rules would get wrong (irregular, Latin, Greek). */
const PLURALS = lookupTable({
  metastases: 'metastasis', diagnoses: 'diagnosis', analyses: 'analysis', prostheses: 'prosthesis', stenoses: 'stenosis',
  thromboses: 'thrombosis', neuroses: 'neurosis', psychoses: 'psychosis', fibroses: 'fibrosis', scleroses: 'sclerosis',
  nephroses: 'nephrosis', dermatoses: 'dermatosis', mycoses: 'mycosis', necroses: 'necrosis', anastomoses: 'anastomosis',
  children: 'child', feet: 'foot', teeth: 'tooth', women: 'woman', men: 'man', mice: 'mouse', lice: 'louse',
  vertebrae: 'vertebra', bronchi: 'bronchus', fungi: 'fungus', nuclei: 'nucleus', bacilli: 'bacillus', emboli: 'embolus',
  thrombi: 'thrombus', calculi: 'calculus', stimuli: 'stimulus', foci: 'focus', alveoli: 'alveolus', glomeruli: 'glomerulus',
  bacteria: 'bacterium', criteria: 'criterion', ova: 'ovum', data: 'datum', phenomena: 'phenomenon', ganglia: 'ganglion',
  carcinomata: 'carcinoma', indices: 'index', appendices: 'appendix', cervices: 'cervix', apices: 'apex', matrices: 'matrix',
  varices: 'varix', viruses: 'virus', crises: 'crisis', axes: 'axis', bases: 'base', phases: 'phase', cases: 'case', ascites: 'ascites', pubes: 'pubes', diabetes: 'diabetes', herpes: 'herpes', rabies: 'rabies', scabies: 'scabies', caries: 'caries',
  series: 'series', species: 'species', feces: 'feces', faeces: 'feces', testes: 'testis', ovaries: 'ovary', arteries: 'artery',
  lymphomas: 'lymphoma', leukemias: 'leukemia',
});

/** Tokens that never end in a plural `s` (Latin singulars, -us/-is/-ss endings are caught by rule). */
const NO_STRIP = /(?:ss|us|is|ics|[^a-z]s)$/;

const STOP = new Set(['of', 'the', 'a', 'an', 'in', 'on', 'to', 'by', 'for', 'at', 'nos', 'due', 'from', 'as', 'its', 'is', 'are', 'unspecified', 'disorder', 'disease', 'syndrome']);
/** Bag keys drop these generic head words too, so "kidney disease" ≈ "disorder of kidney" (level 2 only). */
const STOP_STRICT = new Set(['of', 'the', 'a', 'an', 'in', 'on', 'to', 'by', 'for', 'at', 'nos', 'due', 'from', 'as', 'its', 'is', 'are']);

export function spellGreek(s: string): string {
  return s.replace(GREEK_RE, (c) => {
    const g = GREEK.get(c.toLowerCase());
    return g ? ` ${g} ` : c;
  });
}

/** British → American, word by word (the word is already lower case and ASCII). */
export function americanize(w: string): string {
  const fixed = SPELLING.get(w);
  if (fixed) return fixed;
  let x = w;
  if (x.length > 3) {
    // haem-, anaem-, oedema, oestrogen, paediatric, leukaemia, orthopaedic, caesarean
    if (x.includes('ae') && !/^(?:aer|ae$)/.test(x)) x = x.replace(/ae/g, 'e');
    if (x.includes('oe') && /(?:^oe|[^aeiou]oe[^s]|oe[a-z]{2})/.test(x) && !/(?:shoe|toe|hoe|foe|poem|poet|oes$)/.test(x)) x = x.replace(/oe/g, 'e');
  }
  if (x.length >= 6 && x.endsWith('our')) x = x.slice(0, -3) + 'or'; // tumour, colour, labour
  if (x.length >= 6 && x.endsWith('ours')) x = x.slice(0, -4) + 'ors';
  // each regular expression runs only on words with the letters it looks for (most words have none)
  if (x.length >= 5 && x.endsWith('re') && /[^aeiou](?:tre|bre)$/.test(x)) x = x.slice(0, -2) + 'er'; // centre, litre, fibre
  if (x.length >= 5 && x.endsWith('res') && /(?:tres|bres)$/.test(x)) x = x.slice(0, -3) + 'ers';
  if (x.includes('is')) x = x.replace(/isation/g, 'ization').replace(/(?<=[a-z]{3})is(e|ed|es|ing)$/, 'iz$1');
  if (x.startsWith('sulph')) x = 'sulf' + x.slice(5);
  return x;
}

export function singularize(w: string): string {
  if (w.length <= 3) return w;
  const irregular = PLURALS.get(w);
  if (irregular) return irregular;
  if (!w.endsWith('s') || /[0-9]/.test(w)) return w;
  if (w.endsWith('ies')) return w.length > 4 ? w.slice(0, -3) + 'y' : w;
  if (/(?:sses|xes|ches|shes|zzes)$/.test(w)) return w.slice(0, -2);
  if (w.length >= 7 && w.endsWith('uses')) return w.slice(0, -2); // fetuses, sinuses
  if (w.endsWith('es')) return w.slice(0, -1); // diseases, pulses, doses, tubes
  if (NO_STRIP.test(w)) return w;
  return w.slice(0, -1);
}

/**
 * ASCII tokens: diacritics stripped, Greek spelled out, apostrophes dropped, split on everything else and at
 * letter–digit boundaries (IL6 = IL-6 = "il 6", type2 = "type 2", COVID19 = COVID-19). Case is kept.
 */
export function rawTokens(s: string): string[] {
  let x = s;
  if (/[^\x00-\x7f]/.test(x)) {
    x = spellGreek(x).normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    x = x.replace(/[ßæœÆŒ]/g, (c) => (c === 'ß' ? 'ss' : c === 'æ' || c === 'Æ' ? 'ae' : 'oe'));
  }
  // apostrophes inside words vanish (Crohn's → Crohn, Alzheimers → Alzheimer by the plural rule)
  if (/['’`]/.test(x)) x = x.replace(/['’`]s\b/g, '').replace(/['’`]/g, '');
  // runs of letters or of digits: split at punctuation and at every letter–digit boundary
  return x.match(/[A-Za-z]+|[0-9]+/g) ?? [];
}

/** Spelling and number of one lower-cased word, memoised: a document repeats its words, the lexicon its head words. */
const wordMemo = new Map<string, string>();
const WORD_MEMO_SIZE = 100_000;

/** Empties the word memo (benchmarks start from it empty). */
export function clearWordMemo(): void {
  wordMemo.clear();
}

function wordForm(raw: string): string {
  let t = wordMemo.get(raw);
  if (t === undefined) {
    t = americanize(raw.toLowerCase());
    // acronyms keep a final capital S (AIDS, ARDS, and mixed-case iNOS, HbS); "NSAIDs" is a plural
    if (!(raw.length > 1 && (raw === raw.toUpperCase() || raw.endsWith('S')))) t = singularize(t);
    if (wordMemo.size >= WORD_MEMO_SIZE) wordMemo.clear();
    wordMemo.set(raw, t);
  }
  return t;
}

/** Normalised tokens: lower case, Roman numerals after "type"/"class"/…, British → American, plurals → singular. */
export function normTokens(s: string): string[] {
  const raw = rawTokens(s);
  const out: string[] = [];
  let prev = '';
  for (const r of raw) {
    let t: string;
    // most words are looked up in the memo by their raw form, without lower-casing them first
    if (r.length > 4 || !ROMAN_LIKE.test(r)) t = r.length > 2 && r.charCodeAt(0) > 57 ? wordForm(r) : r.toLowerCase();
    else {
      t = r.toLowerCase();
      const roman = ROMAN.get(t);
      if (roman && (t !== 'x' || NUMERAL_HEADS.has(prev))) t = roman;
      else if ((t === 'i' || t === 'v') && NUMERAL_HEADS.has(prev)) t = t === 'i' ? '1' : '5';
      else if (t.length > 2) t = wordForm(r);
    }
    out.push(t);
    prev = t;
  }
  return out;
}

/**
 * The distinct normalised words of three or more characters in `s`, for membership tests against normalised words
 * of that length: it equals those words of `new Set(normTokens(s))` (the Roman numerals normTokens turns into digits
 * stay as written here, and no normalised word of 3+ characters is one), at half the cost on a whole document.
 */
export function longWordSet(s: string): Set<string> {
  const out = new Set<string>();
  for (const r of rawTokens(s)) if (r.length > 2) out.add(r.charCodeAt(0) > 57 ? wordForm(r) : r);
  return out;
}

/** Level-1 key: normalised tokens joined by single spaces. */
export function normKey(s: string): string {
  return normTokens(s).join(' ');
}

/** Level-2 key from level-1 tokens: stop words out, sorted, de-duplicated. Empty when nothing is left. */
export function bagKeyFromTokens(tokens: readonly string[], strict = true): string {
  const stop = strict ? STOP_STRICT : STOP;
  const kept = [...new Set(tokens.filter((t) => !stop.has(t)))].sort();
  return kept.join(' ');
}

export function bagKey(s: string): string {
  return bagKeyFromTokens(normTokens(s), true);
}

/** Generic head words (disease, syndrome, disorder, …) that the loose level ignores. */
export function isGenericWord(t: string): boolean {
  return STOP.has(t) && !STOP_STRICT.has(t);
}

/** A quick, case-preserving exact form: whitespace collapsed, dashes unified. */
export function exactKey(s: string): string {
  return s.replace(/[\u2010-\u2015\u2212]/g, '-').replace(/\s+/g, ' ').trim();
}

export function isStopWord(t: string): boolean {
  return STOP_STRICT.has(t);
}
