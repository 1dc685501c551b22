// Error names must not depend on class names, which minifiers shorten: every error class is
// named on its prototype by nameErrors (src/errors.ts), from a string.
import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';
import * as packageIndex from '../src/index.js';
import { nameErrors, PatternMismatchError, SparseError, StalePreconditionerError } from '../src/errors.js';

const classes = Object.entries(errors).filter(
  (e): e is [string, new (...args: never[]) => Error] => typeof e[1] === 'function' && e[1].prototype instanceof Error,
);

describe('error names', () => {
  it('finds the error classes of src/errors.ts', () => {
    expect(classes.map(([k]) => k)).toContain('SparseError');
    expect(classes.length).toBeGreaterThanOrEqual(16);
  });

  it('every exported error class has its export name as an own prototype name (a new class cannot be forgotten)', () => {
    const wrong = classes.filter(([k, cls]) => !Object.prototype.hasOwnProperty.call(cls.prototype, 'name') || cls.prototype.name !== k);
    expect(wrong.map(([k]) => k)).toEqual([]);
  });

  it('every error class the package exports, wherever it is declared (SequenceError), is named the same way', () => {
    const exported = Object.entries(packageIndex).filter(
      ([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error,
    ) as [string, new (...args: never[]) => Error][];
    expect(exported.map(([k]) => k)).toContain('SequenceError');
    const wrong = exported.filter(([k, cls]) => !Object.prototype.hasOwnProperty.call(cls.prototype, 'name') || cls.prototype.name !== k);
    expect(wrong.map(([k]) => k)).toEqual([]);
  });

  it('instances carry the name (from the prototype) and stay instances of their bases', () => {
    const e = new PatternMismatchError('other pattern');
    expect(e.name).toBe('PatternMismatchError');
    expect(e).toBeInstanceOf(StalePreconditionerError);
    expect(e).toBeInstanceOf(SparseError);
    expect(String(e)).toBe('PatternMismatchError: other pattern');
    expect(e.stack).toMatch(/^PatternMismatchError: other pattern/);
    expect(Object.keys(e)).not.toContain('name');
  });

  it('a class with a minified name is named by nameErrors', () => {
    // what a minifier makes of `class NotConvergedError extends SparseError {}`
    const s = class extends SparseError {};
    nameErrors({ NotConvergedError: s });
    expect(new s('x').name).toBe('NotConvergedError');
  });

  it('a subclass declared elsewhere without nameErrors falls back to its class name', () => {
    class LocalError extends SparseError {}
    expect(new LocalError('x').name).toBe('LocalError');
  });
});
