import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matrixPath } from './matrices.js';
import { runCli as run, scratchDir } from './cli-helpers.js';

// Runs the built CLI (npm test builds dist/ first) as a user would.
const { tmp, file } = scratchDir('sparse-wasm-cli-');

describe('sparse-wasm CLI', () => {
  it('info --json prints one JSON object with the documented fields', async () => {
    const r = await run(['info', matrixPath('bcsstk01.mtx'), '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ rows: 48, cols: 48, nnz: 400, symmetry: 'symmetric', numericallySymmetric: true });
    expect(typeof o.bandwidth).toBe('number');
    expect(['strict', 'weak', 'none']).toContain(o.diagonalDominance);
    expect(r.stdout.trim().split('\n').length).toBe(1);
  });

  it('info counts entries after symmetric expansion, keeping explicit zeros', async () => {
    const r = await run(['info', matrixPath('arc130.mtx'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 130, cols: 130, nnz: 1282, explicitZeros: 245, symmetry: 'general' });
    const s = await run(['info', matrixPath('plskz362.mtx'), '--json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ nnz: 1760, symmetry: 'skew-symmetric', numericallySkewSymmetric: true });
  });

  it('info without --json prints a readable summary', async () => {
    const r = await run(['info', matrixPath('west0479.mtx')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/479 x 479, nnz 1910/);
    expect(r.stdout).toMatch(/471 missing/);
  });

  it('spmv --json reports ms, gflops, gbps', async () => {
    const r = await run(['spmv', matrixPath('bcsstk13.mtx'), '--json', '--seconds', '0.05']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.ms).toBeGreaterThan(0);
    expect(o.gflops).toBeGreaterThan(0);
    expect(o.gbps).toBeGreaterThan(0);
    expect(o).toMatchObject({ rows: 2003, nnz: 83883 });
    expect(['csr', 'sell']).toContain(o.layout);
  });

  it('spmv on a generated matrix and with a forced layout', async () => {
    const r = await run(['spmv', 'gen:poisson2d:50', '--json', '--seconds', '0.02', '--layout', 'csr']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ rows: 2500, nnz: 5 * 2500 - 4 * 50, layout: 'csr' });
  });

  it('the default job runs with no arguments (JSON form checked)', async () => {
    const r = await run(['--json', '--seconds', '0.02']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.matrices.length).toBe(2);
    expect(o.matrices[0]).toMatchObject({ rows: 250_000, nnz: 5 * 250_000 - 4 * 500 });
    expect(o.matrices[1]).toMatchObject({ rows: 1138, nnz: 4054 });
    expect(o.matrices[1].spmv.ms).toBeGreaterThan(0);
    for (const m of o.matrices) {
      expect(m.solve).toMatchObject({ converged: true, reason: 'converged-rtol', method: 'cg', precond: 'ic0' });
      expect(m.solve.relativeResidual).toBeLessThanOrEqual(1e-8);
    }
  });

  it('solve --json reports the documented fields; the residual is the true one', async () => {
    const r = await run(['solve', matrixPath('bcsstk13.mtx'), '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ converged: true, reason: 'converged-rtol', method: 'cg', precond: 'ic0' });
    for (const k of ['iterations', 'relativeResidual', 'setupMs', 'solveMs']) expect(typeof o[k]).toBe('number');
    expect(o.relativeResidual).toBeLessThanOrEqual(1e-8);
    expect(r.stderr).toBe('');
  });

  it('solve with --rhs, a forced method and preconditioner, and -o writing x', async () => {
    const out = path.join(tmp, 'x.mtx');
    const r = await run([
      'solve', matrixPath('sherman1.mtx'), '--rhs', matrixPath('sherman1_rhs1.mtx'),
      '--method', 'minres', '--precond', 'jacobi', '--tol', '1e-10', '-o', out, '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ converged: true, method: 'minres', precond: 'jacobi', rhs: matrixPath('sherman1_rhs1.mtx') });
    expect(o.relativeResidual).toBeLessThanOrEqual(1e-10);
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('%%MatrixMarket matrix array real general');
    expect(text).toMatch(/\n1000 1\n/);
  });

  it('a solve that does not converge is a result, not an error', async () => {
    const r = await run(['solve', matrixPath('bcsstk13.mtx'), '--precond', 'none', '--max-iter', '5', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ converged: false, reason: 'max-iterations', iterations: 5 });
    const h = await run(['solve', matrixPath('bcsstk13.mtx'), '--precond', 'none', '--max-iter', '5']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/NOT converged \(max-iterations: no convergence in 5 iterations/);
  });

  it('solve usage errors', async () => {
    const m = await run(['solve', matrixPath('bcsstk01.mtx'), '--method', 'qr']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/--method must be one of/);
    const rect = await run(['solve', matrixPath('ash219.mtx')]);
    expect(rect.code).toBe(1);
    expect(rect.stderr).toMatch(/square/);
    const rhs = await run(['solve', matrixPath('bcsstk01.mtx'), '--rhs', matrixPath('sherman1_rhs1.mtx')]);
    expect(rhs.code).toBe(1);
    expect(rhs.stderr).toMatch(/1000 x 1, expected 48 x 1/);
  });

  it('format errors exit 1 with one line naming the file line, no stack trace', async () => {
    const bad = file('bad.mtx', '%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1.0\n2 x 2.0\n');
    const r = await run(['info', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/bad\.mtx: line 4/);
    expect(r.stderr.trim().split('\n').length).toBe(1);
    expect(r.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
    const trunc = file('trunc.mtx', '%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1.0\n');
    const t = await run(['spmv', trunc, '--json']);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/line \d+/);
    expect(t.stdout).toBe('');
    const cx = await run(['info', matrixPath('young1c.mtx'), '--json']);
    expect(cx.code).toBe(1);
    expect(cx.stderr).toMatch(/unsupported/);
  });

  it('missing files and bad usage are clear errors', async () => {
    const m = await run(['info', path.join(tmp, 'nope.mtx')]);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/nope\.mtx: no such file/);
    expect(m.stderr.trim().split('\n').length).toBe(1);
    const u = await run(['info']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/info takes one FILE\.mtx/);
    const o = await run(['spmv', matrixPath('bcsstk01.mtx'), '--bogus']);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/unknown option --bogus/);
    const s = await run(['spmv', matrixPath('bcsstk01.mtx'), '--seconds', 'abc']);
    expect(s.code).toBe(2);
    const c = await run(['frobnicate']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
