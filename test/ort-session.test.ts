import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ortSessionOptions } from '../src/core/ort-session.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('every onnxruntime session is opened with the shared options (exact int8 kernels on CPUs without VNNI)', () => {
  const o = ortSessionOptions(2, { enableCpuMemArena: false });
  assert.equal(o.intraOpNumThreads, 2);
  assert.equal(o.enableCpuMemArena, false);
  assert.deepEqual(o.extra, { session: { x64quantprecision: '1' } });
  // sessions that take turns on the cores (an ensemble's members) do not spin-wait
  assert.deepEqual(ortSessionOptions(2, {}, false).extra, { session: { x64quantprecision: '1', 'intra_op.allow_spinning': '0' } });
  // each call passes ortSessionOptions(…) itself, or a variable of its file assigned from it
  let calls = 0;
  for (const f of sources('src')) {
    const text = readFileSync(f, 'utf8');
    for (const line of text.split('\n').filter((l) => l.includes('InferenceSession.create('))) {
      calls++;
      const arg = /InferenceSession\.create\([^,]+,\s*([A-Za-z_$][\w$]*)/.exec(line)?.[1];
      const ok = line.includes('ortSessionOptions(') || (arg !== undefined && new RegExp(`\\b${arg}\\s*=\\s*ortSessionOptions\\(`).test(text));
      assert.ok(ok, `${f}: ${line.trim()}`);
    }
  }
  assert.ok(calls >= 4, `found ${calls} session creations`);
});
