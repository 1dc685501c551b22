import { describe, expect, it } from 'vitest';
import { TsallisInf, ContextualLearner, InvalidArgumentError, NonFiniteValueError } from '../src/index.js';
import { rng } from './helpers.js';

// A synthetic cost table: arm i costs mean[i] iterations plus seeded noise.
const MEAN = [140, 120, 100, 85, 70, 60, 75, 110];
const BEST = 5;

function play(T: number, seed: number) {
  const learner = new TsallisInf(MEAN.length, seed);
  const noise = rng(seed + 100);
  const counts = new Array(MEAN.length).fill(0);
  let regret = 0;
  const regretAt: number[] = [];
  for (let t = 1; t <= T; t++) {
    const a = learner.choose();
    counts[a]++;
    const cost = Math.max(1, Math.round(MEAN[a] * (0.9 + 0.2 * noise())));
    learner.observe(cost);
    regret += MEAN[a] - MEAN[BEST];
    regretAt[t] = regret;
    let sum = 0;
    for (const p of learner.probabilities) sum += p;
    expect(sum).toBeCloseTo(1, 9);
  }
  return { counts, regretAt, learner };
}

describe('TsallisInf', () => {
  it('concentrates on the best arm of a synthetic cost table, with sublinear regret', () => {
    const T = 4000;
    const { counts, regretAt, learner } = play(T, 3);
    // most plays on the cheapest arm, and in the last rounds nearly all of them
    expect(counts[BEST] / T).toBeGreaterThan(0.6);
    expect(learner.probabilities[BEST]).toBeGreaterThan(0.8);
    // sublinear: the regret of the second half is much smaller than that of the first
    const first = regretAt[T / 2], second = regretAt[T] - regretAt[T / 2];
    expect(second).toBeLessThan(0.5 * first);
    // regret per round falls: average regret over T far below a uniform player's
    const uniform = MEAN.reduce((s, m) => s + m - MEAN[BEST], 0) / MEAN.length;
    expect(regretAt[T] / T).toBeLessThan(0.25 * uniform);
  });

  it('starts uniform, is deterministic for a seed, and refuses bad costs', () => {
    const a = new TsallisInf(4, 9), b = new TsallisInf(4, 9);
    a.choose();
    for (const p of a.probabilities) expect(p).toBeCloseTo(0.25, 12);
    const seqA: number[] = [], seqB: number[] = [];
    b.choose();
    for (let t = 0; t < 50; t++) {
      a.observe(10 + (t % 3)); b.observe(10 + (t % 3));
      seqA.push(a.choose()); seqB.push(b.choose());
    }
    expect(seqA).toEqual(seqB);
    expect(() => a.observe(NaN)).toThrow(NonFiniteValueError);
    expect(() => new TsallisInf(0)).toThrow(InvalidArgumentError);
    expect(() => new TsallisInf(3).observe(1)).toThrow(/before choose/);
  });
});

describe('ContextualLearner', () => {
  it('learns the best arm per context when it varies with the context', () => {
    // arm 0 is cheap for small contexts, arm 2 for large ones, arm 1 never best
    const cost = (arm: number, c: number) => [20 + 60 * c, 50, 80 - 60 * c][arm];
    const L = new ContextualLearner(3, [[0, 1]]);
    const r = rng(5);
    let lateRegret = 0;
    const T = 600;
    for (let t = 0; t < T; t++) {
      const c = r();
      const a = L.choose([c]);
      L.observe(cost(a, c));
      if (t >= T - 200) lateRegret += cost(a, c) - Math.min(cost(0, c), cost(1, c), cost(2, c));
    }
    // the best fixed arm in hindsight (arm 1: 50 on average) loses ~ 15 a round to the per-context best
    expect(lateRegret / 200).toBeLessThan(3);
    expect(L.choose([0.05])).toBe(0);
    expect(L.choose([0.95])).toBe(2);
  });

  it('refuses a context of the wrong length', () => {
    const L = new ContextualLearner(2, [[0, 1], [0, 1]]);
    expect(() => L.choose([0.5])).toThrow(InvalidArgumentError);
  });
});
