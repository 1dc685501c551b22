// A session's options in two parts: the plain data (SessionSpec: method, preconditioner name
// and options, tolerances, method options such as restart), which can be sent to a worker with
// postMessage or JSON, and the live objects (SessionHooks: callbacks, the abort signal, a user
// preconditioner), which stay on the thread that solves. `new SolverSession(A, options)` still
// takes both mixed; `SolverSession.fromSpec(A, spec, hooks)` takes them apart.
import { InvalidArgumentError } from '../errors.js';
import { checkOption, checkOptions, checkOptionsObject, describeValue, type OptionSchema, type OptionSpec } from '../options.js';
import { preconditionerNames } from '../precond/registry.js';
import type { PreconditionerName, PreconditionerOptions } from '../precond/types.js';
import type { Preconditioner } from '../precond/types.js';
import { METHOD_NAMES, methodOptionSpecs, type MethodOptions } from '../solvers/registry.js';
import type { IterationState, MethodName, PreconditionerFunction } from '../solvers/types.js';

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

// The checkOptions schemas (src/options.ts) of the session's options. The method options come
// from the method registry, each checked whatever the method (a wrong restart is a mistake even
// for CG); method and precond are names (checked against the registries, checkNames below) or,
// for precond, a live object or function.
const METHOD_OPTIONS: OptionSchema = Object.fromEntries(
  [...methodOptionSpecs()].map(([key, spec]) => [key, { kind: 'custom', test: (v: unknown) => spec.valid(v), expected: spec.expected }]),
);
/** The options of one solve (also the session's defaults for them, except x0). */
export const SOLVE_OPTIONS = {
  rtol: { kind: 'number', min: 0, finite: true },
  atol: { kind: 'number', min: 0, finite: true },
  maxIterations: { kind: 'integer', min: 0 },
  history: { kind: 'boolean' },
  onIteration: { kind: 'function' },
  signal: { kind: 'signal' },
  x0: { kind: 'any' },
} as const satisfies OptionSchema;
/** What `new SolverSession(A, options)` takes: setup options and the solve defaults (not x0). */
export const SESSION_OPTIONS: OptionSchema = Object.fromEntries(Object.entries<OptionSpec>({
  method: { kind: 'any' },
  precond: { kind: 'any' },
  precondOptions: { kind: 'object' },
  ...METHOD_OPTIONS,
  ...SOLVE_OPTIONS,
}).filter(([k]) => k !== 'x0'));
const HOOK_KEYS = ['onIteration', 'signal'];
/** The plain-data part of SESSION_OPTIONS. */
const SPEC_OPTIONS: OptionSchema = Object.fromEntries(Object.entries(SESSION_OPTIONS).filter(([k]) => !HOOK_KEYS.includes(k)));

/** Refuses an unknown method or preconditioner name (a precond that is not a string is not checked here). */
function checkNames(where: string, o: Record<string, unknown>): void {
  const method = o.method ?? 'auto';
  if (method !== 'auto' && !METHOD_NAMES.includes(method as MethodName)) {
    throw new InvalidArgumentError(`${where}: unknown method ${describeValue(method)}: expected 'auto', ${METHOD_NAMES.map((m) => `'${m}'`).join(', ')}`);
  }
  const pc = o.precond;
  if (typeof pc === 'string' && pc !== 'auto' && !preconditionerNames().includes(pc as PreconditionerName)) {
    throw new InvalidArgumentError(`${where}: unknown preconditioner ${JSON.stringify(pc)}: expected 'auto', ${preconditionerNames().map((m) => `'${m}'`).join(', ')}`);
  }
}

/**
 * Checks the options of `new SolverSession(A, options)` (where: 'SolverSession'): known keys,
 * each of its kind, method and preconditioner names known; x0 is refused (it is given per solve).
 */
export function checkSessionOptions(where: string, options: unknown): void {
  checkOptionsObject(where, options);
  if ((options as { x0?: unknown } | undefined)?.x0 !== undefined) throw new InvalidArgumentError(`${where}: x0 is given per solve, not when the session is made`);
  checkOptions(where, options, SESSION_OPTIONS);
  checkNames(where, (options ?? {}) as Record<string, unknown>);
}

/** Checks the options of one solve (where: 'SolverSession.solve'). */
export function checkSolveOptions(where: string, options: unknown): void {
  checkOptions(where, options, SOLVE_OPTIONS);
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
  const where = 'session spec';
  checkOptionsObject(where, spec);
  const o = (spec ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (HOOK_KEYS.includes(k)) throw new InvalidArgumentError(`${where}: ${k} is a live object, give it in the hooks, not the spec`);
  }
  checkOptions(where, o, SPEC_OPTIONS);
  const bad = notPlainData(o, 'spec');
  if (bad) {
    throw new InvalidArgumentError(
      `session spec: ${bad} is not plain data (JSON cannot carry it)` +
        (bad === 'spec.precond' ? '; a preconditioner object or function goes in the hooks' : ''),
    );
  }
  // in a spec a preconditioner is a name (an object or function was refused above as not plain data)
  if (o.precond !== undefined) checkOption(where, 'precond', o.precond, { kind: 'string' });
  checkNames(where, o);
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
