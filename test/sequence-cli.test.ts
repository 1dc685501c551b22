import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { varcoefSequence, CsrMatrix, init } from '../src/index.js';
import type { CsrArrays } from '../src/index.js';

await init();

const tmp = mkdtempSync(path.join(tmpdir(), 'sparse-wasm-seq-'));

function writeMtx(name: string, A: CsrArrays): string {
  const lines = ['%%MatrixMarket matrix coordinate real general', `${A.rows} ${A.cols} ${A.data.length}`];
  for (let i = 0; i < A.rows; i++) for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) lines.push(`${i + 1} ${A.indices[p] + 1} ${A.data[p]}`);
  const f = path.join(tmp, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}
function writeVec(name: string, v: ArrayLike<number>): string {
  const f = path.join(tmp, name);
  writeFileSync(f, `%%MatrixMarket matrix array real general\n${v.length} 1\n${Array.from(v).join('\n')}\n`);
  return f;
}

/** Runs the CLI in this process, capturing stdout and stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { stdout += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { stderr += String(s); return true; });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const seq = varcoefSequence({ N: 8, count: 4 });
const files = [0, 1, 2, 3].map((i) => writeMtx(`vc${i}.mtx`, seq.load(i).A));

describe('sparse-wasm sequence', () => {
  it('--json: one object with per-system entries and totals; progress on stderr; -o writes each solution', async () => {
    const out = path.join(tmp, 'out');
    const r = await cli(['sequence', ...files, '--method', 'cg', '--precond', 'ic0', '--json', '-o', out]);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(r.stdout.trim().split('\n').length).toBe(1);
    expect(o.systems.length).toBe(4);
    for (const [i, s] of o.systems.entries()) {
      expect(s).toMatchObject({ file: files[i], converged: true, reason: 'converged-rtol' });
      for (const k of ['iterations', 'relativeResidual', 'setupMs', 'solveMs']) expect(typeof s[k]).toBe('number');
    }
    expect(o.totals.iterations).toBe(o.systems.reduce((t: number, s: { iterations: number }) => t + s.iterations, 0));
    expect(o.order).toEqual([0, 1, 2, 3]);
    expect(r.stderr).toMatch(/\[1\/4\].*vc0\.mtx/);
    // each written x solves its system (b = A * ones, so x = ones)
    expect(readdirSync(out).sort()).toEqual(['vc0.x.mtx', 'vc1.x.mtx', 'vc2.x.mtx', 'vc3.x.mtx']);
    const x = readFileSync(path.join(out, 'vc2.x.mtx'), 'utf8').split('\n').filter((l) => l && !l.startsWith('%')).slice(1).map(Number);
    expect(x.length).toBe(64);
    for (const v of x) expect(v).toBeCloseTo(1, 6);
  });

  it('a fixed matrix with several --rhs files, greedy sort and tuned SSOR omega', async () => {
    const A = seq.load(0).A;
    const M = CsrMatrix.fromCsr(A.rows, A.cols, A.indptr, A.indices, A.data);
    const rhs = [0, 1, 2].map((k) => writeVec(`b${k}.mtx`, M.multiply(Array.from({ length: 64 }, (_, i) => Math.sin(i + k)))));
    M.dispose();
    const r = await cli(['sequence', files[0], '--rhs', ...rhs, '--sort', 'greedy', '--method', 'cg', '--precond', 'ssor', '--tune-omega', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.systems.map((s: { rhs: string }) => s.rhs)).toEqual(rhs);
    expect(o.systems.every((s: { omega: number; converged: boolean }) => s.converged && s.omega >= 1 && s.omega < 2)).toBe(true);
    expect(o.tuning.learner).toBe('model');
    expect([...o.order].sort()).toEqual([0, 1, 2]);
  });

  it('the table without --json; usage errors exit 2; a system of another size exits 1 naming its file', async () => {
    const t = await cli(['sequence', files[0], files[1], '--method', 'cg']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/total: 2 systems \(2 converged\)/);
    expect((await cli(['sequence'])).code).toBe(2);
    expect((await cli(['sequence', files[0], '--sort', 'random'])).code).toBe(2);
    expect((await cli(['sequence', files[0], files[1], '--rhs', files[0]])).code).toBe(2);
    expect((await cli(['sequence', files[0], '--tune-omega'])).code).toBe(2);
    const other = writeMtx('small.mtx', varcoefSequence({ N: 5, count: 1 }).load(0).A);
    const bad = await cli(['sequence', files[0], other, '--method', 'cg']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/small\.mtx: .*25 x 25.*64 x 64/);
    expect((await cli(['sequence', files[0], '--recycle', 'lots'])).code).toBe(2);
    const rec = await cli(['sequence', ...files, '--method', 'gcrodr', '--restart', '12', '--recycle', '4', '--precond', 'none', '--json']);
    expect(rec.code).toBe(0);
    expect(JSON.parse(rec.stdout)).toMatchObject({ method: 'gcrodr', recycle: '4', totals: { systems: 4, converged: 4 } });
    const sor = await cli(['sequence', files[0], files[1], '--method', 'sor', '--tune-omega', '--rtol', '1e-6', '--json']);
    expect(sor.code).toBe(0);
    expect(JSON.parse(sor.stdout).systems.every((x: { omega: number }) => x.omega >= 1)).toBe(true);
    const missing = await cli(['sequence', files[0], path.join(tmp, 'nope.mtx')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.mtx: no such file/);
  });
});
