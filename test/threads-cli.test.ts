// `sparse-wasm solve --threads T` (the threads build from the CLI): the same answer as one thread,
// the team size in the JSON, and clear errors for a bad T or where threads are unavailable.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runCli, scratchDir } from './cli-helpers.js';

describe('sparse-wasm solve --threads', () => {
  // n = 102,400: above the default parallelThreshold (100,000), so the solve really forks
  it('solves with 2 threads: converged, threads in the JSON, iterations and x as with one thread', async () => {
    const dir = scratchDir('sparse-threads-cli-');
    const one = await runCli(['solve', 'gen:poisson2d:320', '--method', 'cg', '--precond', 'jacobi', '--rtol', '1e-6', '--json', '-o', path.join(dir.tmp, 'x1.mtx')]);
    const two = await runCli(['solve', 'gen:poisson2d:320', '--method', 'cg', '--precond', 'jacobi', '--rtol', '1e-6', '--threads', '2', '--json', '-o', path.join(dir.tmp, 'x2.mtx')]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const a = JSON.parse(one.stdout), b = JSON.parse(two.stdout);
    expect(a.threads).toBe(1);
    expect(b.threads).toBe(2);
    expect(b).toMatchObject({ converged: true, method: 'cg', precond: 'jacobi', rows: 102400 });
    expect(Math.abs(a.iterations - b.iterations)).toBeLessThanOrEqual(2);
    expect(b.relativeResidual).toBeLessThanOrEqual(1e-6);
    const { readFileSync } = await import('node:fs');
    const nums = (f: string) => readFileSync(path.join(dir.tmp, f), 'utf8').split('\n').filter((l) => /^\s*[-\d]/.test(l)).slice(1).map(Number);
    const x1 = nums('x1.mtx'), x2 = nums('x2.mtx');
    expect(x2.length).toBe(102400);
    const scale = Math.max(...x1.map(Math.abs));
    for (let i = 0; i < x1.length; i++) expect(Math.abs(x1[i] - x2[i])).toBeLessThanOrEqual(1e-5 * scale);
  });

  it('the summary line names the team', async () => {
    const r = await runCli(['solve', 'gen:poisson2d:20', '--threads', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 threads/);
    expect(r.stdout).toMatch(/converged/);
  });

  it('refuses a bad thread count (usage error, exit 2)', async () => {
    for (const t of ['0', '-1', '1.5', 'two', '65']) {
      const r = await runCli(['solve', 'gen:poisson2d:5', '--threads', t]);
      expect(r.code, t).toBe(2);
      expect(r.stderr).toMatch(/--threads needs an integer from 1 to 64/);
    }
  });

  it('says so (exit 1) where threads are unavailable: no SharedArrayBuffer', async () => {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--no-harmony-sharedarraybuffer', path.join(root, 'bin', 'sparse-wasm.js'), 'solve', 'gen:poisson2d:5', '--threads', '2'],
        { cwd: root, timeout: 60_000 },
        (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
      );
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--threads 2: threads are not available here: SharedArrayBuffer is not available/);
  });
});
