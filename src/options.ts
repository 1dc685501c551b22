// One validator for every options object of the library, so that every refusal reads the same:
//   "<where>: options must be an object, got <value>"
//   "<where>: unknown option "<key>" (known: a, b, c)"
//   "<where>: option <key> must be <expectation>, got <value>"
// Checks that involve several options (initial <= maximum, ...) stay with their caller.
import { InvalidArgumentError, NonFiniteValueError } from './errors.js';

/** A number; NaN is never accepted. Bounds are inclusive unless `*Open`. */
export interface NumberSpec {
  kind: 'number';
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
  /** refuse NaN and +-Infinity (implied by finite bounds on both sides) */
  finite?: boolean;
  /** a NaN or infinite number is a NonFiniteValueError instead of an InvalidArgumentError */
  nonFiniteError?: boolean;
  default?: number;
}
/** An integer (Infinity is accepted only with `allowInfinity`). */
export interface IntegerSpec {
  kind: 'integer';
  min?: number;
  max?: number;
  allowInfinity?: boolean;
  default?: number;
}
export interface BooleanSpec { kind: 'boolean'; default?: boolean }
export interface StringSpec { kind: 'string'; default?: string }
/** One of a fixed set of strings (or booleans, e.g. `'auto' | true | false`). */
export interface EnumSpec<V extends string | boolean = string | boolean> { kind: 'enum'; values: readonly V[]; default?: V }
export interface FunctionSpec { kind: 'function' }
/** A plain object (not null, not an array). */
export interface ObjectSpec { kind: 'object' }
/** Anything with a boolean `aborted` (an AbortSignal, also from another realm). */
export interface SignalSpec { kind: 'signal' }
/** A check of the caller's (a type guard types the result); `expected` completes "must be ..." */
export interface CustomSpec<T = unknown> { kind: 'custom'; test: (v: unknown) => boolean; expected: string; default?: T }
/** Accepted as it is (the caller checks it, e.g. a value handed on to another validator). */
export interface AnySpec { kind: 'any' }

export type OptionSpec = NumberSpec | IntegerSpec | BooleanSpec | StringSpec | EnumSpec | FunctionSpec | ObjectSpec | SignalSpec | CustomSpec | AnySpec;
export type OptionSchema = Record<string, OptionSpec>;

type ValueOf<S> = S extends NumberSpec | IntegerSpec ? number
  : S extends BooleanSpec ? boolean
  : S extends StringSpec ? string
  : S extends EnumSpec<infer V> ? V
  : S extends FunctionSpec ? (...args: never[]) => unknown
  : S extends ObjectSpec ? Record<string, unknown>
  : S extends SignalSpec ? AbortSignal
  : S extends { kind: 'custom'; test: (v: unknown) => v is infer T } ? T
  : unknown;

/** The checked options: every key of the schema, with its default where one is given. */
export type CheckedOptions<S extends OptionSchema> = {
  [K in keyof S]: S[K] extends { default: infer D } ? (undefined extends D ? ValueOf<S[K]> | undefined : ValueOf<S[K]>) : ValueOf<S[K]> | undefined;
};

/** How a refused value is shown in a message: strings quoted and marked, objects by class. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)} (a string)`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') {
    const name = (v as { constructor?: { name?: string } }).constructor?.name;
    return name && name !== 'Object' ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
  }
  return `${String(v)} (${typeof v})`;
}

function quoted(v: string | boolean): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function listed(values: readonly (string | boolean)[]): string {
  const q = values.map(quoted);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

function range(min: number | undefined, max: number | undefined, minOpen = false, maxOpen = false): string {
  if (min !== undefined && max !== undefined) return ` in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
  if (min !== undefined) return ` ${minOpen ? '>' : '>='} ${min}`;
  if (max !== undefined) return ` ${maxOpen ? '<' : '<='} ${max}`;
  return '';
}

/** "must be ..." for a spec. */
export function expectation(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'number': {
      const bounded = spec.min !== undefined && spec.max !== undefined && Number.isFinite(spec.min) && Number.isFinite(spec.max);
      return `${spec.finite && !bounded ? 'a finite number' : 'a number'}${range(spec.min, spec.max, spec.minOpen, spec.maxOpen)}`;
    }
    case 'integer': return `an integer${range(spec.min, spec.max)}${spec.allowInfinity ? ' (or Infinity)' : ''}`;
    case 'boolean': return 'true or false';
    case 'string': return 'a string';
    case 'enum': return listed(spec.values);
    case 'function': return 'a function';
    case 'object': return 'an object';
    case 'signal': return 'an AbortSignal';
    case 'custom': return spec.expected;
    case 'any': return 'anything';
  }
}

function accepts(spec: OptionSpec, v: unknown): boolean {
  switch (spec.kind) {
    case 'number': {
      // typeof first: '1e-8' >= 0 is true in JavaScript, a string must not pass for a number
      if (typeof v !== 'number' || Number.isNaN(v)) return false;
      if (spec.finite && !Number.isFinite(v)) return false;
      if (spec.min !== undefined && (spec.minOpen ? !(v > spec.min) : !(v >= spec.min))) return false;
      if (spec.max !== undefined && (spec.maxOpen ? !(v < spec.max) : !(v <= spec.max))) return false;
      return true;
    }
    case 'integer': {
      if (typeof v !== 'number') return false;
      if (!Number.isInteger(v) && !(spec.allowInfinity && v === Infinity)) return false;
      return (spec.min === undefined || v >= spec.min) && (spec.max === undefined || v <= spec.max);
    }
    case 'boolean': return typeof v === 'boolean';
    case 'string': return typeof v === 'string';
    case 'enum': return (spec.values as readonly unknown[]).includes(v);
    case 'function': return typeof v === 'function';
    case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'signal': return v !== null && typeof v === 'object' && typeof (v as { aborted?: unknown }).aborted === 'boolean';
    case 'custom': return spec.test(v);
    case 'any': return true;
  }
}

/** Throws unless `options` is a plain object (undefined counts as `{}`). */
export function checkOptionsObject(where: string, options: unknown): void {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new InvalidArgumentError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
}

/** Throws unless `value` fits `spec`, naming `where` and `key`. */
export function checkOption(where: string, key: string, value: unknown, spec: OptionSpec): void {
  if (accepts(spec, value)) return;
  const message = `${where}: option ${key} must be ${expectation(spec)}, got ${describeValue(value)}`;
  if (spec.kind === 'number' && spec.nonFiniteError && typeof value === 'number' && !Number.isFinite(value)) {
    throw new NonFiniteValueError(message);
  }
  throw new InvalidArgumentError(message);
}

/**
 * Checks an options object against a schema and returns every schema key with its value or
 * default. Refuses a non-object, an unknown key and a value of the wrong kind with an
 * InvalidArgumentError (NonFiniteValueError where a number spec asks for it). A key set to
 * `undefined` counts as absent.
 */
export function checkOptions<const S extends OptionSchema>(where: string, options: unknown, schema: S): CheckedOptions<S> {
  checkOptionsObject(where, options);
  const o = (options ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!Object.prototype.hasOwnProperty.call(schema, k)) {
      throw new InvalidArgumentError(`${where}: unknown option "${k}" (known: ${Object.keys(schema).join(', ')})`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(schema)) {
    const spec = schema[k];
    const v = o[k];
    if (v === undefined) {
      out[k] = 'default' in spec ? spec.default : undefined;
      continue;
    }
    checkOption(where, k, v, spec);
    out[k] = v;
  }
  return out as CheckedOptions<S>;
}
