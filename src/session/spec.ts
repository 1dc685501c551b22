// A session's options in two parts: the plain data (SessionSpec: method, preconditioner name
// and options, tolerances, method options such as restart), which can be sent to a worker with
// postMessage or JSON, and the live objects (SessionHooks: callbacks, the abort signal, a user
// preconditioner), which stay on the thread that solves. `new SolverSession(A, options)` still
// takes both mixed; `SolverSession.fromSpec(A, spec, hooks)` takes them apart.
import { InvalidArgumentError } from '../errors.js';
import type { PreconditionerName, PreconditionerOptions } from '../precond/types.js';
import type { Preconditioner } from '../precond/types.js';
import { METHOD_NAMES, methodOptionSpecs, type MethodOptions } from '../solvers/registry.js';
import type { IterationState, MethodName, PreconditionerFunction, SolveOptions } from '../solvers/types.js';

/** The plain-data part of the session options: JSON-serialisable, checked by checkSessionSpec. */
export interface SessionSpec extends MethodOptions {
  method?: 'auto' | MethodName;
  precond?: 'auto' | PreconditionerName;
  precondOptions?: PreconditionerOptions;
  /** stop when ||b - A x|| <= max(rtol ||b||, atol); default rtol 1e-8, atol 0 */
  rtol?: number;
  atol?: number;
  /** default 10000 */
  maxIterations?: number;
  /** record the residual history (default true) */
  history?: boolean;
}

/** The live part of the session options: never sent anywhere. */
export interface SessionHooks {
  /** a preconditioner object or function of the caller's (a named one goes in the spec) */
  precond?: Preconditioner | PreconditionerFunction;
  onIteration?: (state: IterationState) => boolean | void;
  signal?: AbortSignal;
}

export const METHOD_OPTIONS = methodOptionSpecs();
export const SETUP_KEYS = ['method', 'precond', 'precondOptions', ...METHOD_OPTIONS.keys()];
export const SOLVE_KEYS = ['rtol', 'atol', 'maxIterations', 'x0', 'onIteration', 'signal', 'history'];
const HOOK_KEYS = ['onIteration', 'signal'];
export const PRECONDS: PreconditionerName[] = ['none', 'jacobi', 'ssor', 'ic0', 'ilu0', 'ilut', 'chebyshev'];

/** `what` for messages: the value and, when not a number, its type ('42' and 42 read alike). */
export function shown(v: unknown): string {
  return typeof v === 'string' ? `"${v}" (a string)` : typeof v === 'number' ? String(v) : `${String(v)} (${v === null ? 'null' : typeof v})`;
}

export function checkOptionsObject(o: unknown, what: string): void {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new InvalidArgumentError(`${what} must be an object, got ${shown(o)}`);
}

export function checkSolveOptions(o: SolveOptions, allowX0: boolean): void {
  // typeof first: '1e-8' >= 0 is true in JavaScript, a string must not pass for a number
  if (o.rtol !== undefined && !(typeof o.rtol === 'number' && o.rtol >= 0 && o.rtol < Infinity)) throw new InvalidArgumentError(`rtol must be a finite number >= 0, got ${shown(o.rtol)}`);
  if (o.atol !== undefined && !(typeof o.atol === 'number' && o.atol >= 0 && o.atol < Infinity)) throw new InvalidArgumentError(`atol must be a finite number >= 0, got ${shown(o.atol)}`);
  if (o.maxIterations !== undefined && !(Number.isInteger(o.maxIterations) && o.maxIterations >= 0)) {
    throw new InvalidArgumentError(`maxIterations must be an integer >= 0, got ${shown(o.maxIterations)}`);
  }
  if (o.history !== undefined && typeof o.history !== 'boolean') throw new InvalidArgumentError(`history must be true or false, got ${shown(o.history)}`);
  if (o.onIteration !== undefined && typeof o.onIteration !== 'function') throw new InvalidArgumentError('onIteration must be a function');
  if (o.signal !== undefined && (o.signal === null || typeof o.signal.aborted !== 'boolean')) throw new InvalidArgumentError('signal must be an AbortSignal');
  if (!allowX0 && o.x0 !== undefined) throw new InvalidArgumentError('x0 is given per solve, not when the session is made');
}

/** Checks the method name and every method option (whatever the method: a wrong restart is a mistake even for CG). */
export function checkMethodOptions(o: { method?: unknown } & Record<string, unknown>): void {
  const method = o.method ?? 'auto';
  if (method !== 'auto' && !METHOD_NAMES.includes(method as MethodName)) {
    throw new InvalidArgumentError(`unknown method ${shown(method)}: expected 'auto', ${METHOD_NAMES.map((m) => `'${m}'`).join(', ')}`);
  }
  for (const [key, spec] of METHOD_OPTIONS) {
    const v = o[key];
    if (v !== undefined && !spec.valid(v)) throw new InvalidArgumentError(`${key} must be ${spec.expected}, got ${shown(v)}`);
  }
}

/** The path of the first value in `v` that JSON cannot carry unchanged, or null. */
function notPlainData(v: unknown, path: string): string | null {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? null : path;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = notPlainData(v[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue;
      const bad = notPlainData(x, `${path}.${k}`);
      if (bad) return bad;
    }
    return null;
  }
  return path;
}

/**
 * Checks that `spec` is a SessionSpec: known keys only, plain data only (no function, signal or
 * preconditioner object: those are hooks), each value of the right type. Returns it typed.
 */
export function checkSessionSpec(spec: unknown): SessionSpec {
  checkOptionsObject(spec, 'session spec');
  const o = spec as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (HOOK_KEYS.includes(k)) throw new InvalidArgumentError(`session spec: ${k} is a live object, give it in the hooks, not the spec`);
    if (k === 'x0' || (!SETUP_KEYS.includes(k) && !SOLVE_KEYS.includes(k))) throw new InvalidArgumentError(`session spec: unknown key "${k}"`);
  }
  const bad = notPlainData(o, 'spec');
  if (bad) {
    throw new InvalidArgumentError(
      `session spec: ${bad} is not plain data (JSON cannot carry it)` +
        (bad === 'spec.precond' ? '; a preconditioner object or function goes in the hooks' : ''),
    );
  }
  if (o.precond !== undefined && o.precond !== 'auto' && !PRECONDS.includes(o.precond as PreconditionerName)) {
    throw new InvalidArgumentError(`unknown preconditioner ${shown(o.precond)}: expected 'auto', ${PRECONDS.map((m) => `'${m}'`).join(', ')}`);
  }
  if (o.precondOptions !== undefined) checkOptionsObject(o.precondOptions, 'precondOptions');
  checkSolveOptions(o as SolveOptions, false);
  checkMethodOptions(o);
  return o as SessionSpec;
}

/** Splits mixed session options into the plain-data spec and the live hooks. */
export function splitSessionOptions(options: SessionSpec & Omit<SessionHooks, 'precond'> & { precond?: unknown }): { spec: SessionSpec; hooks: SessionHooks } {
  const spec: Record<string, unknown> = {};
  const hooks: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (HOOK_KEYS.includes(k) || (k === 'precond' && typeof v !== 'string')) hooks[k] = v;
    else spec[k] = v;
  }
  return { spec: spec as SessionSpec, hooks: hooks as SessionHooks };
}
