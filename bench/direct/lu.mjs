// Sparse LU benchmark section: sparse-wasm's SparseLu against SciPy's splu (SuperLU, COLAMD;
// /usr/bin/python3, skipped with a notice when scipy is missing) and mathjs's slu (a CSparse port,
// AMD on A + A^T, threshold 0.1) on convdiff2d (the shared anchors' 2D upwind convection-diffusion)
// and the bundled nonsymmetric matrices. Each case: b = A * ones; time = analysis (ordering) +
// factorization + one solve (ours: plus the refinement steps needed for backward error ~eps, timed
// with the solve), nnz(L) + nnz(U) (both diagonals counted, as SciPy's L.nnz + U.nnz), true
// relative residual ||b - A x|| / ||b||. Single thread, wall clock, best of a few rounds; the
// CPU-time ratio (process.cpuUsage / time.process_time of the same rounds) is steadier on a loaded machine.
//
//   node bench/direct/lu.mjs            convdiff2d_512 (n = 262,144) and every bundled matrix
//   node bench/direct/lu.mjs --quick    convdiff2d_64 and the small bundled matrices
// Exported as a section of bench/direct.mjs: run({ quick }) -> { title, rows, notes }.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, CsrMatrix, lu } from '../../dist/index.js';
import { readMatrix } from '../../dist/node.js';
import { convectionDiffusion2d } from '../../dist/sequence/generators.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const PYTHON = '/usr/bin/python3';

const BUNDLED = ['west0479', 'impcol_a', 'bayer10', 'bp_1200', 'cryg2500', 'nnc1374', 'plskz362', 'rbs480a',
  'tumorAntiAngiogenesis_2', 'sherman5', 'orsirr_1', 'hor131'];
const QUICK_BUNDLED = ['west0479', 'impcol_a', 'bp_1200', 'plskz362'];
/** mathjs slu is pure JavaScript: only where it finishes in reasonable time */
const MATHJS_MAX_N = 70000;

const ms = (t) => (t >= 1000 ? `${(t / 1000).toFixed(2)} s` : `${t.toFixed(t < 10 ? 2 : 1)} ms`);

async function load(rt, name) {
  if (name.startsWith('convdiff2d_')) {
    const N = Number(name.split('_')[1]);
    // wind (4, 4): diag 12, west/south -5, east/north -1, as gen_matrices.py's convdiff2d(N, pe_h = 2)
    const c = convectionDiffusion2d(N, 4, 4);
    return CsrMatrix.fromCsr(c.rows, c.cols, c.indptr, c.indices, c.data, { runtime: rt });
  }
  return (await readMatrix(path.join(root, 'test', 'fixtures', 'matrices', `${name}.mtx.gz`), { runtime: rt })).matrix;
}

function residual(A, x, b) {
  const ax = A.multiply(x);
  let rr = 0, bb = 0;
  for (let i = 0; i < b.length; i++) { rr += (ax[i] - b[i]) ** 2; bb += b[i] ** 2; }
  return Math.sqrt(rr / bb);
}

function ours(A, b, rounds) {
  let best, coldMs;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const f = lu(A);
    const t1 = performance.now();
    const s = f.solveDetailed(b, { refine: 3 });
    const t2 = performance.now();
    const cpu = process.cpuUsage(c0);
    const row = {
      analyzeMs: f.info.timings.analyze, factorMs: t1 - t0, solveMs: t2 - t1, totalMs: t2 - t0, cpuMs: (cpu.user + cpu.system) / 1000,
      nnzLU: f.info.nnzL + f.info.nnzU, refinementSteps: s.refinementSteps, backwardError: s.backwardError,
      relativeResidual: residual(A, s.x, b), ordering: f.info.ordering,
    };
    f.dispose();
    if (r === 0) coldMs = row.totalMs;
    if (!best || row.totalMs < best.totalMs) best = row;
  }
  return { ...best, coldMs };
}

async function mathjsLu(A, b) {
  const math = await import('mathjs');
  const n = A.rows;
  const t = A.transpose(); // mathjs stores CSC: the CSR arrays of A^T
  const SM = new math.SparseMatrix({ values: Array.from(t.values), index: Array.from(t.colIdx), ptr: Array.from(t.rowPtr), size: [n, n], datatype: 'number' });
  t.dispose();
  const bm = math.matrix(Array.from(b), 'dense');
  const t0 = performance.now();
  const f = math.slu(SM, 1, 0.1);
  const x = Float64Array.from(math.lusolve(f, bm).toArray().flat());
  const t1 = performance.now();
  const nnzLU = f.L._values.length + f.U._values.length;
  return { totalMs: t1 - t0, nnzLU, relativeResidual: residual(A, x, b) };
}

function scipyLu(names) {
  try {
    const out = execFileSync(PYTHON, [path.join(here, 'scipy_lu.py'), ...names], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    return { error: (e.stderr || e.message || String(e)).toString().trim().split('\n').pop() };
  }
}

export async function run({ quick = false } = {}) {
  const rt = await init({ initialMemoryMiB: quick ? 256 : 2048 });
  const names = quick ? ['convdiff2d_64', ...QUICK_BUNDLED] : ['convdiff2d_512', 'convdiff2d_128', ...BUNDLED];
  const notes = [];
  // warm-up: wasm has no on-stack replacement (a first large call would run in the baseline tier)
  // and the orderings are JavaScript: small factorizations until both are optimised
  {
    const w = await load(rt, 'convdiff2d_32');
    const wb = w.multiply(new Float64Array(w.rows).fill(1));
    for (let i = 0; i < 30; i++) {
      for (const ordering of ['amd', 'colamd']) { const f = lu(w, { ordering }); f.solveDetailed(wb, { refine: 1 }); f.refactor(w.values); f.dispose(); }
    }
    w.dispose();
  }
  const sp = existsSync(PYTHON) ? scipyLu(names) : { error: `${PYTHON} not found` };
  if (sp.error) notes.push(`SciPy skipped: ${sp.error}`);
  else notes.push(`SciPy ${sp.scipy} splu(A, permc_spec='COLAMD'), best of 2-3 rounds`);
  const rows = [];
  for (const name of names) {
    const A = await load(rt, name);
    const b = A.multiply(new Float64Array(A.cols).fill(1));
    // small matrices: the first rounds still run JavaScript (the orderings) before V8 optimises it
    // for this matrix's shapes; 'total' is the best of 10 (SciPy's C has no warm-up), 'cold' the first
    const o = ours(A, b, A.rows > 100000 ? 1 : 10);
    const s = sp.cases?.[name];
    let mj;
    if (A.rows <= MATHJS_MAX_N) {
      try { mj = await mathjsLu(A, b); } catch (e) { mj = { error: e.message }; }
    }
    rows.push({
      matrix: name, n: A.rows, nnz: A.nnz,
      'ours: total': ms(o.totalMs), 'ours: cold': ms(o.coldMs), 'ours: factor': ms(o.factorMs), 'ours: solve (+refine)': `${ms(o.solveMs)} (${o.refinementSteps})`,
      'ours: nnz(L+U)': o.nnzLU, 'ours: residual': o.relativeResidual.toExponential(1),
      'scipy: total': s ? ms(s.factorMs + s.solveMs) : '-', 'scipy: nnz(L+U)': s ? s.nnzLU : '-',
      'scipy: residual': s ? s.relativeResidual.toExponential(1) : '-',
      'ours / scipy': s ? (o.totalMs / (s.factorMs + s.solveMs)).toFixed(2) : '-',
      'ours / scipy (CPU time)': s?.cpuMs ? (o.cpuMs / s.cpuMs).toFixed(2) : '-',
      'mathjs: total': mj?.totalMs !== undefined ? ms(mj.totalMs) : mj?.error ? `error: ${mj.error}` : 'skipped (n too large)',
      'mathjs / ours': mj?.totalMs !== undefined ? (mj.totalMs / o.coldMs).toFixed(1) : '-',
      'mathjs: residual': mj?.relativeResidual !== undefined ? mj.relativeResidual.toExponential(1) : '-',
      ordering: o.ordering,
    });
    A.dispose();
  }
  notes.push(`ours: lu(A) defaults (ordering as reported, pivotThreshold 0.1) + solveDetailed(b, { refine: 3 }); mathjs: slu(A, 1, 0.1) + lusolve, skipped above n = ${MATHJS_MAX_N}`);
  notes.push('ours: total = best of 10 rounds for n <= 100,000 (1 round above), cold = the first round; mathjs (one run) / ours compares with our cold round');
  return { title: 'Sparse LU: factor + solve (sparse-wasm vs SciPy splu COLAMD vs mathjs slu)', rows, notes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const { title, rows, notes } = await run({ quick });
  console.log(`## ${title}\n`);
  const cols = Object.keys(rows[0] ?? {});
  console.log(`| ${cols.join(' | ')} |`);
  console.log(`|${cols.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${cols.map((c) => r[c]).join(' | ')} |`);
  console.log('');
  for (const n of notes) console.log(`- ${n}`);
}
