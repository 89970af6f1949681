/**
 * The one table mapping each corpus's own entity labels to the canonical entity types
 * that are scored. A label missing from its corpus's row is not scored (it stays on the
 * mention as `label`, with no `type`). docs/corpora.md renders this table; keep them in step.
 */
import type { EntityType } from './types.js';

export const LABEL_TABLE: Readonly<Record<string, Readonly<Record<string, EntityType>>>> = {
  bc5cdr: { Chemical: 'DRUG', Disease: 'DISEASE' },
  biored: { ChemicalEntity: 'DRUG', DiseaseOrPhenotypicFeature: 'DISEASE', GeneOrGeneProduct: 'GENE' },
  'ncbi-disease': { SpecificDisease: 'DISEASE', DiseaseClass: 'DISEASE', Modifier: 'DISEASE', CompositeMention: 'DISEASE' },
  bc2gm: { GENE: 'GENE' },
  jnlpba: { protein: 'GENE', DNA: 'GENE', RNA: 'GENE' },
  anatem: {
    Anatomical_system: 'ANATOMY',
    Cancer: 'ANATOMY',
    Cell: 'ANATOMY',
    Cellular_component: 'ANATOMY',
    Developing_anatomical_structure: 'ANATOMY',
    Immaterial_anatomical_entity: 'ANATOMY',
    'Multi-tissue_structure': 'ANATOMY',
    Organ: 'ANATOMY',
    Organism_subdivision: 'ANATOMY',
    Organism_substance: 'ANATOMY',
    Pathological_formation: 'ANATOMY',
    Tissue: 'ANATOMY',
    Anatomy: 'ANATOMY', // the collapsed label of the AnatEM-IOB conversion
  },
  maccrobat: {
    Disease_disorder: 'DISEASE',
    Sign_symptom: 'DISEASE',
    Medication: 'DRUG',
    Biological_structure: 'ANATOMY',
    Therapeutic_procedure: 'PROCEDURE',
    Diagnostic_procedure: 'LAB_TEST',
    Lab_value: 'LAB_VALUE',
    Dosage: 'DOSAGE',
    Frequency: 'DOSAGE',
    Duration: 'DURATION',
    Severity: 'SEVERITY',
  },
  chia: { Condition: 'DISEASE', Drug: 'DRUG', Procedure: 'PROCEDURE', Measurement: 'LAB_TEST', Value: 'LAB_VALUE' },
  ade: { Drug: 'DRUG', Adverse_Effect: 'DISEASE', Dosage: 'DOSAGE' },
  ddi: { drug: 'DRUG', brand: 'DRUG', group: 'DRUG', drug_n: 'DRUG' },
  chemprot: { CHEMICAL: 'DRUG', 'GENE-Y': 'GENE', 'GENE-N': 'GENE' },
};

/** Corpus names that share another corpus's label set (same data, different split or task). */
export const LABEL_ALIASES: Readonly<Record<string, string>> = { 'ddi-re': 'ddi' };

/** Canonical type of a corpus label, or undefined when that label is not scored (or the corpus is unknown). */
export function canonicalType(corpus: string, label: string): EntityType | undefined {
  const row = LABEL_TABLE[LABEL_ALIASES[corpus] ?? corpus];
  return row && Object.hasOwn(row, label) ? row[label] : undefined;
}
