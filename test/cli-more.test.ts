// The CLI a user expects (issue 7, section 5): help for every command, one-line usage errors,
// validated generator specs, solve's tolerance/x0/restart options, safe `-o` writes, and
// `multiply --drop-zeros`. Runs the built CLI (dist/) as a user would.
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { matrixBytes, matrixPath } from './matrices.js';
import { writeAtomically } from '../src/cli/output.js';
import { root, runCli as run, scratchDir } from './cli-helpers.js';

// each test runs the CLI several times (a process start and a wasm load each): a machine under
// load must not turn that into a timeout
vi.setConfig({ testTimeout: 60_000 });

const { tmp, file, dir } = scratchDir('sparse-wasm-cli-more-');
const lines = (s: string) => s.trim().split('\n');

/** The n x 1 Matrix Market array of `values`. */
function vectorFile(name: string, values: number[]): string {
  return file(name, `%%MatrixMarket matrix array real general\n${values.length} 1\n${values.join('\n')}\n`);
}

describe('help and version', () => {
  for (const cmd of ['info', 'spmv', 'solve', 'multiply']) {
    it(`${cmd} --help and -h print its usage on stdout and exit 0`, async () => {
      for (const flag of ['--help', '-h']) {
        const r = await run([cmd, flag]);
        expect(r.code, `${cmd} ${flag}`).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout).toMatch(new RegExp(`^usage: sparse-wasm ${cmd} `));
      }
      // help wins over other, even wrong, arguments; `help CMD` is the same text
      const mixed = await run([cmd, 'whatever.mtx', '--bogus', '--help']);
      expect(mixed.code).toBe(0);
      const viaHelp = await run(['help', cmd]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe(mixed.stdout);
    });
  }

  it('solve --help documents the solver options', async () => {
    const r = await run(['solve', '--help']);
    expect(r.code).toBe(0);
    for (const o of ['--rhs', '--x0', '--rtol', '--tol', '--atol', '--max-iter', '--restart', '--output', '--json']) expect(r.stdout).toContain(o);
  });

  it('--help lists the commands; -V and --version print the package version', async () => {
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['info', 'spmv', 'solve', 'multiply']) expect(h.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
    for (const flag of ['-V', '--version']) {
      const v = await run([flag]);
      expect(v.code).toBe(0);
      expect(v.stdout).toBe(`${version}\n`);
    }
  });
});

describe('usage errors', () => {
  it('are one line on stderr, exit 2, naming the option and where to get help', async () => {
    const cases: [string[], RegExp][] = [
      [['solve', 'gen:poisson2d:4', '--bogus'], /unknown option --bogus.*sparse-wasm solve --help/],
      [['info', 'gen:poisson2d:4', '--bogus'], /unknown option --bogus.*sparse-wasm info --help/],
      [['multiply', 'gen:poisson2d:4', 'gen:poisson2d:4', '--bogus'], /unknown option --bogus/],
      [['spmv', 'gen:poisson2d:4', '--layout', 'ell'], /--layout must be one of auto, csr, sell, got "ell"/],
      [['solve', 'gen:poisson2d:4', '--rhs'], /option --rhs needs a value/],
      [['solve', 'gen:poisson2d:4', '--rhs', '--json'], /option --rhs needs a value/],
      [['solve', 'gen:poisson2d:4', '--json=yes'], /option --json takes no value/],
      [['solve', 'gen:poisson2d:4', '--rtol', '-1'], /--rtol needs a number >= 0, got "-1"/],
      [['solve', 'gen:poisson2d:4', '--restart', '0'], /--restart needs an integer >= 1/],
      [['solve', 'gen:poisson2d:4', '--max-iter', '2.5'], /--max-iter needs an integer/],
      [['solve', 'gen:poisson2d:4', '--tol', '1e-6', '--rtol', '1e-6'], /--tol is an alias of --rtol/],
      [['--bogus'], /unknown option --bogus.*sparse-wasm --help/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['multiply', 'gen:poisson2d:4'], /^sparse-wasm: multiply takes two files: A\.mtx B\.mtx, got 1 argument \(see sparse-wasm multiply --help\)$/m],
      [['spmv', 'gen:poisson2d:4', 'gen:poisson2d:4'], /spmv takes one FILE\.mtx, got 2 arguments/],
      [['solve'], /solve takes one A\.mtx, got 0 arguments/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(lines(r.stderr), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it('gen: specs are validated: a usage error naming the spec, never "no such file"', async () => {
    for (const spec of ['gen:poisson2d:abc', 'gen:poisson2d:0', 'gen:poisson2d:-3', 'gen:poisson2d:2.5', 'gen:poisson2d:99999999', 'gen:poisson2d:', 'gen:poisson3d:4']) {
      for (const cmd of [['info', spec], ['solve', spec], ['multiply', spec, spec]]) {
        const r = await run(cmd);
        expect(r.code, cmd.join(' ')).toBe(2);
        expect(lines(r.stderr)).toHaveLength(1);
        expect(r.stderr).toContain(spec);
        expect(r.stderr).not.toMatch(/no such file$/m);
      }
    }
    const ok = await run(['info', 'gen:poisson2d:1', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ rows: 1, nnz: 1 });
  }, 60_000);
});

describe('info tells what is true', () => {
  it('a generated matrix is not said to be stored in a file', async () => {
    const r = await run(['info', 'gen:poisson2d:10']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/file/);
    expect(r.stdout).toMatch(/100 x 100, nnz 460 \(generated/);
    expect(r.stdout).toMatch(/diagonal +all 100 present, all positive/);
    expect(JSON.parse((await run(['info', 'gen:poisson2d:10', '--json'])).stdout)).toMatchObject({ generated: true });
  });

  it('ash219 (pattern, 219 x 85): 4 of its 85 diagonal entries are stored, all 1', async () => {
    // the diagonal facts counted here independently from the file's entries
    const text = new TextDecoder().decode(matrixBytes('ash219.mtx'));
    const entries = text.split('\n').filter((l) => l && !l.startsWith('%')).slice(1).map((l) => l.trim().split(/\s+/).map(Number));
    const onDiagonal = new Set(entries.filter(([i, j]) => i === j).map(([i]) => i));
    expect(onDiagonal.size).toBe(4);
    const r = await run(['info', matrixPath('ash219.mtx')]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/mixed/);
    expect(r.stdout).toMatch(/diagonal +4 of 85 present \(81 missing\), all 4 positive;/);
    const o = JSON.parse((await run(['info', matrixPath('ash219.mtx'), '--json'])).stdout);
    expect(o.diagonal).toEqual({ length: 85, present: 4, positive: 4, negative: 0, zero: 0 });
    expect(o.missingDiagonal).toBe(81);
  });

  it('signs are counted when they differ', async () => {
    const m = file('signs.mtx', '%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 2\n2 2 -1\n3 3 0\n');
    const r = await run(['info', m]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/diagonal +all 3 present, 1 positive, 1 negative, 1 zero;/);
  });

  it('reads .mtx.gz transparently: the same facts as the plain file', async () => {
    const plain = path.join(tmp, 'bcsstk01.mtx');
    writeFileSync(plain, matrixBytes('bcsstk01.mtx'));
    const gz = matrixPath('bcsstk01.mtx');
    expect(gz.endsWith('.mtx.gz')).toBe(true);
    const a = JSON.parse((await run(['info', plain, '--json'])).stdout);
    const b = JSON.parse((await run(['info', gz, '--json'])).stdout);
    expect({ ...b, file: '' }).toEqual({ ...a, file: '' });
    const s = await run(['solve', gz, '--rhs', vectorFile('b48.mtx', Array.from({ length: 48 }, (_, i) => i + 1)), '--json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ converged: true, rows: 48 });
  });
});

describe('solve options', () => {
  const A = 'gen:poisson2d:30';

  it('--rtol and its alias --tol give the same solve; the tolerance is in the JSON', async () => {
    const a = JSON.parse((await run(['solve', A, '--rtol', '1e-4', '--json'])).stdout);
    const b = JSON.parse((await run(['solve', A, '--tol', '1e-4', '--json'])).stdout);
    expect(a.rtol).toBe(1e-4);
    expect(a.iterations).toBe(b.iterations);
    expect(a.relativeResidual).toBe(b.relativeResidual);
    const tight = JSON.parse((await run(['solve', A, '--json'])).stdout);
    expect(tight.iterations).toBeGreaterThan(a.iterations);
    expect(a.relativeResidual).toBeLessThanOrEqual(1e-4);
  });

  it('--atol stops on the absolute residual', async () => {
    const r = JSON.parse((await run(['solve', A, '--rtol', '0', '--atol', '1e-3', '--precond', 'none', '--json'])).stdout);
    expect(r).toMatchObject({ converged: true, reason: 'converged-atol', atol: 1e-3, rtol: 0 });
    expect(r.residualNorm).toBeLessThanOrEqual(1e-3);
  });

  it('--x0 starts from the given vector: the exact solution needs no iteration', async () => {
    const n = 900;
    const exact = vectorFile('ones900.mtx', Array(n).fill(1)); // b = A * ones without --rhs
    const r = JSON.parse((await run(['solve', A, '--x0', exact, '--json'])).stdout);
    expect(r).toMatchObject({ converged: true, iterations: 0, x0: exact });
    expect(r.relativeResidual).toBe(0);
    const wrong = await run(['solve', A, '--x0', vectorFile('short.mtx', [1, 2, 3])]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/short\.mtx: the initial guess is 3 x 1, expected 900 x 1/);
  });

  it('--restart sets the GMRES restart length', async () => {
    const run5 = JSON.parse((await run(['solve', A, '--method', 'gmres', '--precond', 'none', '--restart', '5', '--json'])).stdout);
    const run60 = JSON.parse((await run(['solve', A, '--method', 'gmres', '--precond', 'none', '--restart', '60', '--json'])).stdout);
    expect(run5).toMatchObject({ method: 'gmres', restart: 5, converged: true });
    expect(run60).toMatchObject({ method: 'gmres', restart: 60, converged: true });
    // restarted GMRES(5) on the Laplacian needs far more iterations than GMRES(60)
    expect(run5.iterations).toBeGreaterThan(run60.iterations);
  });
});

describe('-o FILE', () => {
  it('solve --json has the output key (null without -o), like multiply --json', async () => {
    const none = JSON.parse((await run(['solve', 'gen:poisson2d:8', '--json'])).stdout);
    expect(none.output).toBeNull();
    const d = dir('solve-out');
    const out = path.join(d, 'x.mtx');
    const r = await run(['solve', 'gen:poisson2d:8', '-o', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).output).toBe(out);
    expect(readFileSync(out, 'utf8')).toMatch(/^%%MatrixMarket matrix array real general\n/);
    expect(readdirSync(d)).toEqual(['x.mtx']); // no temporary file left behind
  });

  it('the target is checked before any work: a directory, a missing directory', async () => {
    const d = dir('a-dir');
    // the missing input would be reported first if the output were checked after reading
    for (const args of [['solve', path.join(tmp, 'no-such-input.mtx')], ['multiply', path.join(tmp, 'no-such-input.mtx'), 'gen:poisson2d:3']]) {
      const isDir = await run([...args, '-o', d, '--json']);
      expect(isDir.code).toBe(1);
      expect(isDir.stdout).toBe('');
      expect(isDir.stderr).toBe(`sparse-wasm: cannot write ${d}: is a directory\n`);
      const missing = path.join(tmp, 'no-such-dir', 'x.mtx');
      const noDir = await run([...args, '--output', missing]);
      expect(noDir.code).toBe(1);
      expect(noDir.stderr).toBe(`sparse-wasm: cannot write ${missing}: no such directory ${path.join(tmp, 'no-such-dir')}\n`);
      const slash = await run([...args, '-o', `${d}/`]);
      expect(slash.code).toBe(1);
      expect(slash.stderr).toBe(`sparse-wasm: cannot write "${d}/": a file name is needed\n`);
    }
  });

  // /dev/full: the Linux device on which every write fails with ENOSPC
  it.runIf(existsSync('/dev/full'))('a full device is "cannot write FILE: no space left on device", exit 1', async () => {
    const r = await run(['solve', 'gen:poisson2d:8', '-o', '/dev/full']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('sparse-wasm: cannot write /dev/full: no space left on device\n');
    const m = await run(['multiply', 'gen:poisson2d:8', 'gen:poisson2d:8', '--repeat', '1', '-o', '/dev/full', '--json']);
    expect(m.code).toBe(1);
    expect(m.stderr).toBe('sparse-wasm: cannot write /dev/full: no space left on device\n');
    // the work is not lost: the result is printed, saying that the file was not written
    expect(JSON.parse(m.stdout)).toMatchObject({ nnz: 676, output: null, outputError: 'cannot write /dev/full: no space left on device' });
    const s = await run(['solve', 'gen:poisson2d:8', '-o', '/dev/full', '--json']);
    expect(s.code).toBe(1);
    expect(JSON.parse(s.stdout)).toMatchObject({ converged: true, output: null, outputError: 'cannot write /dev/full: no space left on device' });
  });

  it('a solve ending nan-or-inf prints its JSON, writes no file and keeps the old one (exit 1)', async () => {
    // x = b / 1e-300 = 1e600 overflows: CG's step length is not finite
    const A = file('tiny.mtx', '%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1e-300\n2 2 1e-300\n');
    const b = vectorFile('huge.mtx', [1e300, 1e300]);
    const d = dir('nan-out');
    const out = path.join(d, 'x.mtx');
    writeFileSync(out, 'previous result\n');
    const r = await run(['solve', A, '--rhs', b, '--method', 'cg', '--precond', 'none', '-o', out, '--json']);
    expect(r.code).toBe(1);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ converged: false, reason: 'nan-or-inf', xFinite: false, output: null });
    expect(o.outputError).toMatch(/non-finite/);
    expect(r.stderr).toBe(`sparse-wasm: cannot write ${out}: the solution has non-finite entries (nan-or-inf)\n`);
    expect(readFileSync(out, 'utf8')).toBe('previous result\n');
    expect(readdirSync(d)).toEqual(['x.mtx']);
  });

  it('writeAtomically: a failing write leaves the old file intact and no temporary file', async () => {
    const d = dir('atomic');
    const target = path.join(d, 'C.mtx.gz');
    writeFileSync(target, 'old contents\n');
    chmodSync(target, 0o640);
    let tmpSeen = '';
    const failing = writeAtomically(target, async (p) => {
      tmpSeen = p;
      writeFileSync(p, 'partial');
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    await expect(failing).rejects.toThrow(`cannot write ${target}: no space left on device`);
    expect(path.dirname(tmpSeen)).toBe(d); // the temporary file is beside the target (same file system)...
    expect(tmpSeen.endsWith('C.mtx.gz')).toBe(true); // ...and ends like it, so the format stays recognisable
    expect(readFileSync(target, 'utf8')).toBe('old contents\n');
    expect(readdirSync(d)).toEqual(['C.mtx.gz']);
    await writeAtomically(target, async (p) => writeFileSync(p, 'new contents\n'));
    expect(gunzipSync(readFileSync(target)).toString()).toBe('new contents\n'); // a .gz name is gzipped
    // ...once: what the writer already compressed is left as it is
    await writeAtomically(target, async (p) => writeFileSync(p, gzipSync('newer\n')));
    expect(gunzipSync(readFileSync(target)).toString()).toBe('newer\n');
    expect(statSync(target).mode & 0o777).toBe(0o640); // the replaced file keeps its permissions
    expect(readdirSync(d)).toEqual(['C.mtx.gz']);
  });
});

describe('multiply --drop-zeros', () => {
  it('bcsstk13 squared: 396,773 structural entries, 395,923 without the cancelled ones (as SciPy)', async () => {
    const A = matrixPath('bcsstk13.mtx');
    const keep = JSON.parse((await run(['multiply', A, A, '--repeat', '1', '--json'])).stdout);
    expect(keep).toMatchObject({ nnz: 396_773, structuralNnz: 396_773, zeros: 850, dropZeros: false, droppedZeros: 0 });
    const d = dir('drop');
    const out = path.join(d, 'C.mtx');
    const r = await run(['multiply', A, A, '--repeat', '1', '--drop-zeros', '-o', out, '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ rows: 2003, cols: 2003, nnz: 395_923, structuralNnz: 396_773, dropZeros: true, droppedZeros: 850, output: out });
    const header = readFileSync(out, 'utf8').split('\n').find((l) => !l.startsWith('%'));
    expect(header).toBe('2003 2003 395923');
    // -o NAME.gz writes gzip, which the CLI reads back
    const gz = path.join(d, 'C.mtx.gz');
    expect((await run(['multiply', A, A, '--repeat', '1', '--drop-zeros', '-o', gz])).code).toBe(0);
    expect([...readFileSync(gz).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(JSON.parse((await run(['info', gz, '--json'])).stdout)).toMatchObject({ rows: 2003, nnz: 395_923 });
    const human = await run(['multiply', A, A, '--repeat', '1']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/nnz 396773 .*850 of them exactly 0 \(--drop-zeros removes them\)/);
  }, 60_000);
});
