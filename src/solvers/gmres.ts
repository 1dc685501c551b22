import type { InnerResult, KrylovContext } from './context.js';

/** Small dense state of one GMRES cycle, kept between solves so a solve allocates nothing. */
export class GmresState {
  readonly H: Float64Array; // (m+1) x m, column-major
  readonly cs: Float64Array;
  readonly sn: Float64Array;
  readonly g: Float64Array;
  readonly y: Float64Array;
  constructor(readonly m: number) {
    this.H = new Float64Array((m + 1) * m);
    this.cs = new Float64Array(m);
    this.sn = new Float64Array(m);
    this.g = new Float64Array(m + 1);
    this.y = new Float64Array(m);
  }
}

/**
 * One cycle of GMRES(m) with right preconditioning, from the residual in ctx.r: Arnoldi with
 * two-pass modified Gram-Schmidt, Givens rotations on the Hessenberg matrix, then
 * x += M^-1 V y. V holds m+1 basis vectors contiguously; h and yw are m+1 float64s in wasm.
 */
export function runGmres(
  ctx: KrylovContext, st: GmresState, V: number, z: number, u: number, h: number, yw: number,
): InnerResult {
  const { k, n, x, r, rt } = ctx;
  const { m, H, cs, sn, g, y } = st;
  const beta = ctx.norm(r);
  if (!Number.isFinite(beta)) return { status: 'nan-or-inf', detail: 'the residual is not finite' };
  if (beta <= ctx.target) return { status: 'converged' };
  k.copy(n, r, V);
  scaleBy(ctx, V, beta);
  g.fill(0);
  g[0] = beta;
  let j = 0;
  let status: InnerResult['status'] = 'restart';
  let detail: string | undefined;
  const stride = n * 8;
  while (j < m) {
    if (ctx.exhausted()) { status = 'max-iterations'; break; }
    const vj = V + j * stride, w = V + (j + 1) * stride;
    ctx.precond(vj, z);
    ctx.spmv(z, w);
    k.orthogonalize(n, j + 1, V, w, h);
    const hv = rt.f64(h, j + 1);
    const col = j * (m + 1);
    for (let i = 0; i <= j; i++) H[col + i] = hv[i];
    const hn = ctx.norm(w);
    H[col + j + 1] = hn;
    if (!Number.isFinite(hn)) { status = 'nan-or-inf'; detail = 'the Arnoldi vector is not finite'; break; }
    if (hn > 0) scaleBy(ctx, w, hn);
    // previous rotations, then a new one that zeroes H[j+1, j]
    for (let i = 0; i < j; i++) {
      const a = H[col + i], b = H[col + i + 1];
      H[col + i] = cs[i] * a + sn[i] * b;
      H[col + i + 1] = -sn[i] * a + cs[i] * b;
    }
    const a = H[col + j], b = H[col + j + 1];
    const d = Math.hypot(a, b);
    cs[j] = d === 0 ? 1 : a / d;
    sn[j] = d === 0 ? 0 : b / d;
    H[col + j] = d;
    H[col + j + 1] = 0;
    g[j + 1] = -sn[j] * g[j];
    g[j] = cs[j] * g[j];
    j++;
    const res = Math.abs(g[j]);
    if (ctx.tick(res)) { status = 'aborted'; break; }
    if (res <= ctx.target) { status = 'converged'; break; }
    if (hn === 0) { status = 'converged'; break; } // invariant subspace: exact in it
  }
  if (j === 0) return { status, detail };
  // back substitution R y = g, R upper triangular j x j
  for (let i = j - 1; i >= 0; i--) {
    let s = g[i];
    for (let l = i + 1; l < j; l++) s -= H[l * (m + 1) + i] * y[l];
    const rii = H[i * (m + 1) + i];
    if (rii === 0) {
      return { status: 'breakdown', detail: `GMRES: the Hessenberg matrix is singular at column ${i} (A or M^-1 singular on the Krylov space)` };
    }
    y[i] = s / rii;
  }
  rt.f64(yw, j).set(y.subarray(0, j));
  k.fill(n, 0, u);
  k.combine(n, j, V, yw, u);
  ctx.precond(u, z);
  k.axpy(n, 1, z, x);
  return { status, detail };
}

/** v /= s, safe for tiny s (1/s would overflow) */
function scaleBy(ctx: KrylovContext, v: number, s: number): void {
  if (s >= 1e-300) ctx.k.scal(ctx.n, 1 / s, v);
  else {
    ctx.k.scal(ctx.n, 1e300, v);
    ctx.k.scal(ctx.n, 1 / (s * 1e300), v);
  }
}
