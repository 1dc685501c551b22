import { InvalidArgumentError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { checkOptions, type OptionSchema } from '../options.js';
import { findPreconditioners, preconditioners, requirePreconditioner, type PreconditionerRequest } from './registry.js';
import type { Preconditioner, PreconditionerName, PreconditionerOptions } from './types.js';

/**
 * Every option some preconditioner reads, with its spec from the registry: a key only another
 * preconditioner reads is checked but not refused (a session's precondOptions may serve a
 * fallback), a key none reads is.
 */
const OPTION_SPECS: OptionSchema = Object.assign({}, ...preconditioners().map((d) => d.options));

/** Checks preconditioner options (as `precondOptions` of a session) against every preconditioner's specs. */
export function checkPreconditionerOptions(o: PreconditionerOptions): void {
  checkOptions('precondOptions', o, OPTION_SPECS);
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
