// The threads build (runtime/threads.ts): a runtime whose large SpMV, BLAS-1 and Krylov-update
// calls run on T threads over one shared memory. Checked against the single-thread SIMD build:
// SpMV bitwise (each row is computed by the same code, whichever thread runs it), elementwise
// updates bitwise, reductions as the thread-ordered sum of per-share results (so exactly
// reproducible), solves within rounding. parallelThreshold 0 makes even tiny calls fork, so the
// small cases exercise the team, including shares that are empty (n < T).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRuntime, CsrMatrix, DenseVector, InvalidArgumentError, poisson2d, solve, SolverSession, ThreadError,
  type SparseRuntime,
} from '../src/index.js';
import { ThreadedRuntime, threadsSupported, threadsUnavailableReason, threadWorkerCount } from '../src/runtime/threads.js';
import { randomCoo } from './helpers.js';

const TEAMS = [1, 2, 3] as const;
let single: SparseRuntime;
const teams = new Map<number, ThreadedRuntime>();

beforeAll(async () => {
  single = await createRuntime({ build: 'simd', initialMemoryMiB: 64 });
  for (const T of TEAMS) {
    const rt = await createRuntime({ threads: T, parallelThreshold: 0, initialMemoryMiB: 64 });
    expect(rt).toBeInstanceOf(ThreadedRuntime);
    teams.set(T, rt as ThreadedRuntime);
  }
});

afterAll(async () => {
  for (const rt of teams.values()) await rt.terminate();
});

/** a matrix with empty rows, one long row and irregular lengths (CSR stays CSR) */
function irregular(rt: SparseRuntime, n: number, seed: number, layout: 'csr' | 'sell' | 'auto' = 'csr'): CsrMatrix {
  const c = randomCoo(n, n, 6 / n, seed);
  for (let j = 0; j < n; j += 3) { c.ri.push(n >> 1); c.ci.push(j); c.v.push(1 / (j + 1)); }
  const empty = new Set([0, 5, n - 1]);
  const keep = c.ri.map((r) => !empty.has(r));
  return CsrMatrix.fromCoo(n, n, c.ri.filter((_, k) => keep[k]), c.ci.filter((_, k) => keep[k]), c.v.filter((_, k) => keep[k]), { runtime: rt, spmv: layout });
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const wave = (n: number, f = 1) => Float64Array.from({ length: n }, (_, i) => Math.sin(f * i + 0.3) * (1 + (i % 7)));

describe('threads: availability and options', () => {
  it('threads are available in Node', () => {
    expect(threadsUnavailableReason()).toBeUndefined();
    expect(threadsSupported()).toBe(true);
  });

  it('a team of T threads has T - 1 workers, reports T, and uses the SIMD threads build', () => {
    for (const T of TEAMS) {
      const rt = teams.get(T)!;
      expect(rt.threads).toBe(T);
      expect(rt.workerCount).toBe(T - 1);
      expect(rt.simd).toBe(true);
      expect(rt.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    expect(single.threads).toBe(1);
  });

  it('refuses bad threads options with a typed error naming the option', async () => {
    for (const threads of [0, -1, 1.5, 65, Number.NaN, '2']) {
      await expect(createRuntime({ threads: threads as number })).rejects.toThrow(InvalidArgumentError);
    }
    await expect(createRuntime({ threads: 0 })).rejects.toThrow(/threads/);
    await expect(createRuntime({ threads: 2, build: 'scalar' })).rejects.toThrow(/scalar/);
    await expect(createRuntime({ threads: 2, parallelThreshold: -1 })).rejects.toThrow(/parallelThreshold/);
    const rt = teams.get(2)!;
    expect(() => { rt.parallelThreshold = -3; }).toThrow(InvalidArgumentError);
    expect(rt.parallelThreshold).toBe(0);
  });

  it('a single-thread build given as the threads source is refused with a clear load error', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(new URL('../build/sparse.wasm', import.meta.url));
    await expect(createRuntime({ threads: 2, source: bytes })).rejects.toThrow(/threads build/);
  });
});

describe('threads: SpMV is bitwise the single-thread product', () => {
  for (const T of TEAMS) {
    it(`T = ${T}: CSR with empty rows and a long row, SELL-8 (Poisson), SELL-8 with row sorting, scaled products`, () => {
      const rt = teams.get(T)!;
      const cases: [string, (r: SparseRuntime) => CsrMatrix][] = [
        ['irregular csr', (r) => irregular(r, 997, 11, 'csr')],
        ['poisson sell', (r) => poisson2d(37, { runtime: r })],
        ['irregular sell (sorted rows)', (r) => irregular(r, 501, 12, 'sell')],
        ['tiny', (r) => irregular(r, 7, 13, 'csr')],
      ];
      for (const [name, make] of cases) {
        const A = make(rt), B = make(single);
        try {
          expect(A.spmvLayout, name).toBe(B.spmvLayout);
          const x = wave(A.cols);
          expect(sameBits(A.multiply(x), B.multiply(x)), name).toBe(true);
          const y = wave(A.rows, 0.7);
          const ya = A.multiply(x, y.slice(), { alpha: -0.75, beta: 1.25 });
          const yb = B.multiply(x, y.slice(), { alpha: -0.75, beta: 1.25 });
          expect(sameBits(ya, yb), `${name} scaled`).toBe(true);
        } finally {
          A.dispose();
          B.dispose();
        }
      }
    });
  }

  it('rows are split by nonzeros: a matrix whose nonzeros sit in its last rows still splits (and stays exact)', () => {
    const rt = teams.get(3)!;
    const n = 300, ri: number[] = [], ci: number[] = [], v: number[] = [];
    for (let i = 0; i < n; i++) {
      const len = i < 250 ? 1 : 60;
      for (let j = 0; j < len; j++) { ri.push(i); ci.push((i * 7 + j * 13) % n); v.push(1 + ((i + j) % 5)); }
    }
    const A = CsrMatrix.fromCoo(n, n, ri, ci, v, { runtime: rt, spmv: 'csr' });
    const B = CsrMatrix.fromCoo(n, n, ri, ci, v, { runtime: single, spmv: 'csr' });
    const x = wave(n);
    expect(sameBits(A.multiply(x), B.multiply(x))).toBe(true);
    A.dispose();
    B.dispose();
  });
});

describe('threads: BLAS-1 and Krylov updates', () => {
  /** runs `f` with vectors of length n at pointers in rt; returns the vectors' contents after */
  function withVectors(rt: SparseRuntime, n: number, f: (k: SparseRuntime['kernels'], p: number[]) => number | void) {
    const vs = [wave(n, 1), wave(n, 0.37), wave(n, 2.1), wave(n, 0.05)].map((a) => DenseVector.from(a, { runtime: rt }));
    try {
      const r = f(rt.kernels, vs.map((v) => v.ptr));
      return { r, out: vs.map((v) => v.toArray()) };
    } finally {
      for (const v of vs) v.dispose();
    }
  }

  for (const T of TEAMS) {
    it(`T = ${T}: elementwise kernels are bitwise the single-thread ones; dot, nrm2 and cgStep are the thread-ordered sums of their shares`, () => {
      const rt = teams.get(T)!;
      for (const n of [0, 1, 2, 3, 17, 33, 1000, 4099]) {
        const ops: [string, (k: SparseRuntime['kernels'], p: number[]) => number | void][] = [
          ['axpy', (k, p) => k.axpy(n, -0.3, p[0], p[1])],
          ['scal', (k, p) => k.scal(n, 1.7, p[0])],
          ['copy', (k, p) => k.copy(n, p[0], p[1])],
          ['fill', (k, p) => k.fill(n, 2.5, p[2])],
          ['xpby', (k, p) => k.xpby(n, p[0], 0.9, p[1])],
          ['axpby', (k, p) => k.axpby(n, 0.5, p[0], -2, p[1])],
          ['sub', (k, p) => k.sub(n, p[0], p[1], p[2])],
          ['jacobiApply', (k, p) => k.jacobiApply(n, p[0], p[1], p[2])],
        ];
        for (const [name, op] of ops) {
          const a = withVectors(rt, n, op), b = withVectors(single, n, op);
          for (let i = 0; i < 4; i++) expect(sameBits(a.out[i], b.out[i]), `${name} n=${n} vector ${i}`).toBe(true);
        }
        // reductions: the shares are multiples of 16 elements; the same sum of share results from
        // the single-thread kernels reproduces the threaded value exactly
        const per = Math.ceil(n / T / 16) * 16;
        const shares: [number, number][] = [];
        for (let t = 0; t < T; t++) shares.push([Math.min(n, t * per), Math.min(n, (t + 1) * per)]);
        const dotT = withVectors(rt, n, (k, p) => k.dot(n, p[0], p[1])).r as number;
        const dotS = withVectors(single, n, (k, p) => shares.reduce((s, [lo, hi]) => s + k.dot(hi - lo, p[0] + 8 * lo, p[1] + 8 * lo), 0)).r as number;
        expect(Object.is(dotT, dotS), `dot n=${n}`).toBe(true);
        const plain = withVectors(single, n, (k, p) => k.dot(n, p[0], p[1])).r as number;
        expect(Math.abs(dotT - plain)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(plain)));
        const nrmT = withVectors(rt, n, (k, p) => k.nrm2(n, p[0])).r as number;
        const nrmS = withVectors(single, n, (k, p) => k.nrm2(n, p[0])).r as number;
        expect(Math.abs(nrmT - nrmS)).toBeLessThanOrEqual(1e-14 * Math.max(1, nrmS));
        const cgT = withVectors(rt, n, (k, p) => k.cgStep(n, 0.25, p[0], p[1], p[2], p[3]));
        const cgS = withVectors(single, n, (k, p) => k.cgStep(n, 0.25, p[0], p[1], p[2], p[3]));
        for (let i = 0; i < 4; i++) expect(sameBits(cgT.out[i], cgS.out[i]), `cgStep n=${n} vector ${i}`).toBe(true);
        expect(Math.abs((cgT.r as number) - (cgS.r as number))).toBeLessThanOrEqual(1e-13 * Math.max(1, cgS.r as number));
      }
    });
  }

  it('nrm2 keeps the single-thread range: no overflow or underflow from the shares', () => {
    const rt = teams.get(2)!;
    for (const scale of [1e300, 1e-300, 0]) {
      const a = Float64Array.from({ length: 100 }, (_, i) => scale * (1 + i));
      const va = DenseVector.from(a, { runtime: rt }), vb = DenseVector.from(a, { runtime: single });
      const t = rt.kernels.nrm2(100, va.ptr), s = single.kernels.nrm2(100, vb.ptr);
      expect(Number.isFinite(t)).toBe(true);
      expect(Math.abs(t - s)).toBeLessThanOrEqual(1e-14 * s);
      va.dispose();
      vb.dispose();
    }
    const v = DenseVector.from(new Float64Array(64), { runtime: rt });
    v.data[40] = Number.NaN;
    expect(rt.kernels.nrm2(64, v.ptr)).toBeNaN();
    v.data[40] = Infinity;
    expect(rt.kernels.nrm2(64, v.ptr)).toBe(Infinity);
    v.dispose();
  });
});

describe('threads: solves', () => {
  for (const T of TEAMS) {
    it(`T = ${T}: CG + Jacobi and CG + Chebyshev match the single-thread solve within rounding, iterations within 2`, () => {
      const rt = teams.get(T)!;
      for (const precond of ['jacobi', 'chebyshev'] as const) {
        const A = poisson2d(30, { runtime: rt }), B = poisson2d(30, { runtime: single });
        const b = wave(A.rows, 0.11);
        const ra = solve(A, b, { method: 'cg', precond, rtol: 1e-10 });
        const rb = solve(B, b, { method: 'cg', precond, rtol: 1e-10 });
        expect(ra.converged, precond).toBe(true);
        expect(rb.converged).toBe(true);
        expect(Math.abs(ra.iterations - rb.iterations), precond).toBeLessThanOrEqual(2);
        let diff = 0, size = 0;
        for (let i = 0; i < ra.x.length; i++) { diff = Math.max(diff, Math.abs(ra.x[i] - rb.x[i])); size = Math.max(size, Math.abs(rb.x[i])); }
        expect(diff).toBeLessThanOrEqual(1e-8 * size);
        // and the threaded answer really solves A x = b (checked on the single-thread matrix)
        const r = B.multiply(ra.x);
        let res = 0, bn = 0;
        for (let i = 0; i < r.length; i++) { res += (b[i] - r[i]) ** 2; bn += b[i] ** 2; }
        expect(Math.sqrt(res / bn)).toBeLessThanOrEqual(1e-10);
        A.dispose();
        B.dispose();
      }
    });
  }

  it('the same threaded solve twice gives the same bits (the reductions are deterministic)', () => {
    const rt = teams.get(3)!;
    const A = poisson2d(25, { runtime: rt });
    const b = wave(A.rows);
    const s = new SolverSession(A, { method: 'cg', precond: 'jacobi' });
    const r1 = s.solve(b), r2 = s.solve(b);
    expect(r1.iterations).toBe(r2.iterations);
    expect(sameBits(r1.x, r2.x)).toBe(true);
    s.dispose();
    A.dispose();
  });

  it('systems smaller than the team (n = 1, 2) solve, BiCGSTAB and GMRES too', () => {
    const rt = teams.get(3)!;
    const A1 = CsrMatrix.fromDense([[4]], { runtime: rt });
    expect(solve(A1, [8], { method: 'cg', precond: 'jacobi' }).x[0]).toBeCloseTo(2, 14);
    const A2 = CsrMatrix.fromDense([[4, 1], [1, 3]], { runtime: rt });
    for (const method of ['cg', 'bicgstab', 'gmres'] as const) {
      const r = solve(A2, [1, 2], { method, precond: 'jacobi' });
      expect(r.converged, method).toBe(true);
      expect(r.x[0]).toBeCloseTo(1 / 11, 12);
      expect(r.x[1]).toBeCloseTo(7 / 11, 12);
    }
    const A0 = CsrMatrix.fromDense([], { runtime: rt, cols: 0 });
    expect(A0.multiply(new Float64Array(0)).length).toBe(0);
    A0.dispose();
    A1.dispose();
    A2.dispose();
  });
});

describe('threads: failures and lifecycle', () => {
  it('a trap on a worker thread is a ThreadError after the whole team finished; the team stays usable', () => {
    const rt = teams.get(2)!;
    const n = 64;
    const x = DenseVector.from(wave(n), { runtime: rt });
    const end = rt.memory.buffer.byteLength;
    // share 0 (32 elements, on the calling thread) reads inside memory, share 1 past its end
    expect(() => rt.kernels.dot(n, x.ptr, end - 32 * 8)).toThrow(ThreadError);
    expect(() => rt.kernels.dot(n, x.ptr, end - 32 * 8)).toThrow(/dot failed on worker thread 1/);
    // a trap on the calling thread's share is the engine's error, also after the join
    expect(() => rt.kernels.axpy(n, 1, end + 4096, x.ptr)).toThrow(WebAssembly.RuntimeError);
    // still a working team
    const y = DenseVector.from(wave(n, 0.5), { runtime: rt });
    const ref = single.kernels;
    const xs = DenseVector.from(wave(n), { runtime: single }), ys = DenseVector.from(wave(n, 0.5), { runtime: single });
    const expectDot = ref.dot(32, xs.ptr, ys.ptr) + ref.dot(32, xs.ptr + 256, ys.ptr + 256);
    expect(rt.kernels.dot(n, x.ptr, y.ptr)).toBe(expectDot);
    const A = poisson2d(20, { runtime: rt });
    expect(solve(A, wave(400), { method: 'cg', precond: 'jacobi' }).converged).toBe(true);
    for (const v of [x, y, xs, ys, A]) v.dispose();
  });

  it('memory growth is seen by every thread', async () => {
    const rt = await createRuntime({ threads: 2, parallelThreshold: 0, initialMemoryMiB: 2 });
    try {
      const before = rt.memory.buffer.byteLength;
      const n = 600_000; // 4.8 MB a vector: the memory must grow
      const a = DenseVector.from(wave(n), { runtime: rt }), b = DenseVector.from(wave(n, 0.3), { runtime: rt });
      expect(rt.memory.buffer.byteLength).toBeGreaterThan(before);
      const sa = DenseVector.from(wave(n), { runtime: single }), sb = DenseVector.from(wave(n, 0.3), { runtime: single });
      rt.kernels.axpy(n, 0.5, a.ptr, b.ptr);
      single.kernels.axpy(n, 0.5, sa.ptr, sb.ptr);
      expect(sameBits(b.toArray(), sb.toArray())).toBe(true);
      for (const v of [a, b, sa, sb]) v.dispose();
    } finally {
      await rt.terminate();
    }
  });

  it('terminate() stops every worker; the runtime and its objects keep working on one thread; terminate is idempotent', async () => {
    const baseline = threadWorkerCount();
    const rt = (await createRuntime({ threads: 3, parallelThreshold: 0, initialMemoryMiB: 8 })) as ThreadedRuntime;
    expect(threadWorkerCount()).toBe(baseline + 2);
    const A = poisson2d(12, { runtime: rt });
    const x = wave(A.cols);
    const before = A.multiply(x);
    await rt.terminate();
    expect(threadWorkerCount()).toBe(baseline);
    expect(rt.threads).toBe(1);
    expect(rt.workerCount).toBe(0);
    expect(sameBits(A.multiply(x), before)).toBe(true);
    expect(solve(A, x, { method: 'cg', precond: 'jacobi' }).converged).toBe(true);
    await rt.terminate();
    await rt[Symbol.asyncDispose]();
    expect(threadWorkerCount()).toBe(baseline);
    A.dispose();
  });

  it('a threshold keeps small calls on the calling thread (the same answers)', () => {
    const rt = teams.get(2)!;
    rt.parallelThreshold = 1_000_000;
    try {
      const A = irregular(rt, 200, 5), B = irregular(single, 200, 5);
      const x = wave(200);
      expect(sameBits(A.multiply(x), B.multiply(x))).toBe(true);
      A.dispose();
      B.dispose();
    } finally {
      rt.parallelThreshold = 0;
    }
  });
});
