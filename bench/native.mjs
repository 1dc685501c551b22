#!/usr/bin/env node
// Native comparison: our wasm SpMV / dot / axpy against the same kernels compiled by
// gcc -O3 -march=native, on the same matrix and vectors, in alternating rounds (C process, then our
// kernels, then C again... with the order flipped every round). Also runs the STREAM-like
// bandwidth test (stream.c of the shared anchors, see lib/native-tools.mjs) before and after, to put
// GB/s in context.
//
//   node bench/native.mjs [--quick] [--rounds N] [--k 1000] [--json]
//   node bench/run.mjs --native          (the same, after the tinybench suites)
//
// Timing on both sides follows spmv_c.c: one warm-up call, batches of >= 2 ms, >= 15 samples,
// median time per call. Reported "speed vs C" is t_C / t_ours per round (> 1: ours is faster);
// the table shows the median over rounds and the range.
// The poisson2d_k matrix is $TMPDIR/bench-matrices/poisson2d_k.mtx when gen_matrices.py has written
// it (parsed with the same Matrix Market loader as the suites), else generated here in JS and
// written to $TMPDIR/sparse-wasm-bench/ for the C program. The C checksum (sum of y for
// x_j = 1 + (j mod 7)/7) must equal ours, which proves both sides multiplied the same matrix.
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { poisson2d, writeMatrixMarket } from './lib/poisson.mjs';
import { matrixMarketLoader } from './lib/mtx.mjs';
import { spmvJs, dotJs, axpyJs } from './lib/js-kernels.mjs';
import { compileAll, runJson, gccVersion, mtxLooksComplete, CFLAGS } from './lib/native-tools.mjs';
import { median, measure, csrBytes, sellBytes, table, fx, fms, BYTE_MODELS, settle } from './lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function ratioStats(a) {
  return { median: median(a), min: Math.min(...a), max: Math.max(...a), rounds: a };
}

/** Loads the poisson2d_k matrix as CSR arrays plus the .mtx path for the C side. */
async function poissonFile(k, loader, log) {
  const n = k * k, nnz = 5 * n - 4 * k;
  const external = path.join(os.tmpdir(), 'bench-matrices', `poisson2d_${k}.mtx`);
  if (mtxLooksComplete(external, n, nnz)) {
    log(`matrix: ${external} (gen_matrices.py), parsed with ${loader.parser}`);
    const coo = loader.load(external);
    return { file: external, source: 'gen_matrices.py', coo, rows: coo.rows, cols: coo.cols };
  }
  const dir = path.join(os.tmpdir(), 'sparse-wasm-bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `poisson2d_${k}.mtx`);
  const m = poisson2d(k);
  if (!mtxLooksComplete(file, n, nnz)) {
    log(`matrix: writing ${file} ...`);
    await writeMatrixMarket(file, m);
  } else {
    log(`matrix: ${file} (generated earlier by this script)`);
  }
  return { file, source: 'generated in JS (bench/lib/poisson.mjs)', ...m };
}

function streamSummary(s) {
  const k = s.kernels;
  return { triadBest: k.triad.best_GBps, triadMedian: k.triad.median_GBps, readBest: k.read.best_GBps, readMedian: k.read.median_GBps, copyBest: k.copy.best_GBps };
}

/**
 * Runs the native comparison. `lib`/`rt` from dist/index.js (init done), `log` prints a line.
 * Returns the result object (also embedded in latest.json by run.mjs).
 */
export async function runNative({ lib, rt, quick = false, rounds, k, log = console.log, loader } = {}) {
  const gcc = gccVersion();
  if (!gcc) {
    log('native comparison skipped: gcc not found');
    return { skipped: 'gcc not found' };
  }
  loader ??= matrixMarketLoader(lib);
  rounds ??= quick ? 2 : 5;
  k ??= quick ? 100 : 1000;
  const budgetMs = quick ? 60 : 400;
  const blasN = quick ? 100000 : 1000000;
  log();
  log(`Native comparison (${gcc}, ${CFLAGS.join(' ')}), ${rounds} alternating rounds`);
  const tools = compileAll();
  for (const m of tools.missing) log(`  missing: ${m}`);
  const out = { gcc, cflags: CFLAGS, rounds, budgetMs, stream: {}, spmv: null, blas1: null };
  try {
    const runStream = () => (tools.bins.stream ? streamSummary(runJson(tools.bins.stream, [])) : null);
    out.stream.before = runStream();

    // ---------------- SpMV
    const mat = await poissonFile(k, loader, log);
    const A = mat.coo
      ? lib.CsrMatrix.fromCoo(mat.rows, mat.cols, mat.coo.rowIndex, mat.coo.colIndex, mat.coo.values)
      : lib.CsrMatrix.fromCsr(mat.rows, mat.cols, mat.indptr, mat.indices, mat.data);
    A.prepareSpmv();
    const { rows, cols, nnz } = A;
    const { indptr, indices, data } = A.toCsrArrays();
    const Acsr = lib.CsrMatrix.fromCsr(rows, cols, indptr, indices, data, { spmv: 'csr' });
    const Asell = A.spmvLayout === 'sell' ? A : lib.CsrMatrix.fromCsr(rows, cols, indptr, indices, data, { spmv: 'sell' });
    Asell.prepareSpmv();
    const xs = new Float64Array(cols);
    for (let j = 0; j < cols; j++) xs[j] = 1 + (j % 7) / 7; // as spmv_c.c
    const xv = lib.DenseVector.from(xs);
    const y1 = lib.DenseVector.zeros(rows), y2 = lib.DenseVector.zeros(rows);
    const yJs = new Float64Array(rows);
    const sum = (a) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; };
    Acsr.multiply(xv, y1);
    const ourChecksum = sum(y1.data);
    const sell = Asell.sell;
    const sellModel = sell && typeof sell.padded === 'number'
      ? sellBytes(rows, cols, sell.padded, sell.chunks, !!sell.perm) : null;

    const ours = {
      'wasm sell-8': Asell.spmvLayout === 'sell' ? () => Asell.multiply(xv, y2) : null,
      'wasm csr': () => Acsr.multiply(xv, y1),
      'js same arrays': () => spmvJs(rows, indptr, indices, data, xs, yJs),
    };
    const times = { C: [] };
    for (const name of Object.keys(ours)) if (ours[name]) times[name] = [];
    times['js fresh copies'] = [];
    let cOut;
    const runOurs = () => {
      for (const [name, fn] of Object.entries(ours)) {
        if (!fn) continue;
        settle();
        times[name].push(measure(fn, budgetMs).ms);
      }
      settle();
      // fresh copies: copy untimed, time one product, repeat
      const t = [];
      const t0 = performance.now();
      while (t.length < 7 || (performance.now() - t0 < budgetMs && t.length < 200)) {
        const a = [indptr.slice(), indices.slice(), data.slice(), xs.slice(), new Float64Array(rows)];
        const s = performance.now();
        spmvJs(rows, a[0], a[1], a[2], a[3], a[4]);
        t.push(performance.now() - s);
      }
      times['js fresh copies'].push(median(t));
    };
    const runC = () => {
      settle();
      cOut = runJson(tools.bins.spmv_c, [mat.file, String(budgetMs / 1000)]);
      times.C.push(cOut.ms);
    };
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) { runC(); runOurs(); } else { runOurs(); runC(); }
      log(`  spmv round ${r + 1}/${rounds}: C ${fms(times.C[r])} ms, ` +
        Object.entries(times).filter(([n]) => n !== 'C').map(([n, t]) => `${n} ${fms(t[r])}`).join(', '));
    }
    if (cOut.nnz !== nnz) throw new Error(`C read nnz ${cOut.nnz}, we have ${nnz}`);
    const checksumOk = Math.abs(cOut.checksum - ourChecksum) <= 1e-9 * Math.max(1, Math.abs(ourChecksum));
    const variants = {};
    for (const [name, t] of Object.entries(times)) {
      const bytes = name === 'wasm sell-8' ? sellModel ?? csrBytes(rows, cols, nnz) : csrBytes(rows, cols, nnz);
      variants[name] = {
        ms: median(t), roundsMs: t, gflops: (2 * nnz) / median(t) / 1e6, gbps: bytes / median(t) / 1e6, bytes,
        speedVsC: ratioStats(t.map((v, i) => times.C[i] / v)),
        speedVsJsFresh: ratioStats(t.map((v, i) => times['js fresh copies'][i] / v)),
        speedVsJsSame: ratioStats(t.map((v, i) => times['js same arrays'][i] / v)),
      };
    }
    out.spmv = {
      matrix: `poisson2d_${k}`, file: mat.file, source: mat.source, rows, cols, nnz,
      autoLayout: A.spmvLayout, checksum: { C: cOut.checksum, ours: ourChecksum, same: checksumOk }, variants,
    };
    for (const M of new Set([A, Acsr, Asell])) M.dispose();
    for (const v of [xv, y1, y2]) v.dispose();

    // ---------------- BLAS-1
    if (tools.bins.blas1_c) {
      const n = blasN;
      const xa = new Float64Array(n), ya = new Float64Array(n);
      for (let i = 0; i < n; i++) { xa[i] = 1 + (i % 7) / 7; ya[i] = 1 - (i % 5) / 5; } // as blas1_c.c
      const bx = lib.DenseVector.from(xa), by = lib.DenseVector.from(ya);
      let sink = 0;
      const fns = {
        'wasm dot': () => { sink += lib.dot(bx, by); },
        'wasm axpy': () => { lib.axpy(1e-9, bx, by); },
        'js dot (same arrays)': () => { sink += dotJs(n, xa, ya); },
        'js axpy (same arrays)': () => { axpyJs(n, 1e-9, xa, ya); },
      };
      const bt = { 'C dot (plain loop)': [], 'C dot (8 partial sums)': [], 'C axpy': [] };
      for (const name of Object.keys(fns)) bt[name] = [];
      const runOursB = () => {
        for (const [name, fn] of Object.entries(fns)) {
          settle();
          bt[name].push(measure(fn, budgetMs / 2).ms);
        }
      };
      const runCB = () => {
        const c = runJson(tools.bins.blas1_c, [String(n), String(budgetMs / 2000)]);
        bt['C dot (plain loop)'].push(c.dot_plain.ms);
        bt['C dot (8 partial sums)'].push(c.dot_acc8.ms);
        bt['C axpy'].push(c.axpy.ms);
      };
      for (let r = 0; r < rounds; r++) {
        if (r % 2 === 0) { runCB(); runOursB(); } else { runOursB(); runCB(); }
        log(`  blas1 round ${r + 1}/${rounds}: ` + Object.entries(bt).map(([nm, t]) => `${nm} ${fms(t[r])}`).join(', '));
      }
      const ref = { dot: 'C dot (8 partial sums)', axpy: 'C axpy' };
      const variants = {};
      for (const [name, t] of Object.entries(bt)) {
        const op = name.includes('dot') ? 'dot' : 'axpy';
        const bytes = op === 'dot' ? 16 * n : 24 * n;
        variants[name] = {
          op, ms: median(t), roundsMs: t, gflops: (2 * n) / median(t) / 1e6, gbps: bytes / median(t) / 1e6, bytes,
          speedVsC: ratioStats(t.map((v, i) => bt[ref[op]][i] / v)),
          speedVsCPlain: op === 'dot' ? ratioStats(t.map((v, i) => bt['C dot (plain loop)'][i] / v)) : undefined,
        };
      }
      out.blas1 = { n, reference: ref, variants, sinkFinite: Number.isFinite(sink) };
      bx.dispose();
      by.dispose();
    }
    out.stream.after = runStream();
  } finally {
    tools.cleanup();
  }

  // ---------------- report
  const s = [out.stream.before, out.stream.after].filter(Boolean);
  const triadBest = s.length ? Math.max(...s.map((v) => v.triadBest)) : NaN;
  const triadMed = s.length ? median(s.map((v) => v.triadMedian)) : NaN;
  const readBest = s.length ? Math.max(...s.map((v) => v.readBest)) : NaN;
  out.stream.summary = { triadBest, triadMedian: triadMed, readBest };
  const sp = out.spmv;
  log();
  log(`SpMV ${sp.matrix} (n=${sp.rows}, nnz=${sp.nnz}; auto layout: ${sp.autoLayout}); C checksum ${sp.checksum.same ? 'matches' : 'DIFFERS'}`);
  const rowsOut = Object.entries(sp.variants).map(([name, v]) => ({
    variant: name === 'C' ? 'C CSR (gcc -O3 -march=native)' : name,
    ms: fms(v.ms),
    range: `${fms(Math.min(...v.roundsMs))}-${fms(Math.max(...v.roundsMs))}`,
    gflops: fx(v.gflops),
    gbps: fx(v.gbps, 1),
    stream: `${((100 * v.gbps) / triadBest).toFixed(0)}%`,
    vsC: `${fx(v.speedVsC.median)} (${fx(v.speedVsC.min)}-${fx(v.speedVsC.max)})`,
    vsJs: `${fx(v.speedVsJsFresh.median)} / ${fx(v.speedVsJsSame.median)}`,
  }));
  log(table(rowsOut, [
    { key: 'variant', title: 'variant', left: true }, { key: 'ms', title: 'median ms' }, { key: 'range', title: 'rounds' },
    { key: 'gflops', title: 'GFLOP/s' }, { key: 'gbps', title: 'GB/s' }, { key: 'stream', title: '% triad' },
    { key: 'vsC', title: 'speed vs C (range)' }, { key: 'vsJs', title: 'vs JS fresh / same' },
  ]));
  if (out.blas1) {
    const b = out.blas1;
    log();
    log(`BLAS-1, n = ${b.n}; speed vs C = t_C / t_ours against the C loop with 8 partial sums for dot (what a tuned BLAS does), the plain loop for axpy; dot vs the in-order C loop in brackets`);
    log(table(Object.entries(b.variants).map(([name, v]) => ({
      variant: name, ms: fms(v.ms), gflops: fx(v.gflops), gbps: fx(v.gbps, 1),
      vsC: `${fx(v.speedVsC.median)} (${fx(v.speedVsC.min)}-${fx(v.speedVsC.max)})` + (v.speedVsCPlain ? ` [${fx(v.speedVsCPlain.median)}]` : ''),
    })), [
      { key: 'variant', title: 'variant', left: true }, { key: 'ms', title: 'median ms' }, { key: 'gflops', title: 'GFLOP/s' },
      { key: 'gbps', title: 'GB/s' }, { key: 'vsC', title: 'speed vs C (range) [vs plain C]' },
    ]));
  }
  log();
  if (s.length) {
    log(`STREAM (stream.c, 80 MB arrays, best / median GB/s): triad ${s.map((v) => `${fx(v.triadBest, 1)} / ${fx(v.triadMedian, 1)}`).join(' then ')}, ` +
      `read ${s.map((v) => `${fx(v.readBest, 1)} / ${fx(v.readMedian, 1)}`).join(' then ')} (before / after the rounds)`);
    log(`% triad = GB/s of the row / best STREAM triad ${fx(triadBest, 1)} GB/s. ${BYTE_MODELS.csr}; ${BYTE_MODELS.sell}.`);
    log('Vectors of 8 MB fit in the L3 cache, so BLAS-1 at n = 1e6 can exceed the STREAM (DRAM) figures.');
  }
  return out;
}

// standalone
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values: opt } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
      rounds: { type: 'string' }, k: { type: 'string' }, out: { type: 'string' },
    },
  });
  const dist = path.join(here, '..', 'dist', 'index.js');
  if (!existsSync(dist)) { console.error('dist/index.js not found: run `npm run build` first'); process.exit(1); }
  const lib = await import(dist);
  const rt = await lib.init({ initialMemoryMiB: opt.quick ? 256 : 1024 });
  const log = (l = '') => (opt.json ? process.stderr : process.stdout).write(`${l}\n`);
  const memStart = rt.memory.buffer.byteLength;
  const res = await runNative({
    lib, rt, quick: opt.quick, log,
    rounds: opt.rounds ? Number(opt.rounds) : undefined, k: opt.k ? Number(opt.k) : undefined,
  });
  res.meta = { date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, loadavg: os.loadavg(), memoryGrew: rt.memory.buffer.byteLength !== memStart };
  const outFile = opt.out ?? path.join(here, 'results', 'native-latest.json');
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(res, null, 2)}\n`);
  log(`results written to ${path.relative(process.cwd(), outFile) || outFile}`);
  if (opt.json) process.stdout.write(`${JSON.stringify(res)}\n`);
}
