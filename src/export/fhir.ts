/**
 * The patient graph as a FHIR R4 transaction Bundle.
 *
 * Entries (each `POST` with `ifNoneExist` on a stable identifier, so re-submitting is harmless;
 * `fullUrl`s are deterministic `urn:uuid:`s derived from patient id + key):
 *  - Patient (or only references to `patientReference` when given);
 *  - DocumentReference per note (the note text as a base64 attachment): the provenance target;
 *  - Condition per DISEASE concept mentioned about the patient;
 *  - MedicationStatement per DRUG concept, with dosage (from DOSAGE_OF, else a DOSAGE in the same sentence)
 *    and reasonReference to the Conditions it TREATS;
 *  - Procedure per PROCEDURE concept, reasonReference likewise;
 *  - Observation per LAB_TEST mention, with the LAB_VALUE of the same sentence as valueQuantity
 *    (number + UCUM unit when it parses) or valueString;
 *  - FamilyMemberHistory per (DISEASE concept, relative) mentioned with experiencer `family`.
 *
 * Assertion policy (the status comes from the most recent note mentioning the concept; within that
 * note the strongest assertion wins, present > possible > hypothetical > absent):
 *   present → Condition confirmed/active; historical → clinicalStatus inactive
 *   possible → verificationStatus provisional; hypothetical → unconfirmed (no clinicalStatus)
 *   absent → verificationStatus refuted, no clinicalStatus (kept, not omitted: "ruled out" is information)
 *   MedicationStatement.status: active | completed (historical) | not-taken (absent) | unknown (possible) | intended (hypothetical)
 *   Procedure.status: completed | not-done (absent) | unknown (possible) | preparation (hypothetical)
 *   Observation.status: final (with a value) | registered (no value) | preliminary (possible) | cancelled (absent)
 *   experiencer family → FamilyMemberHistory (absent family mentions and non-disease family mentions are
 *   left out); experiencer other → left out.
 * Relations whose participant is negated are kept and flagged with the extension
 * `<FHIR_NS>StructureDefinition/negated-participant` on the reference.
 * Provenance: Condition.evidence.detail, MedicationStatement.derivedFrom, Procedure.report and
 * Observation.derivedFrom reference the notes' DocumentReferences; FamilyMemberHistory.note quotes them.
 */
import { createHash } from 'node:crypto';
import type { CodeSystem, EntityType } from '../core/types.js';
import type { PatientGraph } from '../graph/patient-graph.js';
import type { EdgeMention, GraphEdge, GraphNode, NodeMention } from '../graph/types.js';
import { encodePart, FHIR_NS, FHIR_SYSTEMS, UCUM, wellFormed } from './namespaces.js';

export type FhirResource = { resourceType: string; [key: string]: unknown };

export interface FhirBundleEntry {
  fullUrl: string;
  resource: FhirResource;
  request: { method: 'POST'; url: string; ifNoneExist: string };
}

export interface FhirBundle {
  resourceType: 'Bundle';
  type: 'transaction';
  entry: FhirBundleEntry[];
}

export interface FhirOptions {
  /** An existing Patient to reference, e.g. `Patient/123`; then no Patient entry is written. */
  patientReference?: string;
  /** Put each note's text in its DocumentReference (base64 attachment). Default true. */
  includeNoteText?: boolean;
}

export const NEGATED_PARTICIPANT_EXTENSION = `${FHIR_NS}StructureDefinition/negated-participant`;
const IDENTIFIER_SYSTEM = {
  patient: `${FHIR_NS}patient`,
  note: `${FHIR_NS}note`,
  concept: `${FHIR_NS}concept`,
  mention: `${FHIR_NS}mention`,
};
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const CONDITION_VER = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';

const CODING_ORDER: CodeSystem[] = ['snomed', 'rxnorm', 'loinc', 'icd10cm', 'umls_cui'];

type Assertion = 'present' | 'possible' | 'hypothetical' | 'absent';
const ASSERTION_RANK: Record<Assertion, number> = { present: 3, possible: 2, hypothetical: 1, absent: 0 };

/** Deterministic RFC 4122 name-based (SHA-1, version 5 layout) UUID of a string. */
export function uuidFor(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function codeableConcept(node: GraphNode, text = node.label): Record<string, unknown> {
  const coding = CODING_ORDER.filter((s) => node.codes[s]).map((s) => ({ system: FHIR_SYSTEMS[s]!, code: node.codes[s]! }));
  return coding.length ? { coding, text } : { text };
}

function assertionOf(m: NodeMention): Assertion {
  const a = m.assertion ?? 'present';
  return Object.hasOwn(ASSERTION_RANK, a) ? (a as Assertion) : 'present';
}

/** The deciding mention: from the most recent note, the one with the strongest assertion. */
function decidingMention(mentions: NodeMention[]): NodeMention {
  const lastNote = mentions[mentions.length - 1]!.note;
  let best: NodeMention | undefined;
  for (const m of mentions) {
    if (m.note !== lastNote) continue;
    if (!best || ASSERTION_RANK[assertionOf(m)] > ASSERTION_RANK[assertionOf(best)]) best = m;
  }
  return best!;
}

const isPatient = (m: NodeMention) => (m.experiencer ?? 'patient') === 'patient';

// --- quantities -----------------------------------------------------------------------------------

const UCUM_UNITS: Record<string, string> = {
  '%': '%', mg: 'mg', g: 'g', kg: 'kg', mcg: 'ug', ug: 'ug', 'µg': 'ug', 'μg': 'ug', ng: 'ng', ml: 'mL', l: 'L', dl: 'dL',
  'mg/dl': 'mg/dL', 'g/dl': 'g/dL', 'g/l': 'g/L', 'mg/l': 'mg/L', 'mmol/l': 'mmol/L', 'umol/l': 'umol/L', 'µmol/l': 'umol/L',
  'meq/l': 'meq/L', 'u/l': 'U/L', 'iu/l': '[IU]/L', iu: '[IU]', units: 'U', u: 'U', 'ng/ml': 'ng/mL', 'pg/ml': 'pg/mL',
  'ug/ml': 'ug/mL', 'mcg/ml': 'ug/mL', 'mg/ml': 'mg/mL', mmhg: 'mm[Hg]', bpm: '/min', '/min': '/min', cm: 'cm', mm: 'mm',
  'kg/m2': 'kg/m2', 'mg/kg': 'mg/kg', 'ml/min': 'mL/min', 'mu/l': 'm[IU]/L', 'miu/l': 'm[IU]/L', 'uiu/ml': 'u[IU]/mL',
  '°c': 'Cel', '°f': '[degF]', 'mg/day': 'mg/d', 'mcg/day': 'ug/d', 'x10^9/l': '10*9/L', 'x10^12/l': '10*12/L', '/ul': '/uL',
};

const QUANTITY = /^\s*(<=|>=|<|>)?\s*([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)\s*([A-Za-z%µμ°/][A-Za-z0-9%µμ°/^.*[\]-]*)?\s*$/;

/** "8.2%" → {value: 8.2, unit: '%', system: UCUM, code: '%'}; "140 mg/dL", "<5 mg/L", "500mg"; undefined when not a number (+ unit). */
export function parseQuantity(text: string): Record<string, unknown> | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const value = Number(m[2]!.replace(/,/g, ''));
  if (!Number.isFinite(value)) return undefined;
  const q: Record<string, unknown> = { value };
  if (m[1]) q.comparator = m[1];
  const unit = m[3];
  if (unit) {
    q.unit = unit;
    const key = unit.toLowerCase();
    const code = Object.hasOwn(UCUM_UNITS, key) ? UCUM_UNITS[key] : undefined;
    if (code) {
      q.system = UCUM;
      q.code = code;
    }
  }
  return q;
}

// --- family relationships -------------------------------------------------------------------------

const RELATIVES: [RegExp, string, string][] = [
  [/\bgrand\s*mother\b/i, 'GRMTH', 'grandmother'],
  [/\bgrand\s*father\b/i, 'GRFTH', 'grandfather'],
  [/\b(?:mother|mom|mum)\b/i, 'MTH', 'mother'],
  [/\b(?:father|dad)\b/i, 'FTH', 'father'],
  [/\bsisters?\b/i, 'SIS', 'sister'],
  [/\bbrothers?\b/i, 'BRO', 'brother'],
  [/\bdaughters?\b/i, 'DAU', 'daughter'],
  [/\bsons?\b/i, 'SON', 'son'],
  [/\baunts?\b/i, 'AUNT', 'aunt'],
  [/\buncles?\b/i, 'UNCLE', 'uncle'],
  [/\bcousins?\b/i, 'COUSN', 'cousin'],
  [/\bsiblings?\b/i, 'SIB', 'sibling'],
  [/\bparents?\b/i, 'PRN', 'parent'],
];

function relativeOf(m: NodeMention): [string, string] {
  const s = m.sentence?.text ?? '';
  for (const [re, code, display] of RELATIVES) if (re.test(s)) return [code, display];
  return ['FAMMEMB', 'family member'];
}

// --- the bundle -----------------------------------------------------------------------------------

export function toFhirBundle(graph: PatientGraph, options: FhirOptions = {}): FhirBundle {
  const pid = graph.patientId;
  const entries: FhirBundleEntry[] = [];
  const add = (resource: FhirResource, system: string, value: string): string => {
    const fullUrl = `urn:uuid:${uuidFor(`${system}|${value}`)}`;
    resource.identifier = [{ system, value }];
    entries.push({
      fullUrl,
      resource,
      request: { method: 'POST', url: resource.resourceType, ifNoneExist: `identifier=${encodePart(system)}|${encodePart(value)}` },
    });
    return fullUrl;
  };

  let patientRef: string;
  if (options.patientReference) patientRef = options.patientReference;
  else patientRef = add({ resourceType: 'Patient' }, IDENTIFIER_SYSTEM.patient, pid);
  const subject = { reference: patientRef };

  // One DocumentReference per note.
  const noteRef = new Map<string, string>();
  for (const n of graph.notes()) {
    const text = graph.noteText(n.id) ?? '';
    const bytes = Buffer.from(text, 'utf8');
    const attachment: Record<string, unknown> = { contentType: 'text/plain; charset=utf-8', title: n.id, size: bytes.length };
    if (options.includeNoteText !== false && bytes.length > 0) {
      attachment.data = bytes.toString('base64');
      attachment.hash = createHash('sha1').update(bytes).digest('base64');
    }
    const docRef: FhirResource = { resourceType: 'DocumentReference', status: 'current', subject, description: `Clinical note ${n.id}`, content: [{ attachment }] };
    noteRef.set(n.id, add(docRef, IDENTIFIER_SYSTEM.note, `${pid}/${n.id}`));
  }
  const provenanceRefs = (mentions: { note: string }[]) =>
    [...new Set(mentions.map((m) => m.note))].map((id) => ({ reference: noteRef.get(id)!, display: `note ${id}` }));

  const nodes = graph.nodes();
  const byKey = new Map(nodes.map((n) => [n.id, n]));
  const edges = graph.edges();
  const bySubject = new Map<string, GraphEdge[]>();
  const byObject = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    (bySubject.get(e.subject) ?? bySubject.set(e.subject, []).get(e.subject)!).push(e);
    (byObject.get(e.object) ?? byObject.set(e.object, []).get(e.object)!).push(e);
  }
  const conceptId = (node: GraphNode) => `${pid}/${node.id}`;

  // Observations first (Conditions point to them through TEST_FOR).
  const observationOf = new Map<string, string>(); // `${note}\u0000${entity}` → fullUrl
  for (const note of graph.notes()) {
    const ms = graph.noteMentions(note.id).filter(isPatient);
    const bySentence = new Map<number, NodeMention[]>();
    for (const m of ms) {
      if (m.type !== 'LAB_TEST' && m.type !== 'LAB_VALUE') continue;
      const k = m.sentence?.start ?? -(m.start + 1); // no sentence: a unit of its own
      const list = bySentence.get(k);
      if (list) list.push(m);
      else bySentence.set(k, [m]);
    }
    for (const group of bySentence.values()) {
      const values = group.filter((m) => m.type === 'LAB_VALUE');
      const claimed = new Set<NodeMention>();
      for (const test of group.filter((m) => m.type === 'LAB_TEST')) {
        const value =
          values.find((v) => !claimed.has(v) && v.start >= test.end) ?? [...values].reverse().find((v) => !claimed.has(v) && v.end <= test.start);
        if (value) claimed.add(value);
        const node = byKey.get(test.node)!;
        const assertion = assertionOf(test);
        const obs: FhirResource = {
          resourceType: 'Observation',
          status: assertion === 'absent' ? 'cancelled' : assertion === 'possible' ? 'preliminary' : value ? 'final' : 'registered',
          category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'laboratory', display: 'Laboratory' }] }],
          code: codeableConcept(node, test.text),
          subject,
          derivedFrom: [{ reference: noteRef.get(test.note)!, display: `note ${test.note} [${test.start}-${test.end}]` }],
        };
        if (value && assertion !== 'absent') {
          const q = parseQuantity(value.text);
          if (q) obs.valueQuantity = q;
          else obs.valueString = value.text;
        }
        observationOf.set(`${test.note}\u0000${test.entity}`, add(obs, IDENTIFIER_SYSTEM.mention, `${pid}/${test.note}/${test.entity}`));
      }
    }
  }

  // Conditions.
  const conditionOf = new Map<string, string>(); // node key → fullUrl
  const conditions: [GraphNode, FhirResource][] = [];
  for (const node of nodes) {
    if (node.type !== 'DISEASE') continue;
    const ms = node.provenance.filter(isPatient);
    if (!ms.length) continue;
    const d = decidingMention(ms);
    const assertion = assertionOf(d);
    const historical = d.temporality === 'historical';
    const ver = { present: 'confirmed', possible: 'provisional', hypothetical: 'unconfirmed', absent: 'refuted' }[assertion];
    const cond: FhirResource = {
      resourceType: 'Condition',
      verificationStatus: { coding: [{ system: CONDITION_VER, code: ver }] },
      code: codeableConcept(node),
      subject,
    };
    if (assertion === 'present' || assertion === 'possible') {
      const clinical = historical ? 'inactive' : 'active';
      cond.clinicalStatus = { coding: [{ system: CONDITION_CLINICAL, code: clinical }] };
    }
    cond.evidence = [{ detail: provenanceRefs(ms) }];
    conditionOf.set(node.id, add(cond, IDENTIFIER_SYSTEM.concept, conceptId(node)));
    conditions.push([node, cond]);
  }

  const flagged = (ref: Record<string, unknown>, negated: boolean) =>
    negated ? { ...ref, extension: [{ url: NEGATED_PARTICIPANT_EXTENSION, valueBoolean: true }] } : ref;

  // Edge-derived elements of Conditions: bodySite (LOCATED_IN) and evidence (TEST_FOR → Observations).
  for (const [node, cond] of conditions) {
    const sites = (bySubject.get(node.id) ?? []).filter((e) => e.predicate === 'LOCATED_IN' && byKey.get(e.object)?.type === 'ANATOMY');
    if (sites.length) cond.bodySite = sites.map((e) => codeableConcept(byKey.get(e.object)!));
    const tests: Record<string, unknown>[] = [];
    for (const e of byObject.get(node.id) ?? []) {
      if (e.predicate !== 'TEST_FOR') continue;
      for (const p of e.provenance) {
        const obs = observationOf.get(`${p.note}\u0000${p.subject.entity}`);
        if (obs) tests.push(flagged({ reference: obs, display: `${p.subject.text} (TEST_FOR)` }, p.negated));
      }
    }
    if (tests.length) (cond.evidence as Record<string, unknown>[]).push({ detail: tests });
  }

  const reasons = (node: GraphNode) => {
    const out: Record<string, unknown>[] = [];
    for (const e of bySubject.get(node.id) ?? []) {
      const target = conditionOf.get(e.object);
      if (e.predicate !== 'TREATS' || !target) continue;
      out.push(flagged({ reference: target, display: byKey.get(e.object)!.label }, e.negated_count > 0));
    }
    return out;
  };

  // MedicationStatements and Procedures.
  for (const node of nodes) {
    if (node.type !== 'DRUG' && node.type !== 'PROCEDURE') continue;
    const ms = node.provenance.filter(isPatient);
    if (!ms.length) continue;
    const d = decidingMention(ms);
    const assertion = assertionOf(d);
    const historical = d.temporality === 'historical';
    let resource: FhirResource;
    if (node.type === 'DRUG') {
      const status = { present: historical ? 'completed' : 'active', possible: 'unknown', hypothetical: 'intended', absent: 'not-taken' }[assertion];
      resource = { resourceType: 'MedicationStatement', status, medicationCodeableConcept: codeableConcept(node), subject, derivedFrom: provenanceRefs(ms) };
      const dosage = dosageFor(graph, ms);
      if (dosage) resource.dosage = [dosage];
    } else {
      const status = { present: 'completed', possible: 'unknown', hypothetical: 'preparation', absent: 'not-done' }[assertion];
      resource = { resourceType: 'Procedure', status, code: codeableConcept(node), subject, report: provenanceRefs(ms) };
    }
    const why = reasons(node);
    if (why.length) resource.reasonReference = why;
    add(resource, IDENTIFIER_SYSTEM.concept, conceptId(node));
  }

  // FamilyMemberHistory.
  for (const node of nodes) {
    if (node.type !== 'DISEASE') continue;
    const byRelative = new Map<string, { display: string; mentions: NodeMention[] }>();
    for (const m of node.provenance) {
      if (m.experiencer !== 'family' || assertionOf(m) === 'absent') continue;
      const [code, display] = relativeOf(m);
      const g = byRelative.get(code);
      if (g) g.mentions.push(m);
      else byRelative.set(code, { display, mentions: [m] });
    }
    for (const [code, { display, mentions }] of byRelative) {
      const fmh: FhirResource = {
        resourceType: 'FamilyMemberHistory',
        status: 'completed',
        patient: subject,
        relationship: { coding: [{ system: ROLE_CODE, code, display }], text: display },
        condition: [{ code: codeableConcept(node) }],
        note: mentions.map((m) => ({ text: `medical-ner: note ${m.note} [${m.start}-${m.end}]: ${m.sentence?.text ?? m.text}` })),
      };
      add(fmh, IDENTIFIER_SYSTEM.concept, `${conceptId(node)}/family/${code}`);
    }
  }

  return fhirStrings({ resourceType: 'Bundle', type: 'transaction', entry: entries });
}

/**
 * Every string of the Bundle made valid as a FHIR string (`^[ \r\n\t\S]+$`, Unicode): lone surrogates become
 * U+FFFD, and whitespace other than space, CR, LF and tab (U+2028, U+FEFF, vertical tab, …) a space. Note text
 * reaches the Bundle in labels, sentences and quantities, and may hold any of them.
 */
function fhirStrings<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value).replace(/[^\S \r\n\t]/g, ' ') as T;
  if (Array.isArray(value)) return value.map(fhirStrings) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fhirStrings(v)])) as T;
  return value;
}

/** Dosage of the most recent mention that has one: DOSAGE_OF relation, else a DOSAGE in the same sentence. */
function dosageFor(graph: PatientGraph, mentions: NodeMention[]): Record<string, unknown> | undefined {
  for (let i = mentions.length - 1; i >= 0; i--) {
    const m = mentions[i]!;
    const rel: EdgeMention | undefined = graph
      .noteRelations(m.note)
      .find((r) => r.predicate === 'DOSAGE_OF' && r.object.entity === m.entity);
    let text = rel?.subject.text;
    if (!text && m.sentence) {
      const same = graph.noteMentions(m.note).filter((x) => x.type === ('DOSAGE' as EntityType) && x.sentence?.start === m.sentence!.start);
      same.sort((a, b) => Math.abs(a.start - m.end) - Math.abs(b.start - m.end));
      text = same[0]?.text;
    }
    if (!text) continue;
    const dosage: Record<string, unknown> = { text };
    const q = parseQuantity(text);
    if (q && !q.comparator) dosage.doseAndRate = [{ doseQuantity: q }]; // SimpleQuantity: no comparator
    return dosage;
  }
  return undefined;
}
