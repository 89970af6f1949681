/** IRIs and code-system URIs shared by the exports. */
import type { CodeSystem } from '../core/types.js';

/** The project's vocabulary (classes and predicates), prefix `mner:`. */
export const MNER_NS = 'https://github.com/medical-ner/medical-ner/ns#';
/** Default base for the instance IRIs (patients, notes, mentions, edges); override with `base`. */
export const DEFAULT_DATA_BASE = 'https://github.com/medical-ner/medical-ner/id/';
/** Base of the project's FHIR identifier systems and extensions. */
export const FHIR_NS = 'https://github.com/medical-ner/medical-ner/fhir/';

/** RDF IRI namespace per code system: `<namespace><id>` names the concept. */
export const CONCEPT_IRI_BASES: Record<CodeSystem, string> = {
  umls_cui: 'http://linkedlifedata.com/resource/umls/id/',
  snomed: 'http://snomed.info/id/',
  rxnorm: 'http://purl.bioontology.org/ontology/RXNORM/',
  mesh: 'http://id.nlm.nih.gov/mesh/',
  icd10cm: 'http://purl.bioontology.org/ontology/ICD10CM/',
  loinc: 'http://purl.bioontology.org/ontology/LNC/',
  ncbi_gene: 'http://identifiers.org/ncbigene/',
  hgnc: 'http://identifiers.org/hgnc/',
  doid: 'http://purl.obolibrary.org/obo/DOID_',
  mondo: 'http://purl.obolibrary.org/obo/MONDO_',
  hpo: 'http://purl.obolibrary.org/obo/HP_',
  uberon: 'http://purl.obolibrary.org/obo/UBERON_',
  drugbank: 'http://identifiers.org/drugbank/',
};

/** Turtle prefix per code system (only where the local part is a plain id). */
export const CONCEPT_PREFIXES: Partial<Record<CodeSystem, string>> = {
  umls_cui: 'umls',
  snomed: 'snomed',
  rxnorm: 'rxnorm',
  mesh: 'mesh',
};

const OBO_PREFIX = /^(?:DOID|MONDO|HP|UBERON|HGNC)[:_]/i;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string with each lone surrogate replaced by U+FFFD: RDF and FHIR hold Unicode text, and encodeURIComponent throws on one. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** encodeURIComponent for any JS string. */
export function encodePart(s: string): string {
  return encodeURIComponent(wellFormed(s));
}

/** The IRI of a concept code, e.g. `('umls_cui', 'C0025598')` → `http://linkedlifedata.com/resource/umls/id/C0025598`. */
export function conceptIri(system: CodeSystem, value: string): string {
  const local = value.trim().replace(OBO_PREFIX, '');
  return CONCEPT_IRI_BASES[system] + encodePart(local);
}

/** FHIR code-system URIs (Coding.system). Codes in other systems are not written as FHIR codings. */
export const FHIR_SYSTEMS: Partial<Record<CodeSystem, string>> = {
  snomed: 'http://snomed.info/sct',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  loinc: 'http://loinc.org',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  umls_cui: 'http://www.nlm.nih.gov/research/umls',
};

export const UCUM = 'http://unitsofmeasure.org';
