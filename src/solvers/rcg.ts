// Recycled CG for sequences of SPD systems: k approximate eigenvectors W of M^-1 A for its
// smallest eigenvalues, kept between the solves of a session with A W, and used in one of two ways:
//  - deflate: false (Init-CG, Erhel and Guyomarc'h 2000): only the initial guess is corrected,
//    x0 += W (W^T A W)^-1 W^T r0, then plain PCG; no cost per iteration.
//  - deflate: true (Def-CG, Saad, Yeung, Erhel, Guyomarc'h 2000): the same start, and every search
//    direction is kept A-orthogonal to W (p = z + beta p - W mu, mu = (W^T A W)^-1 (A W)^T z);
//    k dots and k axpys per iteration, fewer iterations when the small eigenvalues dominate.
// W is harvested at the end of each run from the old W and the last `harvestWindow` preconditioned
// residuals by a Rayleigh-Ritz step whose window products come from CG's own coefficients
// (lanczos.ts, as eigCG does), so a harvest costs one block combination of k + window vectors and
// a small eigenproblem; while the space is young it is also harvested each time the window fills.
// What changed since W was built decides what is redone: nothing (only b changed), A W and
// W^T A W (k products with A) for new values, a new preconditioner, update({ matrix }) or a new W.
import { badCurvature, badPrecond, vanished } from './cg.js';
import type { InnerResult, KrylovContext } from './context.js';
import { cholesky, choleskySolve, ritzPencil, smallestRitzPairs } from './lanczos.js';
import { defineMethod, integerOption, type MethodOption, type MethodWorkspace } from './method.js';
import { recycleColumns, recycleOption } from './recycle-option.js';
import type { RecycleSpace } from './recycle.js';
import { checkRecycleSpace } from './recycle-space.js';
import type { RecycleReport } from './types.js';

/**
 * k under recycle: 'auto'. Measured on the varcoef sequence (IC(0) rebuilt per system, Galerkin
 * guess): k = 4 took 1,200 iterations and the least time, k = 8 967 iterations but more time (each
 * iteration's projection reads 2k vectors).
 */
export const RCG_AUTO_K = 4;

/** The preconditioned residuals a harvest looks back on: the option, or by default max(24, 2k + 8). */
export const rcgWindow = (k: number, window = 0): number => (window > 0 ? window : Math.max(24, 2 * k + 8));

/** JS state kept between solves: W^T A W, its Cholesky factor, the coefficient rings. */
export class RcgState {
  readonly WAW: Float64Array;
  readonly chol: Float64Array;
  /** C = A W and the factor are valid for the space as it is now */
  awValid = false;
  readonly alpha: Float64Array;
  readonly rho: Float64Array;
  /** rings of (A W)^T z_l and W^T r_l, k values a slot, m + 1 slots */
  readonly awz: Float64Array;
  readonly wr: Float64Array;
  /** the Ritz values of the last harvest (estimates of the smallest eigenvalues of M^-1 A) */
  ritz: number[] = [];
  /** the space stopped improving much: harvest once per run only, no longer as the ring fills */
  settled = false;
  report: RecycleReport = { used: 0, kept: 0, action: 'none', dropped: 0 };
  /** true until the first run of a solve (set again when the report is taken) */
  fresh = true;
  constructor(readonly k: number, readonly m: number) {
    this.WAW = new Float64Array(Math.max(1, k * k));
    this.chol = new Float64Array(Math.max(1, k * k));
    this.alpha = new Float64Array(m + 2);
    this.rho = new Float64Array(m + 2);
    this.awz = new Float64Array(Math.max(1, k) * (m + 1));
    this.wr = new Float64Array(Math.max(1, k) * (m + 1));
  }
}

// Default true: on the varcoef sequence (IC(0) rebuilt per system) deflation cut iterations by
// 40-50% and Init-CG by under 2%, too little for its harvests to pay.
const deflateOption: MethodOption<boolean> = {
  default: true,
  expected: 'true or false',
  valid: (v: unknown): v is boolean => typeof v === 'boolean',
  doc: "recycled CG: true (default) deflates W from every search direction (Def-CG); false only corrects the initial guess (Init-CG)",
};

export const rcg = defineMethod({
  name: 'rcg',
  summary: 'recycled CG (A and M SPD): k approximate smallest eigenvectors kept between solves, for the initial guess (Init-CG) or deflation (Def-CG)',
  residualKind: 'recursive-2-norm',
  requires: { matrix: 'spd', preconditioner: 'spd', nonsingular: true },
  options: {
    recycle: recycleOption(),
    deflate: deflateOption,
    harvestWindow: integerOption(0, 0, 'recycled CG: residuals each harvest looks back on (0: max(24, 2k + 8)); longer finds small eigenvalues sooner, costs (k + window) n-vector reads a harvest'),
  },
  // z, p, q; a ring of the last m + 1 preconditioned residuals Z
  workspace: (n, o) => {
    const k = recycleColumns(o.recycle, RCG_AUTO_K), m = rcgWindow(k, o.harvestWindow);
    return { vectors: 3, blocks: k > 0 ? [m + 1] : [], scratch: 2 * (k + m + 2), recycle: k };
  },
  state: (n, o) => {
    const k = recycleColumns(o.recycle, RCG_AUTO_K);
    return new RcgState(k, rcgWindow(k, o.harvestWindow));
  },
  run: (ctx, ws: MethodWorkspace<RcgState>, o) => runRcg(ctx, ws, recycleColumns(o.recycle, RCG_AUTO_K), o.deflate),
  report: (ws: MethodWorkspace<RcgState>) => {
    const st = ws.state;
    const rep = st.fresh ? { used: 0, action: 'none' as const, dropped: 0, kept: ws.recycle?.k ?? 0 } : st.report;
    st.fresh = true;
    return { recycle: { ...rep } };
  },
});

/**
 * Makes A W and W^T A W valid for the current operator; returns the columns usable now (0: none).
 * A space whose W^T A W is not positive definite (A no longer SPD on it, or W dependent) is dropped.
 */
function prepareSpace(ctx: KrylovContext, rs: RecycleSpace, st: RcgState, first: boolean, out: number): number {
  const status = checkRecycleSpace(ctx, rs);
  const rep = st.report;
  if (status === 'empty') return 0;
  if (status === 'size-changed') {
    st.awValid = false;
    if (first) rep.action = 'dropped';
    return 0;
  }
  const kk = rs.k;
  if (status === 'current' && st.awValid) {
    if (first) rep.action = 'reused';
    return kk;
  }
  // stale A W (new values, a new preconditioner, a new matrix): recompute it
  if (!rebuildAW(ctx, rs, st, kk, out)) {
    rep.action = 'dropped';
    rep.dropped += kk;
    return 0;
  }
  if (first && rep.action === 'none') rep.action = 'recomputed';
  return kk;
}

/**
 * C = A W, W^T A W and its Cholesky factor for the first kk columns, and the space marked as built
 * for the current operator. false (space dropped) when W^T A W is not positive definite: A is not
 * SPD on span(W), or W is numerically dependent.
 */
function rebuildAW(ctx: KrylovContext, rs: RecycleSpace, st: RcgState, kk: number, out: number): boolean {
  const { k, n, rt } = ctx;
  for (let j = 0; j < kk; j++) ctx.spmv(rs.column('U', j), rs.column('C', j));
  const WAW = st.WAW.subarray(0, kk * kk);
  for (let j = 0; j < kk; j++) {
    k.multiDot(rs.U, kk, n, rs.column('C', j), out);
    WAW.set(rt.f64(out, kk), j * kk);
  }
  if (!cholesky(WAW, kk, st.chol)) {
    rs.invalidate();
    st.awValid = false;
    st.ritz = [];
    return false;
  }
  rs.markBuilt(ctx.op, kk);
  st.awValid = true;
  return true;
}

/**
 * One run of recycled PCG from the residual in ctx.r. With kOn = 0 (no space, or recycling
 * switched off) it is plain PCG, the same arithmetic as cg.ts: identical iterates.
 *
 * Harvest bookkeeping: each preconditioned residual z_l is copied into the ring Z, with alpha_l,
 * rho_l and the k products (A W)^T z_l and W^T r_l. When deflating these come free: (A W)^T z_l
 * is the projection's own product and W^T r_l = 0 (the Galerkin start makes W^T r_0 = 0, and
 * r changes by multiples of A p with W^T A p = 0). Without deflation they cost two block dots an
 * iteration, so Init-CG records only while the space is young (not settled), then runs as plain PCG.
 */
export function runRcg(ctx: KrylovContext, ws: MethodWorkspace<RcgState>, kOn: number, deflate: boolean): InnerResult {
  const { k, n, x, r, rt } = ctx;
  const st = ws.state;
  const rs = ws.recycle;
  const [zBuf, p, q] = ws.vectors;
  // z: the current preconditioned residual; while recording with a preconditioner it is written
  // straight into its ring slot (no copy)
  let z = ctx.M ? zBuf : r;
  const first = st.fresh;
  if (first) {
    st.fresh = false;
    st.report = { used: 0, kept: rs?.k ?? 0, action: 'none', dropped: 0 };
  }
  const out = ws.scratch, yv = ws.scratch + 8 * (st.k + st.m + 2);
  const on = rs !== null && kOn > 0;
  let kk = on ? prepareSpace(ctx, rs!, st, first, out) : 0;
  // the columns deflated in this run: fixed, as changing W would break the A-orthogonality of
  // the directions already made; kk (columns with A W valid, for harvests) may change
  const kDef = deflate ? kk : 0;
  const record = on && (deflate || !st.settled);
  if (first) st.report.used = kk;
  const U = rs?.U ?? 0, C = rs?.C ?? 0;
  const K = st.k, m = st.m, R = m + 2, stride = n * 8;
  const mu = new Float64Array(K);
  /** out = (block)^T v; mu = (W^T A W)^-1 out, also left in yv (wasm) */
  const project = (block: number, v: number): Float64Array => {
    k.multiDot(block, kk, n, v, out);
    const o = rt.f64(out, kk);
    for (let i = 0; i < kk; i++) mu[i] = o[i];
    choleskySolve(st.chol, kk, mu);
    const y = rt.f64(yv, kk);
    for (let i = 0; i < kk; i++) y[i] = mu[i];
    return o;
  };
  /** (A W)^T z_l and W^T r_l into ring slot `slot` (no deflation: two block dots) */
  const products = (slot: number): void => {
    if (kk === 0) return;
    k.multiDot(C, kk, n, z, out);
    st.awz.set(rt.f64(out, kk), slot * K);
    k.multiDot(U, kk, n, r, out);
    st.wr.set(rt.f64(out, kk), slot * K);
  };
  if (kk > 0) {
    // Galerkin correction on span(W): y = (W^T A W)^-1 W^T r, r -= A W y, x += W y
    project(U, r);
    k.multiAxpy(C, kk, n, yv, r);
    const y = rt.f64(yv, kk);
    for (let i = 0; i < kk; i++) y[i] = -mu[i];
    k.multiAxpy(U, kk, n, yv, x);
  }
  let rr = ctx.dot(r, r);
  if (Math.sqrt(rr) <= ctx.target) return { status: 'converged' };
  const Z = record ? ws.blocks[0] : 0;
  const inRing = record && ctx.M !== null;
  if (inRing) z = Z;
  ctx.precond(r, z);
  let rz = ctx.M ? ctx.dot(r, z) : rr;
  if (!(rz > 0)) return badPrecond(ctx, rz, rr);
  let steps = 0; // completed steps: z_steps is the current preconditioned residual
  let since = 0; // the step of the last harvest in this run: older products are stale
  k.copy(n, z, p);
  if (record) {
    if (!inRing) k.copy(n, z, Z);
    st.rho[0] = rz;
  }
  if (kDef > 0) {
    const o = project(C, z);
    if (record) st.awz.set(o, 0);
    k.multiAxpy(U, kk, n, yv, p);
  } else if (record) products(0);
  const done = (res: InnerResult): InnerResult => {
    if (record) harvest(ctx, ws, kk, kDef > 0, since, steps);
    return res;
  };
  for (;;) {
    if (ctx.exhausted()) return done({ status: 'max-iterations' });
    ctx.spmv(p, q);
    const pq = ctx.dot(p, q);
    const bad = badCurvature(ctx, pq, rr);
    if (bad) return bad;
    const alpha = rz / pq;
    if (record) st.alpha[steps % R] = alpha;
    rr = k.cgStep(n, alpha, p, q, x, r);
    const rnorm = Math.sqrt(rr);
    if (ctx.tick(rnorm)) return { status: 'aborted' };
    if (!Number.isFinite(rr)) return { status: 'nan-or-inf', detail: 'the residual is not finite' };
    if (rnorm <= ctx.target || vanished(ctx, rr)) return done({ status: 'converged' });
    let beta: number;
    if (ctx.M) {
      if (inRing) z = Z + ((steps + 1) % (m + 1)) * stride;
      ctx.precond(r, z);
      const rzNew = ctx.dot(r, z);
      if (!(rzNew > 0)) return badPrecond(ctx, rzNew, rr);
      beta = rzNew / rz;
      rz = rzNew;
    } else {
      beta = rr / rz;
      rz = rr;
    }
    steps++;
    const slot = steps % (m + 1);
    if (record) {
      if (!inRing) k.copy(n, z, Z + slot * stride);
      st.rho[steps % R] = rz;
      if (kDef === 0) {
        if (!st.settled && steps - since === m) {
          // a young space is improved each time the window fills (no deflation in this run, so
          // W may change under it)
          harvest(ctx, ws, kk, false, since, steps);
          kk = prepareSpace(ctx, rs!, st, false, out);
          since = steps;
        }
        products(slot);
      }
    }
    k.xpby(n, z, beta, p);
    if (kDef > 0) {
      const o = project(C, z);
      if (record) st.awz.set(o, slot * K);
      k.multiAxpy(U, kk, n, yv, p);
    }
  }
}

/**
 * Rayleigh-Ritz of M^-1 A on [W (kk columns, C = A W valid), the residuals z_s..z_{steps-1} of
 * the ring, s = max(since, steps - m)] (lanczos.ts: ritzPencil); the smallest Ritz vectors replace
 * W (C = A W is then stale until prepareSpace recomputes it). W^T M W is taken as I: exact for the M the
 * previous harvest was made with (its Ritz vectors are M-orthonormal), an estimate once M changed,
 * which only affects the quality of the next W, never the correctness of a solve.
 */
function harvest(ctx: KrylovContext, ws: MethodWorkspace<RcgState>, kk: number, deflated: boolean, since: number, steps: number): void {
  const rs = ws.recycle, st = ws.state;
  if (!rs || rs.capacity === 0 || ws.blocks.length < 1) return;
  const L = Math.min(st.m, steps - since), s = steps - L;
  if (L < 1) return;
  const { k, n, rt } = ctx;
  const Z = ws.blocks[0];
  const m = st.m, R = m + 2, K = st.k;
  const out = ws.scratch, yv = ws.scratch + 8 * (K + m + 2);
  const AWz = new Float64Array(kk * L), Wr = deflated ? null : new Float64Array(kk * L), WMW = new Float64Array(kk * kk);
  for (let i = 0; i < kk; i++) WMW[i + i * kk] = 1;
  for (let l = 0; l < L; l++) {
    const slot = (s + l) % (m + 1);
    AWz.set(st.awz.subarray(slot * K, slot * K + kk), l * kk);
    Wr?.set(st.wr.subarray(slot * K, slot * K + kk), l * kk);
  }
  const alpha = new Float64Array(L), rho = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    alpha[l] = st.alpha[(s + l) % R];
    rho[l] = st.rho[(s + l) % R];
  }
  const prev = s > 0 ? { alpha: st.alpha[(s - 1) % R], rho: st.rho[(s - 1) % R] } : null;
  const { F, G, N } = ritzPencil(kk, L, st.WAW, WMW, AWz, Wr, alpha, rho, prev, deflated ? st.chol : null);
  const { Y, values, count } = smallestRitzPairs(F, G, N, rs.capacity);
  if (count === 0) return;
  // the new W, written into C (recomputed below), then copied to U; the window's residuals sit in
  // the ring in some rotation: one coefficient per ring column
  const cols = Math.min(m + 1, steps + 1);
  const y = rt.f64(yv, Math.max(kk, cols));
  for (let c = 0; c < count; c++) {
    const dst = rs.column('C', c);
    k.fill(n, 0, dst);
    if (kk > 0) {
      for (let i = 0; i < kk; i++) y[i] = -Y[i + c * N];
      k.multiAxpy(rs.U, kk, n, yv, dst);
    }
    y.fill(0, 0, cols);
    for (let l = 0; l < L; l++) y[(s + l) % (m + 1)] = -Y[kk + l + c * N];
    k.multiAxpy(Z, cols, n, yv, dst);
  }
  for (let c = 0; c < count; c++) k.copy(n, rs.column('C', c), rs.column('U', c));
  // C = A W is recomputed lazily, by the next run that uses W (k products with A): in a sequence
  // whose matrix changes every system, computing it here would be thrown away. Until then the
  // space says so: built for this matrix with another preconditioner version, i.e. 'values-changed'
  // (C must be recomputed), never 'current'.
  const op = ctx.op;
  rs.markBuilt({ A: op.A, precondVersion: op.precondVersion - 1 }, count);
  st.awValid = false;
  // settled: every Ritz value moved by less than 1% since the last harvest (in-run harvests stop,
  // and Init-CG stops recording)
  if (st.ritz.length === count && Array.from(values).every((v, i) => Math.abs(v - st.ritz[i]) <= 0.01 * Math.abs(st.ritz[i]))) st.settled = true;
  st.ritz = Array.from(values);
  st.report.kept = count;
}
