import { beforeAll, describe, expect, it } from 'vitest';
import { eig, harmonicRitz, qrDrop } from '../src/solvers/dense.js';

/** deterministic pseudo-random numbers in [-0.5, 0.5) */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/** max over eigenpairs of ||A v - lambda v|| (A column-major) */
function eigResidual(A: Float64Array, n: number, e: ReturnType<typeof eig>): number {
  let worst = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let sr = 0, si = 0;
      for (let l = 0; l < n; l++) {
        sr += A[i + l * n] * e.vr[l + j * n];
        si += A[i + l * n] * e.vi[l + j * n];
      }
      sr -= e.re[j] * e.vr[i + j * n] - e.im[j] * e.vi[i + j * n];
      si -= e.re[j] * e.vi[i + j * n] + e.im[j] * e.vr[i + j * n];
      worst = Math.max(worst, Math.hypot(sr, si));
    }
  }
  return worst;
}

describe('dense eigensolver', () => {
  it('finds the known eigenvalues of a companion matrix (real and complex roots)', () => {
    // roots 1, 2, -3, 1 +- 2i: p(x) = (x-1)(x-2)(x+3)(x^2 - 2x + 5)
    const roots = [[1, 0], [2, 0], [-3, 0], [1, 2], [1, -2]];
    let p = [1]; // coefficients, highest first, real polynomial
    const mul = (a: number[], b: number[]) => {
      const c = new Array(a.length + b.length - 1).fill(0);
      a.forEach((x, i) => b.forEach((y, j) => (c[i + j] += x * y)));
      return c;
    };
    p = mul(mul(mul(mul(p, [1, -1]), [1, -2]), [1, 3]), [1, -2, 5]);
    const n = 5;
    const A = new Float64Array(n * n);
    for (let j = 0; j < n; j++) A[0 + j * n] = -p[j + 1];
    for (let i = 1; i < n; i++) A[i + (i - 1) * n] = 1;
    const e = eig(A, n);
    const got = Array.from(e.re, (r, i) => [r, e.im[i]]);
    for (const [r, i] of roots) {
      const d = Math.min(...got.map(([a, b]) => Math.hypot(a - r, b - i)));
      expect(d).toBeLessThan(1e-10);
    }
    expect(eigResidual(A, n, e)).toBeLessThan(1e-10);
  });

  it('gives eigenpairs with small residuals on random nonsymmetric matrices (sizes 1..60)', () => {
    for (const n of [1, 2, 3, 7, 20, 41, 60]) {
      const r = rng(n);
      const A = new Float64Array(n * n).map(() => r());
      const e = eig(A, n);
      expect(eigResidual(A, n, e)).toBeLessThan(1e-11 * n);
      let trace = 0, sum = 0, sumIm = 0;
      for (let i = 0; i < n; i++) {
        trace += A[i + i * n];
        sum += e.re[i];
        sumIm += e.im[i];
      }
      expect(Math.abs(trace - sum)).toBeLessThan(1e-11 * n);
      expect(Math.abs(sumIm)).toBeLessThan(1e-11 * n);
    }
  });

  it('handles a rotation (a pure complex pair), a diagonal and a Jordan-like block', () => {
    const rot = Float64Array.from([0, 1, -1, 0]); // column-major [[0,-1],[1,0]]: eigenvalues +-i
    const e = eig(rot, 2);
    expect([...e.im].map(Math.abs)).toEqual([expect.closeTo(1, 12), expect.closeTo(1, 12)]);
    expect(eigResidual(rot, 2, e)).toBeLessThan(1e-14);
    const d = new Float64Array(9);
    [3, -1, 2].forEach((v, i) => (d[i + 3 * i] = v));
    expect([...eig(d, 3).re].sort((a, b) => a - b)).toEqual([-1, 2, 3]);
    const j = Float64Array.from([2, 0, 1, 2]); // [[2,1],[0,2]]: defective
    const ej = eig(j, 2);
    expect([...ej.re]).toEqual([expect.closeTo(2, 12), expect.closeTo(2, 12)]);
  });

  it('computes only the selected eigenvectors when asked (eigenvalues only, then inverse iteration)', () => {
    for (const n of [2, 12, 40]) {
      const r = rng(99 + n);
      const A = new Float64Array(n * n).map(() => r());
      const all = eig(A, n);
      const wanted = [0, 1, n - 1];
      const some = eig(A, n, () => wanted);
      // the same eigenvalues as a multiset (the order of deflation may differ, and a conjugate pair's
      // real parts may differ by rounding, so sorting cannot pair them): match each to the nearest unused
      const left = Array.from(all.re, (v, i) => [v, all.im[i]]);
      for (let j = 0; j < n; j++) {
        const d = left.map(([a, b]) => Math.hypot(a - some.re[j], b - some.im[j]));
        const i = d.indexOf(Math.min(...d));
        expect(d[i]).toBeLessThan(1e-10);
        left.splice(i, 1);
      }
      // the selected vectors are eigenvectors; the others are left 0
      const picked = { ...some, re: some.re.map((v, i) => (wanted.includes(i) ? v : 0)), im: some.im.map((v, i) => (wanted.includes(i) ? v : 0)) };
      expect(eigResidual(A, n, picked)).toBeLessThan(1e-10 * n);
      for (let j = 0; j < n; j++) if (!wanted.includes(j)) expect(some.vr[j * n] === 0 && some.vi[j * n] === 0).toBe(true);
    }
  });

  it('qrDrop keeps independent columns and drops dependent ones', () => {
    // columns a, 2a, b
    const A = Float64Array.from([1, 2, 3, 2, 4, 6, 0, 1, 0]);
    const { Q, R, kept } = qrDrop(A, 3, 3, 1e-12);
    expect(kept).toEqual([0, 2]);
    // Q R = A[:, kept]
    for (const [c, j] of kept.entries()) {
      for (let i = 0; i < 3; i++) {
        let s = 0;
        for (let l = 0; l <= c; l++) s += Q[i + l * 3] * R[l + c * 2];
        expect(s).toBeCloseTo(A[i + j * 3], 13);
      }
    }
  });
});

// ---- GCRO-DR as a session method

import { init, CsrMatrix, type SparseRuntime } from '../src/index.js';
import { SolverSession } from '../src/session/session.js';
import type { RecycleSpace } from '../src/solvers/recycle.js';
import type { SolveResult } from '../src/solvers/types.js';
import { GcrodrState, prepareSpace, projectOutC } from '../src/solvers/gcrodr.js';
import { denseSolve, trueResidual } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

/**
 * -Laplace(u) + w . grad(u) on an N x N grid (5-point, central differences, Dirichlet): nonsymmetric,
 * with cell Peclet number |w| h / 2. Returns COO arrays (the pattern does not depend on w).
 */
function convDiff(N: number, wx: number, wy: number): { rows: number[]; cols: number[]; vals: number[]; n: number } {
  const h = 1 / (N + 1);
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  const at = (i: number, j: number) => i * N + j;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const p = at(i, j);
      rows.push(p); cols.push(p); vals.push(4);
      const nb: [number, number, number][] = [
        [i - 1, j, -1 - (wy * h) / 2], [i + 1, j, -1 + (wy * h) / 2],
        [i, j - 1, -1 - (wx * h) / 2], [i, j + 1, -1 + (wx * h) / 2],
      ];
      for (const [a, b, v] of nb) if (a >= 0 && a < N && b >= 0 && b < N) { rows.push(p); cols.push(at(a, b)); vals.push(v); }
    }
  }
  return { rows, cols, vals, n: N * N };
}

function matrix(N: number, wx: number, wy: number): CsrMatrix {
  const c = convDiff(N, wx, wy);
  return CsrMatrix.fromCoo(c.n, c.n, c.rows, c.cols, c.vals);
}

/** the matrix's values in CSR order for other wind parameters (same pattern) */
function valuesFor(N: number, wx: number, wy: number): Float64Array {
  const A = matrix(N, wx, wy);
  const v = A.values.slice();
  A.dispose();
  return v;
}

function dense(A: CsrMatrix): Float64Array[] {
  const n = A.rows, rp = A.rowPtr, ci = A.colIdx, v = A.values;
  const D = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) for (let p = rp[i]; p < rp[i + 1]; p++) D[i][ci[p]] += v[p];
  return D;
}

const rhs = (n: number, seed: number) => {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => r() + 0.5);
};
const relErr = (x: ArrayLike<number>, ref: ArrayLike<number>) => {
  let d = 0, s = 0;
  for (let i = 0; i < ref.length; i++) { d += (x[i] - ref[i]) ** 2; s += ref[i] ** 2; }
  return Math.sqrt(d / s);
};
const reportOf = (res: SolveResult) => res.recycle!;
const spaceOf = (s: SolverSession) => (s as unknown as { recycleSpace: RecycleSpace }).recycleSpace;

/** ||A U - C||_F / sqrt(k) and ||C^T C - I||_max for an unpreconditioned session's space */
function spaceErrors(A: CsrMatrix, rs: RecycleSpace): { image: number; orth: number } {
  const n = A.rows, k = rs.k;
  let image = 0, orth = 0;
  const cols = Array.from({ length: k }, (_, j) => rt.f64(rs.column('C', j), n).slice());
  for (let j = 0; j < k; j++) {
    const AU = A.multiply(rt.f64(rs.column('U', j), n).slice()) as Float64Array;
    for (let i = 0; i < n; i++) image = Math.hypot(image, AU[i] - cols[j][i]);
    for (let l = 0; l < k; l++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += cols[j][i] * cols[l][i];
      orth = Math.max(orth, Math.abs(s - (j === l ? 1 : 0)));
    }
  }
  return { image: image / Math.sqrt(Math.max(k, 1)), orth };
}

describe('GCRO-DR', () => {
  it('solves single nonsymmetric systems to the dense reference, with and without a preconditioner', () => {
    const A = matrix(16, 40, -25);
    const b = rhs(A.rows, 3);
    const ref = denseSolve(dense(A), b);
    for (const precond of ['none', 'ilu0', 'jacobi'] as const) {
      const s = new SolverSession(A, { method: 'gcrodr', precond, restart: 20, recycle: 5, rtol: 1e-10 });
      const res = s.solve(b);
      expect(res.converged, precond).toBe(true);
      expect(res.method).toBe('gcrodr');
      expect(res.relativeResidual).toBeLessThanOrEqual(1e-10);
      expect(relErr(res.x, ref), precond).toBeLessThan(1e-7);
      s.dispose();
    }
    A.dispose();
  });

  it('with recycle: 0 is GMRES(m) iteration for iteration', () => {
    const A = matrix(20, 30, 10);
    const b = rhs(A.rows, 5);
    for (const precond of ['none', 'ilu0'] as const) {
      const g = new SolverSession(A, { method: 'gmres', precond, restart: 15 });
      const c = new SolverSession(A, { method: 'gcrodr', precond, restart: 15, recycle: 0 });
      const rg = g.solve(b), rc = c.solve(b);
      expect(rc.iterations).toBe(rg.iterations);
      expect(rc.history.length).toBe(rg.history.length);
      for (let i = 0; i < rg.history.length; i++) expect(Math.abs(rc.history[i] - rg.history[i])).toBeLessThanOrEqual(1e-9 * rg.history[i] + 1e-13 * rg.history[0]);
      expect(relErr(rc.x, rg.x)).toBeLessThan(1e-9);
      g.dispose();
      c.dispose();
    }
    A.dispose();
  });

  it('starts as GMRES(m) (same first cycle) and then needs fewer iterations than GMRES(m) on a single system', () => {
    const A = matrix(24, 10, 5);
    const b = rhs(A.rows, 7);
    const m = 20;
    const g = new SolverSession(A, { method: 'gmres', precond: 'none', restart: m, rtol: 1e-8 });
    const c = new SolverSession(A, { method: 'gcrodr', precond: 'none', restart: m, recycle: 8, rtol: 1e-8 });
    const rg = g.solve(b), rc = c.solve(b);
    for (let i = 0; i < m; i++) expect(Math.abs(rc.history[i] - rg.history[i])).toBeLessThanOrEqual(1e-9 * rg.history[i]);
    expect(rg.converged && rc.converged).toBe(true);
    // deflated restarting (GCRO-DR on one system is GMRES-DR) removes the restart stagnation
    expect(rc.iterations).toBeLessThan(0.8 * rg.iterations);
    expect(reportOf(rc).used).toBe(0); // nothing to recycle in the first solve
    expect(reportOf(rc).kept).toBeGreaterThanOrEqual(8);
    g.dispose();
    c.dispose();
    A.dispose();
  });
});

describe('GCRO-DR across solves', () => {
  it('recycling cuts the total iterations on a sequence of slowly changing nonsymmetric matrices', () => {
    // cell Peclet number 20 h / 2 < 1: eigenvalues near 0 that deflation removes; the wind turns 0.1 rad a step
    const N = 24, steps = 8;
    const wind = (i: number) => [20 * Math.cos(0.1 * i), 20 * Math.sin(0.1 * i)] as const;
    const b = new Float64Array(N * N).fill(1);
    const totals: Record<string, number> = {};
    const runs = [
      ['gmres', 'none', 30, 0], ['gcrodr-fresh', 'none', 30, 10], ['gcrodr', 'none', 30, 10],
      ['gmres+ilu0', 'ilu0', 20, 0], ['gcrodr-fresh+ilu0', 'ilu0', 20, 8], ['gcrodr+ilu0', 'ilu0', 20, 8],
    ] as const;
    for (const [label, precond, restart, recycle] of runs) {
      const A = matrix(N, ...wind(0));
      const s = new SolverSession(A, { method: 'gcrodr', precond, restart, recycle, rtol: 1e-8 });
      let total = 0;
      for (let i = 0; i < steps; i++) {
        if (i > 0) s.update({ values: valuesFor(N, ...wind(i)) });
        // 'fresh': GCRO-DR without carrying U from one system to the next (GMRES-DR on each)
        if (label.startsWith('gcrodr-fresh')) spaceOf(s).invalidate();
        const res = s.solve(b);
        expect(res.converged, `${label} system ${i}`).toBe(true);
        // checked independently of the solver
        const D = dense(A);
        expect(relErr(D.map((row) => row.reduce((t, a, j) => t + a * res.x[j], 0)), b)).toBeLessThan(1.01e-8);
        if (label.startsWith('gcrodr') && !label.startsWith('gcrodr-fresh') && i > 0) {
          expect(res.recycle!.action).toBe('recomputed');
          expect(res.recycle!.used).toBeGreaterThanOrEqual(recycle); // k + 1 when a complex pair straddles k
        }
        total += res.iterations;
      }
      totals[label] = total;
      s.dispose();
      A.dispose();
    }
    // seen: gmres 1185, fresh 601, carried 536; with ILU(0): 168, 168, 140
    expect(totals.gcrodr).toBeLessThan(0.6 * totals.gmres);
    expect(totals.gcrodr).toBeLessThan(0.95 * totals['gcrodr-fresh']);
    expect(totals['gcrodr+ilu0']).toBeLessThan(0.9 * totals['gmres+ilu0']);
    expect(totals['gcrodr+ilu0']).toBeLessThan(0.9 * totals['gcrodr-fresh+ilu0']);
  });

  it('the C^T U carried from one rebuild to the next equals C^T U of the stored space, and is dropped when C is recomputed', () => {
    const A = matrix(20, 25, 15);
    const s = new SolverSession(A, { method: 'gcrodr', precond: 'none', restart: 12, recycle: 5, rtol: 1e-10 });
    const rs = spaceOf(s), n = A.rows;
    const check = () => {
      const k = rs.k;
      const carried = (rs.data as { k: number; CtU: Float64Array } | undefined);
      expect(k).toBeGreaterThan(0);
      expect(carried?.k).toBe(k);
      let worst = 0, scale = 0;
      for (let c = 0; c < k; c++) {
        const u = rt.f64(rs.column('U', c), n);
        for (let a = 0; a < k; a++) {
          const col = rt.f64(rs.column('C', a), n);
          let t = 0;
          for (let i = 0; i < n; i++) t += col[i] * u[i];
          worst = Math.max(worst, Math.abs(t - carried!.CtU[a + c * k]));
          scale = Math.max(scale, Math.abs(t));
        }
      }
      expect(worst).toBeLessThanOrEqual(1e-10 * scale);
    };
    const r1 = s.solve(rhs(A.rows, 1));
    expect(r1.iterations).toBeGreaterThan(3 * 12); // several rebuilds
    check();
    // new values: C is recomputed from U, so the carried product must not survive into the next rebuild
    s.update({ values: valuesFor(20, 26, 14) });
    const res = s.solve(rhs(A.rows, 2));
    expect(res.converged).toBe(true);
    expect(res.recycle!.action).toBe('recomputed');
    expect(res.iterations).toBeGreaterThan(12); // rebuilt after the recompute: a stale C^T U would show here
    check();
    s.dispose();
    A.dispose();
  });

  it('a new right-hand side only: the space is reused as it is, and the same b again converges almost at once', () => {
    const A = matrix(20, 25, 15);
    const s = new SolverSession(A, { method: 'gcrodr', precond: 'none', restart: 20, recycle: 8 });
    const b1 = rhs(A.rows, 1), b2 = rhs(A.rows, 2);
    const r1 = s.solve(b1);
    const r2 = s.solve(b2);
    expect(r2.converged).toBe(true);
    expect(r2.recycle).toMatchObject({ action: 'reused', used: r1.recycle!.kept });
    expect(r2.iterations).toBeLessThan(r1.iterations);
    const r3 = s.solve(b2, r2.x); // already solved: no iteration at all
    expect(r3.iterations).toBe(0);
    const e = spaceErrors(A, spaceOf(s));
    expect(e.image).toBeLessThan(1e-10);
    expect(e.orth).toBeLessThan(1e-10);
    s.dispose();
    A.dispose();
  });

  it('update({ values }) and values changed behind the session: C is recomputed (A U = C, C^T C = I), never used stale', () => {
    const N = 18;
    const A = matrix(N, 20, 5);
    const s = new SolverSession(A, { method: 'gcrodr', precond: 'none', restart: 20, recycle: 6 });
    const b = rhs(A.rows, 4);
    s.solve(b);
    // behind the session's back: A.setValues, then a solve
    A.setValues(valuesFor(N, 30, -10));
    const rs = spaceOf(s);
    expect(rs.status({ A, precondVersion: (s as unknown as { precondVersion?: number }).precondVersion ?? 0 })).toBe('values-changed');
    const r = s.solve(b);
    expect(r.recycle!.action).toBe('recomputed');
    expect(r.converged).toBe(true);
    expect(relErr(r.x, denseSolve(dense(A), b))).toBeLessThan(1e-6);
    let e = spaceErrors(A, rs);
    expect(e.image).toBeLessThan(1e-10);
    expect(e.orth).toBeLessThan(1e-10);
    // through update({ values })
    s.update({ values: valuesFor(N, 35, -12) });
    const r2 = s.solve(b);
    expect(r2.recycle!.action).toBe('recomputed');
    expect(r2.converged).toBe(true);
    e = spaceErrors(A, rs);
    expect(e.image).toBeLessThan(1e-10);
    s.dispose();
    A.dispose();
  });

  it('a rank-deficient C (dependent recycled vectors) is shrunk, never used as it is', () => {
    const N = 16;
    const A = matrix(N, 20, 5);
    const s = new SolverSession(A, { method: 'gcrodr', precond: 'none', restart: 20, recycle: 6 });
    const b = rhs(A.rows, 8);
    const r1 = s.solve(b);
    const rs = spaceOf(s);
    const k = rs.k;
    expect(k).toBeGreaterThanOrEqual(6);
    // make U's columns 1 and 2 copies of column 0 (C = A U has rank k - 2), then change the values
    const u0 = rt.f64(rs.column('U', 0), A.rows).slice();
    rt.f64(rs.column('U', 1), A.rows).set(u0);
    rt.f64(rs.column('U', 2), A.rows).set(u0.map((v) => 2 * v));
    s.update({ values: valuesFor(N, 21, 5) });
    const r2 = s.solve(b);
    expect(r2.recycle).toMatchObject({ action: 'recomputed', used: k - 2 });
    expect(r2.recycle!.dropped).toBeGreaterThanOrEqual(2);
    expect(r2.converged).toBe(true);
    expect(relErr(r2.x, denseSolve(dense(A), b))).toBeLessThan(1e-6);
    expect(r1.converged).toBe(true);
    // all columns dependent (U = 0): the space is dropped and the solve starts as GMRES
    for (let j = 0; j < rs.k; j++) rt.f64(rs.column('U', j), A.rows).fill(0);
    s.update({ values: valuesFor(N, 22, 5) });
    const r3 = s.solve(b);
    expect(r3.recycle).toMatchObject({ action: 'dropped', used: 0 });
    expect(r3.converged).toBe(true);
    s.dispose();
    A.dispose();
  });
});

describe('GCRO-DR: another matrix', () => {
  /** convDiff plus a weak coupling two cells away in x: the same size, another pattern */
  function wider(N: number, wx: number, wy: number): CsrMatrix {
    const c = convDiff(N, wx, wy);
    for (let p = 0; p < c.n; p++) if (p % N < N - 2) { c.rows.push(p); c.cols.push(p + 2); c.vals.push(-0.1); }
    return CsrMatrix.fromCoo(c.n, c.n, c.rows, c.cols, c.vals);
  }

  it('update({ matrix }) with another pattern: U carried over as vectors, C recomputed for the new matrix', () => {
    const N = 20;
    const A = matrix(N, 20, 0);
    const B = wider(N, 18, 6);
    expect(B.patternId).not.toBe(A.patternId);
    for (const precond of ['none', 'ilu0'] as const) {
      const s = new SolverSession(A, { method: 'gcrodr', precond, restart: 20, recycle: 6 });
      const b = rhs(A.rows, 9);
      const r1 = s.solve(b);
      s.update({ matrix: B });
      expect(spaceOf(s).status({ A: B, precondVersion: -1 })).not.toBe('current');
      const r2 = s.solve(b);
      expect(r2.recycle!.action).toBe('recomputed');
      expect(r2.recycle!.used).toBe(r1.recycle!.kept);
      expect(r2.converged).toBe(true);
      expect(relErr(r2.x, denseSolve(dense(B), b))).toBeLessThan(1e-6);
      if (precond === 'none') {
        const e = spaceErrors(B, spaceOf(s));
        expect(e.image).toBeLessThan(1e-10);
        expect(e.orth).toBeLessThan(1e-10);
      }
      s.dispose();
    }
    A.dispose();
    B.dispose();
  });

  it('projecting w off C: orthogonal to rounding even when w lies almost in span(C) (the second pass is taken), and h = C^T w', () => {
    const n = 300, k = 4;
    const C = rt.alloc(n * k * 8), w = rt.alloc(n * 8), h = rt.alloc(k * 8), work = rt.alloc(k * 8);
    try {
      // C: orthonormal columns (scaled unit vectors on disjoint supports, then mixed by a rotation)
      const c = rt.f64(C, n * k);
      c.fill(0);
      for (let j = 0; j < k; j++) for (let i = j * 50; i < j * 50 + 50; i++) c[i + j * n] = 1 / Math.sqrt(50);
      const next = rng(11);
      for (const [tiny, label] of [[1e-12, 'nearly in span(C)'], [1, 'generic']] as const) {
        const wv = rt.f64(w, n);
        const coef = [3, -2, 0.5, 7];
        const before = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let t = tiny * (next() - 0.5);
          for (let j = 0; j < k; j++) t += coef[j] * c[i + j * n];
          before[i] = t;
        }
        wv.set(before);
        const ctx = { k: rt.kernels, n } as unknown as Parameters<typeof projectOutC>[0];
        projectOutC(ctx, C, k, w, h, work);
        const after = rt.f64(w, n), hv = rt.f64(h, k);
        let norm = 0;
        for (let i = 0; i < n; i++) norm = Math.hypot(norm, after[i]);
        for (let j = 0; j < k; j++) {
          let d = 0, dBefore = 0;
          for (let i = 0; i < n; i++) { d += c[i + j * n] * after[i]; dBefore += c[i + j * n] * before[i]; }
          // one classical pass leaves ~eps ||w_before|| ~ 1e-15 behind: far above a 1e-12-sized w
          expect(Math.abs(d), label).toBeLessThanOrEqual(1e-10 * norm);
          expect(hv[j], label).toBeCloseTo(dBefore, 12);
        }
      }
    } finally {
      rt.free(C); rt.free(w); rt.free(h); rt.free(work);
    }
  });

  it('a matrix of another size is refused and the space stays; a space built for another size is dropped, never used', () => {
    const A = matrix(12, 10, 0);
    const small = matrix(8, 10, 0);
    const s = new SolverSession(A, { method: 'gcrodr', precond: 'none', restart: 15, recycle: 4 });
    const b = rhs(A.rows, 2);
    s.solve(b);
    expect(() => s.update({ matrix: small })).toThrow(/144 x 144.*64 x 64/);
    const r = s.solve(rhs(A.rows, 3));
    expect(r.recycle!.action).toBe('reused');
    expect(r.converged).toBe(true);
    // the method itself: a space built for n = 144 met with a 64-row operator
    const rs = spaceOf(s);
    const st = new GcrodrState(15, 4);
    const fake = { op: { A: small, precondVersion: 0 } } as unknown as Parameters<typeof prepareSpace>[0];
    expect(prepareSpace(fake, rs, st, 0, 0, true)).toBe(0);
    expect(st.report.action).toBe('dropped');
    expect(rs.k).toBe(0);
    s.dispose();
    A.dispose();
    small.dispose();
  });

  it('clamps recycle to restart - 1 (each cycle needs an Arnoldi step; restart itself is clamped to n) and checks its type', () => {
    const A = matrix(10, 5, 5);
    const s = new SolverSession(A, { method: 'gcrodr', precond: 'none', restart: 5, recycle: 9 });
    const r = s.solve(rhs(A.rows, 1));
    expect(r.converged).toBe(true);
    expect(r.recycle!.kept).toBeLessThanOrEqual(4);
    s.dispose();
    expect(() => new SolverSession(A, { method: 'gcrodr', recycle: -1 })).toThrow(/recycle/);
    expect(() => new SolverSession(A, { method: 'gcrodr', recycle: 2.5 })).toThrow(/recycle/);
    A.dispose();
  });
});

describe('GCRO-DR breakdown and stagnation (the GMRES cases of test/gmres-breakdown.test.ts)', () => {
  /** CSR of a dense matrix keeping zero diagonal entries (no structurally empty column) */
  const withDiagonal = (A: number[][]) => {
    const ri: number[] = [], ci: number[] = [], v: number[] = [];
    A.forEach((row, i) => row.forEach((a, j) => { if (a !== 0 || i === j) { ri.push(i); ci.push(j); v.push(a); } }));
    return CsrMatrix.fromCoo(A.length, A.length, ri, ci, v);
  };

  it('defective preconditioner and defective matrix: the least-squares answers, reason breakdown', () => {
    for (const recycle of [0, 1, 2]) {
      const D1 = [[2, 0, 0], [0, 3, 0], [0, 0, 4]];
      const A1 = withDiagonal(D1);
      const s1 = new SolverSession(A1, { method: 'gcrodr', recycle, precond: (r, z) => { z[0] = r[0]; z[1] = r[1]; z[2] = 0; } });
      const r1 = s1.solve([0, 1, 1], [1, 0, 0]);
      expect(r1.reason, `recycle ${recycle}`).toBe('breakdown');
      expect(Array.from(r1.x).map((v) => Math.round(v * 1e12) / 1e12 + 0)).toEqual([0, Math.round(1e12 / 3) / 1e12, 0]);
      expect(trueResidual(D1, r1.x, [0, 1, 1])).toBeCloseTo(1, 12);
      s1.dispose();
      A1.dispose();
      const D2 = [[0, 1, 0], [1, 0, 0], [0, 0, 0]];
      const A2 = withDiagonal(D2);
      for (const restart of [30, 3]) {
        const s2 = new SolverSession(A2, { method: 'gcrodr', precond: 'none', restart, recycle });
        const r2 = s2.solve([1, 0, 1]);
        expect(r2.reason, `recycle ${recycle} restart ${restart}`).toBe('breakdown');
        expect(Array.from(r2.x).map((v) => Math.round(v * 1e12) / 1e12 + 0)).toEqual([0, 1, 0]);
        s2.dispose();
      }
      A2.dispose();
    }
  });

  it('stagnation (cyclic shift, m < n) stops after one cycle instead of repeating it', () => {
    const n = 6;
    const D = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === (j + 1) % n ? 1 : 0)));
    const A = withDiagonal(D);
    for (const recycle of [0, 2]) {
      const s = new SolverSession(A, { method: 'gcrodr', precond: 'none', restart: 3, recycle });
      const r = s.solve([1, 0, 0, 0, 0, 0]);
      expect(r.reason).toBe('breakdown');
      expect(r.detail).toMatch(/stagnated/);
      expect(r.iterations).toBe(3);
      s.dispose();
    }
    A.dispose();
  });

  it('never returns an x with a larger true residual than x0, also when starting from a recycled space (rank 6 of 8, inconsistent)', () => {
    const r8 = rng(5);
    // D = L R with L 8 x 6 and R 6 x 8: rank 6, and a random b is not in its range
    const L = Array.from({ length: 8 }, () => Array.from({ length: 6 }, () => r8() - 0.5));
    const Rm = Array.from({ length: 6 }, () => Array.from({ length: 8 }, () => r8() - 0.5));
    const D = L.map((row) => Array.from({ length: 8 }, (_, j) => row.reduce((t, a, l) => t + a * Rm[l][j], 0)));
    const A = withDiagonal(D);
    const cases = [[3, 1], [5, 2], [7, 4]] as const;
    for (const [restart, recycle] of cases) {
      const s = new SolverSession(A, { method: 'gcrodr', precond: 'none', restart, recycle });
      for (let trial = 0; trial < 12; trial++) {
        const b = Array.from({ length: 8 }, () => r8() - 0.5);
        const start = Array.from({ length: 8 }, () => (r8() - 0.5) * 20);
        const got = s.solve(b, start, { maxIterations: 200 });
        const before = trueResidual(D, start, b), after = trueResidual(D, got.x, b);
        expect(after, `restart ${restart}, system ${trial}`).toBeLessThanOrEqual(before);
        expect(got.residualNorm).toBeCloseTo(after, 10);
      }
      s.dispose();
    }
    A.dispose();
  });
});
