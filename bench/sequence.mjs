// Sequence benchmark: solveSequence (reused session, initial guesses, similarity sorting,
// recycling, learned omega) against our own best independent solves, side by side in one run.
//
//   node bench/sequence.mjs            the full run (varcoef 128x128 x 20, its shuffled copy, heat
//                                      equation 50 steps, rotating-wind convection-diffusion,
//                                      learned omega on 1,000 systems, sorting 10,000 fingerprints)
//   node bench/sequence.mjs --quick    small sizes, runs in seconds (CI smoke run)
//   options: --rounds N (variants alternated N times, median time reported; default 2, quick 1),
//            --only NAME[,NAME] (varcoef, shuffled, heat, wind, omega, sort), --omega-systems N
//            (default 1000), --no-gcrodr, --filter REGEX (only the variants whose name matches, e.g.
//            --only varcoef --filter 'GMRES|GCRO')
//
// Every problem is generated here in JS (src/sequence/generators.ts; the varcoef sequence follows
// the definition of the shared anchors' gen_matrices.py with our own random fields). Times are
// wall clock, single thread, setup included (matrix upload, preconditioner, session); the systems'
// CSR arrays are generated before timing. Methods missing from the registry (gcrodr, a recycled
// CG) are skipped with a note.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  init, CsrMatrix, SolverSession, solveSequence, greedyOrder, varcoefSequence, rotatingWindSequence, heatMatrix, heatInitial,
  diffusion2d, gaussianField,
} from '../dist/index.js';
import { median } from './lib/stats.mjs';
import { independent } from './lib/independent.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const quick = flag('--quick');
const rounds = Number(value('--rounds', quick ? '1' : '2'));
const only = value('--only', '') ? new Set(value('--only', '').split(',')) : null;
const want = (name) => !only || only.has(name);
const filter = value('--filter', '') ? new RegExp(value('--filter', '')) : null;

await init({ initialMemoryMiB: 1024 });

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);
const RTOL = 1e-8;

/** true when the registry knows `method` (the session refuses unknown names at once). */
function hasMethod(method, extra = {}) {
  const A = CsrMatrix.fromCsr(1, 1, [0, 1], [0], [1]);
  try {
    new SolverSession(A, { method, precond: 'none', ...extra }).dispose();
    return true;
  } catch {
    return false;
  } finally {
    A.dispose();
  }
}
const RECYCLED_CG = ['rcg', 'defcg', 'initcg', 'deflated-cg', 'recycled-cg'].filter((m) => hasMethod(m));
const HAS_GCRODR = hasMethod('gcrodr');
const notes = [];
if (!HAS_GCRODR) notes.push('gcrodr is not in the method registry: its rows are skipped');
if (RECYCLED_CG.length === 0) notes.push('no recycled CG method in the registry: its rows are skipped');

async function sequence(systems, options) {
  const t0 = performance.now();
  const res = await solveSequence(systems, { keepSolutions: false, ...options });
  const ms = performance.now() - t0;
  return { iterations: res.totals.iterations, converged: res.totals.converged, ms, sortMs: res.totals.sortMs, order: res.order, res };
}

/** Runs every variant `rounds` times, alternating, and keeps the median time. */
async function sideBySide(title, count, variants) {
  if (filter) variants = variants.filter((v) => filter.test(v.name));
  if (variants.length === 0) return [];
  const rows = new Map();
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const out = await v.run();
      const row = rows.get(v.name) ?? { name: v.name, times: [], ...out };
      row.times.push(out.ms);
      rows.set(v.name, row);
    }
  }
  const list = [...rows.values()].map((r) => ({ ...r, ms: median(r.times), res: undefined, order: undefined }));
  const base = list[0];
  console.log(`\n## ${title}`);
  console.log('| variant | iterations | converged | time | vs first row |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of list) {
    console.log(`| ${r.name} | ${r.iterations} | ${r.converged}/${count} | ${fmt(r.ms)} | ${(r.ms / base.ms).toFixed(2)}x time, ${(r.iterations / base.iterations).toFixed(2)}x its |`);
  }
  return list.map(({ times, ...r }) => ({ ...r, times }));
}

/** Generates once, loads from memory: generation is not part of any timing. */
function cached(seq) {
  const items = Array.from({ length: seq.count }, (_, i) => seq.load(i));
  return { count: items.length, load: (i) => items[i] };
}

const results = { quick, rounds, node: process.version, date: new Date().toISOString(), notes, problems: {} };

// -- 1. varcoef ---------------------------------------------------------------------------------
const N = quick ? 24 : 128, COUNT = quick ? 6 : 20;
const varcoef = cached(varcoefSequence({ N, count: COUNT }));
const cgIc = { method: 'cg', precond: 'ic0', rtol: RTOL };
const gmIlu = { method: 'gmres', restart: 40, precond: 'ilu0', rtol: RTOL };
if (want('varcoef')) {
  const v = [
    { name: 'independent CG+IC(0)', run: async () => independent(varcoef, cgIc) },
    { name: 'sequence CG+IC(0), x0 = 0', run: () => sequence(varcoef, { ...cgIc, initialGuess: 'zero' }) },
    { name: 'sequence CG+IC(0), previous x', run: () => sequence(varcoef, { ...cgIc, initialGuess: 'previous' }) },
    { name: 'sequence CG+IC(0), Galerkin energy (6) [the issue\'s baseline]', run: () => sequence(varcoef, { ...cgIc, projection: 'energy', galerkinSize: 6 }) },
    { name: 'sequence CG+IC(0), Galerkin residual (8) [default]', run: () => sequence(varcoef, { ...cgIc }) },
    { name: 'sequence CG+IC(0), Galerkin residual (12)', run: () => sequence(varcoef, { ...cgIc, galerkinSize: 12 }) },
    // recycled CG: k = 4 and 8 measured best here, 10 is the method's default; 'auto' lets the session decide
    ...RECYCLED_CG.flatMap((m) => [4, 8, 10, 'auto'].map((k) => ({ name: `sequence ${m}(k=${k})+IC(0), Galerkin`, run: () => sequence(varcoef, { ...cgIc, method: m, recycle: k }) }))),
    ...RECYCLED_CG.map((m) => ({ name: `sequence ${m}(k=4, init-CG only)+IC(0), Galerkin`, run: () => sequence(varcoef, { ...cgIc, method: m, recycle: 4, deflate: false }) })),
    { name: 'independent GMRES(40)+ILU(0)', run: async () => independent(varcoef, gmIlu) },
    { name: 'sequence GMRES(40)+ILU(0), Galerkin residual (8)', run: () => sequence(varcoef, { ...gmIlu }) },
    ...(HAS_GCRODR && !flag('--no-gcrodr') ? [
      { name: 'sequence GCRO-DR(40,10)+ILU(0), x0 = 0', run: () => sequence(varcoef, { method: 'gcrodr', restart: 40, recycle: 10, precond: 'ilu0', rtol: RTOL, initialGuess: 'zero' }) },
      { name: 'sequence GCRO-DR(40,10)+ILU(0), Galerkin residual (8)', run: () => sequence(varcoef, { method: 'gcrodr', restart: 40, recycle: 10, precond: 'ilu0', rtol: RTOL }) },
    ] : []),
  ];
  results.problems.varcoef = { n: N * N, systems: COUNT, rows: await sideBySide(`varcoef ${N}x${N}, ${COUNT} systems, b = ones, rtol 1e-8`, COUNT, v) };
}

// -- 2. the same sequence shuffled: does greedy sorting recover the true order's gain? ------------
if (want('shuffled')) {
  let s = 12345;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const perm = Array.from({ length: COUNT }, (_, i) => i);
  for (let i = COUNT - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }
  const shuffled = { count: COUNT, load: (i) => varcoef.load(perm[i]) };
  const reversed = { count: COUNT, load: (i) => varcoef.load(COUNT - 1 - i) };
  // how much order matters depends on what carries information from system to system; greedy
  // sorting walks from the end where systems change least (the true order here, not its reverse)
  const configs = [
    { name: 'CG+IC(0), Galerkin residual (8)', options: { ...cgIc } },
    { name: 'CG+IC(0), previous x', options: { ...cgIc, initialGuess: 'previous' } },
    // a wider window: here the shuffled order beats the sorted one (measured 1,531 against 1,749
    // iterations): solutions from all over the parameter range let the projection interpolate,
    // where a sorted window of neighbours can only extrapolate along the path
    { name: 'CG+IC(0), Galerkin residual (12)', options: { ...cgIc, galerkinSize: 12 } },
    ...RECYCLED_CG.map((m) => ({ name: `${m}(k=4)+IC(0), Galerkin residual (8)`, options: { ...cgIc, method: m, recycle: 4 } })),
    ...(HAS_GCRODR && !flag('--no-gcrodr') ? [{ name: 'GCRO-DR(40,10)+ILU(0), x0 = 0', options: { method: 'gcrodr', restart: 40, recycle: 10, precond: 'ilu0', rtol: RTOL, initialGuess: 'zero' } }] : []),
  ];
  const out = [];
  // the greedy order of the fingerprints (the same for every configuration), in true indices
  const recovered = (await sequence(shuffled, { ...cgIc, sort: 'greedy', maxIterations: 1 })).order.map((i) => perm[i]);
  const backwards = recovered[0] > recovered[COUNT - 1];
  for (const c of configs) {
    const v = [
      { name: 'shuffled, sort none', run: () => sequence(shuffled, { ...c.options, sort: 'none' }) },
      { name: 'shuffled, sort greedy (fingerprints)', run: () => sequence(shuffled, { ...c.options, sort: 'greedy' }) },
      { name: 'true order', run: () => sequence(varcoef, { ...c.options }) },
      { name: 'true order reversed', run: () => sequence(reversed, { ...c.options }) },
    ];
    const rows = await sideBySide(`varcoef shuffled (seed 12345), ${c.name}`, COUNT, v);
    const [none, greedy, truth, rev] = rows.map((r) => r.iterations);
    // the gain of ordering: what the true order saves over the shuffled order, and how much of it
    // greedy sorting recovers; the greedy order may be the true one reversed (either end is an
    // end), so its share is also given against the true order walked in the same direction
    const share = none - truth > 0 ? (none - greedy) / (none - truth) : NaN;
    const same = backwards ? rev : truth;
    const shareSameDirection = none - same > 0 ? (none - greedy) / (none - same) : NaN;
    console.log(`ordering gain over the shuffled order: true order ${none - truth} iterations (reversed ${none - rev}), greedy ${none - greedy}: ` +
      `${(100 * share).toFixed(0)}% of the true order's, ${(100 * shareSameDirection).toFixed(0)}% of the true order's in the greedy direction (${backwards ? 'reversed' : 'forward'})`);
    out.push({ config: c.name, rows, share, shareSameDirection });
  }
  console.log(`greedy order (true indices): ${recovered.join(' ')}`);
  results.problems.shuffled = { perm, greedyOrderTrueIndices: recovered, configs: out };
}

// -- 3. heat equation: same SPD A, 50 right-hand sides b_{t+1} = x_t -------------------------------
if (want('heat')) {
  const HN = quick ? 24 : 128, STEPS = quick ? 8 : 50;
  const H = heatMatrix(HN, 4);
  const u0 = heatInitial(HN);
  const opts = { method: 'cg', precond: 'ic0', rtol: RTOL };
  const indepHeat = async () => {
    let u = u0;
    const t0 = performance.now();
    let iterations = 0, converged = 0;
    // independent PCG: a fresh matrix, session and preconditioner per step, x0 = 0
    for (let t = 0; t < STEPS; t++) {
      const M = CsrMatrix.fromCsr(H.rows, H.cols, H.indptr, H.indices, H.data);
      const s = new SolverSession(M, opts);
      const r = s.solve(u);
      s.dispose(); M.dispose();
      iterations += r.iterations; if (r.converged) converged++;
      u = r.x;
    }
    return { iterations, converged, ms: performance.now() - t0 };
  };
  const seqHeat = async (extra) => {
    let u = u0;
    function* steps() { for (let t = 0; t < STEPS; t++) yield u; }
    const t0 = performance.now();
    const M = CsrMatrix.fromCsr(H.rows, H.cols, H.indptr, H.indices, H.data);
    const res = await solveSequence(steps(), { matrix: M, ...opts, keepSolutions: false, onSystem: (r) => { u = r.x; }, ...extra });
    M.dispose();
    return { iterations: res.totals.iterations, converged: res.totals.converged, ms: performance.now() - t0 };
  };
  const v = [
    { name: 'independent PCG (CG+IC(0)), x0 = 0', run: indepHeat },
    { name: 'sequence, previous x', run: () => seqHeat({ initialGuess: 'previous' }) },
    { name: 'sequence, Galerkin energy (6)', run: () => seqHeat({ projection: 'energy', galerkinSize: 6 }) },
    { name: 'sequence, Galerkin residual (8) [default]', run: () => seqHeat({}) },
    { name: 'sequence, Galerkin residual (12)', run: () => seqHeat({ galerkinSize: 12 }) },
    ...RECYCLED_CG.map((m) => ({ name: `sequence ${m}, Galerkin`, run: () => seqHeat({ method: m }) })),
  ];
  results.problems.heat = { n: HN * HN, steps: STEPS, dt: 4, rows: await sideBySide(`heat equation ${HN}x${HN}, backward Euler dt = 4 (grid units), ${STEPS} steps`, STEPS, v) };
}

// -- 4. convection-diffusion with a rotating wind: strong preconditioner, few iterations -----------
if (want('wind')) {
  const WN = quick ? 24 : 128, WC = quick ? 6 : 20;
  // a quarter turn (0 to 90 degrees) at mesh Peclet 10: ILU(0) needs ~25 GMRES iterations a system
  const wind = cached(rotatingWindSequence(WN, WC, 10, 0.25));
  const v = [
    { name: 'independent GMRES(40)+ILU(0)', run: async () => independent(wind, gmIlu) },
    { name: 'sequence GMRES(40)+ILU(0), x0 = 0', run: () => sequence(wind, { ...gmIlu, initialGuess: 'zero' }) },
    { name: 'sequence GMRES(40)+ILU(0), Galerkin residual (8)', run: () => sequence(wind, { ...gmIlu }) },
    ...(HAS_GCRODR && !flag('--no-gcrodr') ? [
      { name: 'sequence GCRO-DR(40,10), recycle 10', run: () => sequence(wind, { ...gmIlu, method: 'gcrodr', recycle: 10, initialGuess: 'zero' }) },
      ...(hasMethod('gcrodr', { recycle: 'auto' }) ? [{ name: "sequence GCRO-DR(40), recycle 'auto'", run: () => sequence(wind, { ...gmIlu, method: 'gcrodr', recycle: 'auto', initialGuess: 'zero' }) }] : []),
    ] : []),
  ];
  results.problems.wind = { n: WN * WN, systems: WC, peclet: 10, turn: 0.25, rows: await sideBySide(`convection-diffusion ${WN}x${WN}, wind of mesh Peclet 10 turning from +x to +y over ${WC} systems, GMRES(40)+ILU(0)`, WC, v) };
}

// -- 5. learned omega: >= 100 systems (A_t = I + c_t L, c_t random; context c_t) ----------------------
if (want('omega')) {
  const ON = quick ? 16 : 32, OC = Number(value('--omega-systems', quick ? '30' : '1000'));
  let s = 777;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const coef = Array.from({ length: OC }, () => Math.exp(Math.log(0.5) + rand() * Math.log(400)));
  const field = gaussianField(ON, 99, 2);
  const bs = Array.from({ length: OC }, (_, t) => gaussianField(ON, 1000 + t, 2));
  const omegaSeq = cached({
    count: OC,
    load: (t) => {
      // I + c_t * (-div(k grad)), k a fixed smooth positive field: the best omega moves with c_t
      const A = diffusion2d(ON, field.map((z) => coef[t] * Math.exp(0.5 * z)));
      for (let r = 0; r < A.rows; r++) for (let p = A.indptr[r]; p < A.indptr[r + 1]; p++) if (A.indices[p] === r) A.data[p] += 1;
      return { A, b: bs[t] };
    },
  });
  // two grids chosen without looking at this sequence: the paper's (20 values in [1, 1.95]) and
  // 19 values evenly spaced in (0, 2); the best fixed omega is taken over the same grid
  const grid = Array.from({ length: 20 }, (_, i) => Math.round((1 + 0.05 * i) * 100) / 100);
  const evenGrid = Array.from({ length: 19 }, (_, i) => Math.round(0.1 * (i + 1) * 100) / 100);
  const ssor = { method: 'cg', precond: 'ssor', rtol: RTOL, initialGuess: 'zero' };
  // offline: every fixed omega of both grids over the whole sequence (iterations per system)
  const fixedBy = new Map();
  for (const w of [...new Set([...grid, ...evenGrid])].sort((x, y) => x - y)) {
    const r = await sequence(omegaSeq, { ...ssor, precondOptions: { omega: w } });
    fixedBy.set(w, { omega: w, iterations: r.iterations, ms: r.ms, perSystem: r.res.results.map((x) => x.iterations) });
  }
  const fixed = grid.map((w) => fixedBy.get(w));
  const best = fixed.reduce((a, b) => (b.iterations < a.iterations ? b : a));
  const omega1 = fixedBy.get(1);
  const context = (t) => [Math.log(coef[t])];
  const v = [
    { name: `fixed omega = 1`, run: () => sequence(omegaSeq, { ...ssor, precondOptions: { omega: 1 } }) },
    { name: `best fixed omega in hindsight (${best.omega})`, run: () => sequence(omegaSeq, { ...ssor, precondOptions: { omega: best.omega } }) },
    { name: 'model learner over the grid [default]', run: () => sequence(omegaSeq, { ...ssor, tune: { omega: grid } }) },
    { name: 'Tsallis-INF over the grid', run: () => sequence(omegaSeq, { ...ssor, tune: { omega: grid, learner: 'tsallis-inf' } }) },
    { name: 'contextual (context log c_t)', run: () => sequence(omegaSeq, { ...ssor, tune: { omega: grid, context } }) },
  ];
  const rows = await sideBySide(`learned SSOR omega for PCG, ${OC} systems I + c_t L (${ON}x${ON}), c_t in [0.5, 200]`, OC, v);
  const [modelIts, tsallis, contextual] = [rows[2].iterations, rows[3].iterations, rows[4].iterations];
  console.log(`best fixed omega ${best.omega}: ${best.iterations} its; omega = 1: ${omega1.iterations}; model ${modelIts} (${((modelIts / best.iterations - 1) * 100).toFixed(1)}% above best fixed); ` +
    `Tsallis-INF ${tsallis} (${((tsallis / best.iterations - 1) * 100).toFixed(1)}%); contextual ${contextual} (${((contextual / best.iterations - 1) * 100).toFixed(1)}%)`);
  // the learning curve: cumulative iterations of each learner against the best fixed omega of the
  // same grid over the same prefix (in hindsight for that prefix); Tsallis-INF over 5 seeds
  const curves = {};
  for (const [gname, g] of [['paper grid [1, 1.95] x 20', grid], ['even grid 0.1..1.9 x 19', evenGrid]]) {
    const per = async (tune) => (await sequence(omegaSeq, { ...ssor, tune: { omega: g, ...tune } })).res.results.map((x) => x.iterations);
    const learners = { model: [await per({})], contextual: [await per({ context })], 'tsallis-inf (5 seeds)': [] };
    for (let seed = 1; seed <= 5; seed++) learners['tsallis-inf (5 seeds)'].push(await per({ learner: 'tsallis-inf', seed }));
    const sum = (a, T) => { let x = 0; for (let i = 0; i < T; i++) x += a[i]; return x; };
    const curve = [];
    console.log(`\nlearning curve, ${gname}: % above the best fixed omega of the grid on the first T systems`);
    console.log(`| T | best fixed | omega = 1 | ${Object.keys(learners).join(' | ')} |`);
    console.log(`|---:|---:|---:|${Object.keys(learners).map(() => '---:').join('|')}|`);
    for (const T of [50, 100, 120, 200, 500, 1000, 2000, 5000].filter((x) => x <= OC)) {
      const bestT = Math.min(...g.map((w) => sum(fixedBy.get(w).perSystem, T)));
      const o1 = sum(omega1.perSystem, T);
      const row = { systems: T, bestFixed: bestT, omega1: o1 };
      for (const [name, runs] of Object.entries(learners)) row[name] = runs.reduce((x, r) => x + sum(r, T), 0) / runs.length;
      curve.push(row);
      const pct = (x) => `${((x / bestT - 1) * 100).toFixed(1)}%`;
      console.log(`| ${T} | ${bestT} | ${o1} (${pct(o1)}) | ${Object.keys(learners).map((k) => `${Math.round(row[k])} (${pct(row[k])})`).join(' | ')} |`);
    }
    curves[gname] = curve;
  }
  // SOR as the stationary method, a smaller run (SOR needs many more iterations)
  const sorSeq = { count: Math.min(OC, quick ? 20 : 100), load: omegaSeq.load };
  const sorFixed = [];
  for (const w of grid) {
    const r = await sequence(sorSeq, { method: 'sor', omega: w, rtol: 1e-6, initialGuess: 'zero', maxIterations: 20000 });
    sorFixed.push({ omega: w, iterations: r.iterations });
  }
  const sorBest = sorFixed.reduce((a, b) => (b.iterations < a.iterations ? b : a));
  const sorM = await sequence(sorSeq, { method: 'sor', rtol: 1e-6, initialGuess: 'zero', maxIterations: 20000, tune: { omega: grid } });
  const sorT = await sequence(sorSeq, { method: 'sor', rtol: 1e-6, initialGuess: 'zero', maxIterations: 20000, tune: { omega: grid, learner: 'tsallis-inf' } });
  const sorC = await sequence(sorSeq, { method: 'sor', rtol: 1e-6, initialGuess: 'zero', maxIterations: 20000, tune: { omega: grid, context } });
  console.log(`SOR (${sorSeq.count} systems, rtol 1e-6): omega = 1 ${sorFixed[0].iterations} its, best fixed (${sorBest.omega}) ${sorBest.iterations}, model ${sorM.iterations}, Tsallis-INF ${sorT.iterations}, contextual ${sorC.iterations}`);
  results.problems.omega = {
    n: ON * ON, systems: OC, grid, evenGrid, fixed: [...fixedBy.values()].map(({ perSystem, ...f }) => f), bestFixed: { omega: best.omega, iterations: best.iterations }, rows, curves,
    sor: { systems: sorSeq.count, fixed: sorFixed, bestFixed: sorBest, model: sorM.iterations, tsallis: sorT.iterations, contextual: sorC.iterations },
  };
}

// -- 6. sorting 10,000 fingerprints ---------------------------------------------------------------
if (want('sort')) {
  const count = quick ? 2000 : 10000, dim = 32;
  const pts = new Float64Array(count * dim);
  let s = 4242;
  for (let k = 0; k < pts.length; k++) pts[k] = (s = (s * 16807) % 2147483647) / 2147483647;
  const t0 = performance.now();
  greedyOrder(pts, count, dim);
  const ms = performance.now() - t0;
  console.log(`\n## sorting\ngreedy nearest-neighbour order of ${count} random ${dim}-dimensional fingerprints: ${fmt(ms)}`);
  // a shuffled one-parameter family of small systems, loaded lazily (twice: fingerprints, then solves)
  const FN = 10, zp = gaussianField(FN, 5, 2);
  const params = Array.from({ length: count }, () => (s = (s * 16807) % 2147483647) / 2147483647);
  const family = { count, load: (i) => ({ A: diffusion2d(FN, zp.map((z) => Math.exp(params[i] * z))), b: new Float64Array(FN * FN).fill(1) }) };
  const sorted = await sequence(family, { ...cgIc, sort: 'greedy' });
  const unsorted = await sequence(family, { ...cgIc });
  console.log(`${count} systems (${FN}x${FN} diffusion, log k = t z, t shuffled), CG+IC(0) with the Galerkin guess: ` +
    `sorted ${sorted.iterations} iterations in ${fmt(sorted.ms)} (fingerprints and order ${fmt(sorted.sortMs)}), unsorted ${unsorted.iterations} in ${fmt(unsorted.ms)}`);
  results.problems.sort = {
    count, dim, ms,
    family: { systems: count, sortedIterations: sorted.iterations, sortedMs: sorted.ms, sortMs: sorted.sortMs, unsortedIterations: unsorted.iterations, unsortedMs: unsorted.ms },
  };
}

for (const n of notes) console.log(`note: ${n}`);
const dir = quick ? os.tmpdir() : path.join(here, 'results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, quick ? 'sequence-quick.json' : 'sequence.json');
writeFileSync(file, JSON.stringify(results, null, 1) + '\n');
console.log(`\nwrote ${quick ? file : path.relative(process.cwd(), file)}`);
