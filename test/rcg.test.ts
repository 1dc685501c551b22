import { beforeAll, describe, expect, it } from 'vitest';
import { init, CsrMatrix, type SparseRuntime } from '../src/index.js';
import { SolverSession } from '../src/session/session.js';
import { cgTridiagonal, choleskySolve, cholesky, ritzPencil, smallestRitzPairs, symmetricEigen, tridiagonalEigenvalues } from '../src/solvers/lanczos.js';
import { denseMul, denseSolve, diffNorm, norm, randomSpdDense, rng } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

/** 2-D Poisson (5-point) on an N x N grid as dense-free CSR. */
function poisson(N: number, scale: (i: number) => number = () => 1): CsrMatrix {
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
    const p = i * N + j, s = scale(p);
    rows.push(p); cols.push(p); vals.push(4 * s);
    for (const [di, dj] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) {
      const a = i + di, b = j + dj;
      if (a >= 0 && a < N && b >= 0 && b < N) { rows.push(p); cols.push(a * N + b); vals.push(-Math.sqrt(s * scale(a * N + b))); }
    }
  }
  return CsrMatrix.fromCoo(N * N, N * N, rows, cols, vals);
}

function fromDenseRows(d: Float64Array[]): CsrMatrix {
  return CsrMatrix.fromDense(d);
}

describe('lanczos.ts: the dense algebra of the harvest', () => {
  it('symmetricEigen finds a known spectrum (Q diag Q^T) with orthonormal vectors', () => {
    const n = 7, lam = [-2, 0.5, 1, 1, 3, 7, 11];
    // Q from Gram-Schmidt of a random matrix
    const r = rng(3), Q = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) Q[i + j * n] = r();
      for (let l = 0; l < j; l++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += Q[i + l * n] * Q[i + j * n];
        for (let i = 0; i < n; i++) Q[i + j * n] -= d * Q[i + l * n];
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += Q[i + j * n] ** 2;
      for (let i = 0; i < n; i++) Q[i + j * n] /= Math.sqrt(s);
    }
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let l = 0; l < n; l++) S[i + j * n] += Q[i + l * n] * lam[l] * Q[j + l * n];
    const { values, vectors } = symmetricEigen(S, n);
    values.forEach((v, i) => expect(v).toBeCloseTo(lam[i], 12));
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += vectors[i + a * n] * vectors[i + b * n];
      expect(d).toBeCloseTo(a === b ? 1 : 0, 12);
    }
  });

  it('the CG tridiagonal has Ritz values inside the spectrum, the extremes found', () => {
    // CG on diag(1..100) in JS: T's extreme Ritz values approach 1 and 100
    const n = 100, d = Float64Array.from({ length: n }, (_, i) => i + 1);
    const b = new Float64Array(n).fill(1);
    const x = new Float64Array(n), r = Float64Array.from(b), p = Float64Array.from(b);
    const alpha: number[] = [], beta: number[] = [];
    let rr = n;
    for (let it = 0; it < 40; it++) {
      let pq = 0;
      for (let i = 0; i < n; i++) pq += p[i] * d[i] * p[i];
      const a = rr / pq;
      let rrNew = 0;
      for (let i = 0; i < n; i++) { x[i] += a * p[i]; r[i] -= a * d[i] * p[i]; rrNew += r[i] * r[i]; }
      alpha.push(a); beta.push(rrNew / rr);
      for (let i = 0; i < n; i++) p[i] = r[i] + (rrNew / rr) * p[i];
      rr = rrNew;
    }
    const { diag, off } = cgTridiagonal(alpha, beta, 40);
    const ritz = tridiagonalEigenvalues(diag, off);
    expect(ritz[0]).toBeGreaterThanOrEqual(1 - 1e-9);
    expect(ritz[39]).toBeLessThanOrEqual(100 + 1e-9);
    expect(ritz[0]).toBeCloseTo(1, 4);
    expect(ritz[39]).toBeCloseTo(100, 4);
  });

  for (const deflated of [false, true]) {
    it(`ritzPencil from ${deflated ? 'Def-CG' : 'CG'}'s coefficients equals S^T A S and S^T M S computed explicitly`, () => {
      // Jacobi-preconditioned (deflated) CG in JS on a random SPD matrix, a random W; the window z_s..z_{s+L-1}
      const n = 30, A = randomSpdDense(n, 0.3, 11, 0.5), k = 3;
      const Mdiag = A.map((row, i) => row[i]);
      const r0 = rng(5), W = Array.from({ length: k }, () => Float64Array.from({ length: n }, () => r0()));
      const AW = W.map((w) => denseMul(A, w));
      const b = Float64Array.from({ length: n }, () => r0());
      const dot = (u: ArrayLike<number>, v: ArrayLike<number>) => { let t = 0; for (let i = 0; i < n; i++) t += u[i] * v[i]; return t; };
      const WAW = new Float64Array(k * k), WMW = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
        WAW[i + j * k] = dot(W[i], AW[j]);
        WMW[i + j * k] = dot(W[i], W[j].map((v, l) => v * Mdiag[l]));
      }
      const chol = new Float64Array(k * k);
      expect(cholesky(WAW, k, chol)).toBe(true);
      /** p -= W (W^T A W)^-1 (A W)^T v */
      const deflate = (v: Float64Array, p: Float64Array) => {
        const y = AW.map((c) => dot(c, v));
        choleskySolve(chol, k, y);
        for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) p[i] -= W[j][i] * y[j];
      };
      const x = new Float64Array(n), r = Float64Array.from(b);
      if (deflated) {
        // Galerkin start: W^T r = 0
        const y = W.map((w) => dot(w, r));
        choleskySolve(chol, k, y);
        for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) { x[i] += W[j][i] * y[j]; r[i] -= AW[j][i] * y[j]; }
      }
      let z = r.map((v, i) => v / Mdiag[i]);
      const p = Float64Array.from(z);
      if (deflated) deflate(z, p);
      let rz = dot(r, z);
      const Z: Float64Array[] = [Float64Array.from(z)], R: Float64Array[] = [Float64Array.from(r)], alpha: number[] = [], rho: number[] = [rz];
      for (let it = 0; it < 12; it++) {
        const q = denseMul(A, p), a = rz / dot(p, q);
        alpha.push(a);
        for (let i = 0; i < n; i++) { x[i] += a * p[i]; r[i] -= a * q[i]; }
        z = r.map((v, i) => v / Mdiag[i]);
        const rzNew = dot(r, z);
        Z.push(Float64Array.from(z)); R.push(Float64Array.from(r)); rho.push(rzNew);
        for (let i = 0; i < n; i++) p[i] = z[i] + (rzNew / rz) * p[i];
        if (deflated) deflate(z, p);
        rz = rzNew;
      }
      const s = 4, L = 6;
      const AWz = new Float64Array(k * L), Wr = new Float64Array(k * L);
      for (let i = 0; i < k; i++) for (let l = 0; l < L; l++) {
        AWz[i + l * k] = dot(AW[i], Z[s + l]);
        Wr[i + l * k] = dot(W[i], R[s + l]);
      }
      if (deflated) for (const v of Wr) expect(Math.abs(v)).toBeLessThan(1e-10 * norm(b));
      const { F, G, N } = ritzPencil(
        k, L, WAW, WMW, AWz, deflated ? null : Wr, alpha.slice(s, s + L), rho.slice(s, s + L),
        { alpha: alpha[s - 1], rho: rho[s - 1] }, deflated ? chol : null,
      );
      const S = [...W, ...Z.slice(s, s + L)], AS = S.map((v) => denseMul(A, v)), MS = S.map((v) => v.map((e, l) => e * Mdiag[l]));
      let worstF = 0, worstG = 0, scaleF = 0, scaleG = 0;
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
        const f = dot(S[i], AS[j]), g = dot(S[i], MS[j]);
        worstG = Math.max(worstG, Math.abs(G[i + j * N] - g)); scaleG = Math.max(scaleG, Math.abs(g));
        worstF = Math.max(worstF, Math.abs(F[i + j * N] - f)); scaleF = Math.max(scaleF, Math.abs(f));
      }
      expect(worstG / scaleG).toBeLessThan(1e-8);
      expect(worstF / scaleF).toBeLessThan(1e-8);
      // the Ritz pairs are G-orthonormal and satisfy F y = theta G y
      const { Y, values, count } = smallestRitzPairs(F, G, N, 3);
      expect(count).toBe(3);
      for (let c = 0; c < count; c++) {
        for (let i = 0; i < N; i++) {
          let fy = 0, gy = 0;
          for (let j = 0; j < N; j++) { fy += F[i + j * N] * Y[j + c * N]; gy += G[i + j * N] * Y[j + c * N]; }
          expect(Math.abs(fy - values[c] * gy)).toBeLessThan(1e-8 * scaleF);
        }
      }
    });
  }

  it('cholesky / choleskySolve solve a small SPD system; a matrix that is not SPD is refused', () => {
    const S = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]), L = new Float64Array(9);
    expect(cholesky(S, 3, L)).toBe(true);
    const y = [2, 9, 5];
    choleskySolve(L, 3, y);
    expect(y[0] * 4 + y[1] * 2).toBeCloseTo(2, 12);
    expect(y[0] * 2 + y[1] * 5 + y[2]).toBeCloseTo(9, 12);
    expect(y[1] + 3 * y[2]).toBeCloseTo(5, 12);
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2, L)).toBe(false);
  });
});

describe("method 'rcg' (recycled CG)", () => {
  it('recycle: 0 is plain CG, iteration for iteration (IC(0) and no preconditioner)', () => {
    const A = poisson(12, (p) => 1 + (p % 7) / 3);
    const b = Float64Array.from({ length: A.rows }, (_, i) => Math.sin(i));
    for (const precond of ['ic0', 'none'] as const) {
      for (const deflate of [false, true]) {
        const c = new SolverSession(A, { method: 'cg', precond });
        const r = new SolverSession(A, { method: 'rcg', precond, recycle: 0, deflate });
        const a = c.solve(b), e = r.solve(b);
        expect(e.iterations).toBe(a.iterations);
        expect(e.history).toEqual(a.history);
        expect(Array.from(e.x)).toEqual(Array.from(a.x));
        expect(r.recycle).toBeNull();
        c.dispose(); r.dispose();
      }
    }
    A.dispose();
  });

  it('on a known spectrum, deflation removes the tiny outlying eigenvalues: iterations drop to what the effective condition number predicts', () => {
    // A = diag(four tiny outliers, then 396 values spread over [1, 10]); b changes, A does not
    const n = 400, tiny = [1e-5, 3e-5, 1e-4, 2e-4];
    const d = Float64Array.from({ length: n }, (_, i) => (i < 4 ? tiny[i] : 1 + (9 * (i - 4)) / (n - 5)));
    const A = CsrMatrix.fromCoo(n, n, [...d.keys()], [...d.keys()], d);
    const tol = 1e-8;
    // CG's bound for the residual with kappa_eff = 10 / 1 (the outliers deflated):
    // ||r_k|| / ||r_0|| <= 2 sqrt(kappa) rho^k, rho = (sqrt(kappa) - 1) / (sqrt(kappa) + 1)
    const kappa = 10, rho = (Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1);
    const predicted = Math.ceil(Math.log((2 * Math.sqrt(kappa)) / tol) / Math.log(1 / rho));
    const cg = new SolverSession(A, { method: 'cg', precond: 'none', rtol: tol });
    const s = new SolverSession(A, { method: 'rcg', precond: 'none', recycle: 4, deflate: true, harvestWindow: 48, rtol: tol });
    const r = rng(9);
    const plain: number[] = [], rec: number[] = [];
    for (let i = 0; i < 4; i++) {
      const b = Float64Array.from({ length: n }, () => r());
      const a = cg.solve(b), e = s.solve(b);
      expect(e.converged).toBe(true);
      // against the exact solution of the diagonal system
      expect(diffNorm(e.x, b.map((v, j) => v / d[j])) / norm(b.map((v, j) => v / d[j]))).toBeLessThan(1e-5);
      plain.push(a.iterations); rec.push(e.iterations);
    }
    // the harvested space spans the outliers' eigenvectors: Rayleigh quotients equal the tiny eigenvalues
    const rs = s.recycle!;
    expect(rs.k).toBe(4);
    const found: number[] = [];
    for (let j = 0; j < 4; j++) {
      const w = rt.f64(rs.column('U', j), n);
      let wAw = 0, ww = 0, outside = 0;
      for (let i = 0; i < n; i++) { wAw += w[i] * d[i] * w[i]; ww += w[i] * w[i]; if (i >= 4) outside += w[i] * w[i]; }
      found.push(wAw / ww);
      expect(outside / ww).toBeLessThan(1e-6);
    }
    found.sort((a, b) => a - b).forEach((v, i) => expect(v / tiny[i]).toBeCloseTo(1, 2));
    // the bound is for exact eigenvectors in exact arithmetic: W is accurate to ~1e-3 here, so
    // allow 15% (measured: 97 iterations plain, 34 recycled against a bound of 31)
    for (const its of rec.slice(1)) expect(its).toBeLessThanOrEqual(Math.ceil(1.15 * predicted));
    expect(Math.min(...plain)).toBeGreaterThan(2 * predicted);
    cg.dispose(); s.dispose(); A.dispose();
  });

  it('Init-CG and Def-CG, with and without warm start, converge to the dense reference on a changing sequence', () => {
    const n = 40, base = randomSpdDense(n, 0.2, 21, 0.05);
    const A = fromDenseRows(base);
    for (const deflate of [false, true]) {
      for (const warm of [false, true]) {
        const s = new SolverSession(A, { method: 'rcg', precond: 'ic0', recycle: 4, deflate, rtol: 1e-10 });
        let x: Float64Array | undefined;
        for (let sys = 0; sys < 4; sys++) {
          // A_sys = base + 0.02 sys diag(1..n)/n: same pattern, new values
          const dense = base.map((row, i) => { const c = Float64Array.from(row); c[i] += (0.02 * sys * (i + 1)) / n; return c; });
          const vals = A.values.slice();
          const ref = fromDenseRows(dense);
          vals.set(ref.values);
          ref.dispose();
          s.update({ values: vals });
          const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i + sys));
          const r = s.solve(b, warm ? x : undefined);
          expect(r.converged).toBe(true);
          const xr = denseSolve(dense, b);
          expect(diffNorm(r.x, xr) / norm(xr)).toBeLessThan(1e-7);
          expect(r.recycle).toBeDefined();
          if (sys > 0) expect(r.recycle!.used).toBeGreaterThan(0);
          x = r.x;
        }
        s.dispose();
      }
    }
    A.dispose();
  });

  it('the recycle space is recomputed after update({ values }) (C = A W during the solve) and a change behind the session is detected', () => {
    const A = poisson(10, (p) => 1 + (p % 5));
    const n = A.rows, b = new Float64Array(n).fill(1);
    let s: SolverSession;
    /** onIteration hook: at the first iteration, C = A W for the matrix as it is now */
    let checked = 0;
    const checkAW = (st: { iteration: number }) => {
      if (st.iteration !== 1) return;
      const rs = s.recycle!;
      for (let j = 0; j < rs.k; j++) {
        const w = rt.f64(rs.column('U', j), n).slice();
        const c = rt.f64(rs.column('C', j), n).slice();
        const aw = A.multiply(w);
        expect(diffNorm(aw, c) / norm(aw)).toBeLessThan(1e-12);
      }
      checked++;
    };
    s = new SolverSession(A, { method: 'rcg', precond: 'ic0', recycle: 3, deflate: true, onIteration: checkAW });
    const first = s.solve(b);
    expect(first.recycle).toMatchObject({ used: 0, action: 'none' });
    expect(s.recycle!.k).toBe(3);
    // the harvest replaced W: C is stale and the space says so (never 'current')
    expect(s.recycle!.status({ A, precondVersion: 0 })).not.toBe('current');
    const again = s.solve(b.map((v, i) => v + i / n));
    expect(again.recycle).toMatchObject({ used: 3, action: 'recomputed' });
    const values = A.values.slice().map((v) => v * 1.5);
    s.update({ values });
    const afterUpdate = s.solve(b);
    expect(afterUpdate.recycle!.action).toBe('recomputed');
    expect(afterUpdate.converged).toBe(true);
    // behind the session's back: A's values change, the space's C = A W is stale and must not be used
    A.setValues(A.values.slice().map((v) => v * 2));
    const behind = s.solve(b);
    expect(behind.recycle!.action).toBe('recomputed');
    expect(behind.converged).toBe(true);
    expect(behind.relativeResidual).toBeLessThan(1e-8);
    expect(checked).toBe(4);
    s.dispose(); A.dispose();
  });

  it('update({ matrix }) carries W over as vectors and recomputes A W for the new matrix', () => {
    const A = poisson(10), B = poisson(10, (p) => 1 + 0.1 * (p % 3));
    const s = new SolverSession(A, { method: 'rcg', precond: 'ic0', recycle: 3, deflate: true });
    const b = new Float64Array(A.rows).fill(1);
    s.solve(b);
    s.update({ matrix: B });
    const r = s.solve(b);
    expect(r.recycle!.action).toBe('recomputed');
    expect(r.recycle!.used).toBe(3);
    expect(r.converged).toBe(true);
    const res = diffNorm(B.multiply(r.x), b) / norm(b);
    expect(res).toBeLessThan(1e-8);
    s.dispose(); A.dispose(); B.dispose();
  });

  it('refuses bad options with typed errors', () => {
    const A = poisson(4);
    expect(() => new SolverSession(A, { method: 'rcg', recycle: -1 } as never)).toThrow(/recycle must be an integer >= 0 or 'auto'/);
    expect(() => new SolverSession(A, { method: 'rcg', deflate: 'yes' } as never)).toThrow(/deflate must be true or false/);
    A.dispose();
  });
});
