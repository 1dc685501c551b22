// Fill-reducing orderings: time of amd() and colamd() and the fill they give, measured by a
// symbolic count (elimination tree + row subtrees: nnz(L) of the Cholesky factor of P A P^T,
// diagonal included). Reference figures: Eigen 3.4 SimplicialLLT with its AMD ordering, measured
// on this machine kind (issue 12): nnz(L) 9.0 M on poisson2d k = 500 and 23.0 M on poisson3d k = 40.
// For the LU ordering on convdiff2d_512 (same 5-point pattern as poisson2d k = 512): nnz(L+U) if
// the pivots stay on the diagonal is 2 nnz(L) - n of the symmetric factor; SciPy's splu with
// COLAMD (which pivots) has nnz(L+U) = 31 M there (issue 12).
// Usage: npm run build && node bench/direct/ordering.mjs [--quick]
import { pathToFileURL } from 'node:url';
import { init, CsrMatrix, amd, colamd, reverseCuthillMcKee, choleskyFactorNnz } from '../../dist/index.js';
import { symmetricAdjacency } from '../../dist/direct/ordering/graph.js';

/** 5-point (2D) or 7-point (3D) Laplacian pattern with values, lexicographic order. */
function grid(dim, k) {
  const n = dim === 3 ? k * k * k : k * k;
  const rp = new Int32Array(n + 1), ci = [], v = [];
  const plane = k * k;
  for (let i = 0; i < n; i++) {
    const x = i % k, y = Math.floor(i / k) % k, z = dim === 3 ? Math.floor(i / plane) : 0;
    const put = (j, a) => { ci.push(j); v.push(a); };
    if (dim === 3 && z > 0) put(i - plane, -1);
    if (y > 0) put(i - k, -1);
    if (x > 0) put(i - 1, -1);
    put(i, 2 * dim);
    if (x < k - 1) put(i + 1, -1);
    if (y < k - 1) put(i + k, -1);
    if (dim === 3 && z < k - 1) put(i + plane, -1);
    rp[i + 1] = ci.length;
  }
  return CsrMatrix.fromCsr(n, n, rp, Int32Array.from(ci), Float64Array.from(v));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed(f, reps) {
  const times = [];
  let out;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    out = f();
    times.push(performance.now() - t);
  }
  return { out, ms: median(times) };
}

export async function run({ quick = false } = {}) {
  await init({ initialMemoryMiB: 512 });
  const reps = quick ? 1 : 3;
  const cases = quick
    ? [['poisson2d k=100', 2, 100, undefined], ['poisson3d k=15', 3, 15, undefined]]
    : [['poisson2d k=500', 2, 500, 9.0e6], ['poisson3d k=40', 3, 40, 23.0e6]];
  const rows = [], notes = [];
  amd(grid(2, 30)); // warm-up
  for (const [name, dim, k, eigen] of cases) {
    const A = grid(dim, k);
    const n = A.rows;
    const { ptr, adj } = symmetricAdjacency(n, A.rowPtr.slice(), A.colIdx.slice());
    const a = timed(() => amd(A), reps);
    const r = timed(() => reverseCuthillMcKee(A), reps);
    const nnzAmd = choleskyFactorNnz(n, ptr, adj, a.out);
    const nnzRcm = choleskyFactorNnz(n, ptr, adj, r.out);
    rows.push({
      case: name, n, ordering: 'amd', ms: a.ms, nnzL: nnzAmd,
      'Eigen AMD nnzL': eigen ?? '', 'vs Eigen': eigen ? nnzAmd / eigen : '', 'vs RCM': nnzAmd / nnzRcm,
    });
    rows.push({ case: name, n, ordering: 'rcm', ms: r.ms, nnzL: nnzRcm });
    A.dispose();
  }
  // the column ordering on the convection-diffusion pattern (5-point, k = 512)
  const k = quick ? 128 : 512;
  const C = grid(2, k);
  const n = C.rows;
  const { ptr, adj } = symmetricAdjacency(n, C.rowPtr.slice(), C.colIdx.slice());
  const c = timed(() => colamd(C), reps);
  const a = timed(() => amd(C), reps);
  const luColamd = 2 * choleskyFactorNnz(n, ptr, adj, c.out) - n;
  const luAmd = 2 * choleskyFactorNnz(n, ptr, adj, a.out) - n;
  rows.push({ case: `convdiff2d_${k} pattern`, n, ordering: 'colamd (A^T A)', ms: c.ms, 'nnz(L+U) diagonal pivots': luColamd, 'SciPy splu COLAMD nnz(L+U)': k === 512 ? 31e6 : '' });
  rows.push({ case: `convdiff2d_${k} pattern`, n, ordering: 'amd (A + A^T)', ms: a.ms, 'nnz(L+U) diagonal pivots': luAmd });
  notes.push('nnzL: symbolic count of the Cholesky factor (diagonal included) of the permuted pattern; ms: median of the ordering call');
  notes.push('for a pattern-symmetric matrix with a strong diagonal, AMD on A + A^T gives less LU fill than minimum degree on A^T A (COLAMD-like), whose bound covers every row pivoting');
  C.dispose();
  return { title: 'Fill-reducing orderings (AMD, COLAMD-like) vs Eigen AMD fill', rows, notes };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { printSection } = await import('./table.mjs');
  printSection(await run({ quick: process.argv.includes('--quick') }));
}
