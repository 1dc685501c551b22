import type { InnerResult, KrylovContext } from './context.js';

/** Work vectors: r1, r2, y, v, w, w1, w2. */
export const MINRES_VECTORS = 7;

/**
 * MINRES (Paige-Saunders) for symmetric, possibly indefinite A with a symmetric positive definite
 * preconditioner M, from the residual in ctx.r. The estimate phibar is ||r||_{M^-1}.
 */
export function runMinres(ctx: KrylovContext, work: number[]): InnerResult {
  const { k, n, x, r } = ctx;
  let [r1, r2, yv, v, w, w1, w2] = work;
  k.copy(n, r, r1);
  ctx.precond(r1, yv);
  const ry = ctx.dot(r1, yv);
  if (!Number.isFinite(ry)) return { status: 'nan-or-inf', detail: 'r.M^-1 r is not finite' };
  if (ry < 0) return { status: 'indefinite-preconditioner', detail: `r.M^-1 r = ${ry.toExponential(3)} < 0: MINRES needs an SPD preconditioner` };
  let beta = Math.sqrt(ry);
  if (beta <= ctx.target && !ctx.M) return { status: 'converged' };
  if (beta === 0) return { status: 'converged' };
  k.copy(n, r1, r2);
  k.fill(n, 0, w);
  k.fill(n, 0, w2);
  let oldb = 0, dbar = 0, epsln = 0, phibar = beta, cs = -1, sn = 0;
  let itn = 0;
  for (;;) {
    if (ctx.exhausted()) return { status: 'max-iterations' };
    itn++;
    const s = 1 / beta;
    k.copy(n, yv, v);
    k.scal(n, s, v); // v = y / beta
    ctx.spmv(v, yv);
    if (itn >= 2) k.axpy(n, -beta / oldb, r1, yv);
    const alfa = ctx.dot(v, yv);
    k.axpy(n, -alfa / beta, r2, yv);
    // r1 <- r2, r2 <- y, and the old r1 buffer becomes the next y
    const t = r1; r1 = r2; r2 = yv; yv = t;
    ctx.precond(r2, yv);
    oldb = beta;
    const b2 = ctx.dot(r2, yv);
    if (!Number.isFinite(b2) || !Number.isFinite(alfa)) return { status: 'nan-or-inf', detail: 'the Lanczos recurrence is not finite' };
    if (b2 < 0) return { status: 'indefinite-preconditioner', detail: `r.M^-1 r = ${b2.toExponential(3)} < 0: MINRES needs an SPD preconditioner` };
    beta = Math.sqrt(b2);
    const oldeps = epsln;
    const delta = cs * dbar + sn * alfa;
    const gbar = sn * dbar - cs * alfa;
    epsln = sn * beta;
    dbar = -cs * beta;
    let gamma = Math.hypot(gbar, beta);
    if (gamma === 0) gamma = Number.EPSILON;
    cs = gbar / gamma;
    sn = beta / gamma;
    const phi = cs * phibar;
    phibar = sn * phibar;
    // w = (v - oldeps w1 - delta w2) / gamma, with the buffers rotated w1 <- w2 <- w
    const tw = w1; w1 = w2; w2 = w; w = tw;
    k.copy(n, v, w);
    k.axpy(n, -oldeps, w1, w);
    k.axpy(n, -delta, w2, w);
    k.scal(n, 1 / gamma, w);
    k.axpy(n, phi, w, x);
    const est = Math.abs(phibar);
    if (ctx.tick(est)) return { status: 'aborted' };
    if (est <= ctx.target) return { status: 'converged' };
    if (beta === 0) return { status: 'converged' }; // Lanczos found an invariant subspace
  }
}
