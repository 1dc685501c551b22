// The `recycle` option shared by the recycling methods (GCRO-DR, recycled CG): a number of
// columns k, or 'auto' (the session's RecyclePolicy switches recycling on and off by measured
// cost; the space then holds RECYCLE_AUTO_K columns). One definition, so both methods check it alike.
import type { MethodOption } from './method.js';

/** Columns kept when `recycle: 'auto'` (and the default k). */
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

/** The columns a workspace holds for a `recycle` value. */
export function recycleColumns(v: number | 'auto' | undefined): number {
  return v === 'auto' || v === undefined ? RECYCLE_AUTO_K : v;
}
