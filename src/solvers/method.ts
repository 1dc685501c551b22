// The shape of a Krylov method as the session sees it: one descriptor a method, listed in
// registry.ts. The session derives everything method-specific (names, residual kind, what is
// refused at setup, workspace, option keys) from it and never names a method itself.
import type { InnerResult, KrylovContext } from './context.js';
import type { RecycleSpace } from './recycle.js';
import type { ResidualKind, SolveResult } from './types.js';

/** One method-specific option (a top-level key of the session options, e.g. `restart`). */
export interface MethodOption<T> {
  /** used when the caller does not give the key */
  readonly default: T;
  /** what a valid value is, for the error message: 'an integer >= 1' */
  readonly expected: string;
  /** true when `v` is a valid value; the session throws InvalidArgumentError otherwise */
  valid(v: unknown): v is T;
  /** one line for docs and help */
  readonly doc: string;
}

/** What a method needs besides x, b, r, as a function of n and its options (allocated once, at setup). */
export interface WorkspaceSize {
  /** work vectors of length n */
  readonly vectors: number;
  /** contiguous column-major n x c blocks, one entry (c) a block: GMRES's basis is [m + 1] */
  readonly blocks?: readonly number[];
  /** float64 scratch in wasm memory (small dense vectors the kernels read) */
  readonly scratch?: number;
  /** a recycle space of this many columns kept between solves (GCRO-DR, recycled CG); 0 or absent: none */
  readonly recycle?: number;
}

/** The wasm memory (pointers) the session allocated for `WorkspaceSize`, plus the method's JS state. */
export interface MethodWorkspace<S = unknown> {
  readonly vectors: readonly number[];
  readonly blocks: readonly number[];
  /** 0 when no scratch was asked for */
  readonly scratch: number;
  /** what `state()` made (small dense arrays kept between solves so a solve allocates nothing) */
  readonly state: S;
  /** the session's recycle space when `workspace().recycle > 0`, else null */
  readonly recycle: RecycleSpace | null;
}

/** What a method needs of the matrix and the preconditioner. */
export interface MethodRequirements {
  /**
   * what A must be for the method to converge; not tested at setup (the run detects it: CG's
   * p.Ap <= 0), but 'auto' and the preconditioner choice read it
   */
  readonly matrix: 'any' | 'symmetric' | 'spd';
  /**
   * 'spd': the run detects a preconditioner that is not SPD (CG: r.z <= 0); 'spd-strict': setup
   * also refuses one known not to be SPD (MINRES's Lanczos process would go wrong silently);
   * 'none': the method takes no preconditioner (a stationary method), setup refuses any
   */
  readonly preconditioner: 'any' | 'spd' | 'spd-strict' | 'none';
  /**
   * true: a structurally singular A (an empty row or column) is refused at setup, as the method
   * would only run out of iterations; false: the method returns a minimum-residual answer
   */
  readonly nonsingular: boolean;
}

/** A Krylov method: everything the session needs to set it up and run it. */
export interface MethodDescriptor<N extends string = string, O extends Record<string, unknown> = Record<string, unknown>, S = unknown> {
  readonly name: N;
  /** one line for docs and help */
  readonly summary: string;
  /** which residual norm `history` and `onIteration` report */
  readonly residualKind: ResidualKind;
  readonly requires: MethodRequirements;
  /**
   * A direct method: the session builds this factorization of A as the method's preconditioner
   * (the caller may not give another) and `run` refines with it
   */
  readonly factorization?: 'cholesky' | 'lu';
  /** the method's own option keys with their defaults and checks (shared keys, e.g. restart, must agree) */
  readonly options: { readonly [K in keyof O]: MethodOption<O[K]> };
  /** memory to allocate at setup, from n and the resolved options */
  workspace(n: number, options: O): WorkspaceSize;
  /** JS-side state kept between solves (optional) */
  state?(n: number, options: O): S;
  /**
   * One run of the recurrence from the residual in ctx.r (x and r in wasm), ending converged
   * (by the estimate: the session verifies the true residual), for a restart from the true
   * residual, or with a final reason. Must not allocate wasm memory.
   */
  run(ctx: KrylovContext, ws: MethodWorkspace<S>, options: O): InnerResult;
  /**
   * Method-specific facts of the solve that just ended, merged into its SolveResult (e.g. GCRO-DR's
   * `recycle`); called once per solve, after the last run (optional).
   */
  report?(ws: MethodWorkspace<S>): Pick<SolveResult, 'recycle'>;
}

/** Declares a descriptor keeping its literal name and option types (for MethodName and the option types). */
export function defineMethod<N extends string, O extends Record<string, unknown>, S = undefined>(
  d: MethodDescriptor<N, O, S>,
): MethodDescriptor<N, O, S> {
  return d;
}

/** A method that needs only n-vectors and has no options of its own (CG, BiCGSTAB, MINRES). */
export function vectorMethod<N extends string>(d: {
  name: N;
  summary: string;
  residualKind: ResidualKind;
  requires: MethodRequirements;
  /** work vectors besides x, b, r */
  vectors: number;
  run(ctx: KrylovContext, work: readonly number[]): InnerResult;
}): MethodDescriptor<N, Record<never, never>, undefined> {
  const { vectors, run, ...rest } = d;
  return { ...rest, options: {}, workspace: () => ({ vectors }), run: (ctx, ws) => run(ctx, ws.vectors) };
}

/** An integer option >= min. */
export function integerOption(def: number, min: number, doc: string): MethodOption<number> {
  return {
    default: def,
    expected: `an integer >= ${min}`,
    valid: (v: unknown): v is number => Number.isInteger(v) && (v as number) >= min,
    doc,
  };
}
