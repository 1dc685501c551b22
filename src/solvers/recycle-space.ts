// What a recycling method does first with the session's recycle space, shared by the methods
// that keep one (GCRO-DR, recycled CG): decide whether the space is usable for the solve's
// operator. A space built for another size is dropped here, so no
// method can use it by mistake.
import type { KrylovContext } from './context.js';
import type { RecycleSpace, RecycleStatus } from './recycle.js';

/**
 * What changed since the space was built for this solve's operator; 'size-changed' has already
 * emptied the space when it returns (its vectors have the wrong length and are never read).
 */
export function checkRecycleSpace(ctx: KrylovContext, rs: RecycleSpace): RecycleStatus {
  const status = rs.status(ctx.op);
  if (status === 'size-changed') rs.invalidate();
  return status;
}
