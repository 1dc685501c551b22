// Page script for test/pool-browser.test.ts: the solver pool in module Web Workers, as a web app
// uses it (ESM from /dist; the wasm fetched once by the page, compiled, and sent to the workers).
// Compares pool results with a SolverSession on the page's own runtime, bit for bit; aborts a long
// solve with a timer; checks typed errors, a crashed worker's replacement and close().
import * as lib from '/dist/index.js';

const b64 = (a) => {
  const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
  return btoa(s);
};
const rhs = (n, seed) => new Float64Array(n).map((_, i) => Math.sin(seed * 0.37 + i * 0.11));
const sameBits = (a, b) => a.length === b.length && b64(a) === b64(b);

async function errorOf(p) {
  try {
    await p;
    return { name: 'no error' };
  } catch (e) {
    return { name: e.name, message: e.message, instance: e instanceof lib.SparseError };
  }
}

async function main() {
  await lib.init();
  const out = { crossOriginIsolated: globalThis.crossOriginIsolated === true };
  const pool = await lib.createSolverPool({ workers: 2 });
  out.size = pool.size;
  out.cancellation = pool.cancellation;

  // 1. results equal to the page's own session, bit for bit
  const cases = [];
  for (const [name, A, options] of [
    ['poisson 40 cg+ic0', lib.poisson2d(40), { method: 'cg', precond: 'ic0' }],
    ['poisson 30 gmres+ilu0', lib.poisson2d(30), { method: 'gmres', precond: 'ilu0', restart: 15 }],
  ]) {
    const h = await pool.load(A, { placement: 'all' });
    const s = new lib.SolverSession(A, options);
    for (let k = 0; k < 3; k++) {
      const b = rhs(A.rows, k);
      const [r, l] = [await pool.solve(h, b, options), s.solve(b)];
      cases.push({ name, k, same: sameBits(r.x, l.x), iterations: r.iterations, localIterations: l.iterations, reason: r.reason, xIsF64: r.x instanceof Float64Array });
    }
    s.dispose();
    A.dispose();
    await h.dispose();
  }
  out.cases = cases;

  // 2. typed errors
  const A = lib.poisson2d(10);
  const h = await pool.load(A);
  out.errors = {
    dimension: await errorOf(pool.solve(h, [1, 2, 3])),
    format: await errorOf(pool.load({ rows: 2, cols: 2, rowPtr: [0, 1, 2], colIdx: [0, 9], values: [1, 1] })),
  };

  // 3. abort a long solve with a timer, 50 ms after its first progress report
  const big = lib.poisson2d(250);
  const hb = await pool.load(big);
  const ac = new AbortController();
  let seen = 0, seenAtAbort = -1, abortAt = 0, timer;
  const reached = [];
  const abortCall = pool.solve(hb, new Float64Array(big.rows).fill(1), {
    method: 'cg', precond: 'none', rtol: 1e-14, maxIterations: 100000, signal: ac.signal, progressIntervalMs: 0,
    onProgress: (p) => {
      seen = p.iteration;
      reached.push(p);
      timer ??= setTimeout(() => { seenAtAbort = seen; abortAt = performance.timeOrigin + performance.now(); ac.abort(); }, 50);
    },
  });
  try {
    const r = await abortCall;
    // the last iteration the worker had reached when the abort was given (progress carries its time)
    const lastBefore = Math.max(0, ...reached.filter((p) => p.at <= abortAt).map((p) => p.iteration));
    out.abort = { resolved: true, reason: r.reason, iterations: r.iterations, seenAtAbort, lastBefore, detail: r.detail };
  } catch (e) {
    out.abort = { resolved: false, name: e.name, message: e.message, seenAtAbort };
  }
  // the pool (and the matrix, re-sent if its worker was replaced) still serves
  const after = await pool.solve(hb, new Float64Array(big.rows).fill(1), { method: 'cg', precond: 'ic0', rtol: 1e-6 });
  out.afterAbort = { reason: after.reason };
  big.dispose();

  // 4. a worker ended by an uncaught error (thrown while a task runs) is replaced; its matrices are re-sent
  const crashed = await errorOf(pool.crashWorkerForTesting(h.workers[0], 'throw'));
  const again = [];
  for (let k = 0; k < 4; k++) again.push((await pool.solve(h, rhs(A.rows, k), { method: 'cg' })).reason);
  out.crash = { crashed, again };
  A.dispose();

  // 5. close() drains and refuses new work
  const given = pool.solve(h, rhs(100, 1), { method: 'cg' });
  const closing = pool.close();
  out.close = { refused: (await errorOf(pool.solve(h, rhs(100, 1)))).name, given: (await given).reason };
  await closing;
  return out;
}

main().then(
  (r) => { window.__result = { ok: true, ...r }; },
  (e) => { window.__result = { ok: false, error: String((e && e.stack) || e) }; },
);
