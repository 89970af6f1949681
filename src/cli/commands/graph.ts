/**
 * `medical-ner graph <files or dirs> --format json|cypher|turtle|fhir --out <file>`: runs the pipeline
 * over every .txt file (a folder: its .txt files, sorted), merges the notes into one patient graph
 * (note id = file name without .txt) and writes it. `--neo4j-uri` also pushes it into Neo4j.
 */
import { existsSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { MedicalNerError } from '../../core/errors.js';
import type { Doc } from '../../core/types.js';
import { exportGraph, graphExportFormats, type ExportOptions } from '../../export/registry.js';
import { pushToNeo4j } from '../../export/neo4j.js';
import { exampleNotes } from '../../graph/example.js';
import { PatientGraph } from '../../graph/patient-graph.js';
import { pipeline } from '../../pipeline.js';
import { registerCommand } from '../command.js';
import { PIPELINE_FLAGS, pipelineOptionsFrom, runOptionsFrom } from '../options.js';
import { readTextFile } from '../read-input.js';

const USAGE = `medical-ner graph <files or dirs…> [--format json|cypher|turtle|fhir] [--out <file>] [options]
  --format <fmt>            json (default), cypher (Neo4j), turtle, fhir
  --out <file>              write here (default: stdout)
  --patient-id <id>         patient identifier in the outputs (default: patient)
  --dialect neo4j|kuzu      Cypher dialect (default neo4j)
  --no-note-text            leave the note texts out of cypher/turtle/fhir
  --neo4j-uri <uri>         also push the graph into Neo4j (bolt:// or neo4j://)
  --neo4j-user <user>       default $NEO4J_USER or neo4j; password: --neo4j-password or $NEO4J_PASSWORD
  --neo4j-database <name>   target database (default: the server's default)
  --example                 use the built-in two-note example instead of files (no model needed)
  --model <name>            NER model; the other pipeline options of 'extract' apply too`;

const FLAGS = {
  ...PIPELINE_FLAGS,
  format: { type: 'string' },
  out: { type: 'string' },
  'patient-id': { type: 'string' },
  dialect: { type: 'string' },
  'no-note-text': { type: 'boolean' },
  'neo4j-uri': { type: 'string' },
  'neo4j-user': { type: 'string' },
  'neo4j-password': { type: 'string' },
  'neo4j-database': { type: 'string' },
  example: { type: 'boolean' },
} as const;

/** The .txt files named by the arguments (folders expanded, sorted), as [note id, path]. */
export function noteFiles(args: string[]): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const a of args) {
    if (!existsSync(a)) throw new MedicalNerError('IO_ERROR', `${a}: no such file or folder`);
    const paths = statSync(a).isDirectory()
      ? readdirSync(a)
          .filter((n) => n.endsWith('.txt'))
          .sort()
          .map((n) => join(a, n))
      : [a];
    for (const p of paths) {
      const stem = basename(p).replace(/\.txt$/, '');
      const id = seen.has(stem) ? p : stem; // two files with one name: the second keeps its path as id
      seen.add(id);
      out.push([id, p]);
    }
  }
  return out;
}

registerCommand({
  name: 'graph',
  summary: 'merge many notes of one patient into a knowledge graph (json, cypher, turtle, fhir)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options: FLAGS, allowPositionals: true });
    const format = values.format ?? (argv.includes('--output-format') ? values['output-format'] : undefined) ?? 'json';
    if (!graphExportFormats().includes(format)) {
      throw new MedicalNerError('INVALID_OPTION', `unknown --format "${format}"; available: ${graphExportFormats().join(', ')}`);
    }
    const dialect = values.dialect ?? 'neo4j';
    if (dialect !== 'neo4j' && dialect !== 'kuzu') throw new MedicalNerError('INVALID_OPTION', '--dialect must be neo4j or kuzu');
    if (!values.example && positionals.length === 0) throw new MedicalNerError('INVALID_OPTION', `usage: ${USAGE.split('\n')[0]}`);

    const graph = new PatientGraph(values['patient-id'] ? { patientId: values['patient-id'] } : {});
    if (values.example) {
      for (const d of exampleNotes()) graph.addNote(d, d.id);
    }
    const files = noteFiles(positionals);
    if (files.length) {
      const p = await pipeline(pipelineOptionsFrom(values));
      const runOptions = runOptionsFrom(values);
      try {
        for (const [id, path] of files) {
          const doc: Doc = await p.run(readTextFile(path), runOptions, id);
          graph.addNote(doc, id);
        }
      } finally {
        await p.dispose();
      }
    }
    process.stderr.write(`graph: ${graph.noteCount} notes, ${graph.nodeCount} nodes, ${graph.edgeCount} edges\n`);

    const options: ExportOptions = { dialect };
    if (values['no-note-text']) options.includeNoteText = false;
    const uri = values['neo4j-uri'];
    if (uri) {
      const password = values['neo4j-password'] ?? process.env.NEO4J_PASSWORD;
      if (!password) throw new MedicalNerError('INVALID_OPTION', '--neo4j-uri needs --neo4j-password or $NEO4J_PASSWORD');
      const auth = { user: values['neo4j-user'] ?? process.env.NEO4J_USER ?? 'neo4j', password };
      const pushOptions = { ...(values['neo4j-database'] ? { database: values['neo4j-database'] } : {}), includeNoteText: options.includeNoteText !== false };
      const s = await pushToNeo4j(graph, uri, auth, pushOptions);
      process.stderr.write(`graph: pushed ${s.concepts} concepts, ${s.relationships} relationships, ${s.notes} notes, ${s.mentions} mentions to ${uri}\n`);
      if (!values.out && !values.format) return 0;
    }
    const text = exportGraph(graph, format, options);
    if (values.out) {
      const tmp = `${values.out}.partial`;
      writeFileSync(tmp, text);
      renameSync(tmp, values.out);
    } else process.stdout.write(text);
    return 0;
  },
});
