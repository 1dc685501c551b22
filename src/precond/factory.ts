import { InvalidArgumentError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { findPreconditioners, preconditioners, requirePreconditioner, type PreconditionerRequest } from './registry.js';
import type { Preconditioner, PreconditionerName, PreconditionerOptions } from './types.js';

/** every key some preconditioner reads (a key only another one reads is ignored, not refused) */
const OPTION_KEYS = new Set<string>(preconditioners().flatMap((d) => d.options));

export function checkPreconditionerOptions(o: PreconditionerOptions): void {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    throw new InvalidArgumentError(`preconditioner options must be an object, got ${o === null ? 'null' : typeof o}`);
  }
  for (const k of Object.keys(o)) {
    if (!OPTION_KEYS.has(k)) throw new InvalidArgumentError(`unknown preconditioner option "${k}"`);
    // the numeric options: a string such as '1.2' must not pass for a number
    const v = (o as Record<string, unknown>)[k];
    if (k !== 'pivot' && v !== undefined && typeof v !== 'number') {
      throw new InvalidArgumentError(`preconditioner option ${k} must be a number, got ${typeof v === 'string' ? `"${v}" (a string)` : String(v)}`);
    }
  }
  if (o.pivot !== undefined && o.pivot !== 'shift' && o.pivot !== 'error') {
    throw new InvalidArgumentError(`pivot must be 'shift' or 'error', got ${String(o.pivot)}`);
  }
}

/**
 * Builds a named preconditioner for A (analysis and numeric setup) from the registry
 * (src/precond/registry.ts). `request.spd` asks for an SPD M (as CG and MINRES need): Jacobi then
 * uses |diag(A)|, and a preconditioner that is never SPD (incomplete LU) is refused. The boolean
 * form (`true` = for MINRES) is the former `forMinres` flag, kept as a deprecated alias of
 * `{ spd: true }`. Returns null for 'none'.
 */
export function createPreconditioner(
  A: CsrMatrix, name: PreconditionerName, options: PreconditionerOptions = {}, request: PreconditionerRequest | boolean = {},
): Preconditioner | null {
  checkPreconditionerOptions(options);
  const want: PreconditionerRequest = typeof request === 'boolean' ? { spd: request } : request ?? {};
  if (name === 'none') return null;
  const d = requirePreconditioner(name);
  if (want.spd && d.spd === 'never') {
    throw new InvalidArgumentError(`an SPD preconditioner was asked for, and ${name} is not symmetric: use one of ${findPreconditioners({ spd: true }).map((x) => x.name).join(', ')}`);
  }
  return d.build(A, options, want);
}
