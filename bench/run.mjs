#!/usr/bin/env node
// sparse-wasm benchmarks: SpMV and BLAS-1 (dot, axpy, nrm2) in wasm against a plain JavaScript
// loop over typed arrays, measured with tinybench in alternating rounds on the same machine.
//
//   npm run bench                      build, then the full suites (a few minutes)
//   node bench/run.mjs --quick         tiny sizes, few iterations (CI smoke run, < 20 s)
//   node bench/run.mjs --native        also the native comparison (gcc -O3 -march=native C, STREAM)
//   node bench/run.mjs --json          JSON on stdout, tables on stderr
//   options: --filter REGEX (case names), --rounds N, --time MS (per task and round),
//            --matrices DIR (default $SPARSE_BENCH_MATRICES, else the bundled test/fixtures/matrices;
//            NAME.mtx or NAME.mtx.gz), --out FILE
//
// Results go to bench/results/latest.json (gitignored). Method notes:
// - Each case runs `rounds` tinybench runs with the task order rotated, so every variant is timed
//   before and after the others; the figure is the median over rounds of the per-round median
//   latency, and `spread` is (max - min) / median of those per-round medians.
// - The JS baseline is reported twice (WASM-NOTES pitfall 12): over the same arrays every call
//   (V8 may specialise the closure on them) and over fresh copies made before each call (the copy
//   is not timed).
// - A full GC runs before every round (and between native measurements), so garbage from the
//   fresh-copy baselines is not collected concurrently while something else is timed.
// - Wasm memory is sized up front; a memory.grow would slow every typed-array loop in the process
//   (pitfall 4), so the run reports whether memory grew.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { poisson2d } from './lib/poisson.mjs';
import { matrixMarketLoader } from './lib/mtx.mjs';
import { spmvJs, dotJs, axpyJs, nrm2Js } from './lib/js-kernels.mjs';
import { median, spread, BYTE_MODELS, csrBytes, sellBytes, table, fx, fms, settle } from './lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    native: { type: 'boolean', default: false },
    filter: { type: 'string' },
    rounds: { type: 'string' },
    time: { type: 'string' },
    matrices: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  process.stdout.write(
    'usage: node bench/run.mjs [--quick] [--native] [--json] [--filter REGEX] [--rounds N] [--time MS] [--matrices DIR] [--out FILE]\n',
  );
  process.exit(0);
}

const quick = opt.quick;
const cfg = {
  rounds: Number(opt.rounds ?? (quick ? 1 : 5)),
  time: Number(opt.time ?? (quick ? 40 : 250)),
  warmupTime: quick ? 10 : 50,
  iterations: quick ? 5 : 10,
  warmupIterations: quick ? 3 : 10,
};
const poissonSizes = quick ? [30, 100] : [300, 1000];
const realNames = ['bcsstk13', 'bayer10', 'rajat01', 'sherman5', 'cryg2500', 'luxembourg_osm'];
const matrixDir = opt.matrices ?? process.env.SPARSE_BENCH_MATRICES ?? path.join(root, 'test', 'fixtures', 'matrices');
const filter = opt.filter ? new RegExp(opt.filter) : null;
const wanted = (name) => !filter || filter.test(name);

// human-readable output goes to stderr with --json, so stdout stays machine-readable
const log = (s = '') => (opt.json ? process.stderr : process.stdout).write(`${s}\n`);

const distIndex = path.join(root, 'dist', 'index.js');
if (!existsSync(distIndex)) {
  console.error('dist/index.js not found: run `npm run build` first (npm run bench does).');
  process.exit(1);
}
const lib = await import(distIndex);
const rt = await lib.init({ initialMemoryMiB: quick ? 256 : 1024 });
const memoryAtStart = rt.memory.buffer.byteLength;
const mm = matrixMarketLoader(lib);

let sink = 0; // results of reductions go here so no call can be dropped

/**
 * Runs `tasks` ({ name, fn, opts? }) for cfg.rounds tinybench runs, rotating the order each
 * round. Returns { [name]: { ms, spread, roundsMs, samples } } with ms = median of round medians.
 */
function runRounds(tasks) {
  const per = Object.fromEntries(tasks.map((t) => [t.name, { roundsMs: [], samples: 0 }]));
  for (let r = 0; r < cfg.rounds; r++) {
    const order = tasks.map((_, i) => tasks[(i + r) % tasks.length]);
    const bench = new Bench({
      time: cfg.time, iterations: cfg.iterations, warmupTime: cfg.warmupTime, warmupIterations: cfg.warmupIterations, throws: true,
    });
    for (const t of order) bench.add(t.name, t.fn, t.opts);
    settle();
    bench.runSync();
    for (const task of bench.tasks) {
      const res = task.result;
      if (res.state !== 'completed') throw new Error(`task ${task.name}: ${res.state} ${res.error ?? ''}`);
      per[task.name].roundsMs.push(res.latency.p50);
      per[task.name].samples += res.latency.samplesCount;
    }
  }
  for (const v of Object.values(per)) {
    v.ms = median(v.roundsMs);
    v.spread = spread(v.roundsMs);
  }
  return per;
}

/** A JS task over fresh copies: `make()` copies the inputs (untimed), `call(inputs)` is timed. */
function freshTask(name, make, call) {
  return {
    name,
    fn: () => {
      const t0 = performance.now();
      const inputs = make();
      const t1 = performance.now();
      call(inputs);
      const t2 = performance.now();
      return { overriddenDuration: t2 - t1, overriddenIterationCost: t2 - t0 };
    },
  };
}

function maxRelDiff(a, b) {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return m > 0 ? d / m : d;
}

/** padded size of the SELL-8 layout the matrix built, read from the facade (falls back to the identity-order count) */
function sellInfo(A, indptr) {
  const s = A.sell; // private in TypeScript, readable from JS
  const rows = A.rows;
  const chunks = Math.ceil(rows / 8);
  if (s && typeof s.padded === 'number') return { padded: s.padded, chunks: s.chunks ?? chunks, permuted: !!s.perm };
  let padded = 0;
  for (let c = 0; c < chunks; c++) {
    let w = 0;
    for (let r = c * 8; r < Math.min(rows, c * 8 + 8); r++) w = Math.max(w, indptr[r + 1] - indptr[r]);
    padded += 8 * w;
  }
  return { padded, chunks, permuted: false };
}

// ---------------------------------------------------------------------------------------------
// SpMV
// ---------------------------------------------------------------------------------------------

function spmvCase(name, source, m) {
  const { rows, cols } = m;
  // the matrix as the library stores it (canonical CSR); the JS baseline gets the same arrays
  const A = m.coo
    ? lib.CsrMatrix.fromCoo(rows, cols, m.coo.rowIndex, m.coo.colIndex, m.coo.values)
    : lib.CsrMatrix.fromCsr(rows, cols, m.indptr, m.indices, m.data);
  A.prepareSpmv();
  const auto = A.spmvLayout;
  const { indptr, indices, data } = A.toCsrArrays(); // JS-heap copies
  const nnz = A.nnz;
  const other = lib.CsrMatrix.fromCsr(rows, cols, indptr, indices, data, { spmv: auto === 'sell' ? 'csr' : 'sell' });
  other.prepareSpmv();
  const Acsr = auto === 'csr' ? A : other;
  const Asell = auto === 'sell' ? A : other;
  const sellBuilt = Asell.spmvLayout === 'sell';
  const si = sellBuilt ? sellInfo(Asell, indptr) : null;

  const xs = new Float64Array(cols);
  for (let j = 0; j < cols; j++) xs[j] = 1 + (j % 7) / 7;
  const xv = lib.DenseVector.from(xs);
  const yCsr = lib.DenseVector.zeros(rows), ySell = lib.DenseVector.zeros(rows);
  const yJs = new Float64Array(rows);

  Acsr.multiply(xv, yCsr);
  if (sellBuilt) Asell.multiply(xv, ySell);
  spmvJs(rows, indptr, indices, data, xs, yJs);
  const diffCsr = maxRelDiff(yCsr.data, yJs);
  const diffSell = sellBuilt ? maxRelDiff(ySell.data, yJs) : null;

  const tasks = [
    { name: 'wasm csr', fn: () => Acsr.multiply(xv, yCsr) },
    ...(sellBuilt ? [{ name: 'wasm sell-8', fn: () => Asell.multiply(xv, ySell) }] : []),
    { name: 'js same arrays', fn: () => spmvJs(rows, indptr, indices, data, xs, yJs) },
    freshTask(
      'js fresh copies',
      () => [indptr.slice(), indices.slice(), data.slice(), xs.slice(), new Float64Array(rows)],
      (a) => spmvJs(rows, a[0], a[1], a[2], a[3], a[4]),
    ),
  ];
  const res = runRounds(tasks);
  const flops = 2 * nnz;
  const bytes = {
    'wasm csr': csrBytes(rows, cols, nnz),
    'wasm sell-8': si ? sellBytes(rows, cols, si.padded, si.chunks, si.permuted) : null,
    'js same arrays': csrBytes(rows, cols, nnz),
    'js fresh copies': csrBytes(rows, cols, nnz),
  };
  const jsFresh = res['js fresh copies'].ms, jsSame = res['js same arrays'].ms;
  const variants = {};
  for (const [k, v] of Object.entries(res)) {
    variants[k] = {
      ms: v.ms, spread: v.spread, roundsMs: v.roundsMs, samples: v.samples,
      gflops: flops / v.ms / 1e6, gbps: bytes[k] / v.ms / 1e6, bytes: bytes[k],
      speedupVsJsFresh: jsFresh / v.ms, speedupVsJsSame: jsSame / v.ms,
      auto: (k === 'wasm csr' && auto === 'csr') || (k === 'wasm sell-8' && auto === 'sell'),
    };
  }
  // a layout counts as faster only when it wins every round (the rounds alternate the task order)
  let fastest = 'either';
  if (!sellBuilt) fastest = 'csr';
  else {
    const r = res['wasm csr'].roundsMs.map((t, i) => t / res['wasm sell-8'].roundsMs[i]);
    if (r.every((v) => v > 1.03)) fastest = 'sell';
    else if (r.every((v) => v < 1 / 1.03)) fastest = 'csr';
  }
  for (const M of new Set([A, other])) M.dispose();
  for (const v of [xv, yCsr, ySell]) v.dispose();
  return {
    case: name, source, rows, cols, nnz,
    autoLayout: auto, fastestLayout: fastest,
    sell: si ? { padded: si.padded, fill: si.padded / nnz, permuted: si.permuted } : null,
    maxRelDiff: { csr: diffCsr, sell: diffSell },
    variants,
  };
}

// ---------------------------------------------------------------------------------------------
// BLAS-1
// ---------------------------------------------------------------------------------------------

function blasCase(n) {
  const xs = new Float64Array(n), ys = new Float64Array(n);
  for (let i = 0; i < n; i++) { xs[i] = 1 + (i % 7) / 7; ys[i] = 1 - (i % 5) / 5; }
  const xv = lib.DenseVector.from(xs), yv = lib.DenseVector.from(ys);
  const xj = xs.slice(), yj = ys.slice();
  const alpha = 1e-9;
  const checks = {
    dot: Math.abs(lib.dot(xv, yv) - dotJs(n, xj, yj)) / Math.abs(dotJs(n, xj, yj)),
    nrm2: Math.abs(lib.norm2(xv) - nrm2Js(n, xj)) / nrm2Js(n, xj),
  };
  const ops = {
    dot: {
      flops: 2 * n, bytes: 16 * n,
      tasks: [
        { name: 'wasm', fn: () => { sink += lib.dot(xv, yv); } },
        { name: 'js same arrays', fn: () => { sink += dotJs(n, xj, yj); } },
        freshTask('js fresh copies', () => [xj.slice(), yj.slice()], (a) => { sink += dotJs(n, a[0], a[1]); }),
      ],
    },
    axpy: {
      flops: 2 * n, bytes: 24 * n,
      tasks: [
        { name: 'wasm', fn: () => { lib.axpy(alpha, xv, yv); } },
        { name: 'js same arrays', fn: () => { axpyJs(n, alpha, xj, yj); } },
        freshTask('js fresh copies', () => [xj.slice(), yj.slice()], (a) => { axpyJs(n, alpha, a[0], a[1]); }),
      ],
    },
    nrm2: {
      flops: 2 * n, bytes: 8 * n,
      tasks: [
        { name: 'wasm', fn: () => { sink += lib.norm2(xv); } },
        { name: 'js same arrays', fn: () => { sink += nrm2Js(n, xj); } },
        freshTask('js fresh copies', () => [xj.slice()], (a) => { sink += nrm2Js(n, a[0]); }),
      ],
    },
  };
  const out = [];
  for (const [op, o] of Object.entries(ops)) {
    if (!wanted(`${op}_${n}`)) continue;
    const res = runRounds(o.tasks);
    const jsFresh = res['js fresh copies'].ms, jsSame = res['js same arrays'].ms;
    const variants = {};
    for (const [k, v] of Object.entries(res)) {
      variants[k] = {
        ms: v.ms, spread: v.spread, roundsMs: v.roundsMs, samples: v.samples,
        gflops: o.flops / v.ms / 1e6, gbps: o.bytes / v.ms / 1e6, bytes: o.bytes,
        speedupVsJsFresh: jsFresh / v.ms, speedupVsJsSame: jsSame / v.ms,
      };
    }
    out.push({ case: `${op}_${n}`, op, n, relDiff: checks[op] ?? null, variants });
  }
  xv.dispose();
  yv.dispose();
  return out;
}

// ---------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

const t0 = performance.now();
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  v8: process.versions.v8,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  loadavgStart: os.loadavg(),
  commit: gitCommit(),
  wasmBuild: rt.simd ? 'simd' : 'scalar',
  quick,
  method: { ...cfg, note: 'figure = median over rounds of tinybench p50 latency; task order rotated each round' },
  matrixMarketParser: mm.parser,
  byteModels: BYTE_MODELS,
  flopModels: { spmv: '2*nnz', dot: '2n', axpy: '2n', nrm2: '2n' },
};

log(`sparse-wasm bench: ${meta.cpu}, ${meta.cores} cores, Node ${meta.node}, wasm build ${meta.wasmBuild}${quick ? ', QUICK' : ''}`);
log(`tinybench ${cfg.rounds} round(s) x ${cfg.time} ms per task; load average ${meta.loadavgStart.map((v) => v.toFixed(2)).join(' ')}`);
log(`Matrix Market: ${mm.parser}`);
log();

// SpMV cases
const spmvResults = [];
const skipped = [];
for (const k of poissonSizes) {
  const name = `poisson2d_${k}`;
  if (!wanted(name)) continue;
  const m = poisson2d(k);
  spmvResults.push(spmvCase(name, `generated: ${k}x${k} grid, 5-point`, m));
  log(`  done ${name}`);
}
for (const base of realNames) {
  if (!wanted(base)) continue;
  const plain = path.join(matrixDir, `${base}.mtx`);
  const file = existsSync(plain) ? plain : `${plain}.gz`;
  if (!existsSync(file)) { skipped.push(`${base} (${plain}[.gz] not found)`); continue; }
  const coo = mm.load(file);
  spmvResults.push(spmvCase(base, file, { rows: coo.rows, cols: coo.cols, coo }));
  log(`  done ${base}`);
}

// BLAS-1 cases (vectors of the Poisson sizes n = k^2)
const blasResults = [];
for (const k of poissonSizes) blasResults.push(...blasCase(k * k));

let nativeResults;
if (opt.native) {
  const { runNative } = await import('./native.mjs');
  nativeResults = await runNative({ lib, rt, quick, log, loader: mm });
}

meta.loadavgEnd = os.loadavg();
meta.seconds = (performance.now() - t0) / 1000;
meta.memory = { startBytes: memoryAtStart, endBytes: rt.memory.buffer.byteLength, grew: rt.memory.buffer.byteLength !== memoryAtStart };
if (skipped.length) meta.skipped = skipped;

// ---------------------------------------------------------------------------------------------
// report
// ---------------------------------------------------------------------------------------------

const cols = [
  { key: 'case', title: 'case', left: true },
  { key: 'variant', title: 'variant', left: true },
  { key: 'ms', title: 'median ms' },
  { key: 'spread', title: 'spread' },
  { key: 'gflops', title: 'GFLOP/s' },
  { key: 'gbps', title: 'GB/s' },
  { key: 'vsFresh', title: 'x JS fresh' },
  { key: 'vsSame', title: 'x JS same' },
];
const rowsOf = (results, label) =>
  results.flatMap((r) =>
    Object.entries(r.variants).map(([k, v], i) => ({
      case: i === 0 ? label(r) : '',
      variant: k + (v.auto ? ' (auto)' : ''),
      ms: fms(v.ms),
      spread: `${(100 * v.spread).toFixed(0)}%`,
      gflops: fx(v.gflops),
      gbps: fx(v.gbps, 1),
      vsFresh: fx(v.speedupVsJsFresh),
      vsSame: fx(v.speedupVsJsSame),
    })),
  );

log();
log('SpMV y = A x (GFLOP/s = 2 nnz / t)');
log(table(rowsOf(spmvResults, (r) => `${r.case} n=${r.rows} nnz=${r.nnz}`), cols));
log();
for (const r of spmvResults) {
  const s = r.sell ? `SELL-8 fill ${r.sell.fill.toFixed(2)}${r.sell.permuted ? ' (rows sorted)' : ''}` : 'SELL-8 not built';
  const warn = r.fastestLayout !== 'either' && r.autoLayout !== r.fastestLayout
    ? `  <-- auto picked ${r.autoLayout}, ${r.fastestLayout} was faster in every round` : '';
  const err = Math.max(r.maxRelDiff.csr, r.maxRelDiff.sell ?? 0);
  log(`  ${r.case}: auto=${r.autoLayout}, ${s}, max |y_wasm - y_js| / max|y| = ${err.toExponential(1)}${warn}`);
}
log();
log('BLAS-1 (GFLOP/s = 2n / t)');
log(table(rowsOf(blasResults, (r) => r.case), cols));
log();
log('Bytes-moved models (GB/s = bytes / t; caches not modelled):');
for (const v of Object.values(BYTE_MODELS)) log(`  ${v}`);
log('x JS fresh / x JS same = speed relative to the plain JS loop over fresh copies / over the same arrays every call.');
log(`spread = (max - min) / median of the ${cfg.rounds} per-round medians.`);
if (skipped.length) log(`skipped: ${skipped.join(', ')}`);
if (meta.memory.grew) log('WARNING: wasm memory grew during the run; JS typed-array timings after that point are slowed (WASM-NOTES pitfall 4).');
for (const r of spmvResults) {
  const err = Math.max(r.maxRelDiff.csr, r.maxRelDiff.sell ?? 0);
  if (!(err < 1e-10)) log(`WARNING: ${r.case}: wasm and JS SpMV differ by ${err}`);
}
for (const r of blasResults) if (r.relDiff !== null && !(r.relDiff < 1e-10)) log(`WARNING: ${r.case}: wasm and JS differ by ${r.relDiff}`);
log(`total ${meta.seconds.toFixed(1)} s; load average at end ${meta.loadavgEnd.map((v) => v.toFixed(2)).join(' ')}`);

const result = { meta, spmv: spmvResults, blas1: blasResults, ...(nativeResults ? { native: nativeResults } : {}) };
const outFile = opt.out ?? path.join(here, 'results', 'latest.json');
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
log(`results written to ${path.relative(process.cwd(), outFile) || outFile}`);
if (opt.json) process.stdout.write(`${JSON.stringify(result)}\n`);
