// Command-line arguments for every command: Node's util.parseArgs (maintained with Node, no
// dependency) in its non-strict token mode, so that each mistake gets one line that names the
// option and the command, instead of parseArgs' own multi-sentence messages.
import { parseArgs } from 'node:util';

/** Bad command line: one line on stderr, exit 2. */
export class UsageError extends Error {}
/** A file that cannot be read or written: one line on stderr, exit 1. */
export class FileError extends Error {}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}
export type OptionSpecs = Record<string, OptionSpec>;

export interface Parsed {
  positional: string[];
  /** by long name without dashes: the string value, or true for a boolean flag */
  values: Map<string, string | true>;
  /** the spelling the user typed, for messages (`-o` or `--output`) */
  spelled: Map<string, string>;
}

const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity)/;

/**
 * Parses `args` against `options` (long names without dashes). Accepted forms: `--name value`,
 * `--name=value`, `-x value` for a short alias, bare `--flag`; `--` ends the options.
 */
export function parseCommandLine(args: string[], options: OptionSpecs): Parsed {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const positional: string[] = [];
  const values = new Map<string, string | true>();
  const spelled = new Map<string, string>();
  for (const t of tokens) {
    if (t.kind === 'positional') positional.push(t.value);
    if (t.kind !== 'option') continue;
    const spec = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (!spec) throw new UsageError(`unknown option ${t.rawName}`);
    if (spec.type === 'boolean') {
      if (t.inlineValue) throw new UsageError(`option ${t.rawName} takes no value`);
      values.set(t.name, true);
    } else {
      // parseArgs takes the next argument as the value even when it is another option
      // (`--rhs --json`); refuse that unless it is a negative number.
      const v = t.value;
      if (v === undefined || (!t.inlineValue && v.startsWith('-') && v !== '-' && !NEGATIVE_NUMBER.test(v))) {
        throw new UsageError(`option ${t.rawName} needs a value`);
      }
      values.set(t.name, v);
    }
    spelled.set(t.name, t.rawName);
  }
  return { positional, values, spelled };
}

/** The positional arguments, exactly `count` of them, else a UsageError: "`what`, got N arguments". */
export function operands(p: Parsed, count: number, what: string): string[] {
  const n = p.positional.length;
  if (n !== count) throw new UsageError(`${what}, got ${n} argument${n === 1 ? '' : 's'}`);
  return p.positional;
}

/** True when `--help` or `-h` comes before any `--`: help wins over every other argument. */
export function wantsHelp(args: string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

export function stringOption(p: Parsed, name: string): string | undefined {
  const v = p.values.get(name);
  return typeof v === 'string' ? v : undefined;
}

export interface NumberRule {
  min?: number;
  max?: number;
  /** the smallest value is excluded (e.g. a tolerance > 0) */
  minExclusive?: boolean;
  integer?: boolean;
}

/** A numeric option, checked against `rule`; `fallback` when absent. */
export function numberOption(p: Parsed, name: string, fallback: number, rule: NumberRule = {}): number {
  const v = p.values.get(name);
  if (v === undefined) return fallback;
  const flag = p.spelled.get(name) ?? `--${name}`;
  const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  const { min = -Infinity, max = Infinity, integer = false, minExclusive = false } = rule;
  const tooSmall = minExclusive ? !(x > min) : !(x >= min);
  if (!Number.isFinite(x) || tooSmall || x > max || (integer && !Number.isInteger(x))) {
    const what = integer ? 'an integer' : 'a number';
    const range = max < Infinity ? ` from ${min} to ${max}` : min > -Infinity ? ` ${minExclusive ? '>' : '>='} ${min}` : '';
    throw new UsageError(`${flag} needs ${what}${range}, got "${String(v)}"`);
  }
  return x;
}

/** One of `allowed`; 'auto' (or `fallback`) when absent. */
export function choiceOption<T extends readonly string[]>(p: Parsed, name: string, allowed: T, fallback: T[number] = 'auto'): T[number] {
  const v = p.values.get(name) ?? fallback;
  if (typeof v !== 'string' || !allowed.includes(v)) {
    throw new UsageError(`${p.spelled.get(name) ?? `--${name}`} must be one of ${allowed.join(', ')}, got "${String(v)}"`);
  }
  return v;
}
