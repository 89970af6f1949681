import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { components } from '../src/core/component.js';
import { createDoc, makeEntity } from '../src/core/doc.js';
import type { Doc, EntityType } from '../src/core/types.js';
import { evalTasks } from '../src/eval/task.js';
import { findAbbreviations } from '../src/text/abbreviations.js';
import { ALIASES_FILE, ALIASES_TRAIN_FILE, packContainer, parseCodes, unpackContainer, type AliasesFile, type PharmgkbFile } from '../src/linking/format.js';
import { defaultLexiconDir, getLinker, Lexicon, LEXICON_FILE, lexiconLoaded, linkerComponent, loadLexicon, pendingLexicon, PHARMGKB_FILE, prefetchLexicon } from '../src/linking/index.js';
import { pharmgkbNameKeys } from '../src/linking/lexicon.js';
import { coordinatedParts } from '../src/linking/linker.js';
import { docToAnnotated } from '../src/export/annotated.js';
import { NgramIndex, trigramsOf } from '../src/linking/ngram.js';
import { bagKey, NORMALIZER_VERSION, normKey } from '../src/linking/normalize.js';
import { goldGroups, LINK_SPECS } from '../src/eval/linking.js';

describe('normalisation', () => {
  it('folds case, punctuation, hyphens and Greek letters', () => {
    assert.equal(normKey('TNF-α'), normKey('TNF alpha'));
    assert.equal(normKey('IL-6'), normKey('IL6'));
    assert.equal(normKey("Crohn's disease"), normKey('Crohn disease'));
    assert.equal(normKey('Sjögren syndrome'), 'sjogren syndrome');
  });
  it('maps British to American spelling', () => {
    assert.equal(normKey('oesophageal tumour'), normKey('esophageal tumor'));
    assert.equal(normKey('haemorrhage'), 'hemorrhage');
    assert.equal(normKey('anaemia'), 'anemia');
    assert.equal(normKey('coeliac disease'), normKey('celiac disease'));
    assert.equal(normKey('paralysed'), 'paralyzed');
  });
  it('singularises plurals, keeps Latin singulars and acronyms', () => {
    assert.equal(normKey('breast cancers'), 'breast cancer');
    assert.equal(normKey('diseases of the kidneys'), 'disease of the kidney');
    assert.equal(normKey('metastases'), 'metastasis');
    assert.equal(normKey('viruses'), 'virus');
    assert.equal(normKey('diabetes mellitus'), 'diabetes mellitus');
    assert.equal(normKey('AIDS'), 'aids');
    assert.equal(normKey('iNOS'), 'inos', 'a mixed-case acronym keeps its final capital S');
    assert.equal(normKey('NSAIDs'), 'nsaid');
  });
  it('turns Roman numerals after type/class into digits', () => {
    assert.equal(normKey('type II diabetes'), 'type 2 diabetes');
    assert.equal(normKey('Type 2 diabetes'), normKey('type2 diabetes'));
  });
  it('treats words that name Object.prototype members as plain words', () => {
    assert.equal(normKey('Constructor II'), 'constructor 2');
    assert.equal(normKey('toString __proto__ valueOf'), 'tostring proto valueof');
  });
  it('ignores word order at the bag level', () => {
    assert.equal(bagKey('cancer of the breast'), bagKey('breast cancer'));
    assert.equal(bagKey('Diabetes Mellitus, Type 2'), bagKey('type 2 diabetes mellitus'));
  });
});

describe('abbreviations (Schwartz–Hearst)', () => {
  it('finds long form (SF) and SF (long form) pairs', () => {
    const text = 'Hepatocellular carcinoma (HCC) is common. Levels of TNF (tumor necrosis factor) rose; chronic kidney disease (CKD, n = 12).';
    const pairs = findAbbreviations(text).map((p) => [p.short, p.long]);
    assert.deepEqual(pairs, [
      ['HCC', 'Hepatocellular carcinoma'],
      ['TNF', 'tumor necrosis factor'],
      ['CKD', 'chronic kidney disease'],
    ]);
  });
  it('rejects parentheses that are not definitions', () => {
    assert.deepEqual(findAbbreviations('The dose was increased (see below) and the patient (aged 54) improved.'), []);
  });
});

describe('container format', () => {
  it('round-trips sections with alignment', () => {
    const a = new Uint32Array([1, 2, 3]);
    const buf = packContainer(
      { format: 'medical-ner-lexicon', version: 1, normalizer: 0, notice: 'n', types: ['DISEASE'], sources: [], counts: { concepts: 0, names: 0, normKeys: 0, bagKeys: 0 }, abbreviations: [] },
      [
        ['x', Buffer.from('ab\n')],
        ['y', new Uint8Array(a.buffer)],
      ],
    );
    const { header, section } = unpackContainer(buf);
    assert.equal(header.notice, 'n');
    assert.equal(section('x').toString(), 'ab\n');
    const y = section('y');
    assert.equal(y.byteOffset % 8, 0);
    assert.deepEqual([...new Uint32Array(y.buffer, y.byteOffset, 3)], [1, 2, 3]);
  });
  it('parses code strings', () => {
    const c = parseCodes('umls_cui=C1,C2;mesh=D3');
    assert.deepEqual(c.get('umls_cui'), ['C1', 'C2']);
    assert.deepEqual(c.get('mesh'), ['D3']);
  });
  it('trigrams are distinct and padded', () => {
    assert.equal(trigramsOf('abc').length, 3); // " ab", "abc", "bc "
    assert.equal(trigramsOf('aaaa').length, 3); // " aa", "aaa", "aa "
  });
});

describe('lexicon artifact', () => {
  const dir = defaultLexiconDir();
  it('is committed, small, and carries the LOINC notice', () => {
    for (const f of [LEXICON_FILE, PHARMGKB_FILE, 'NOTICE.md']) assert.ok(existsSync(join(dir, f)), f);
    let total = 0;
    for (const f of [LEXICON_FILE, PHARMGKB_FILE]) {
      const size = statSync(join(dir, f)).size;
      assert.ok(size < 50e6, `${f} is ${size} bytes`);
      total += size;
    }
    assert.ok(total < 30e6, `lexicon files total ${total} bytes`);
    const lex = loadLexicon();
    assert.match(lex.notice, /LOINC is copyright/);
    assert.ok(lex.stats.concepts > 150_000);
    assert.ok(lex.stats.pharmgkbRows > 4000, 'PharmGKB rows attached');
  });
  it('merges DOID, MONDO, HPO and MeSH terms sharing ids into one concept', () => {
    const lex = loadLexicon();
    const hits = Array.from(lex.lookupNorm(normKey('type 2 diabetes mellitus')), (p) => p >>> 2);
    assert.equal(new Set(hits).size, 1);
    const codes = lex.allCodes(hits[0]!);
    assert.deepEqual(codes.get('doid'), ['DOID:9352']);
    assert.equal(codes.get('mondo')?.[0], 'MONDO:0005148');
    assert.equal(codes.get('mesh')?.[0], 'D003924');
  });
  it('loads in the background (prefetchLexicon, as pipeline() starts it) into the cache loadLexicon reads', async () => {
    // another directory (links to the same files), so that this load is not the cached one
    const dir = mkdtempSync(join(tmpdir(), 'lexicon-'));
    for (const f of readdirSync(defaultLexiconDir())) symlinkSync(join(defaultLexiconDir(), f), join(dir, f));
    try {
      const p = prefetchLexicon(dir);
      assert.equal(pendingLexicon(dir), p);
      assert.equal(prefetchLexicon(dir), p, 'one load per directory');
      const lex = await p;
      assert.equal(pendingLexicon(dir), undefined);
      assert.equal(loadLexicon(dir), lex, 'the synchronous loader returns what the background one built');
      assert.equal(lex.size, loadLexicon().size);
      assert.deepEqual(lex.lookupNorm(normKey('metformin')), loadLexicon().lookupNorm(normKey('metformin')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // a missing lexicon fails the background load; waiting for it throws nothing, the synchronous loader does
    const missing = join(tmpdir(), 'no-such-lexicon-dir');
    const failed = prefetchLexicon(missing);
    await lexiconLoaded(missing);
    await assert.rejects(failed, /lexicon not found/);
    assert.throws(() => loadLexicon(missing), /lexicon not found/);
  });

  it('finds a key by binary search before its hash table exists, and the same key after', () => {
    // a fresh Lexicon over the same bytes, so that the shared one's tables are not built here
    const gz = readFileSync(join(dir, LEXICON_FILE));
    const lex = new Lexicon(gunzipSync(gz));
    for (const ix of [lex.norm, lex.bag]) {
      const keys: [string, number][] = [];
      for (let id = 0; id < ix.size; id += 97) keys.push([ix.key(id), id]);
      keys.push([ix.key(0), 0], [ix.key(ix.size - 1), ix.size - 1]);
      for (const [k, id] of keys) assert.equal(ix.search(k), id, k);
      const all = new Set(Array.from({ length: ix.size }, (_, id) => ix.key(id)));
      const misses = ['', 'zzzzzz qqq', `${ix.key(5)} qqq`, ix.key(5).slice(0, -1), `${ix.key(ix.size - 1)}z`].filter((m) => !all.has(m));
      assert.ok(misses.length >= 3);
      for (const m of misses) assert.equal(ix.search(m), -1, m);
      ix.prepare();
      for (const [k, id] of keys) assert.equal(ix.find(k), id, k);
      assert.equal(ix.find('zzzzzz qqq'), -1);
    }
  });
  it("stores PharmGKB names' lookup keys as the current normaliser makes them", () => {
    const file = JSON.parse(gunzipSync(readFileSync(join(dir, PHARMGKB_FILE))).toString('utf8')) as PharmgkbFile;
    assert.equal(file.normalizer, NORMALIZER_VERSION, 'pharmgkb.json.gz was built by another normaliser: run npm run build:lexicon');
    let n = 0;
    for (const row of file.rows) {
      const names = row[3];
      const keys = row[5]!;
      assert.equal(keys.length, names.length);
      names.forEach((name, j) => assert.equal(keys[j], pharmgkbNameKeys(name), name));
      n += names.length;
    }
    assert.ok(n > 20_000, `${n} names`);
  });
});

function link(text: string, type: EntityType, context = text) {
  const linker = getLinker();
  return linker.link(text, type, linker.context(context));
}

describe('linker', () => {
  it('fills the codes its top concept lacks from a same-name concept of another source, replacing none', () => {
    const linker = getLinker();
    // "Phylloquinone": DrugBank's concept (no MeSH id) and MeSH's "Vitamin K 1" are separate concepts with that name
    // (not a corpus alias, which would name one concept directly)
    const [top, second] = linker.candidates('Phylloquinone', 'DRUG');
    assert.notEqual(top!.method, 'corpus-alias');
    assert.equal(linker.result(top!).codes.mesh, undefined);
    assert.equal(linker.result(second!).codes.mesh, 'D010837');
    const r = link('Phylloquinone', 'DRUG');
    assert.equal(r?.concept, top!.concept);
    assert.deepEqual(r?.codes, { ...linker.result(top!).codes, mesh: 'D010837' });
    assert.deepEqual(r?.xrefs.mesh, ['D010837']);
    // DrugBank's "Ardeparin" and MeSH's Heparin (which lists it as a name) both have an RxNorm id (87866 and 5224):
    // the top concept's stays, and only the missing MeSH id is added
    assert.equal(link('Ardeparin', 'DRUG')?.codes.rxnorm, '87866');
    assert.equal(link('Ardeparin', 'DRUG')?.codes.mesh, 'D006493');
  });

  it("fills the code systems a concept lacks from its namesakes (another source's concept with its preferred name)", () => {
    const linker = getLinker();
    // HPO's "Nausea" (MeSH D009325) has no ICD-10-CM code; ICD-10-CM's "Nausea" (R11.0) is a separate concept
    const r = link('nausea', 'DISEASE')!;
    assert.equal(linker.lexicon.allCodes(r.concept).get('icd10cm'), undefined);
    assert.equal(r.codes.icd10cm, 'R11.0');
    assert.deepEqual(r.xrefs.icd10cm, ['R11.0']);
    assert.equal(r.codes.mesh, linker.lexicon.allCodes(r.concept).get('mesh')?.[0]);
    assert.equal(r.codes.mesh, 'D009325');
  });

  it("gives a disease without a MeSH heading its head phrase's, marked as broader, and links an unknown phrase by its head", async () => {
    const linker = getLinker();
    // HPO's "Atrial arrhythmia" has no MeSH id: its own codes stay, MeSH comes from "Arrhythmia"
    const r = link('atrial arrhythmias', 'DISEASE')!;
    assert.equal(linker.lexicon.allCodes(r.concept).get('mesh'), undefined);
    assert.equal(r.preferred_name, 'Atrial arrhythmia');
    assert.equal(r.codes.umls_cui, 'C0085611');
    assert.equal(r.codes.mesh, 'D001145');
    assert.equal(r.mesh_broader, 'Arrhythmia');
    // nothing names "scalp dermatitis": the link is its head's, with a lower score
    const h = link('scalp dermatitis', 'DISEASE')!;
    assert.equal(h.method, 'head');
    assert.equal(h.preferred_name, 'dermatitis');
    assert.ok(h.score < 1 && h.score >= linker.thresholds.DISEASE, `score ${h.score}`);
    // the pipeline marks the broader heading on the entity
    const doc = createDoc('Atrial arrhythmias occurred.');
    doc.entities.push(makeEntity(doc, { start: 0, end: 18 }, 'DISEASE', 0.9));
    await linkerComponent().process(doc, {});
    assert.equal(doc.entities[0]!.codes?.mesh, 'D001145');
    assert.equal(doc.entities[0]!.attributes?.mesh_broader, 'Arrhythmia');
  });
  it('does not back off to a broad head: cancer words, post-modifiers, OMIM diseases, other types', () => {
    // MeSH files a cancer under its organ, not under "Neoplasms"
    assert.equal(link('coronary tumor', 'DISEASE'), null);
    // "X-linked spastic paraplegia" has an OMIM id and no MeSH id: it keeps its specific concept, without a broader heading
    const x = link('X-linked spastic paraplegia', 'DISEASE')!;
    assert.equal(x.codes.mesh, undefined);
    assert.equal(x.mesh_broader, undefined);
    // drugs never back off: "Dopamine" would not be a kind of "xyzzy dopamine"
    assert.notEqual(link('xyzzyq dopamine', 'DRUG')?.method, 'head');
  });

  it("files a tumour without a MeSH heading under its organ's neoplasms, and a disease named by its inheritance under genetic diseases", () => {
    // "colorectal adenocarcinoma" (DOID, HPO) has no MeSH id; MeSH indexes it under Colorectal Neoplasms
    const c = link('colorectal adenocarcinoma', 'DISEASE')!;
    assert.equal(c.preferred_name, 'colorectal adenocarcinoma');
    assert.equal(c.codes.mesh, 'D015179');
    assert.equal(c.mesh_broader, 'colorectal cancer');
    // nothing names these: the link is MeSH's Genetic Diseases, Inborn, by the head rule
    for (const t of ['X-linked recessive condition', 'hereditary human disorder']) {
      const g = link(t, 'DISEASE')!;
      assert.equal(g.codes.mesh, 'D030342', t);
      assert.equal(g.method, 'head', t);
    }
    // a cancer is more than its inheritance
    assert.notEqual(link('inherited cancer syndrome', 'DISEASE')?.codes.mesh, 'D030342');
  });

  it('keeps a disease mention off what its modifier names: a virus, a process, a gene or a chemical', () => {
    // without "disease" these name the virus and the process (untyped MeSH descriptors), which the mention is not
    assert.notEqual(link('cytomegalovirus disease', 'DISEASE')?.codes.mesh, 'D003587');
    assert.equal(link('salivation disorder', 'DISEASE')?.codes.mesh, undefined);
    // an untyped MeSH descriptor named like a gene (HPRT1's "hypoxanthine phosphoribosyltransferase") is no disease
    const linker = getLinker();
    assert.ok(linker.candidates('HPRT', 'GENE').some((c) => linker.result(c).codes.mesh === 'D007041'));
    assert.equal(link('HPRT', 'DISEASE'), null);
    // a lone generic word or a letter gets no "disease" added
    assert.equal(linker.linkIfSure('deficiency', 'DISEASE'), null);
    assert.ok(!linker.candidates('deficiency', 'DISEASE').some((c) => c.method === 'variant'));
    assert.equal(link('A-', 'DISEASE'), null);
  });

  it('links a disease mention to an untyped MeSH descriptor only when the descriptor is a disease', () => {
    const linker = getLinker();
    // organisms, chemicals, organs and functions: the NER model's stray DISEASE entities get no code from them
    for (const [text, mesh] of [['breast', 'D001940'], ['asbestos', 'D001194'], ['Aspergillus', 'D001230'], ['hepatitis B virus', 'D006515'], ['sleep', 'D012890'], ['pregnancy', 'D011247']]) {
      assert.ok(linker.candidates(text, null).some((c) => linker.result(c).codes.mesh === mesh), `${text} is in the lexicon`);
      assert.notEqual(link(text, 'DISEASE')?.codes.mesh, mesh, text);
    }
    // untyped descriptors that are diseases: by a disease word or ending in a name, or by the corpora's disease mentions
    assert.equal(link('visceral pain', 'DISEASE')?.codes.mesh, 'D059265');
    assert.equal(link('hyperemia', 'DISEASE')?.codes.mesh, 'D006940');
    assert.equal(link('cardiotoxicity', 'DISEASE')?.codes.mesh, 'D066126');
  });

  it('splits a coordinated disease mention into the concepts it names', async () => {
    assert.deepEqual(coordinatedParts('breast and ovarian cancers'), ['breast cancers', 'ovarian cancers']);
    assert.deepEqual(coordinatedParts('brain, breast, and prostate cancer'), ['brain cancer', 'breast cancer', 'prostate cancer']);
    assert.deepEqual(coordinatedParts('Duchenne and Becker muscular dystrophy'), ['Duchenne muscular dystrophy', 'Becker muscular dystrophy']);
    assert.equal(coordinatedParts('colorectal cancer'), null, '"or" inside a word is no conjunction');
    assert.equal(coordinatedParts('nausea and vomiting'), null, 'no shared head');
    const linker = getLinker();
    assert.deepEqual(linker.linkParts('breast and ovarian cancers', 'DISEASE')?.map((p) => p.result.codes.mesh), ['D001943', 'D010051']);
    assert.equal(linker.linkParts('breast and ovarian cancers', 'DRUG'), null, 'diseases only');
    assert.deepEqual(linker.linkParts('xqzv and ovarian cancers', 'DISEASE')?.map((p) => p.text), ['ovarian cancers'], 'only the parts that link');
    assert.equal(linker.linkParts('xqzv and blorf cancers', 'DISEASE'), null, 'null when no part links');
    // the pipeline gives the entity one code set per concept, and none of its own
    const doc = createDoc('Her family had breast and ovarian cancers.');
    doc.entities.push(makeEntity(doc, { start: 15, end: 41 }, 'DISEASE', 0.9));
    await linkerComponent().process(doc, {});
    const e = doc.entities[0]!;
    assert.equal(e.text, 'breast and ovarian cancers');
    assert.equal(e.codes, undefined);
    assert.equal(e.attributes?.link_method, 'composite');
    const parts = e.attributes?.components as { text: string; codes: Record<string, string> }[];
    assert.deepEqual(parts.map((p) => [p.text, p.codes.mesh]), [['breast cancers', 'D001943'], ['ovarian cancers', 'D010051']]);
    // PubTator / BioC exports list each concept's ids, as composite mentions are written there
    const ids = docToAnnotated(doc).mentions[0]!.ids ?? [];
    assert.ok(ids.includes('MESH:D001943') && ids.includes('MESH:D010051'), ids.join(' '));
  });

  it('adds "disease" to a bare name (Crohn), but not to an organ the NER model cut out of a coordination', () => {
    assert.equal(link('Crohn', 'DISEASE')?.preferred_name, "Crohn's disease");
    assert.equal(link('Crohn', 'DISEASE')?.method, 'variant');
    const p = link('pancreas', 'DISEASE');
    assert.ok(!p || !/disease/i.test(p.preferred_name), `pancreas → ${p?.preferred_name}`);
  });
  it('reads a side prefix off a disease word ("levoscoliosis") but keeps a disease named with one ("dextrocardia")', () => {
    for (const w of ['levoscoliosis', 'dextroscoliosis']) assert.deepEqual([link(w, 'DISEASE')?.codes.mesh, link(w, 'DISEASE')?.method], ['D012600', 'variant'], w);
    assert.equal(link('dextrocardia', 'DISEASE')?.codes.mesh, 'D003914');
    assert.equal(link('levocardia', 'DISEASE')?.codes.mesh, 'D007979');
    assert.equal(link('levothyroxine', 'DISEASE'), null, 'only disease concepts are read through the prefix');
  });
  it('reads "atherosclerotic changes" as atherosclerosis: an adjective before a word that leaves it naming the finding', () => {
    for (const s of ['atherosclerotic changes', 'Atherosclerotic calcifications', 'atherosclerotic disease']) assert.equal(link(s, 'DISEASE')?.codes.mesh, 'D050197', s);
    assert.equal(link('degenerative changes', 'DISEASE'), null);
  });
  it('links the issue examples', () => {
    const m = link('metformin', 'DRUG');
    assert.equal(m?.codes.umls_cui, 'C0025598');
    assert.equal(m?.codes.rxnorm, '6809');
    const d = link('type 2 diabetes', 'DISEASE');
    assert.equal(d?.codes.umls_cui, 'C0011860');
    assert.equal(d?.codes.snomed, '44054006');
    assert.equal(d?.preferred_name, 'type 2 diabetes mellitus');
  });
  it('applies the lexicon curation (scripts/lexicon-curation.json): seizures are not visual epilepsy', () => {
    for (const t of ['seizures', 'convulsions']) {
      const r = link(t, 'DISEASE');
      assert.equal(r?.codes.umls_cui, 'C0036572', `${t}: the CUI of Seizures, not of visual epilepsy or epilepsy`);
      assert.equal(r?.codes.snomed, '91175000', `${t}: SNOMED Seizure (finding)`);
    }
    assert.equal(link('visual epilepsy', 'DISEASE')?.codes.umls_cui, 'C0270824');
    assert.equal(link('epilepsy', 'DISEASE')?.codes.umls_cui, 'C0014544');
  });
  it('handles spelling variants, plurals, word order and Greek letters', () => {
    assert.equal(link('Diabetes Mellitus, Type II', 'DISEASE')?.codes.umls_cui, 'C0011860');
    assert.equal(link('oesophageal cancers', 'DISEASE')?.codes.mesh, 'D004938');
    assert.equal(link('TNF-α', 'GENE')?.codes.ncbi_gene, '7124');
    assert.equal(link('IL-6', 'GENE')?.codes.ncbi_gene, '3569');
    assert.equal(link('iNOS', 'GENE')?.codes.ncbi_gene, '4843'); // NOS2, not inosine
    assert.equal(link('Glucophage', 'DRUG')?.codes.rxnorm, '6809'); // brand name (PharmGKB)
  });
  it('corpus aliases (training splits) fix vocabulary gaps; a definition in the document still wins', () => {
    const lex = getLinker().lexicon;
    assert.ok((lex.stats.aliases ?? 0) > 1000, 'aliases attached');
    const aids = link('AIDS', 'DISEASE');
    assert.equal(aids?.codes.mesh, 'D000163', 'AIDS is the syndrome, not an insemination term');
    assert.equal(aids?.method, 'corpus-alias', 'AIDS comes from the corpus aliases');
    assert.equal(aids?.corpus_id, 'mesh:D000163', 'with the id the corpora gave it');
    // NCBI-disease codes C9 deficiency by its OMIM id; the concept lists a MeSH supplementary id first
    const c9 = link('C9 deficiency', 'DISEASE');
    assert.equal(c9?.corpus_id, 'omim:613825');
    assert.deepEqual(c9?.xrefs.omim, ['613825']);
    assert.equal(link('atrial arrhythmias', 'DISEASE')?.corpus_id, undefined, 'only corpus aliases carry one');
    const linker = getLinker();
    const ctx = linker.context('Patients with atopic dermatitis (AD) were enrolled.');
    assert.notEqual(linker.link('AD', 'DISEASE', ctx)?.codes.mesh, 'D000544', 'AD defined as atopic dermatitis here, not the corpus alias Alzheimer disease');
    assert.equal(linker.link('AD', 'DISEASE', ctx)?.method, 'abbreviation', 'the definition in the document wins');
  });
  it('dev is scored with aliases learned without the dev splits ($MEDICAL_NER_ALIASES, set by eval --split dev)', () => {
    const read = (name: string) => JSON.parse(gunzipSync(readFileSync(join(defaultLexiconDir(), name))).toString('utf8')) as AliasesFile;
    const all = read(ALIASES_FILE);
    const train = read(ALIASES_TRAIN_FILE);
    assert.ok(all.sources.some((s) => s.startsWith('bc5cdr dev')), "the linker's aliases include the dev splits");
    assert.ok(!all.sources.some((s) => s.startsWith('biored dev')), 'but not BioRED dev, where BioRED is scored');
    assert.ok(train.sources.every((s) => / train /.test(s)), 'the dev-scoring aliases come from train splits only');
    const trainKeys = new Set(train.rows.map(([type, key]) => `${type} ${key}`));
    const devOnly = all.rows.find(([type, key]) => !trainKeys.has(`${type} ${key}`));
    assert.ok(devOnly, 'some alias comes from a dev split only');
    const [type, key, concept] = devOnly;
    assert.equal(loadLexicon().alias(type, key)?.concept, concept);
    const saved = process.env.MEDICAL_NER_ALIASES;
    process.env.MEDICAL_NER_ALIASES = ALIASES_TRAIN_FILE;
    try {
      const lex = loadLexicon();
      assert.equal(lex.stats.aliases, train.rows.length);
      assert.equal(lex.alias(type, key), undefined, 'a dev-only alias is not seen when scoring dev');
      assert.equal(getLinker().lexicon, lex, 'the linker follows the aliases file');
    } finally {
      if (saved === undefined) delete process.env.MEDICAL_NER_ALIASES;
      else process.env.MEDICAL_NER_ALIASES = saved;
    }
  });
  it('uses abbreviations defined in the document, then the clinical list', () => {
    const text = 'Patients with hepatocellular carcinoma (HCC) were treated. HCC recurred.';
    const r = link('HCC', 'DISEASE', text);
    assert.equal(r?.method, 'abbreviation');
    assert.equal(r?.codes.doid, 'DOID:684');
    assert.equal(link('CHF', 'DISEASE')?.codes.mesh, 'D006333');
    // not for a word the document uses as a gene's name
    assert.equal(link('ATM', 'DISEASE')?.method, 'clinical-abbreviation');
    assert.equal(link('ATM', 'DISEASE', 'The ATM protein is a kinase. ATM mutations cause ataxia.'), null);
    assert.equal(link('Atm', 'DISEASE', 'Atm-deficient mice develop thymomas.'), null);
  });
  it('finds near misses by character trigrams', () => {
    const r = link('hepatocelular carcinoma', 'DISEASE');
    assert.equal(r?.method, 'ngram');
    assert.equal(r?.codes.doid, 'DOID:684');
  });
  it('n-gram search with length and prefix filters finds what an exhaustive scan finds', () => {
    // the reference: every key of the index scored by plain Dice (floor), best 300 rescored by IDF-weighted Dice
    const lex = getLinker().lexicon;
    const ti = lex.types.indexOf('ANATOMY');
    const accept = (c: number, tier: number) => lex.ctype[c] === ti && tier < 2;
    const ix = new NgramIndex(lex, accept);
    const keys: string[] = [];
    for (let k = 0; k < lex.norm.size; k++) {
      const key = lex.norm.key(k);
      if (key.length >= 3 && key.length <= 80 && lex.norm.postings(k).some((p) => accept(p >>> 2, p & 3))) keys.push(key);
    }
    for (const [key, ps] of lex.extraNorm) if (key.length >= 3 && key.length <= 80 && ps.some((p) => accept(p >>> 2, p & 3))) keys.push(key);
    assert.equal(keys.length, ix.size, 'the reference holds the same keys as the index');
    const tris = keys.map((k) => new Set(trigramsOf(k)));
    const df = new Map<number, number>();
    for (const ts of tris) for (const t of ts) df.set(t, (df.get(t) ?? 0) + 1);
    const idf = (t: number) => Math.fround(Math.log(1 + keys.length / (1 + (df.get(t) ?? 0))));
    const exhaustive = (query: string, minScore: number) => {
      const q = new Set(trigramsOf(query));
      if (q.size < 3) return []; // too short to search
      const floor = Math.max(0.3, minScore - 0.15);
      const qw = [...q].reduce((a, t) => a + idf(t), 0);
      return keys
        .map((text, i) => ({ text, ts: tris[i]!, dice: (2 * [...tris[i]!].filter((t) => q.has(t)).length) / (q.size + tris[i]!.size) }))
        .filter((k) => k.dice >= floor)
        .sort((a, b) => b.dice - a.dice)
        .slice(0, 300)
        .map((k) => ({ text: k.text, score: (2 * [...k.ts].filter((t) => q.has(t)).reduce((a, t) => a + idf(t), 0)) / (qw + [...k.ts].reduce((a, t) => a + idf(t), 0)) }))
        .filter((k) => k.score >= minScore)
        .map((k) => k.text)
        .sort();
    };
    // near misses of real keys (a letter dropped, two swapped, the last word dropped, a word added) and a non-word
    const queries = ['zzzz qqqq'];
    for (let i = 0; i < keys.length; i += 23) {
      const k = keys[i]!;
      const j = Math.floor(k.length / 2);
      queries.push(k.slice(0, j) + k.slice(j + 1), k.slice(0, j - 1) + k[j] + k[j - 1] + k.slice(j + 1), k.split(' ').slice(0, -1).join(' ') || k, `${k} tissue`);
    }
    let compared = 0;
    for (const query of queries) {
      for (const minScore of [0.4, 0.55, 0.7]) {
        const got = ix.search(query, minScore, 10_000).map((h) => h.text).sort();
        assert.deepEqual(got, exhaustive(query, minScore), `search("${query}", ${minScore})`);
        compared += got.length;
      }
    }
    assert.ok(compared > 1000, `the queries have hits to compare (${compared})`);
  });
  it('is type-aware', () => {
    assert.equal(link('creatinine', 'LAB_TEST')?.codes.loinc, '2160-0');
    assert.equal(link('creatinine', 'DRUG')?.codes.mesh, 'D003404');
    assert.equal(link('liver', 'ANATOMY')?.codes.uberon, 'UBERON:0002107');
    assert.equal(link('liver', 'GENE'), null);
  });
  it('maps element symbols in chemical mentions', () => {
    assert.equal(link('K', 'DRUG')?.codes.mesh, 'D011188');
    assert.equal(link('K', 'DISEASE'), null);
  });
  it('returns nothing for strings it cannot place', () => {
    assert.equal(link('qwzxv plorb', 'DISEASE'), null);
    // a mention longer than any name is not looked up as a whole; its head still is
    const long = `${'qwzxv plorb '.repeat(40)}pneumonia`;
    assert.deepEqual(getLinker().candidates(long, 'DISEASE'), []);
    assert.equal(link(long, 'DISEASE')?.method, 'head');
    assert.equal(link('qwzxv '.repeat(5000), 'DISEASE'), null);
    // names of Object.prototype members once reached the element table and threw
    for (const t of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) for (const type of ['DRUG', 'GENE'] as const) assert.equal(link(t, type), null, t);
  });
});

describe('linker component', () => {
  function doc(): Doc {
    const text = 'Metformin for type 2 diabetes; xqzv blorf noted.';
    const d = createDoc(text);
    d.entities.push(makeEntity(d, { start: 0, end: 9 }, 'DRUG', 0.9));
    d.entities.push(makeEntity(d, { start: 14, end: 29 }, 'DISEASE', 0.9));
    d.entities.push(makeEntity(d, { start: 31, end: 41 }, 'DISEASE', 0.9));
    return d;
  }
  it('is registered as `linker`', () => {
    assert.ok(components.has('linker'));
  });
  it('fills codes, preferred_name and link_score, and leaves unsure entities alone', async () => {
    const d = doc();
    await linkerComponent().process(d, {});
    const [drug, disease, junk] = d.entities;
    assert.equal(drug!.codes?.rxnorm, '6809');
    assert.equal(drug!.preferred_name, 'Metformin');
    assert.equal(typeof drug!.attributes?.link_score, 'number');
    assert.equal(disease!.codes?.umls_cui, 'C0011860');
    assert.equal(junk!.codes, undefined);
    assert.equal(junk!.preferred_name, undefined);
  });
  it('does nothing with link: false', async () => {
    const d = doc();
    await linkerComponent().process(d, { link: false });
    assert.ok(d.entities.every((e) => e.codes === undefined && e.preferred_name === undefined));
  });
});

describe('linking eval task', () => {
  it("reads NCBI-disease's ids as the corpus writes them: one vocabulary's ids are separate concepts, MeSH with OMIM alternatives", () => {
    const ncbi = LINK_SPECS['ncbi-disease']!;
    const m = (ids: string[]) => ({ id: 'T1', label: 'Disease', start: 0, end: 1, text: 'x', type: 'DISEASE' as const, ids });
    // "breast and ovarian cancers" (CompositeMention): two concepts
    assert.deepEqual(goldGroups(m(['D001943', 'D010051']), ncbi), [['D001943'], ['D010051']]);
    // "ochronotic arthropathy": a combined concept, two ids
    assert.deepEqual(goldGroups(m(['D009794+D007592']), ncbi), [['D009794'], ['D007592']]);
    // "cat eye syndrome": one disease by its MeSH and its OMIM id
    assert.deepEqual(goldGroups(m(['C535918', 'OMIM:115470']), ncbi), [['C535918', 'OMIM:115470']]);
    assert.deepEqual(goldGroups(m(['MESH:D003924']), ncbi), [['D003924']]);
    assert.deepEqual(goldGroups(m(['-1']), ncbi), []);
  });
  it('is registered and scores a few gold documents', async () => {
    const task = evalTasks.create('linking');
    const report = await task.run({ split: 'dev', corpora: ['ncbi-disease'], limit: 5 });
    const t = report.tables[0]!;
    assert.match(t.title, /document-level/);
    assert.equal(t.rows.length, 1);
    const f1 = Number(t.rows[0]![8]);
    assert.ok(f1 > 30 && f1 <= 100, `F1 ${f1}`);
  });
});
