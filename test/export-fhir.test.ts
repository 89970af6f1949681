/**
 * FHIR R4 export, validated against the official FHIR R4 JSON schema (draft-06) in
 * ../shared/data/fhir/fhir.schema.json with ajv: Ajv (draft-07 class) plus the draft-06 meta-schema.
 * The schema names itself with the draft-04 style `id`, which ajv 8 rejects; it is renamed `$id` in
 * memory (the file is not changed). Its refs are all local (`#/definitions/…`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import { NEGATED_PARTICIPANT_EXTENSION, exportDocs, exportGraph, parseQuantity, toFhirBundle, type FhirBundle, type FhirResource } from '../src/export/index.js';
import { buildPatientGraph, docFromSpec, exampleNotes } from '../src/graph/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const SCHEMA_PATH = join(here, '..', '..', 'shared', 'data', 'fhir', 'fhir.schema.json');

let ajv: Ajv;
let validateAny: ValidateFunction;
const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';

function errorsOf(v: ValidateFunction): string {
  return JSON.stringify((v.errors ?? []).slice(0, 5), null, 1);
}

function validate(bundle: FhirBundle): void {
  assert.ok(validateAny(bundle), `Bundle: ${errorsOf(validateAny)}`);
  for (const e of bundle.entry) {
    const v = ajv.getSchema(`${SCHEMA_ID}#/definitions/${e.resource.resourceType}`)!;
    assert.ok(v, `no schema for ${e.resource.resourceType}`);
    assert.ok(v(e.resource), `${e.resource.resourceType}: ${errorsOf(v)}`);
  }
  // every reference inside the bundle resolves to an entry
  const urls = new Set(bundle.entry.map((e) => e.fullUrl));
  assert.equal(urls.size, bundle.entry.length, 'fullUrls are unique');
  const refs = JSON.stringify(bundle).match(/"reference":"[^"]*"/g) ?? [];
  for (const r of refs) {
    const target = r.slice('"reference":"'.length, -1);
    if (target.startsWith('urn:uuid:')) assert.ok(urls.has(target), `dangling reference ${target}`);
  }
}

const ofType = (b: FhirBundle, t: string) => b.entry.filter((e) => e.resource.resourceType === t).map((e) => e.resource);
const ident = (r: FhirResource) => (r.identifier as { value: string }[])[0]!.value;
const code = (cc: unknown) => (cc as { coding: { code: string }[] }).coding[0]!.code;

function richNotes() {
  const note3 = docFromSpec(
    'note3',
    'History of hypertension. Possible pneumonia. Underwent appendectomy. No aspirin for headache. ' +
      'Consider colonoscopy. Glucose 140 mg/dL, sodium normal. Father has type 2 diabetes. Pain in left knee.',
    [
      { text: 'hypertension', type: 'DISEASE', codes: { umls_cui: 'C0020538', snomed: '38341003' }, attributes: { temporality: 'historical' } },
      { text: 'pneumonia', type: 'DISEASE', codes: { umls_cui: 'C0032285' }, attributes: { assertion: 'possible' } },
      { text: 'appendectomy', type: 'PROCEDURE', codes: { umls_cui: 'C0003611', snomed: '80146002' }, attributes: { temporality: 'historical' } },
      { text: 'aspirin', type: 'DRUG', codes: { umls_cui: 'C0004057', rxnorm: '1191' }, attributes: { assertion: 'absent' } },
      { text: 'headache', type: 'DISEASE', codes: { umls_cui: 'C0018681' } },
      { text: 'colonoscopy', type: 'PROCEDURE', codes: { umls_cui: 'C0009378' }, attributes: { assertion: 'hypothetical' } },
      { text: 'Glucose', type: 'LAB_TEST', codes: { loinc: '2345-7' } },
      { text: '140 mg/dL', type: 'LAB_VALUE' },
      { text: 'sodium', type: 'LAB_TEST' },
      { text: 'normal', type: 'LAB_VALUE' },
      { text: 'type 2 diabetes', type: 'DISEASE', codes: { umls_cui: 'C0011860', snomed: '44054006' }, attributes: { experiencer: 'family' } },
      { text: 'Pain', type: 'DISEASE' },
      { text: 'left knee', type: 'ANATOMY', codes: { snomed: '82169009' } },
    ],
    [
      [3, 'TREATS', 4],
      [11, 'LOCATED_IN', 12],
    ],
  );
  return [...exampleNotes(), note3];
}

describe('FHIR export', () => {
  before(() => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    const { id, ...rest } = schema;
    assert.equal(id, SCHEMA_ID);
    assert.equal(rest.$schema, 'http://json-schema.org/draft-06/schema#');
    ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(draft6);
    ajv.addSchema({ ...rest, $id: id });
    validateAny = ajv.getSchema(SCHEMA_ID)!;
  });

  it('writes a valid transaction Bundle for the two-note example, every node and edge accounted for', () => {
    const g = buildPatientGraph(exampleNotes());
    const bundle = JSON.parse(exportGraph(g, 'fhir')) as FhirBundle;
    validate(bundle);
    assert.equal(bundle.type, 'transaction');
    const counts: Record<string, number> = {};
    for (const e of bundle.entry) counts[e.resource.resourceType] = (counts[e.resource.resourceType] ?? 0) + 1;
    assert.deepEqual(counts, { Patient: 1, DocumentReference: 2, Observation: 1, Condition: 2, MedicationStatement: 1, FamilyMemberHistory: 1 });
    for (const e of bundle.entry) {
      assert.equal(e.request.method, 'POST');
      assert.equal(e.request.url, e.resource.resourceType);
      assert.match(e.request.ifNoneExist, /^identifier=/);
    }

    // nodes: one resource per concept, or folded into one (DOSAGE → dosage, LAB_VALUE → Observation.value)
    const j = g.toJSON();
    const represented = new Set<string>();
    for (const t of ['Condition', 'MedicationStatement', 'Procedure', 'FamilyMemberHistory']) {
      for (const r of ofType(bundle, t)) represented.add(ident(r).replace(/^patient\//, '').replace(/\/family\/.*$/, ''));
    }
    const obs = ofType(bundle, 'Observation');
    for (const o of obs) {
      const [, note, entity] = ident(o).split('/');
      represented.add(j.nodes.find((n) => n.provenance.some((p) => p.note === note && p.entity === entity))!.id);
      assert.deepEqual(o.valueQuantity, { value: 8.2, unit: '%', system: 'http://unitsofmeasure.org', code: '%' });
      represented.add('text:LAB_VALUE:8.2%25');
    }
    const med = ofType(bundle, 'MedicationStatement')[0]!;
    const dosage = (med.dosage as { text: string; doseAndRate: { doseQuantity: unknown }[] }[])[0]!;
    assert.equal(dosage.text, '500mg');
    assert.deepEqual(dosage.doseAndRate[0]!.doseQuantity, { value: 500, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' });
    represented.add('text:DOSAGE:500mg');
    assert.deepEqual([...represented].sort(), j.nodes.map((n) => n.id).sort());

    // edges: TREATS → reasonReference, DOSAGE_OF → dosage, TEST_FOR → Condition.evidence → Observation
    const t2d = ofType(bundle, 'Condition').find((c) => ident(c) === 'patient/umls:C0011860')!;
    const t2dUrl = bundle.entry.find((e) => e.resource === t2d)!.fullUrl;
    assert.deepEqual((med.reasonReference as { reference: string }[]).map((r) => r.reference), [t2dUrl]);
    const obsUrl = bundle.entry.find((e) => e.resource === obs[0])!.fullUrl;
    const evidence = (t2d.evidence as { detail: { reference: string }[] }[]).flatMap((e) => e.detail.map((d) => d.reference));
    assert.ok(evidence.includes(obsUrl));
    assert.equal(j.stats.edges, 3);

    // codings in the standard systems
    assert.deepEqual(med.medicationCodeableConcept, {
      coding: [
        { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '6809' },
        { system: 'http://www.nlm.nih.gov/research/umls', code: 'C0025598' },
      ],
      text: 'metformin',
    });
    assert.deepEqual((t2d.code as { coding: { system: string }[] }).coding.map((c) => c.system), [
      'http://snomed.info/sct',
      'http://hl7.org/fhir/sid/icd-10-cm',
      'http://www.nlm.nih.gov/research/umls',
    ]);
    assert.deepEqual((obs[0]!.code as { coding: { system: string }[] }).coding.map((c) => c.system), ['http://loinc.org', 'http://www.nlm.nih.gov/research/umls']);

    // assertion policy on the example
    const chest = ofType(bundle, 'Condition').find((c) => ident(c) === 'patient/umls:C0008031')!;
    assert.equal(code(chest.verificationStatus), 'refuted');
    assert.equal(chest.clinicalStatus, undefined);
    assert.equal(code(t2d.verificationStatus), 'confirmed');
    assert.equal(code(t2d.clinicalStatus), 'active');
    const fmh = ofType(bundle, 'FamilyMemberHistory')[0]!;
    assert.equal(code(fmh.relationship), 'MTH');
    assert.equal(code((fmh.condition as { code: unknown }[])[0]!.code), '254837009');
    assert.equal(ofType(bundle, 'Condition').some((c) => ident(c).includes('C0006142')), false, 'family history is not a patient Condition');

    // provenance: a DocumentReference per note holding the note text
    const docs = ofType(bundle, 'DocumentReference');
    const note1 = Buffer.from((docs[0]!.content as { attachment: { data: string } }[])[0]!.attachment.data, 'base64').toString('utf8');
    assert.equal(note1, exampleNotes()[0]!.text);
  });

  it('applies the assertion policy and flags relations with a negated participant', () => {
    const bundle = toFhirBundle(buildPatientGraph(richNotes()), { patientReference: 'Patient/123' });
    validate(bundle);
    assert.equal(ofType(bundle, 'Patient').length, 0);
    for (const e of bundle.entry) {
      const s = (e.resource.subject ?? e.resource.patient) as { reference: string };
      assert.equal(s.reference, 'Patient/123');
    }
    const cond = (key: string) => ofType(bundle, 'Condition').find((c) => ident(c) === `patient/${key}`)!;
    assert.equal(code(cond('umls:C0020538').verificationStatus), 'confirmed');
    assert.equal(code(cond('umls:C0020538').clinicalStatus), 'inactive'); // historical
    assert.equal(code(cond('umls:C0032285').verificationStatus), 'provisional'); // possible
    assert.equal(code(cond('umls:C0011860').verificationStatus), 'confirmed'); // the patient's own mention in note1
    const pain = cond('text:DISEASE:pain');
    assert.deepEqual((pain.bodySite as { coding: { code: string }[] }[])[0]!.coding[0]!.code, '82169009');

    const fmh = ofType(bundle, 'FamilyMemberHistory').map((f) => [ident(f), code(f.relationship)]);
    assert.deepEqual(fmh.sort(), [
      ['patient/umls:C0006142/family/MTH', 'MTH'],
      ['patient/umls:C0011860/family/FTH', 'FTH'],
    ]);

    const proc = (key: string) => ofType(bundle, 'Procedure').find((c) => ident(c) === `patient/${key}`)!;
    assert.equal(proc('umls:C0003611').status, 'completed');
    assert.equal(proc('umls:C0009378').status, 'preparation'); // hypothetical

    const aspirin = ofType(bundle, 'MedicationStatement').find((m) => ident(m) === 'patient/umls:C0004057')!;
    assert.equal(aspirin.status, 'not-taken');
    const reason = (aspirin.reasonReference as { reference: string; extension?: unknown[] }[])[0]!;
    assert.deepEqual(reason.extension, [{ url: NEGATED_PARTICIPANT_EXTENSION, valueBoolean: true }]);
    const headacheUrl = bundle.entry.find((e) => ident(e.resource) === 'patient/umls:C0018681')!.fullUrl;
    assert.equal(reason.reference, headacheUrl);

    const obs = ofType(bundle, 'Observation').filter((o) => ident(o).startsWith('patient/note3/'));
    assert.equal(obs.length, 2);
    const glucose = obs.find((o) => (o.code as { text: string }).text === 'Glucose')!;
    assert.deepEqual(glucose.valueQuantity, { value: 140, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' });
    const sodium = obs.find((o) => (o.code as { text: string }).text === 'sodium')!;
    assert.equal(sodium.valueString, 'normal');
    assert.equal(sodium.status, 'final');
  });

  it('exports Docs directly (graph built on the fly) and without note text', () => {
    const bundle = JSON.parse(exportDocs(exampleNotes(), 'fhir', { includeNoteText: false, patientId: 'p-42' })) as FhirBundle;
    validate(bundle);
    const doc = ofType(bundle, 'DocumentReference')[0]!;
    assert.equal((doc.content as { attachment: { data?: string } }[])[0]!.attachment.data, undefined);
    assert.equal(ident(ofType(bundle, 'Patient')[0]!), 'p-42');
    // deterministic: same input, same bundle
    assert.equal(exportDocs(exampleNotes(), 'fhir', { patientId: 'p-42' }), exportDocs(exampleNotes(), 'fhir', { patientId: 'p-42' }));
  });

  it('makes note text a valid FHIR string: lone surrogates and whitespace other than space, CR, LF and tab replaced', () => {
    const text = 'Severe\u2028chest pain\uD800 and cough\u000b today.\uFEFF';
    const d = docFromSpec('n1', text, [
      { text: 'chest pain\uD800', type: 'DISEASE' },
      { text: 'cough\u000b today', type: 'DISEASE' },
    ]);
    const bundle = JSON.parse(exportDocs([d], 'fhir')) as FhirBundle;
    validate(bundle);
    const labels = ofType(bundle, 'Condition').map((c) => (c.code as { text: string }).text).sort();
    assert.deepEqual(labels, ['chest pain\uFFFD', 'cough  today'].sort());
  });

  it('parses values and units', () => {
    assert.deepEqual(parseQuantity('8.2%'), { value: 8.2, unit: '%', system: 'http://unitsofmeasure.org', code: '%' });
    assert.deepEqual(parseQuantity('< 5 mg/L'), { value: 5, comparator: '<', unit: 'mg/L', system: 'http://unitsofmeasure.org', code: 'mg/L' });
    assert.deepEqual(parseQuantity('5 constructor'), { value: 5, unit: 'constructor' }); // no UCUM code from Object.prototype
    assert.deepEqual(parseQuantity('1,200 mcg'), { value: 1200, unit: 'mcg', system: 'http://unitsofmeasure.org', code: 'ug' });
    assert.deepEqual(parseQuantity('7.2'), { value: 7.2 });
    assert.deepEqual(parseQuantity('12 widgets'), { value: 12, unit: 'widgets' });
    assert.equal(parseQuantity('positive'), undefined);
    assert.equal(parseQuantity('500 mg twice daily'), undefined);
  });
});
