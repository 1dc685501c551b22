// The `recycle` option shared by the recycling methods (GCRO-DR, recycled CG): a number of
// columns k, or 'auto' (the session's RecyclePolicy switches recycling on and off by measured
// cost; the space then holds the method's own automatic k). One definition, so both methods
// check it alike.
import type { MethodOption } from './method.js';

/** The default k (and GCRO-DR's k under 'auto'). */
export const RECYCLE_AUTO_K = 10;

/** `recycle: k` (an integer >= 0; 0 is the method without recycling) or 'auto'. */
export function recycleOption(doc = "vectors k recycled between solves (0: none), or 'auto' (on while measured to pay)"): MethodOption<number | 'auto'> {
  return {
    default: RECYCLE_AUTO_K,
    expected: "an integer >= 0 or 'auto'",
    valid: (v: unknown): v is number | 'auto' => v === 'auto' || (Number.isInteger(v) && (v as number) >= 0),
    doc,
  };
}

/** The columns a workspace holds for a `recycle` value; `auto` is the method's k under 'auto'. */
export function recycleColumns(v: number | 'auto' | undefined, auto = RECYCLE_AUTO_K): number {
  return v === 'auto' || v === undefined ? auto : v;
}

/** What `recycle: 'auto'` decided for one solve, and why (`SolveResult.recycleDecision`). */
export interface RecycleDecision {
  /** recycling was used in this solve */
  recycled: boolean;
  /**
   * 'warm-up' (the first solves recycle, to build and try the space), 'probe' (the other choice
   * tried once, to refresh its measurement), 'on' / 'off' (the measured cheaper choice)
   */
  state: 'warm-up' | 'probe' | 'on' | 'off';
  /** one sentence with the figures behind the choice */
  reason: string;
  /** measured (moving averages) with and without recycling; null until measured */
  msPerIteration: { on: number | null; off: number | null };
  iterations: { on: number | null; off: number | null };
}
