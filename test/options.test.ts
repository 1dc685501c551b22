// The one options validator (src/options.ts): message format, defaults, each kind's edges.
import { describe, expect, it } from 'vitest';
import { checkOptions, describeValue } from '../src/options.js';
import { InvalidArgumentError, NonFiniteValueError } from '../src/errors.js';
import { thrown } from './helpers.js';

const schema = {
  tol: { kind: 'number', min: 0, finite: true, default: 1e-8 },
  omega: { kind: 'number', min: 0, max: 2, minOpen: true, maxOpen: true },
  scale: { kind: 'number', finite: true, nonFiniteError: true, default: 1 },
  steps: { kind: 'integer', min: 1, max: 10, default: 3 },
  fill: { kind: 'integer', min: 0, allowInfinity: true },
  sorted: { kind: 'boolean', default: true },
  label: { kind: 'string' },
  mode: { kind: 'enum', values: ['auto', 'fast'], default: 'auto' },
  sym: { kind: 'enum', values: ['auto', true, false], default: 'auto' },
  onStep: { kind: 'function' },
  nested: { kind: 'object' },
  signal: { kind: 'signal' },
  even: { kind: 'custom', test: (v: unknown) => typeof v === 'number' && v % 2 === 0, expected: 'an even number' },
} as const;

describe('checkOptions', () => {
  it('fills defaults, keeps given values, treats undefined as absent', () => {
    const o = checkOptions('thing', { tol: 0, steps: 10, mode: undefined, fill: Infinity }, schema);
    expect(o).toEqual({
      tol: 0, omega: undefined, scale: 1, steps: 10, fill: Infinity, sorted: true, label: undefined, mode: 'auto', sym: 'auto',
      onStep: undefined, nested: undefined, signal: undefined, even: undefined,
    });
    expect(checkOptions('thing', undefined, schema).steps).toBe(3);
  });

  it('refuses a non-object and unknown keys, naming where and the known keys', () => {
    for (const bad of [null, 5, 'x', [1]]) {
      const e = thrown(() => checkOptions('thing', bad, schema));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect(e.message).toMatch(/^thing: options must be an object, got /);
    }
    const e = thrown(() => checkOptions('thing', { tol: 1, bogus: 1 }, schema));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toBe('thing: unknown option "bogus" (known: tol, omega, scale, steps, fill, sorted, label, mode, sym, onStep, nested, signal, even)');
    // inherited names are not options
    expect(() => checkOptions('thing', { toString: 1 }, schema)).toThrow(/unknown option "toString"/);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['string for a number', { tol: '1e-8' }, 'thing: option tol must be a finite number >= 0, got "1e-8" (a string)'],
    ['negative', { tol: -1 }, 'thing: option tol must be a finite number >= 0, got -1'],
    ['NaN', { tol: NaN }, 'thing: option tol must be a finite number >= 0, got NaN'],
    ['Infinity where finite', { tol: Infinity }, 'thing: option tol must be a finite number >= 0, got Infinity'],
    ['open lower bound', { omega: 0 }, 'thing: option omega must be a number in (0, 2), got 0'],
    ['open upper bound', { omega: 2 }, 'thing: option omega must be a number in (0, 2), got 2'],
    ['fraction for an integer', { steps: 1.5 }, 'thing: option steps must be an integer in [1, 10], got 1.5'],
    ['integer above max', { steps: 11 }, 'thing: option steps must be an integer in [1, 10], got 11'],
    ['Infinity for an integer', { steps: Infinity }, 'thing: option steps must be an integer in [1, 10], got Infinity'],
    ['negative fill', { fill: -1 }, 'thing: option fill must be an integer >= 0 (or Infinity), got -1'],
    ['string boolean', { sorted: 'yes' }, 'thing: option sorted must be true or false, got "yes" (a string)'],
    ['string', { label: 5 }, 'thing: option label must be a string, got 5'],
    ['enum', { mode: 'slow' }, "thing: option mode must be 'auto' or 'fast', got \"slow\" (a string)"],
    ['enum with booleans', { sym: 1 }, "thing: option sym must be 'auto', true or false, got 1"],
    ['function', { onStep: 1 }, 'thing: option onStep must be a function, got 1'],
    ['object', { nested: [1] }, 'thing: option nested must be an object, got an Array'],
    ['null object', { nested: null }, 'thing: option nested must be an object, got null'],
    ['signal', { signal: {} }, 'thing: option signal must be an AbortSignal, got an object'],
    ['custom', { even: 3 }, 'thing: option even must be an even number, got 3'],
  ];
  it.each(bad)('%s: InvalidArgumentError in the one format', (_name, options, message) => {
    const e = thrown(() => checkOptions('thing', options, schema));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toBe(message);
  });

  it('a number spec can ask for NonFiniteValueError on NaN / Infinity (not on a string)', () => {
    expect(thrown(() => checkOptions('thing', { scale: NaN }, schema))).toBeInstanceOf(NonFiniteValueError);
    expect(thrown(() => checkOptions('thing', { scale: -Infinity }, schema))).toBeInstanceOf(NonFiniteValueError);
    expect(thrown(() => checkOptions('thing', { scale: '2' }, schema))).toBeInstanceOf(InvalidArgumentError);
  });

  it('accepts an AbortSignal and values on the bounds', () => {
    const signal = new AbortController().signal;
    const o = checkOptions('thing', { signal, omega: 1.9, steps: 1, tol: 0, sym: false }, schema);
    expect(o.signal).toBe(signal);
    expect(o.sym).toBe(false);
  });

  it('describeValue shows strings quoted, numbers bare, objects by class', () => {
    expect(describeValue('a')).toBe('"a" (a string)');
    expect(describeValue(42)).toBe('42');
    expect(describeValue(true)).toBe('true (boolean)');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue('x'.repeat(50))).toBe(`"${'x'.repeat(40)}..." (a string)`);
  });
});

describe('the library options go through checkOptions (one message format)', () => {
  it('Matrix Market reader and writer options', async () => {
    const { parseMatrixMarket, formatMatrixMarketCoordinate, formatMatrixMarketArray } = await import('../src/io/matrix-market.js');
    const text = '%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 2\n';
    expect(() => parseMatrixMarket(text, { maxLineLength: 0 })).toThrow('Matrix Market: option maxLineLength must be an integer >= 1, got 0');
    expect(() => parseMatrixMarket(text, { bogus: 1 } as never)).toThrow('Matrix Market: unknown option "bogus" (known: maxLineLength)');
    const i = Int32Array.of(0), v = Float64Array.of(2);
    expect(() => formatMatrixMarketCoordinate(1, 1, i, i, v, { symmetry: 'hermitian' as never })).toThrow(
      "Matrix Market writer: option symmetry must be 'general', 'symmetric' or 'skew-symmetric', got \"hermitian\" (a string)",
    );
    expect(() => formatMatrixMarketCoordinate(1, 1, i, i, v, { gzip: true } as never)).toThrow(/^Matrix Market writer: unknown option "gzip"/);
    expect(() => formatMatrixMarketArray(1, 1, v, { comment: 5 as never })).toThrow('Matrix Market writer: option comment must be a string, got 5');
    // still written as before
    expect(formatMatrixMarketCoordinate(1, 1, i, i, v, { comment: ' c' })).toBe('%%MatrixMarket matrix coordinate real general\n% c\n1 1 1\n1 1 2\n');
    const { readMatrixMarket } = await import('../src/io/decompress.js');
    const bytes = new TextEncoder().encode(text);
    await expect(readMatrixMarket(bytes, { name: 42 } as never)).rejects.toThrow('readMatrixMarket: option name must be a string, got 42');
    await expect(readMatrixMarket(bytes, { nmae: 'x' } as never)).rejects.toThrow('readMatrixMarket: unknown option "nmae" (known: name)');
    expect((await readMatrixMarket(bytes, { name: 'a.mtx' })).values[0]).toBe(2);
  });
});
