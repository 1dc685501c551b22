// solve(A, b, { rtol: 1e-10 }) with every other choice automatic, on every nonsingular square
// real fixture (test/direct-all.test.ts asserts the residuals; this measures the times): the
// method 'auto' took, whether it fell back, the time and the true relative residual, next to the
// iterative choice alone (what 'auto' did before issue 12: CG + IC(0) / MINRES / GMRES + ILU(0),
// forced, no fallback) and the direct LU alone. b = A x* for x* = 1.
// Usage: npm run build && node bench/direct/auto.mjs [--quick]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { init, solve, matrixProperties } from '../../dist/index.js';
import { readMatrix } from '../../dist/node.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', '..', 'test', 'fixtures', 'matrices');
// singular by SciPy's splu (see test/direct-all.test.ts)
const SINGULAR = new Set(['Ragusa16.mtx', 'bcspwr10.mtx', 'rajat01.mtx', 'luxembourg_osm.mtx']);

function trueRelative(A, x, b) {
  const ax = A.multiply(x);
  let r = 0, s = 0;
  for (let i = 0; i < b.length; i++) { r += (b[i] - ax[i]) ** 2; s += b[i] ** 2; }
  return Math.sqrt(r / s);
}

/** The iterative choice 'auto' made before direct solvers existed. */
function iterativeChoice(A) {
  const p = matrixProperties(A);
  if (p.numericallySymmetric && p.diagonalSign === 'positive') return { method: 'cg', precond: 'ic0' };
  if (p.numericallySymmetric) return { method: 'minres', precond: 'auto' };
  return { method: 'gmres', precond: 'ilu0' };
}

function timed(f) {
  const t = performance.now();
  const r = f();
  return { r, ms: performance.now() - t };
}

export async function run({ quick = false } = {}) {
  await init({ initialMemoryMiB: 512 });
  const index = JSON.parse(readFileSync(path.join(fixtures, 'index.json'), 'utf8')).matrices;
  let names = index.filter((e) => e.rows === e.cols && e.cols > 1 && e.field !== 'complex' && !SINGULAR.has(e.name)).map((e) => e.name).sort();
  if (quick) names = names.filter((n) => ['west0479.mtx', 'bcsstk01.mtx', 'sherman5.mtx', 'arc130.mtx'].includes(n));
  const rows = [];
  let solved = 0;
  for (const name of names) {
    const A = (await readMatrix(path.join(fixtures, `${name}.gz`))).matrix;
    const b = A.multiply(new Float64Array(A.rows).fill(1));
    solve(A, b, { rtol: 1e-10 }); // warm-up (baseline tier, first-touch)
    const auto = timed(() => solve(A, b, { rtol: 1e-10 }));
    const it = timed(() => solve(A, b, { rtol: 1e-10, ...iterativeChoice(A) }));
    const lu = timed(() => solve(A, b, { rtol: 1e-10, method: 'lu' }));
    const res = trueRelative(A, auto.r.x, b);
    if (res <= 1e-10) solved++;
    rows.push({
      matrix: name.replace('.mtx', ''), n: A.rows, nnz: A.nnz,
      auto: `${auto.r.method} + ${auto.r.precond}${auto.r.fallback ? ` (after ${auto.r.fallback.method} + ${auto.r.fallback.precond}: ${auto.r.fallback.reason})` : ''}`,
      'auto ms': auto.ms, 'auto residual': res,
      iterative: `${it.r.method} + ${it.r.precond}`, 'iterative ms': it.ms, 'iterative ok': it.r.converged,
      'lu ms': lu.ms, 'lu residual': trueRelative(A, lu.r.x, b),
    });
    A.dispose();
  }
  return {
    title: "solve(A, b, { rtol: 1e-10 }) on the bundled fixtures: 'auto' vs the iterative choice alone vs LU alone",
    rows,
    notes: [`${solved} of ${names.length} solved to a true relative residual <= 1e-10 by 'auto'`, 'times include setup (ordering, factorization or preconditioner) and the solve; one run each after a warm-up'],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { printSection } = await import('./table.mjs');
  printSection(await run({ quick: process.argv.includes('--quick') }));
}
