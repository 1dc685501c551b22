// GCRO-DR(m, k) (Parks, de Sturler, Mackey, Johnson, Maiti 2006), right-preconditioned: restarted
// GMRES that keeps k harmonic Ritz vectors U (with C = A M^-1 U orthonormal) from cycle to cycle
// and from one solve of the session to the next. The algorithm is ../shared/RECYCLING.md section 2.
import type { InnerResult, KrylovContext } from './context.js';
import { harmonicRitz, qrDrop, solveUpperTransposed } from './dense.js';
import { defineMethod, integerOption, type MethodWorkspace } from './method.js';
import { scaleBy } from './gmres.js';
import { BlockGramSchmidt } from './orthogonalize.js';
import type { RecycleSpace } from './recycle.js';
import { checkRecycleSpace } from './recycle-space.js';
import { recycleColumns, recycleOption } from './recycle-option.js';
import type { RecycleReport } from './types.js';


/** JS state of the method, kept between solves (the small dense matrices of one cycle). */
export class GcrodrState {
  /** G (rows x cols, ld m + 1): A M^-1 [U~ V] = [C V] G, unrotated (harmonic Ritz needs it) */
  readonly G: Float64Array;
  /** G reduced to triangular form by the Givens rotations cs, sn */
  readonly R: Float64Array;
  readonly cs: Float64Array;
  readonly sn: Float64Array;
  readonly g: Float64Array;
  readonly y: Float64Array;
  /** 1 / ||U_i||: the scaling of U~ = U D */
  readonly d: Float64Array;
  /** rebuildSpace's copies of G and W^T V^ (reused: allocated once per session) */
  readonly Gc: Float64Array;
  readonly WtV: Float64Array;
  /** what the recycle space did in the current solve */
  report: RecycleReport = { used: 0, kept: 0, action: 'none', dropped: 0 };
  /** true until the first cycle of a solve ran (set again when the report is taken) */
  fresh = true;
  constructor(readonly m: number, readonly k: number) {
    this.G = new Float64Array((m + 1) * m);
    this.R = new Float64Array((m + 1) * m);
    this.cs = new Float64Array(m);
    this.sn = new Float64Array(m);
    this.g = new Float64Array(m + 1);
    this.y = new Float64Array(m);
    this.d = new Float64Array(k + 1);
    this.Gc = new Float64Array((m + 1) * m);
    this.WtV = new Float64Array((m + 1) * m);
  }
}

/** f64s of wasm scratch for rebuildSpace's coefficient and Gram matrices (cap = k + 1 columns) */
const rebuildScratch = (m: number, cap: number) => cap > 0 ? (m + 1) * 2 * cap + 2 * cap * cap + (m + 1) * cap : 0;

/** the cycle length used: at most n */
const cycleLength = (n: number, restart: number) => Math.min(restart, Math.max(1, n));
/** recycled columns: k < m (each cycle needs at least one Arnoldi step), one more for a complex pair */
const recycleCount = (m: number, recycle: number | 'auto') => Math.max(0, Math.min(recycleColumns(recycle), m - 1));

/** See gmres.ts: below this fraction a new direction is rounding noise. */
const DEPENDENT = 1e-12;
/**
 * A column of C = A M^-1 U whose part independent of the previous columns is below this fraction
 * of its norm is dropped: its U would be scaled by ~1/1e-10 and the space would lose orthogonality.
 */
const RANK_DROP = 1e-10;

export const gcrodr = defineMethod({
  name: 'gcrodr',
  summary: 'GCRO-DR(m, k): restarted GMRES that recycles k harmonic Ritz vectors between cycles and between solves of a session',
  residualKind: 'gmres-estimate',
  requires: { matrix: 'any', preconditioner: 'any', nonsingular: false },
  options: {
    restart: integerOption(30, 1, 'GMRES restart length m (the basis holds m + 1 vectors)'),
    recycle: recycleOption("GCRO-DR / recycled CG: vectors k recycled between cycles and solves (k < restart; 0 is GMRES(m)), or 'auto'"),
  },
  // z, u; the basis V (m + 1 columns); new U and new C side by side in one block (k + 1 columns
  // each); h, y and the small rebuild matrices in wasm
  workspace: (n, o) => {
    const m = cycleLength(n, o.restart), k = recycleCount(m, o.recycle);
    const cap = k > 0 ? Math.min(k + 1, m - 1) : 0;
    return { vectors: 2, blocks: [m + 1, 2 * Math.max(cap, 1)], scratch: 2 * (m + 2) + rebuildScratch(m, cap), recycle: cap };
  },
  state: (n, o) => {
    const m = cycleLength(n, o.restart);
    return new GcrodrState(m, recycleCount(m, o.recycle));
  },
  // recycle 0 for one solve (recycle: 'auto' switched it off): GMRES(m) cycles, the space kept untouched
  run: (ctx, ws: MethodWorkspace<GcrodrState>, o) => runGcrodr(ctx, o.recycle === 0 ? { ...ws, recycle: null } : ws),
  report: (ws: MethodWorkspace<GcrodrState>) => {
    const st = ws.state;
    const rep = st.fresh ? { ...st.report, used: 0, action: 'none' as const, dropped: 0, kept: ws.recycle?.k ?? 0 } : st.report;
    st.fresh = true;
    return { recycle: { ...rep } };
  },
});

/**
 * Makes the recycle space valid for the current operator at the start of a solve: nothing when
 * only b changed; C = A M^-1 U, re-orthonormalized (U transformed alike) when the values, the
 * matrix or the preconditioner changed; dropped when built for another size. Dependent columns
 * of C are dropped (never used). Returns the columns usable now. Exported for tests.
 */
export function prepareSpace(ctx: KrylovContext, rs: RecycleSpace, st: GcrodrState, z: number, h: number, first: boolean): number {
  const status = checkRecycleSpace(ctx, rs);
  const rep = st.report;
  if (status === 'empty') return 0;
  if (status === 'size-changed') {
    rep.action = 'dropped';
    return 0;
  }
  if (status === 'current') {
    if (first) rep.action = 'reused';
    return rs.k;
  }
  rs.data = undefined; // C^T U carried by rebuildSpace no longer holds
  // recompute C = A M^-1 U and orthonormalize it in place by modified Gram-Schmidt (two passes),
  // applying the same column operations to U so that A M^-1 U = C still holds
  const { k, n } = ctx;
  const kOld = rs.k;
  const gs = new BlockGramSchmidt(k, n);
  const work = h + (st.m + 2) * 8;
  let kept = 0;
  for (let j = 0; j < kOld; j++) {
    const Uj = rs.column('U', j);
    const Uc = rs.column('U', kept), Cc = rs.column('C', kept);
    if (kept !== j) k.copy(n, Uj, Uc);
    ctx.precond(Uc, z);
    ctx.spmv(z, Cc);
    const before = ctx.norm(Cc);
    if (kept > 0) {
      gs.orthogonalize(rs.C, kept, Cc, h, work);
      // U_c -= U_0..kept-1 h: the same combination (h holds both passes' coefficients summed)
      k.multiAxpy(rs.U, kept, n, h, Uc);
    }
    const after = ctx.norm(Cc);
    if (!(before > 0) || !(after > RANK_DROP * before) || !Number.isFinite(after)) continue;
    k.scal(n, 1 / after, Cc);
    k.scal(n, 1 / after, Uc);
    kept++;
  }
  rep.dropped += kOld - kept;
  rep.action = kept === 0 ? 'dropped' : 'recomputed';
  if (kept === 0) rs.invalidate();
  else rs.markBuilt(ctx.op, kept);
  return kept;
}

/**
 * One cycle of GCRO-DR from the residual in ctx.r. With no recycle space yet it is a GMRES(m)
 * cycle (identical iterates: k = 0 is GMRES(m)); with k recycled columns it projects r onto C
 * (x += M^-1 U C^T r, r -= C C^T r), runs m - k Arnoldi steps of (I - C C^T) A M^-1 and minimises
 * the residual over span([U V]). Each cycle that took enough steps then replaces U, C by the k
 * harmonic Ritz vectors of the cycle's space (smallest harmonic Ritz values), kept for the next
 * cycle and the next solve.
 */
export function runGcrodr(ctx: KrylovContext, ws: MethodWorkspace<GcrodrState>): InnerResult {
  const { k, n, x, r, rt } = ctx;
  const st = ws.state;
  const rs = ws.recycle;
  const [z, u] = ws.vectors;
  const [V] = ws.blocks;
  const h = ws.scratch, yw = ws.scratch + (st.m + 2) * 8;
  const stride = n * 8;
  const { m, G, R, cs, sn, g, y, d } = st;
  const firstCycle = st.fresh;
  if (firstCycle) {
    st.fresh = false;
    st.report = { used: 0, kept: 0, action: 'none', dropped: 0 };
  }
  const rep = st.report;
  // later cycles find the space they built themselves ('current')
  const kEff = rs ? prepareSpace(ctx, rs, st, z, h, firstCycle) : 0;
  if (firstCycle) rep.used = kEff;
  rep.kept = kEff;
  const beta0 = ctx.norm(r);
  if (!Number.isFinite(beta0)) return { status: 'nan-or-inf', detail: 'the residual is not finite' };
  if (beta0 <= ctx.target) return { status: 'converged' };
  k.fill(n, 0, u);
  const gs = new BlockGramSchmidt(k, n);
  // v_0 = (I - C C^T) r (r itself is kept for the final check); the correction starts as U C^T r
  k.copy(n, r, V);
  if (kEff > 0) {
    gs.orthogonalize(rs!.C, kEff, V, h, yw);
    addCombination(ctx, rs!.U, kEff, h, u);
    for (let i = 0; i < kEff; i++) d[i] = 1 / ctx.norm(rs!.column('U', i));
  }
  const beta = ctx.norm(V);
  const ld = m + 1;
  G.fill(0);
  R.fill(0);
  g.fill(0);
  for (let i = 0; i < kEff; i++) {
    // A M^-1 (U_i d_i) = C_i d_i: the first k columns of G are diagonal, already triangular
    G[i + i * ld] = d[i];
    R[i + i * ld] = d[i];
    cs[i] = 1;
    sn[i] = 0;
  }
  g[kEff] = beta;
  let status: InnerResult['status'] = 'restart';
  let detail: string | undefined;
  let j = 0; // Arnoldi steps done
  let invariant = false;
  if (beta <= ctx.target) {
    status = 'converged'; // r lies in span(C) to the tolerance: the projection alone solves it
  } else {
    scaleBy(ctx, V, beta);
    const steps = m - kEff;
    while (j < steps) {
      if (ctx.exhausted()) { status = 'max-iterations'; break; }
      const vj = V + j * stride, w = V + (j + 1) * stride;
      ctx.precond(vj, z);
      ctx.spmv(z, w);
      const col = kEff + j;
      let big = 0;
      if (kEff > 0) {
        // B column: C^T A M^-1 v_j (yw is free until the cycle's end)
        projectOutC(ctx, rs!.C, kEff, w, h, yw);
        const hb = rt.f64(h, kEff);
        for (let i = 0; i < kEff; i++) { G[i + col * ld] = hb[i]; big = Math.max(big, Math.abs(hb[i])); }
      }
      const hn = gs.orthogonalize(V, j + 1, w, h, yw);
      const hv = rt.f64(h, j + 1);
      for (let i = 0; i <= j; i++) { G[kEff + i + col * ld] = hv[i]; big = Math.max(big, Math.abs(hv[i])); }
      G[kEff + j + 1 + col * ld] = hn;
      big = Math.max(big, hn);
      if (!Number.isFinite(big)) { status = 'nan-or-inf'; detail = 'the Arnoldi vector is not finite'; break; }
      let sq = 0;
      for (let i = 0; i <= col + 1; i++) sq += (G[i + col * ld] / (big || 1)) ** 2;
      const tiny = DEPENDENT * big * Math.sqrt(sq);
      invariant = !(hn > tiny);
      if (!invariant) scaleBy(ctx, w, hn);
      for (let i = 0; i <= col + 1; i++) R[i + col * ld] = G[i + col * ld];
      for (let i = kEff; i < col; i++) {
        const a = R[i + col * ld], b = R[i + 1 + col * ld];
        R[i + col * ld] = cs[i] * a + sn[i] * b;
        R[i + 1 + col * ld] = -sn[i] * a + cs[i] * b;
      }
      const a = R[col + col * ld];
      const dd = Math.hypot(a, hn);
      if (invariant && !(dd > tiny)) {
        // A M^-1 is singular on the space: this column is dropped (see gmres.ts)
        if (ctx.tick(Math.abs(g[col]))) { status = 'aborted'; break; }
        const res = Math.abs(g[col]);
        status = res <= ctx.target ? 'converged' : (j > 0 || kEff > 0) && res < beta0 ? 'restart' : 'breakdown';
        if (status === 'breakdown') {
          detail = `GCRO-DR breakdown: A M^-1 is singular on the Krylov space (step ${ctx.iterations} depends on the previous ones ` +
            'and the recycled space) and the residual did not decrease; x is the best iterate found';
        }
        break;
      }
      cs[col] = a / dd;
      sn[col] = hn / dd;
      R[col + col * ld] = dd;
      R[col + 1 + col * ld] = 0;
      g[col + 1] = -sn[col] * g[col];
      g[col] = cs[col] * g[col];
      j++;
      const res = Math.abs(g[col + 1]);
      if (ctx.tick(res)) { status = 'aborted'; break; }
      if (res <= ctx.target) { status = 'converged'; break; }
      if (invariant) break;
    }
  }
  const cols = kEff + j;
  if (j > 0) {
    // y = R^-1 g over the cols columns; correction u += U (d .* y_U) + V y_V
    for (let i = cols - 1; i >= 0; i--) {
      let s = g[i];
      for (let l = i + 1; l < cols; l++) s -= R[i + l * ld] * y[l];
      y[i] = s / R[i + i * ld];
    }
    const yv = rt.f64(yw, m + 1);
    if (kEff > 0) {
      for (let i = 0; i < kEff; i++) yv[i] = d[i] * y[i];
      addCombination(ctx, rs!.U, kEff, yw, u);
    }
    rt.f64(yw, m + 1).set(y.subarray(kEff, cols));
    addCombination(ctx, V, j, yw, u);
  }
  if (j === 0 && kEff === 0) return { status, detail };
  // the update z = M^-1 u is checked against the true residual, as in gmres.ts: refused unless
  // ||r - A z|| < ||r||, so x never gets worse (an unstable or variable preconditioner, a cycle
  // that cannot reduce the residual and would only repeat itself)
  ctx.precond(u, z);
  ctx.spmv(z, u);
  k.sub(n, r, u, u);
  const after = ctx.norm(u);
  if (after < beta0) {
    k.axpy(n, 1, z, x);
  } else {
    if (status === 'restart' || status === 'converged') {
      status = 'breakdown';
      detail = after <= beta0 * (1 + 1e-6)
        ? `GCRO-DR(${m}, ${st.k}) stagnated: a whole cycle could not reduce the residual, and a restart would repeat it; ` +
          'a larger restart, a better preconditioner or another method may help'
        : `GCRO-DR breakdown: the least-squares update would raise the residual by a factor ${(after / beta0).toPrecision(3)}: ` +
          'the relation A M^-1 [U V] = [C V] G has lost its accuracy (a preconditioner that is not a fixed operator, or a very ' +
          'ill-conditioned matrix); x is kept';
    }
    return { status, detail };
  }
  // a new recycle space from this cycle, unless the cycle was too short or ended by invariance
  // (its last basis vector is then not a direction)
  if (rs && st.k > 0 && j > 0 && !invariant && cols > st.k && status !== 'aborted' && status !== 'nan-or-inf') {
    rebuildSpace(ctx, ws, kEff, j);
  }
  return { status, detail };
}

/** C^T U (k x k) of the space rebuildSpace built, valid until the space is recomputed or dropped. */
class CarriedCtU {
  constructor(readonly k: number, readonly CtU: Float64Array) {}
}

/**
 * w <- (I - C C^T) w with h = C^T w (kEff values in wasm), a second pass (work: kEff scratch f64s)
 * only when the first cancelled more than the DGKS bound (||w'||^2 < ||w||^2 / 2). Unlike
 * BlockGramSchmidt it does not take the second pass's coefficients in the same sweep: against C a
 * second pass is almost never needed (9 of 3,194 Arnoldi steps on the varcoef sequence), so that
 * dot product would be wasted work; this saves one product with C per step. Exported for tests.
 */
export function projectOutC(ctx: KrylovContext, C: number, kEff: number, w: number, h: number, work: number): void {
  const { k, n } = ctx;
  const s0 = k.multiDot(C, kEff, n, w, h);
  const s1 = k.multiAxpySumsq(C, kEff, n, h, w);
  // NaN or an overflowed sum also takes the second pass (the caller checks finiteness)
  if (s1 >= 0.5 * s0 && Number.isFinite(s0)) return;
  k.multiDot(C, kEff, n, w, work);
  k.multiAxpySumsq(C, kEff, n, work, w);
  k.axpy(kEff, 1, work, h);
}

/**
 * U, C <- the k harmonic Ritz vectors of the cycle: P from the generalized eigenproblem
 * G^T G p = theta G^T W^T V^ p, then [Q, R] = qr(G P), C = [C V] Q, U = [U~ V] P R^-1.
 */
function rebuildSpace(ctx: KrylovContext, ws: MethodWorkspace<GcrodrState>, kEff: number, j: number): void {
  const { k, n, rt } = ctx;
  const st = ws.state, rs = ws.recycle!;
  const [V, UC] = ws.blocks;
  const cap = rs.capacity, stride = n * 8;
  const ld = st.m + 1;
  const rows = kEff + j + 1, cols = kEff + j;
  // wasm scratch after h and y: SV ((j+1) x 2 cap), SU and SC (kEff x cap each), and Gr: C^T U
  // (kEff x kEff) over V^T U ((j+1) x kEff), leading dimension rows
  const SV = ws.scratch + 2 * (st.m + 2) * 8;
  const SU = SV + ld * 2 * cap * 8, SC = SU + cap * cap * 8, Gr = SC + cap * cap * 8;
  // G as rows x cols (ld = rows) and W^T V^ = [[C^T U~, 0], [V^T U~, [I; 0]]]
  const Gc = st.Gc.subarray(0, rows * cols);
  for (let c = 0; c < cols; c++) for (let i = 0; i < rows; i++) Gc[i + c * rows] = st.G[i + c * ld];
  const WtV = st.WtV.subarray(0, rows * cols);
  WtV.fill(0);
  if (kEff > 0) {
    // V^T U; C^T U as the previous rebuild left it (a small product, see below) when this space
    // is the one it built, else computed
    const carried = rs.data instanceof CarriedCtU && rs.data.k === kEff ? rs.data.CtU : null;
    if (!carried) blockTransposeTimes(ctx, rs.C, kEff, rs.U, kEff, Gr, rows);
    blockTransposeTimes(ctx, V, j + 1, rs.U, kEff, Gr + kEff * 8, rows);
    const gv = rt.f64(Gr, rows * kEff);
    if (carried) for (let c = 0; c < kEff; c++) for (let i = 0; i < kEff; i++) gv[i + c * rows] = carried[i + c * kEff];
    for (let c = 0; c < kEff; c++) {
      const dc = st.d[c];
      for (let i = 0; i < rows; i++) WtV[i + c * rows] = dc * gv[i + c * rows];
    }
  }
  for (let c = 0; c < j; c++) WtV[kEff + c + (kEff + c) * rows] = 1;
  const maxCount = Math.min(st.k + 1, st.m - 1, cap);
  let hr: ReturnType<typeof harmonicRitz>;
  try {
    hr = harmonicRitz(Gc, WtV, rows, cols, st.k, maxCount);
  } catch {
    hr = null; // the small eigensolver did not converge (never seen): no new space this cycle
  }
  if (!hr) return; // G rank-deficient: keep the space as it is
  const { P, count } = hr;
  // [Q, R] = qr(G P), dropping dependent columns (never a C column from noise)
  const GP = new Float64Array(rows * count);
  for (let c = 0; c < count; c++) {
    for (let l = 0; l < cols; l++) {
      const p = P[l + c * cols];
      if (p !== 0) for (let i = 0; i < rows; i++) GP[i + c * rows] += Gc[i + l * rows] * p;
    }
  }
  const { Q, R, kept } = qrDrop(GP, rows, count, RANK_DROP);
  const kk = kept.length;
  st.report.dropped += count - kk;
  if (kk === 0) return;
  // Y = P[:, kept] R^-1, row by row (R^T y_row = p_row)
  const Y = new Float64Array(cols * kk);
  const row = new Float64Array(kk);
  for (let i = 0; i < cols; i++) {
    for (let c = 0; c < kk; c++) row[c] = P[i + kept[c] * cols];
    solveUpperTransposed(R, kk, row);
    for (let c = 0; c < kk; c++) Y[i + c * cols] = row[c];
  }
  // U_new = U (D Y_U) + V Y_V, C_new = C Q_C + V Q_V, formed in UC (U_new in its first kk
  // columns, C_new in the next kk) and then copied over U and C (they are read while forming)
  const sv = rt.f64(SV, (j + 1) * 2 * cap);
  sv.fill(0);
  for (let c = 0; c < kk; c++) {
    for (let i = 0; i < j; i++) sv[i + c * (j + 1)] = Y[kEff + i + c * cols];
    for (let i = 0; i <= j; i++) sv[i + (kk + c) * (j + 1)] = Q[kEff + i + c * rows];
  }
  const Cn = UC + kk * stride;
  if (kEff > 0) {
    const su = rt.f64(SU, kEff * kk), sc = rt.f64(SC, kEff * kk);
    for (let c = 0; c < kk; c++) {
      for (let i = 0; i < kEff; i++) {
        su[i + c * kEff] = st.d[i] * Y[i + c * cols];
        sc[i + c * kEff] = Q[i + c * rows];
      }
    }
    blockTimes(ctx, rs.U, kEff, SU, kEff, kk, UC, 0);
    blockTimes(ctx, rs.C, kEff, SC, kEff, kk, Cn, 0);
  }
  blockTimes(ctx, V, j, SV, j + 1, kk, UC, kEff > 0 ? 1 : 0);
  blockTimes(ctx, V, j + 1, SV + kk * (j + 1) * 8, j + 1, kk, Cn, kEff > 0 ? 1 : 0);
  k.copy(n * kk, UC, rs.U);
  k.copy(n * kk, Cn, rs.C);
  rs.markBuilt(ctx.op, kk);
  // C_new^T U_new = Q^T (W^T V^) Y: kept as a small matrix, so the next rebuild needs no pass over C
  const t = new Float64Array(rows * kk); // (W^T V^) Y
  for (let c = 0; c < kk; c++) {
    for (let l = 0; l < cols; l++) {
      const yv = Y[l + c * cols];
      if (yv !== 0) for (let i = 0; i < rows; i++) t[i + c * rows] += WtV[i + l * rows] * yv;
    }
  }
  const ctu = new Float64Array(kk * kk);
  for (let c = 0; c < kk; c++) {
    for (let a = 0; a < kk; a++) {
      let acc = 0;
      for (let i = 0; i < rows; i++) acc += Q[i + a * rows] * t[i + c * rows];
      ctu[a + c * kk] = acc;
    }
  }
  rs.data = new CarriedCtU(kk, ctu);
  st.report.kept = kk;
}

/** target += block[:, 0..cols) y, in one sweep (multiAxpy computes v -= C y: y is negated in place first) */
function addCombination(ctx: KrylovContext, block: number, cols: number, y: number, target: number): void {
  if (cols === 0) return;
  const yv = ctx.rt.f64(y, cols);
  for (let i = 0; i < cols; i++) yv[i] = -yv[i];
  ctx.k.multiAxpy(block, cols, ctx.n, y, target);
}

/**
 * Y[:, c] = beta Y[:, c] + X S[:, c] for c < kk (beta 0 or 1), one multiAxpy per output. Why not
 * one fused pass over X (a row-chunked Y = X S kernel was tried): X (the cycle's basis, ~5 MiB
 * here) stays in L3 between the passes, the products are bound by arithmetic, not memory, and the
 * per-column kernels ran 5% faster on the varcoef sequence. S's columns are negated in place.
 */
function blockTimes(ctx: KrylovContext, X: number, p: number, S: number, ldS: number, kk: number, Y: number, beta: 0 | 1): void {
  const { k, n, rt } = ctx;
  for (let c = 0; c < kk; c++) {
    const y = Y + c * n * 8, sc = S + c * ldS * 8;
    if (beta === 0) k.fill(n, 0, y);
    const sv = rt.f64(sc, p);
    for (let i = 0; i < p; i++) sv[i] = -sv[i];
    k.multiAxpy(X, p, n, sc, y); // y -= X (-s)
  }
}

/** G[:, c] = X^T Y[:, c] for c < q (G column-major, leading dimension ldG), one multiDot per column of Y */
function blockTransposeTimes(ctx: KrylovContext, X: number, p: number, Y: number, q: number, G: number, ldG: number): void {
  const { k, n } = ctx;
  for (let c = 0; c < q; c++) k.multiDot(X, p, n, Y + c * n * 8, G + c * ldG * 8);
}
