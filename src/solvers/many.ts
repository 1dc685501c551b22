// Many right-hand sides at once (SolverSession.solveMany): k independent CG recurrences run in
// lock-step, so that each iteration reads A (one SpMM, assembly/spmm.ts) and the preconditioner
// (one block triangular solve, assembly/trsm.ts) once for all k systems instead of k times.
//
// The k columns live side by side in row-major n x k blocks (X, R, P, Q, Z). Each column keeps its
// own scalars (rho, alpha, beta), its own stopping test, iteration count, history and result, and
// stops on its own: a finished column is masked in the vector updates (a NaN coefficient, see
// assembly/multivec.ts) and, with activeSet 'compact' (default), squeezed out of the blocks at the
// end of the round, so the remaining columns no longer pay for it; 'mask' keeps the block width
// (measured in bench/throughput/block.mjs).
//
// Per column the arithmetic is bitwise that of a single CG solve of the session (runCg in cg.ts
// inside solveNow's loop in session.ts): SpMM, block solves and block vector kernels reproduce the
// single kernels' order of operations column by column, and every rare event (the first residual,
// the true-residual check when the recurrence says converged, a restart from the true residual,
// the final residual) is run on the column copied into contiguous vectors by the single-vector code
// itself (KrylovContext). Other methods fall back to k solves one after the other.
import { InvalidArgumentError } from '../errors.js';
import { blockToWasm, blockWidth, isDenseBlock, type BlockLike, type DenseBlock } from '../matrix/dense-block.js';
import { MatrixPreconditioner } from '../precond/base.js';
import { checkOptions } from '../options.js';
import { badCurvature, badPrecond, vanished } from './cg.js';
import { KrylovContext, SolveMonitor, StoppingCriteria, type KrylovOperator, type MonitorHooks } from './context.js';
import { solveResult } from './result.js';
import type { IterationState, MethodName, ResidualKind, SolveOptions, SolveResult, StopReason } from './types.js';

export type { DenseBlock, BlockLike } from '../matrix/dense-block.js';

/** The state onIteration receives from solveMany: the single solve's, plus the column. */
export type ManyIterationState = IterationState & {
  /** which right-hand side (0-based) */
  column: number;
};

/** Options of one solveMany call (the session's solve defaults apply to the rest). */
export interface SolveManyOptions extends Omit<SolveOptions, 'x0' | 'onIteration'> {
  /** initial guesses, as B is given (k columns or an n x k DenseBlock); default 0 */
  x0?: BlockLike;
  /** called after every iteration of every column; return false to stop that column ('aborted') */
  onIteration?: (state: ManyIterationState) => boolean | void;
  /**
   * what happens to a column that stopped: 'compact' (default) squeezes it out of the blocks, so
   * the others no longer pay for it; 'mask' keeps it in place and skips its updates
   */
  activeSet?: 'compact' | 'mask';
}

/** What solveMany returns. */
export interface SolveManyResult {
  /** one result per right-hand side, in order, each as solve(b_j, x0_j) returns it */
  results: SolveResult[];
  /**
   * 'block': lock-step recurrences sharing each pass over A and M (CG); 'sequential': k solves one
   * after the other (every other method)
   */
  mode: 'block' | 'sequential';
  /** why the solves were sequential */
  note?: string;
  totals: {
    /** right-hand sides */
    k: number;
    /** columns that converged */
    converged: number;
    /** sum of the columns' iterations */
    iterations: number;
    /** block products A P (lock-step rounds); equals `iterations` in sequential mode */
    blockIterations: number;
    /** preconditioner refactorization before the solves (also in results[0].timings.setupMs) */
    setupMs: number;
    /** the whole call */
    solveMs: number;
  };
}

const MANY_OPTIONS = {
  rtol: { kind: 'number', min: 0, finite: true },
  atol: { kind: 'number', min: 0, finite: true },
  maxIterations: { kind: 'integer', min: 0 },
  history: { kind: 'boolean' },
  onIteration: { kind: 'function' },
  signal: { kind: 'signal' },
  x0: { kind: 'any' },
  activeSet: { kind: 'enum', values: ['compact', 'mask'], default: 'compact' },
} as const;

/** Checks the options of solveMany (unknown keys refused). */
export function checkSolveManyOptions(options: unknown): void {
  checkOptions('SolverSession.solveMany', options, MANY_OPTIONS);
}

/** What solveMany needs of its session (live objects, private to the package). */
export interface ManyHost {
  readonly method: MethodName;
  readonly precond: string;
  readonly residualKind: ResidualKind;
  /** the session's operator (A and M) */
  readonly op: KrylovOperator;
  /** the session's contiguous x, b, r vectors (free while solveMany runs) */
  readonly x: number;
  readonly b: number;
  readonly r: number;
  /** the session itself: SolveMonitor's owner (disposed during the solve stops it) */
  readonly owner: { readonly disposed: boolean };
  precondInfo(): Record<string, number | string | boolean>;
  /** the facts solve() adds to a failure's detail */
  diagnose(reason: StopReason, iterations: number): string[];
  /** one solve of the session (the sequential fallback) */
  solveOne(b: Float64Array, x0: Float64Array | undefined, options: SolveOptions): SolveResult;
}

/** The right-hand sides (or initial guesses) as k separate Float64Arrays, checked finite. */
function columnsOf(X: BlockLike, n: number, k: number, what: string, host: ManyHost): Float64Array[] {
  const rt = host.op.rt;
  // one pass through wasm checks every entry (NonFiniteValueError names the first bad one)
  const tmp = rt.alloc(n * k * 8);
  try {
    blockToWasm(rt, X, n, k, tmp, what);
  } finally {
    rt.free(tmp);
  }
  const out: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    if (isDenseBlock(X)) {
      const c = new Float64Array(n);
      for (let i = 0, q = j; i < n; i++, q += k) c[i] = X.data[q];
      out.push(c);
    } else {
      out.push(Float64Array.from(X[j]));
    }
  }
  return out;
}

/** Solves A x_j = b_j for the k columns of B; see SolverSession.solveMany. */
export function solveMany(host: ManyHost, B: BlockLike, o: SolveManyOptions, setupMs: number): SolveManyResult {
  const t0 = performance.now();
  const n = host.op.n;
  const k = blockWidth(B, n, 'B');
  const x0Given = o.x0 !== undefined && o.x0 !== null;
  if (x0Given) {
    const k0 = blockWidth(o.x0!, n, 'x0');
    if (k0 !== k) throw new InvalidArgumentError(`x0 has ${k0} columns, B has ${k}`);
  }
  const bCols = columnsOf(B, n, k, 'B', host);
  const x0Cols = x0Given ? columnsOf(o.x0!, n, k, 'x0', host) : undefined;
  if (host.method !== 'cg') {
    return sequential(host, bCols, x0Cols, o, setupMs, t0,
      `${host.method} has no lock-step version: the ${k} right-hand sides were solved one after the other`);
  }
  const solver = new LockStepCg(host, n, k, o);
  try {
    return solver.run(bCols, x0Cols, setupMs, t0);
  } finally {
    solver.free();
  }
}

function perColumnHook(o: SolveManyOptions, j: number): MonitorHooks['onIteration'] {
  const f = o.onIteration;
  return f ? (s: IterationState) => f({ ...s, column: j }) : undefined;
}

function sequential(
  host: ManyHost, bCols: Float64Array[], x0Cols: Float64Array[] | undefined, o: SolveManyOptions, setupMs: number, t0: number, note: string,
): SolveManyResult {
  const { x0: _x0, activeSet: _a, onIteration: _f, ...rest } = o;
  const results = bCols.map((b, j) => host.solveOne(b, x0Cols?.[j], { ...rest, onIteration: perColumnHook(o, j) }));
  const iterations = results.reduce((s, r) => s + r.iterations, 0);
  return {
    results,
    mode: 'sequential',
    note,
    totals: {
      k: bCols.length, converged: results.filter((r) => r.converged).length, iterations, blockIterations: iterations,
      setupMs, solveMs: performance.now() - t0,
    },
  };
}

/** One column's recurrence: its stopping test, monitor and CG scalars. */
interface Column {
  readonly index: number;
  readonly ctx: KrylovContext;
  readonly stop: StoppingCriteria;
  readonly monitor: SolveMonitor;
  /** its position in the blocks (changes when the blocks are compacted) */
  slot: number;
  rr: number;
  rz: number;
  /** 'run': iterating in the blocks; 'check': the recurrence says converged, the true residual decides; 'done' */
  state: 'run' | 'check' | 'done';
  result?: SolveResult;
}

/**
 * Lock-step preconditioned CG for k right-hand sides. Block memory (X, R, P, Q and, with a
 * preconditioner, Z: n x k each, plus a contiguous z) is allocated per call and freed by free().
 */
class LockStepCg {
  private readonly rt;
  private readonly blocks: number[] = [];
  private readonly X: number = 0;
  private readonly R: number = 0;
  private readonly P: number = 0;
  private readonly Q: number = 0;
  private readonly Z: number = 0;
  /** contiguous z for the single-vector events */
  private readonly zs: number = 0;
  /** k coefficients (alpha, beta), k results, 8k partial sums, k kept slots (i32) */
  private readonly coef: number = 0;
  private readonly out: number = 0;
  private readonly acc: number = 0;
  private readonly keep: number = 0;
  private readonly hasM: boolean;
  private readonly blockM: MatrixPreconditioner | null;
  private bCols: Float64Array[] = [];
  private t0 = 0;
  private setupMs = 0;

  constructor(private readonly host: ManyHost, private readonly n: number, private readonly k: number, private readonly o: SolveManyOptions) {
    this.rt = host.op.rt;
    const rt = this.rt;
    const M = host.op.M;
    this.hasM = M !== null;
    this.blockM = M instanceof MatrixPreconditioner ? M : null;
    const block = (len: number) => {
      const p = rt.alloc(Math.max(16, len * 8));
      this.blocks.push(p);
      return p;
    };
    try {
      this.X = block(n * k);
      this.R = block(n * k);
      this.P = block(n * k);
      this.Q = block(n * k);
      this.Z = this.hasM ? block(n * k) : this.R;
      this.zs = this.hasM ? block(n) : 0;
      this.coef = block(k);
      this.out = block(k);
      this.acc = block(8 * k);
      this.keep = block(k);
    } catch (e) {
      this.free();
      throw e;
    }
  }

  free(): void {
    for (const p of this.blocks.splice(0)) this.rt.free(p);
  }

  run(bCols: Float64Array[], x0Cols: Float64Array[] | undefined, setupMs: number, t0: number): SolveManyResult {
    const { rt, host, n, k, o } = this;
    const e = rt.kernels;
    this.bCols = bCols;
    this.t0 = t0;
    this.setupMs = setupMs;
    const cols: Column[] = [];
    for (let j = 0; j < k; j++) {
      const stop = new StoppingCriteria();
      const monitor = new SolveMonitor(host.owner);
      monitor.watch(host.op);
      const ctx = new KrylovContext(host.op, stop, monitor, host.x, host.b, host.r);
      cols.push({ index: j, ctx, stop, monitor, slot: j, rr: 0, rz: 0, state: 'run' });
    }
    if (x0Cols) {
      const X = rt.f64(this.X, n * k);
      for (let j = 0; j < k; j++) for (let i = 0, q = j, c = x0Cols[j]; i < n; i++, q += k) X[q] = c[i];
    } else {
      e.fill(n * k, 0, this.X);
    }
    let width = k;
    // each column starts as solve() does: ||b||, then the outer loop (first residual, CG start)
    for (const c of cols) {
      rt.f64(host.b, n).set(bCols[c.index]);
      const bnorm = c.ctx.norm(host.b);
      c.stop.reset(o, bnorm);
      c.monitor.reset({ onIteration: perColumnHook(o, c.index), signal: o.signal, history: o.history }, host.residualKind, c.stop.bnorm);
      e.mvGetColumn(n, width, c.slot, this.X, host.x);
      if (bnorm === 0) {
        e.fill(n, 0, host.x);
        this.finish(c, 'converged-rtol', 'b = 0: the solution is x = 0', true);
        continue;
      }
      this.outer(c, width);
    }
    let rounds = 0;
    const compact = (o.activeSet ?? 'compact') === 'compact';
    // the columns that have slots in the blocks, in slot order: all k while masking
    let inBlock = cols;
    let live = cols.filter((c) => c.state === 'run');
    const squeeze = () => {
      if (compact && live.length < inBlock.length) {
        width = this.compact(live, width);
        inBlock = live;
      }
    };
    squeeze();
    while (live.length > 0) {
      // the top of runCg's loop: the iteration budget
      for (const c of live) if (c.ctx.exhausted()) this.finish(c, 'max-iterations', undefined, false, width);
      live = live.filter((c) => c.state === 'run');
      squeeze();
      if (live.length === 0) break;
      rounds++;
      // q = A p; pq = p.q; alpha = rz / pq
      host.op.A.multiplyBlockDotPtr(width, this.P, this.Q, this.acc, this.out);
      const pq = rt.f64(this.out, width).slice();
      const alpha = rt.f64(this.coef, width);
      alpha.fill(NaN); // NaN masks a slot in the updates: every slot not set below
      for (const c of live) {
        const bad = badCurvature(c.ctx, pq[c.slot], c.rr);
        if (bad) this.stopRun(c, bad.status, bad.detail, width);
        else alpha[c.slot] = c.rz / pq[c.slot];
      }
      // x += alpha p; r -= alpha q; rr = r.r
      e.mvCgStep(n, width, this.coef, this.P, this.Q, this.X, this.R, this.acc, this.out);
      const rrs = rt.f64(this.out, width).slice();
      for (const c of live) {
        if (c.state !== 'run') continue;
        const rr = (c.rr = rrs[c.slot]);
        const rnorm = Math.sqrt(rr);
        if (c.ctx.tick(rnorm)) this.stopRun(c, 'aborted', undefined, width);
        else if (!Number.isFinite(rr)) this.stopRun(c, 'nan-or-inf', 'the residual is not finite', width);
        else if (rnorm <= c.ctx.target || vanished(c.ctx, rr)) this.stopRun(c, 'converged', undefined, width);
      }
      // z = M^-1 r; rz = r.z; beta = rz_new / rz; p = z + beta p
      let rzs: Float64Array | undefined;
      if (this.hasM) {
        this.precondBlock(width);
        e.mvDot(n, width, this.R, this.Z, this.acc, this.out);
        rzs = rt.f64(this.out, width).slice();
      }
      const beta = rt.f64(this.coef, width);
      beta.fill(NaN);
      for (const c of live) {
        if (c.state !== 'run') continue;
        if (rzs) {
          const rzNew = rzs[c.slot];
          if (!(rzNew > 0)) {
            const bp = badPrecond(c.ctx, rzNew, c.rr);
            this.stopRun(c, bp.status, bp.detail, width);
            continue;
          }
          beta[c.slot] = rzNew / c.rz;
          c.rz = rzNew;
        } else {
          beta[c.slot] = c.rr / c.rz;
          c.rz = c.rr;
        }
      }
      e.mvXpby(n, width, this.Z, this.coef, this.P);
      // a recurrence that converged: the true residual decides, and may restart it
      for (const c of live) {
        if (c.state !== 'check') continue;
        e.mvGetColumn(n, width, c.slot, this.X, host.x);
        this.converged(c, width);
      }
      live = live.filter((c) => c.state === 'run');
      squeeze();
    }
    const results = cols.map((c) => c.result!);
    const iterations = results.reduce((s, r) => s + r.iterations, 0);
    return {
      results,
      mode: 'block',
      totals: {
        k, converged: results.filter((r) => r.converged).length, iterations, blockIterations: rounds,
        setupMs, solveMs: performance.now() - t0,
      },
    };
  }

  /** Z = M^-1 R for the block: one block solve when M has one, else column by column. */
  private precondBlock(width: number): void {
    const { rt, host, n } = this;
    if (this.blockM && this.blockM.applyBlockPtr(width, this.R, this.Z)) return;
    const e = rt.kernels;
    for (let s = 0; s < width; s++) {
      e.mvGetColumn(n, width, s, this.R, host.r);
      host.op.precond(host.r, this.zs);
      e.mvSetColumn(n, width, s, this.zs, this.Z);
    }
  }

  /**
   * A status of runCg's loop for column c: 'converged' (by the estimate) waits for the
   * true-residual check at the end of the round; anything else ends the column with its x as it
   * is now. Either way its coefficients are NaN from here on: the round's updates skip it.
   */
  private stopRun(c: Column, status: string, detail: string | undefined, width: number): void {
    if (status === 'converged') c.state = 'check';
    else this.finish(c, status as StopReason, detail, false, width);
  }

  /** solveNow's handling of a 'converged' run: the true residual (x of c in host.x) decides. */
  private converged(c: Column, width: number): void {
    c.state = 'run';
    this.b(c);
    const trueNorm = c.ctx.residual();
    const ok = c.stop.met(trueNorm);
    if (ok) return this.finish(c, ok, undefined, true);
    const stall = c.stop.replace(trueNorm);
    if (stall !== undefined) return this.finish(c, 'breakdown', stall, true);
    this.outer(c, width);
  }

  /** b_j into the session's b vector (the single-vector events read it there). */
  private b(c: Column): void {
    this.rt.f64(this.host.b, this.n).set(this.bCols[c.index]);
  }

  /**
   * solveNow's outer loop for column c, its x in host.x: the true residual, the stopping tests,
   * then runCg's start (rr, z = M^-1 r, rz, p = z), written into the column's slots of R, Z, P.
   */
  private outer(c: Column, width: number): void {
    const { rt, host, n } = this;
    const e = rt.kernels;
    const ctx = c.ctx;
    this.b(c);
    for (;;) {
      const rnorm = ctx.residual();
      if (!Number.isFinite(rnorm)) return this.finish(c, 'nan-or-inf', 'the residual b - A x is not finite', true);
      const met = c.stop.met(rnorm);
      if (met) return this.finish(c, met, undefined, true);
      if (c.monitor.stopRequested()) return this.finish(c, 'aborted', undefined, true);
      if (ctx.exhausted()) return this.finish(c, 'max-iterations', undefined, true);
      // runCg's start
      const r = host.r;
      const rr = ctx.dot(r, r);
      let z = r, rz = rr;
      let status: { status: string; detail?: string } | undefined;
      if (Math.sqrt(rr) <= ctx.target) status = { status: 'converged' };
      else if (this.hasM) {
        z = this.zs;
        ctx.precond(r, z);
        rz = ctx.dot(r, z);
        if (!(rz > 0)) status = badPrecond(ctx, rz, rr);
      }
      if (!status) {
        e.mvSetColumn(n, width, c.slot, r, this.R);
        if (this.hasM) e.mvSetColumn(n, width, c.slot, z, this.Z);
        e.mvSetColumn(n, width, c.slot, z, this.P);
        c.rr = rr;
        c.rz = rz;
        c.state = 'run';
        return;
      }
      if (status.status !== 'converged') return this.finish(c, status.status as StopReason, status.detail, true);
      const trueNorm = ctx.residual();
      const ok = c.stop.met(trueNorm);
      if (ok) return this.finish(c, ok, undefined, true);
      const stall = c.stop.replace(trueNorm);
      if (stall !== undefined) return this.finish(c, 'breakdown', stall, true);
    }
  }

  /**
   * Ends column c with `reason`, building its result as solveNow does (the final residual is
   * recomputed from x). x is in host.x (`inHost`) or in the column's slot of X.
   */
  private finish(c: Column, reason: StopReason, detail: string | undefined, inHost: boolean, width = this.k): void {
    const { rt, host, n } = this;
    c.state = 'done';
    if (!inHost) rt.kernels.mvGetColumn(n, width, c.slot, this.X, host.x);
    this.b(c);
    const residualNorm = c.ctx.residual();
    c.result = solveResult({
      x: rt.f64(host.x, n).slice(), reason, detail, residualNorm, monitor: c.monitor, stop: c.stop,
      diagnose: (r, its) => host.diagnose(r, its),
      method: host.method, precond: host.precond, precondInfo: host.precondInfo(),
      setupMs: c.index === 0 ? this.setupMs : 0, solveMs: performance.now() - this.t0,
    });
  }

  /** Squeezes X, R, P (and Z) to the columns `keep` (in slot order); returns the new width. */
  private compact(keep: Column[], width: number): number {
    const { rt, n } = this;
    const e = rt.kernels;
    const kk = keep.length;
    const slots = rt.i32(this.keep, kk);
    keep.forEach((c, t) => (slots[t] = c.slot));
    for (const blk of this.hasM ? [this.X, this.R, this.P, this.Z] : [this.X, this.R, this.P]) e.mvCompact(n, width, this.keep, kk, blk);
    keep.forEach((c, t) => (c.slot = t));
    return kk;
  }
}
