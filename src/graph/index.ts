/** The patient knowledge graph: many notes of one patient merged into concept nodes and relation edges. */
export { PatientGraph, buildPatientGraph, ATTRIBUTE_DEFAULTS } from './patient-graph.js';
export type { AddNoteResult, DuplicatePolicy, PatientGraphOptions } from './patient-graph.js';
export { conceptKey, edgeKey, keyPrefix, noisyOr, normaliseText, KEY_SYSTEMS } from './keys.js';
export type * from './types.js';
export { exampleNotes, docFromSpec } from './example.js';
