// SpGEMM benchmark: C = A*A with sparse-wasm (two-phase, sorted output), side by side in one run
// with SciPy's `A @ A` (a Python process we drive over a pipe, so the calls alternate) and a
// hand-written JavaScript Gustavson loop. Also times the phases, unsorted output, recompute with
// new values, and each accumulator forced. `--sweep` runs the accumulator measurements behind
// the defaults in src/matrix/spgemm.ts.
//
//   node scripts/build.mjs && node --expose-gc bench/spgemm.mjs [--rounds 7] [--matrices a,b,c] [--no-scipy] [--no-js]
//   (--expose-gc: the JS baseline leaves tens of MB of garbage per call; collecting it before every
//   timed call keeps one variant's garbage collection out of another's time)
//   node bench/spgemm.mjs --sweep
//
// Matrices: --dir DIR, default $TMPDIR/bench-matrices (generate with python3 ../shared/anchors/native/gen_matrices.py
// --outdir DIR); the RCM part reads the bundled test/fixtures/matrices.
// Results: bench/results/spgemm.json and .md (or spgemm-sweep.json). Single thread; the machine is
// shared, so every ratio is between calls made alternately in this one run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { init, CsrMatrix, SpgemmProduct, spgemmFlops } from '../dist/index.js';
import { readMatrix } from '../dist/node.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const MATDIR = value('--dir', path.join(os.tmpdir(), 'bench-matrices'));
const ROUNDS = Number(value('--rounds', '7'));
const MATRICES = value('--matrices', 'poisson2d_1000,poisson3d_100,convdiff2d_512').split(',');

const rt = await init({ initialMemoryMiB: 2048 });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
/** collect garbage left by earlier calls (needs --expose-gc; a no-op otherwise) */
const settle = () => globalThis.gc?.();
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), samples: xs.length });

// ---------------------------------------------------------------- SciPy over a pipe
const PY = String.raw`
import os, sys, time, gc
import numpy as np, scipy, scipy.io, scipy.sparse as sp
from scipy.sparse.csgraph import reverse_cuthill_mckee
mats = {}
perms = {}
scrambled = {}
def load(name, path):
    cache = os.path.join(os.path.dirname(path), 'cache', name + '.npz')
    if os.path.exists(cache) and os.path.getmtime(cache) > os.path.getmtime(path):
        z = np.load(cache); n = int(z['n'])
        A = sp.csr_matrix((z['data'], z['indices'], z['indptr']), shape=(n, n))
    else:
        A = sp.csr_matrix(scipy.io.mmread(path)); A.sum_duplicates(); A.sort_indices()
        A.indptr = A.indptr.astype(np.int32); A.indices = A.indices.astype(np.int32)
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        np.savez(cache + '.tmp.npz', n=A.shape[0], data=A.data, indices=A.indices, indptr=A.indptr)
        os.replace(cache + '.tmp.npz', cache)
    raw = os.path.join(os.path.dirname(path), 'cache', name + '.sparse-wasm')
    if not os.path.exists(raw + '.data'):
        A.indptr.astype('<i4').tofile(raw + '.indptr'); A.indices.astype('<i4').tofile(raw + '.indices')
        A.data.astype('<f8').tofile(raw + '.data')
    mats[name] = A
    return '%d %d %d %s' % (A.shape[0], A.shape[1], A.nnz, raw)
print('ready', scipy.__version__, flush=True)
for line in sys.stdin:
    cmd = line.split()
    if not cmd: continue
    if cmd[0] == 'load':
        print('ok', load(cmd[1], cmd[2]), flush=True)
    elif cmd[0] == 'mul':
        A = mats[cmd[1]]
        t0 = time.perf_counter(); C = A @ A; t = time.perf_counter() - t0
        nnz = C.nnz; del C; gc.collect()
        print('ok %.6f %d' % (t * 1e3, nnz), flush=True)
    elif cmd[0] == 'op':
        A = mats[cmd[2]]
        if cmd[1] == 'AtA':
            f = lambda: A.T @ A
        elif cmd[1] == 'ApAt':
            f = lambda: A + A.T
        elif cmd[1] == 'perm':
            p = perms[cmd[2]]
            f = lambda: A[p][:, p]
        elif cmd[1] == 'rcm':
            A = scrambled[cmd[2]]
            f = lambda: reverse_cuthill_mckee(A, symmetric_mode=False)
        t0 = time.perf_counter(); R = f(); t = time.perf_counter() - t0
        extra = ''
        if cmd[1] == 'rcm':
            B = A[R][:, R].tocoo()
            extra = ' %d' % int(np.abs(B.row.astype(np.int64) - B.col).max())
        del R; gc.collect()
        print('ok %.6f%s' % (t * 1e3, extra), flush=True)
    elif cmd[0] == 'setperm':
        p = perms[cmd[1]] = np.fromfile(cmd[2], dtype='<i4')
        scrambled[cmd[1]] = mats[cmd[1]][p][:, p].tocsr()
        print('ok', flush=True)
    elif cmd[0] == 'quit':
        break
`;

class Scipy {
  constructor() {
    this.proc = spawn('/usr/bin/python3', ['-c', PY], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async next() {
    const { value: line, done } = await this.lines.next();
    if (done) throw new Error('the SciPy process ended');
    return line.split(' ');
  }
  async ask(cmd) {
    this.proc.stdin.write(cmd + '\n');
    const r = await this.next();
    if (r[0] !== 'ok') throw new Error(`SciPy: ${r.join(' ')}`);
    return r.slice(1);
  }
  close() {
    this.proc.stdin.end('quit\n');
  }
}

// ---------------------------------------------------------------- hand-written JS Gustavson
/**
 * C = A*B the way one writes it by hand over typed arrays: a symbolic pass counting each row with a
 * marker array, exact allocation, a numeric pass with a dense accumulator (SPA), then each row's
 * columns sorted (insertion sort, the rows are short) so the output is canonical like ours.
 */
function jsGustavson(m, n, arp, aci, av, brp, bci, bv) {
  const marker = new Int32Array(n).fill(-1);
  const rp = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) {
    let cnt = 0;
    for (let p = arp[i]; p < arp[i + 1]; p++) {
      const j = aci[p];
      for (let q = brp[j]; q < brp[j + 1]; q++) {
        const c = bci[q];
        if (marker[c] !== i) { marker[c] = i; cnt++; }
      }
    }
    rp[i + 1] = rp[i] + cnt;
  }
  const nnz = rp[m];
  const ci = new Int32Array(nnz), cv = new Float64Array(nnz), spa = new Float64Array(n);
  marker.fill(-1);
  for (let i = 0; i < m; i++) {
    let t = rp[i];
    for (let p = arp[i]; p < arp[i + 1]; p++) {
      const j = aci[p], a = av[p];
      for (let q = brp[j]; q < brp[j + 1]; q++) {
        const c = bci[q];
        if (marker[c] !== i) { marker[c] = i; spa[c] = a * bv[q]; ci[t++] = c; }
        else spa[c] += a * bv[q];
      }
    }
    const s = rp[i], e = rp[i + 1];
    for (let u = s + 1; u < e; u++) {
      const x = ci[u];
      let w = u - 1;
      while (w >= s && ci[w] > x) { ci[w + 1] = ci[w]; w--; }
      ci[w + 1] = x;
    }
    for (let u = s; u < e; u++) cv[u] = spa[ci[u]];
  }
  return { rp, ci, cv };
}

// ---------------------------------------------------------------- loading
async function loadMatrix(name, scipy) {
  const file = path.join(MATDIR, `${name}.mtx`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run python3 ../shared/anchors/native/gen_matrices.py --outdir ${MATDIR}`);
  if (scipy) {
    const [rows, cols, nnz, raw] = await scipy.ask(`load ${name} ${file}`);
    const buf = (ext, T) => { const b = readFileSync(`${raw}.${ext}`); return new T(b.buffer, b.byteOffset, b.byteLength / T.BYTES_PER_ELEMENT); };
    const A = CsrMatrix.fromCsr(Number(rows), Number(cols), buf('indptr', Int32Array), buf('indices', Int32Array), buf('data', Float64Array));
    if (A.nnz !== Number(nnz)) throw new Error(`${name}: nnz ${A.nnz} != SciPy's ${nnz}`);
    return A;
  }
  return (await readMatrix(file)).matrix;
}

// ---------------------------------------------------------------- main comparison
async function compare() {
  const scipy = flag('--no-scipy') ? undefined : new Scipy();
  let scipyVersion = null;
  if (scipy) scipyVersion = (await scipy.next())[1];
  const results = [];
  for (const name of MATRICES) {
    const A = await loadMatrix(name, scipy);
    const f = spgemmFlops(A, A);
    const js = { rp: A.rowPtr.slice(), ci: A.colIdx.slice(), v: A.values.slice() };
    const runOurs = (opts = {}) => {
      settle();
      const t0 = performance.now();
      const p = SpgemmProduct.compute(A, A, opts);
      const ms = performance.now() - t0;
      const r = { ms, symbolicMs: p.timings.symbolicMs, numericMs: p.timings.numericMs, nnz: p.nnz };
      p.dispose();
      return r;
    };
    const runJs = () => {
      settle();
      const t0 = performance.now();
      const C = jsGustavson(A.rows, A.cols, js.rp, js.ci, js.v, js.rp, js.ci, js.v);
      return { ms: performance.now() - t0, nnz: C.rp[A.rows] };
    };
    // cold: the very first call (wasm baseline tier, fresh pages for C and the workspace)
    const cold = runOurs();
    // warm-up of every variant (one call each; JS once: it takes a second)
    runOurs(); runOurs({ sorted: false }); runOurs({ accumulator: 'hash' }); runOurs({ accumulator: 'dense' });
    if (scipy) await scipy.ask(`mul ${name}`);
    if (!flag('--no-js')) runJs(); // its first call runs before V8 optimises the loop
    const s = { ours: [], sym: [], num: [], unsorted: [], hash: [], dense: [], scipy: [], js: [], recompute: [] };
    let nnzScipy = null, nnzJs = null;
    for (let r = 0; r < ROUNDS; r++) {
      const o = runOurs();
      s.ours.push(o.ms); s.sym.push(o.symbolicMs); s.num.push(o.numericMs);
      if (scipy) { const [ms, nnz] = await scipy.ask(`mul ${name}`); s.scipy.push(Number(ms)); nnzScipy = Number(nnz); }
      s.unsorted.push(runOurs({ sorted: false }).ms);
      if (!flag('--no-js') && r < Math.max(3, ROUNDS >> 1)) { const j = runJs(); s.js.push(j.ms); nnzJs = j.nnz; }
      s.hash.push(runOurs({ accumulator: 'hash' }).ms);
      s.dense.push(runOurs({ accumulator: 'dense' }).ms);
    }
    // recompute with new values (numeric phase only, the symbolic structure reused)
    const p = SpgemmProduct.compute(A, A);
    const B = A.clone();
    for (let r = 0; r < ROUNDS; r++) {
      B.setValues(B.values.map((x, k) => x * (1 + ((k + r) % 7) / 100)));
      settle();
      const t0 = performance.now();
      p.recompute(B, B);
      s.recompute.push(performance.now() - t0);
    }
    p.dispose(); B.dispose();
    const row = {
      matrix: name, n: A.rows, nnzA: A.nnz, nnzC: cold.nnz, flops: f.total, nnzScipy, nnzJs,
      oursSamples: s.ours, ours: stats(s.ours), symbolic: stats(s.sym), numeric: stats(s.num), unsorted: stats(s.unsorted),
      recompute: stats(s.recompute), hashOnly: stats(s.hash), denseOnly: stats(s.dense), coldFirstCall: cold.ms,
      scipy: s.scipy.length ? stats(s.scipy) : null, js: s.js.length ? stats(s.js) : null,
    };
    row.scipyOverOurs = row.scipy ? row.scipy.median / row.ours.median : null;
    row.jsOverOurs = row.js ? row.js.median / row.ours.median : null;
    results.push(row);
    console.log(
      `${name}: nnz(C) ${row.nnzC}  ours ${fmt(row.ours.median)} ms (symbolic ${fmt(row.symbolic.median)} + numeric ${fmt(row.numeric.median)}), ` +
        `unsorted ${fmt(row.unsorted.median)}, recompute ${fmt(row.recompute.median)}, hash-only ${fmt(row.hashOnly.median)}, dense-only ${fmt(row.denseOnly.median)}, cold ${fmt(cold.ms)}` +
        (row.scipy ? `  | SciPy ${fmt(row.scipy.median)} ms (x${row.scipyOverOurs.toFixed(2)})` : '') +
        (row.js ? `  | JS ${fmt(row.js.median)} ms (x${row.jsOverOurs.toFixed(2)})` : ''),
    );
    A.dispose();
  }
  scipy?.close();
  const meta = {
    date: new Date().toISOString(), node: process.version, simd: rt.simd, scipy: scipyVersion, rounds: ROUNDS,
    loadavg: os.loadavg(), cpu: os.cpus()[0]?.model, exposeGc: typeof globalThis.gc === 'function', note: 'medians of calls alternated in one run: ours, SciPy, ours unsorted, JS, hash-only, dense-only',
  };
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'results', 'spgemm.json'), JSON.stringify({ meta, results }, null, 1) + '\n');
  const md = [
    `C = A*A, single thread, ${meta.date.slice(0, 10)}, Node ${meta.node}, SciPy ${meta.scipy ?? 'n/a'}, medians of ${ROUNDS} alternated rounds (min-max), load average ${meta.loadavg.map((x) => x.toFixed(1)).join(' ')}`,
    '',
    '| matrix | nnz(C) | sparse-wasm ms | symbolic | numeric | unsorted output | recompute | SciPy `A @ A` | JS Gustavson | SciPy / ours (medians; mins) | JS / ours |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) =>
      `| ${r.matrix} | ${r.nnzC.toLocaleString('en')} | ${fmt(r.ours.median)} (${fmt(r.ours.min)}-${fmt(r.ours.max)}) | ${fmt(r.symbolic.median)} | ${fmt(r.numeric.median)} | ${fmt(r.unsorted.median)} | ${fmt(r.recompute.median)} | ` +
        `${r.scipy ? `${fmt(r.scipy.median)} (${fmt(r.scipy.min)}-${fmt(r.scipy.max)})` : 'n/a'} | ${r.js ? `${fmt(r.js.median)} (${fmt(r.js.min)}-${fmt(r.js.max)})` : 'n/a'} | ` +
        `${r.scipyOverOurs ? `${r.scipyOverOurs.toFixed(2)}; ${(r.scipy.min / r.ours.min).toFixed(2)}` : 'n/a'} | ${r.jsOverOurs ? r.jsOverOurs.toFixed(2) : 'n/a'} |`),
    '',
    '| matrix | hash accumulator only | dense accumulator only | first (cold) call |',
    '|---|---|---|---|',
    ...results.map((r) => `| ${r.matrix} | ${fmt(r.hashOnly.median)} | ${fmt(r.denseOnly.median)} | ${fmt(r.coldFirstCall)} |`),
    '',
  ].join('\n');
  writeFileSync(path.join(root, 'bench', 'results', 'spgemm.md'), md);
  console.log('\n' + md);
}

// ---------------------------------------------------------------- accumulator sweep
function rnd(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
}

/** m x n with `per` entries a row, columns uniform in [i*n/m - w, i*n/m + w] (w = n: anywhere) */
function randomBanded(m, n, per, w, seed) {
  const r = rnd(seed);
  const nnz = m * per;
  const ri = new Int32Array(nnz), ci = new Int32Array(nnz), v = new Float64Array(nnz);
  let t = 0;
  for (let i = 0; i < m; i++) {
    const center = Math.floor((i * n) / m);
    for (let u = 0; u < per; u++) {
      let c = w >= n ? Math.floor(r() * n) : center + Math.floor((2 * r() - 1) * w);
      c = ((c % n) + n) % n;
      ri[t] = i; ci[t] = c; v[t++] = r() - 0.5;
    }
  }
  return CsrMatrix.fromCoo(m, n, ri, ci, v);
}

/** medians of forced-hash vs forced-dense, alternated */
function duel(A, B, reps, extra = {}) {
  const once = (opts) => {
    const t0 = performance.now();
    SpgemmProduct.compute(A, B, { ...extra, ...opts }).dispose();
    return performance.now() - t0;
  };
  once({ accumulator: 'hash' }); once({ accumulator: 'dense' });
  const h = [], d = [], a = [];
  for (let r = 0; r < reps; r++) {
    h.push(once({ accumulator: 'hash' }));
    d.push(once({ accumulator: 'dense' }));
    a.push(once({}));
  }
  return { hash: median(h), dense: median(d), auto: median(a) };
}

async function sweep() {
  const reps = Number(value('--reps', '5'));
  const out = { meta: { date: new Date().toISOString(), node: process.version, loadavg: os.loadavg() }, span: [], wide: [], long: [] };
  const log = (kind, o) => {
    out[kind].push(o);
    console.log(kind, JSON.stringify(o, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(3)) : v)));
  };
  // 1. short rows, growing column span: banded random n = 2^20, 4 per row (16 flops per row of A*A)
  for (const lg of [6, 8, 10, 12, 14, 16, 17, 18, 19, 20]) {
    const n = 1 << 20;
    const A = randomBanded(n, n, 4, Math.min(n, 1 << lg), lg);
    for (const sorted of [true, false]) {
      const t = duel(A, A, reps, { sorted });
      log('span', { halfWidth: 1 << lg, spanPerRow: 4 << lg, sorted, ...t, denseOverHash: t.dense / t.hash });
    }
    A.dispose();
  }
  // 2. the same work spread over a wider and wider B: A 2^16 x 2^14 (4 a row), B 2^14 x n (4 a row), random
  const A = randomBanded(1 << 16, 1 << 14, 4, 1 << 30, 1);
  for (const lg of [14, 16, 18, 20, 22, 24]) {
    const B = randomBanded(1 << 14, 1 << lg, 4, 1 << 30, 2);
    const f = spgemmFlops(A, B).total;
    const t = duel(A, B, reps);
    log('wide', { n: 1 << lg, flops: f, nOverFlops: (1 << lg) / f, ...t, denseOverHash: t.dense / t.hash });
    B.dispose();
  }
  A.dispose();
  // 3. long rows: A m x 2^14 with a a row, B 2^14 x n with b a row (row flops a*b), total flops ~4M
  for (const n of [1 << 16, 1 << 22]) {
    for (const [a, b] of [[4, 4], [8, 8], [16, 16], [16, 64], [32, 64], [64, 64], [64, 128], [128, 128], [128, 256]]) {
      const m = Math.max(64, Math.floor((1 << 22) / (a * b)));
      const L = randomBanded(m, 1 << 14, a, 1 << 30, 3), R = randomBanded(1 << 14, n, b, 1 << 30, 4);
      const t = duel(L, R, reps);
      log('long', { n, rowFlops: a * b, flopsOverSpan: (a * b) / n, ...t, denseOverHash: t.dense / t.hash });
      L.dispose(); R.dispose();
    }
  }
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'results', 'spgemm-sweep.json'), JSON.stringify(out, null, 1) + '\n');
  const r3 = (x) => x.toFixed(2);
  const md = [
    `SpGEMM accumulator sweep (node bench/spgemm.mjs --sweep), ${out.meta.date.slice(0, 10)}, Node ${out.meta.node}: median ms of ${reps} alternated calls`,
    'per cell, every row forced to one accumulator; "auto" is the default rule. dense/hash < 1: the dense accumulator is faster.',
    '',
    '1. Square random n = 2^20, 4 entries a row (16 flops a row), columns uniform within +-halfWidth of the diagonal:',
    '',
    '| half-width | sorted | hash | dense | auto | dense/hash |',
    '|---|---|---|---|---|---|',
    ...out.span.map((r) => `| ${r.halfWidth} | ${r.sorted ? 'yes' : 'no'} | ${fmt(r.hash)} | ${fmt(r.dense)} | ${fmt(r.auto)} | ${r3(r.denseOverHash)} |`),
    '',
    '2. The same work against a wider and wider B: A 2^16 x 2^14 (4 a row), B 2^14 x n (4 a row), random:',
    '',
    '| n | flops | n / flops | hash | dense | auto | dense/hash |',
    '|---|---|---|---|---|---|---|',
    ...out.wide.map((r) => `| ${r.n} | ${r.flops} | ${r3(r.nOverFlops)} | ${fmt(r.hash)} | ${fmt(r.dense)} | ${fmt(r.auto)} | ${r3(r.denseOverHash)} |`),
    '',
    '3. Long rows: A m x 2^14 (a a row), B 2^14 x n (b a row), random, row flops a*b, about 4M flops a call:',
    '',
    '| n | row flops | hash | dense | auto | dense/hash |',
    '|---|---|---|---|---|---|',
    ...out.long.map((r) => `| ${r.n} | ${r.rowFlops} | ${fmt(r.hash)} | ${fmt(r.dense)} | ${fmt(r.auto)} | ${r3(r.denseOverHash)} |`),
    '',
  ].join('\n');
  writeFileSync(path.join(root, 'bench', 'results', 'spgemm-sweep.md'), md);
  console.log(md);
}

// ---------------------------------------------------------------- other operations
async function ops() {
  const { add, symmetricPermute, reverseCuthillMcKee, bandwidth, TripleProduct } = await import('../dist/index.js');
  const scipy = flag('--no-scipy') ? undefined : new Scipy();
  if (scipy) await scipy.next();
  const reps = Number(value('--reps', '5'));
  const rows = [];
  const alt = async (label, name, ours, py) => {
    // two warm-up calls each: the first runs in wasm's baseline tier, the second may still touch fresh pages
    for (let w = 0; w < 2; w++) { ours(); if (scipy && py) await scipy.ask(py); }
    const o = [], q = [];
    for (let r = 0; r < reps; r++) {
      o.push(ours());
      if (scipy && py) q.push(Number((await scipy.ask(py))[0]));
    }
    const row = { op: label, matrix: name, ours: median(o), scipy: q.length ? median(q) : null };
    rows.push(row);
    console.log(`${label} ${name}: ours ${fmt(row.ours)} ms` + (row.scipy ? `, SciPy ${fmt(row.scipy)} ms (x${(row.scipy / row.ours).toFixed(2)})` : ''));
    return row;
  };
  const timed = (f) => { const t0 = performance.now(); const r = f(); const t = performance.now() - t0; r?.dispose?.(); return t; };
  for (const name of (value('--matrices', 'convdiff2d_512,poisson2d_1000')).split(',')) {
    const A = await loadMatrix(name, scipy);
    // A^T A: the transpose is formed internally (counting sort); its share is reported
    const shares = [];
    await alt('A^T A', name, () => {
      const t0 = performance.now();
      const p = SpgemmProduct.compute(A, A, { transposeA: true });
      const t = performance.now() - t0;
      shares.push(p.timings.transposeMs / t);
      p.dispose();
      return t;
    }, `op AtA ${name}`);
    rows[rows.length - 1].transposeShare = median(shares);
    // Galerkin coarse operator R A P with piecewise-constant aggregation of 4 consecutive unknowns
    const nc = Math.ceil(A.rows / 4);
    const P = CsrMatrix.fromCoo(A.rows, nc, Int32Array.from({ length: A.rows }, (_, i) => i), Int32Array.from({ length: A.rows }, (_, i) => i >> 2), new Float64Array(A.rows).fill(1));
    const R = P.transpose();
    await alt('R A P', name, () => timed(() => TripleProduct.compute(R, A, P)), null);
    P.dispose(); R.dispose();
    const At = A.transpose();
    await alt('A + A^T', name, () => timed(() => add(A, At)), `op ApAt ${name}`);
    At.dispose();
    // P A P^T with a random permutation, then RCM on the scrambled matrix
    const r = rnd(5);
    const perm = Int32Array.from({ length: A.rows }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }
    if (scipy) {
      const f = path.join(MATDIR, 'cache', `${name}.perm`);
      writeFileSync(f, Buffer.from(perm.buffer));
      await scipy.ask(`setperm ${name} ${f}`);
    }
    await alt('P A P^T', name, () => timed(() => symmetricPermute(A, perm)), `op perm ${name}`);
    const S = symmetricPermute(A, perm);
    let after = 0;
    const row = await alt('RCM', name, () => {
      const t0 = performance.now();
      const q = reverseCuthillMcKee(S, { symmetrize: false });
      const t = performance.now() - t0;
      const B = symmetricPermute(S, q);
      after = bandwidth(B).bandwidth;
      B.dispose();
      return t;
    }, null);
    row.bandwidthScrambled = bandwidth(S).bandwidth;
    row.bandwidthOriginal = bandwidth(A).bandwidth;
    row.bandwidthAfter = after;
    if (scipy) {
      // SciPy's reverse_cuthill_mckee on the same scrambled matrix (one warm-up call, one timed)
      await scipy.ask(`op rcm ${name}`);
      const [ms, bw] = await scipy.ask(`op rcm ${name}`);
      row.scipy = Number(ms);
      row.scipyBandwidthAfter = Number(bw);
    }
    console.log(`  RCM ${name}: bandwidth ${row.bandwidthOriginal} (natural) -> ${row.bandwidthScrambled} (scrambled) -> ${after} (RCM)` + (row.scipyBandwidthAfter ? `; SciPy RCM ${row.scipyBandwidthAfter}` : ''));
    S.dispose();
    A.dispose();
  }
  // RCM on the bundled real matrices (gzipped; readMatrix reads them as they are): bandwidth drop
  const { readdirSync } = await import('node:fs');
  const dir = path.join(root, 'test', 'fixtures', 'matrices');
  const real = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.mtx.gz')).sort()) {
    let A;
    try { A = (await readMatrix(path.join(dir, f))).matrix; } catch { continue; }
    if (A.rows !== A.cols || A.rows === 0) { A.dispose(); continue; }
    const t0 = performance.now();
    const q = reverseCuthillMcKee(A);
    const ms = performance.now() - t0;
    const B = symmetricPermute(A, q);
    real.push({ matrix: f, n: A.rows, nnz: A.nnz, before: bandwidth(A).bandwidth, after: bandwidth(B).bandwidth, ms });
    A.dispose(); B.dispose();
  }
  for (const r of real) console.log(`RCM ${r.matrix}: bandwidth ${r.before} -> ${r.after} (${fmt(r.ms)} ms)`);
  scipy?.close();
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'results', 'spgemm-ops.json'), JSON.stringify({ meta: { date: new Date().toISOString(), loadavg: os.loadavg() }, rows, rcmReal: real }, null, 1) + '\n');
  const md = [
    `Sparse matrix operations (node --expose-gc bench/spgemm.mjs --ops), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}: medians of ${reps} calls alternated with SciPy's`,
    '',
    '| operation | matrix | sparse-wasm ms | SciPy ms | SciPy / ours | note |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.op} | ${r.matrix} | ${fmt(r.ours)} | ${r.scipy ? fmt(r.scipy) : 'n/a'} | ${r.scipy ? (r.scipy / r.ours).toFixed(2) : 'n/a'} | ` +
      (r.transposeShare !== undefined ? `transpose ${(100 * r.transposeShare).toFixed(0)}% of the time; SciPy: A.T @ A` : '') +
      (r.op === 'R A P' ? 'P: aggregation of 4 consecutive unknowns, R = P^T' : '') +
      (r.op === 'P A P^T' ? 'random symmetric permutation; SciPy A[p][:, p] (unsorted rows)' : '') +
      (r.op === 'RCM' ? `on the randomly permuted matrix: bandwidth ${r.bandwidthScrambled} -> ${r.bandwidthAfter} (natural order ${r.bandwidthOriginal}; SciPy reverse_cuthill_mckee ${r.scipyBandwidthAfter ?? 'n/a'})` : '') + ' |'),
    '',
    'Reverse Cuthill-McKee on the shared real matrices (square ones): bandwidth of A and of P A P^T.',
    '',
    '| matrix | n | nnz | bandwidth | after RCM | ms |',
    '|---|---|---|---|---|---|',
    ...real.map((r) => `| ${r.matrix} | ${r.n} | ${r.nnz} | ${r.before} | ${r.after} | ${fmt(r.ms)} |`),
    '',
  ].join('\n');
  writeFileSync(path.join(root, 'bench', 'results', 'spgemm-ops.md'), md);
}

if (flag('--sweep')) await sweep();
else if (flag('--ops')) await ops();
else await compare();
