// Our independent solves of the varcoef sequence against PETSc's, side by side in one run
// (rounds alternate ours and PETSc's). PETSc 3.18 through Debian's python3-petsc4py
// (bench/petsc_sequence.py); skipped with a note where it is missing.
//
//   node bench/sequence-petsc.mjs [--rounds 3] [--n 128] [--count 20]
//
// Both sides: b = ones, x0 = 0, rtol 1e-8 on the unpreconditioned residual, the preconditioner built
// anew for every system, matrix assembly included; PETSc's file reading is not timed, nor is our
// generation of the CSR arrays.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, CsrMatrix, varcoefSequence } from '../dist/index.js';
import { writeMatrix } from '../dist/node.js';
import { median } from './lib/stats.mjs';
import { independent } from './lib/independent.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const value = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const rounds = Number(value('--rounds', '3')), N = Number(value('--n', '128')), COUNT = Number(value('--count', '20'));
const PETSC_DIR = '/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real';
const petscOk = existsSync(PETSC_DIR);

await init({ initialMemoryMiB: 1024 });
const seq = varcoefSequence({ N, count: COUNT });
const systems = Array.from({ length: COUNT }, (_, i) => seq.load(i));
const dir = mkdtempSync(path.join(os.tmpdir(), 'varcoef-'));
const files = [];
for (let i = 0; i < COUNT; i++) {
  const { A } = systems[i];
  const M = CsrMatrix.fromCsr(A.rows, A.cols, A.indptr, A.indices, A.data);
  const f = path.join(dir, `varcoef_${i}.mtx`);
  await writeMatrix(f, M);
  M.dispose();
  files.push(f);
}

const ours = (options) => independent({ count: COUNT, load: (i) => systems[i] }, options);
function petsc(ksp, pc) {
  const out = execFileSync('/usr/bin/python3', [path.join(here, 'petsc_sequence.py'), ksp, pc, '40', ...files], {
    encoding: 'utf8', env: { ...process.env, PETSC_DIR }, maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

const cases = [
  { name: 'GMRES(40)+ILU(0)', ours: () => ours({ method: 'gmres', restart: 40, precond: 'ilu0', rtol: 1e-8 }), petsc: () => petsc('gmres', 'ilu') },
  { name: 'CG+IC(0) (PETSc ICC(0))', ours: () => ours({ method: 'cg', precond: 'ic0', rtol: 1e-8 }), petsc: () => petsc('cg', 'icc') },
];
for (const c of cases) c.ours(); // warm-up: wasm tiers up per function and has no OSR (WASM-NOTES 9)
console.log(`varcoef ${N}x${N}, ${COUNT} systems, ${rounds} rounds alternating; medians; node ${process.version}`);
console.log('| solver | ours: iterations | ours: time | PETSc: iterations | PETSc: time | ours / PETSc time (median of per-round ratios) |');
console.log('|---|---:|---:|---:|---:|---:|');
const all = [];
for (const c of cases) {
  const o = [], p = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) { o.push(c.ours()); if (petscOk) p.push(c.petsc()); } else { if (petscOk) p.push(c.petsc()); o.push(c.ours()); }
  }
  const om = median(o.map((x) => x.ms)), pm = petscOk ? median(p.map((x) => x.ms)) : NaN;
  const ratio = petscOk ? median(o.map((x, i) => x.ms / p[i].ms)) : NaN;
  console.log(`| ${c.name} | ${o[0].iterations} | ${(om / 1000).toFixed(2)} s | ${petscOk ? p[0].iterations : '-'} | ${petscOk ? (pm / 1000).toFixed(2) + ' s' : 'PETSc missing'} | ${petscOk ? ratio.toFixed(2) : '-'} |`);
  all.push({ name: c.name, ours: o, petsc: p });
}
rmSync(dir, { recursive: true, force: true });
