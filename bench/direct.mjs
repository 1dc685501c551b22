// The direct-solver benchmark: one run, every section side by side, one report.
//   orderings  (bench/direct/ordering.mjs) AMD / column ordering: time and fill vs Eigen's AMD figures
//   cholesky   (bench/direct/cholesky.mjs) SparseCholesky vs Eigen SimplicialLLT + AMD
//   lu         (bench/direct/lu.mjs)       SparseLu vs SciPy splu (COLAMD) and mathjs slu
//   auto       (bench/direct/auto.mjs)     solve(A, b, { rtol: 1e-10 }) on every bundled fixture
// A section whose file is missing is reported as skipped. Each section also runs on its own.
// Usage: npm run build && node bench/direct.mjs [--quick] [--only a,b] [--json FILE]
// Timings move by up to 30% on a shared machine: compare ratios within one run.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { printSection } from './direct/table.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECTIONS = ['ordering', 'cholesky', 'lu', 'auto'];

const { values: opts } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, json: { type: 'string' } },
});
const wanted = opts.only ? opts.only.split(',') : SECTIONS;

const report = { node: process.version, quick: opts.quick, date: new Date().toISOString(), sections: [] };
for (const name of wanted) {
  const file = path.join(here, 'direct', `${name}.mjs`);
  if (!existsSync(file)) {
    console.log(`## ${name}: skipped (bench/direct/${name}.mjs is not there)\n`);
    continue;
  }
  const mod = await import(pathToFileURL(file).href);
  const t0 = performance.now();
  let result;
  try {
    result = await mod.run({ quick: opts.quick });
  } catch (e) {
    console.log(`## ${name}: failed: ${e?.stack ?? e}\n`);
    report.sections.push({ name, error: String(e?.message ?? e) });
    continue;
  }
  printSection(result);
  console.log(`(section ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  report.sections.push({ name, ...result });
}
if (opts.json) writeFileSync(opts.json, JSON.stringify(report, null, 2));
