import { beforeAll, describe, expect, it } from 'vitest';
import { init, CsrMatrix } from '../src/index.js';
import { SolverSession } from '../src/session/session.js';
import { RecyclePolicy, type RecycleDecision } from '../src/session/recycle-policy.js';
import { InvalidArgumentError } from '../src/errors.js';

beforeAll(async () => {
  await init();
});

/**
 * Runs `count` solves under a synthetic cost model: a solve costs iterations x ms per iteration,
 * both given per solve index for each choice; the clock advances by exactly that (no timing).
 */
function simulate(
  policy: RecyclePolicy, clock: { t: number }, count: number,
  model: (i: number, recycled: boolean) => { iterations: number; msPerIteration: number },
): RecycleDecision[] {
  const out: RecycleDecision[] = [];
  for (let i = 0; i < count; i++) {
    const on = policy.begin();
    const { iterations, msPerIteration } = model(i, on);
    clock.t += iterations * msPerIteration;
    out.push(policy.end(iterations));
  }
  return out;
}

describe('RecyclePolicy (synthetic cost model, injected clock)', () => {
  it('keeps recycling where it pays: fewer iterations outweigh the dearer iteration', () => {
    const clock = { t: 0 };
    const p = new RecyclePolicy({ clock: () => clock.t, probeEvery: 5 });
    // without: 200 iterations at 0.1 ms (20 ms); with: 120 at 0.13 ms (15.6 ms); the first solve
    // has no space yet: it runs as without recycling (the model's i === 0)
    const d = simulate(p, clock, 12, (i, on) => (on && i > 0 ? { iterations: 120, msPerIteration: 0.13 } : { iterations: 200, msPerIteration: 0.1 }));
    // the first solve is the measurement without recycling: no solve is spent on a probe of it
    // until the back-off interval (5 x the lag 20 / 15.6) has passed
    expect(d.map((x) => x.state)).toEqual(['warm-up', 'probe', 'on', 'on', 'on', 'on', 'on', 'on', 'probe', 'on', 'on', 'on']);
    expect(d.map((x) => x.recycled)).toEqual([true, true, true, true, true, true, true, true, false, true, true, true]);
    const last = d[d.length - 1];
    expect(last.reason).toMatch(/^recycling pays: predicted 15\.6 ms a solve with recycling \(120 iterations x 0\.130 ms\) against 20\.0 ms without \(200 x 0\.100 ms\)/);
    expect(last.msPerIteration.on).toBeCloseTo(0.13, 12);
    expect(last.iterations.off).toBe(200);
    expect(last.iterations.on).toBeCloseTo(120, 9);
  });

  it('switches recycling off where it does not pay (strong preconditioner, few iterations), and probes it again', () => {
    const clock = { t: 0 };
    const p = new RecyclePolicy({ clock: () => clock.t, probeEvery: 4 });
    // without: 25 iterations at 1 ms; with: 23 at 1.4 ms (Belos GCRO-DR's case: the overhead wins)
    const d = simulate(p, clock, 40, (i, on) => (on && i > 0 ? { iterations: 23, msPerIteration: 1.4 } : { iterations: 25, msPerIteration: 1 }));
    // one solve with recycling (after the first, which measured the solve without it), then off
    // until probes whose intervals double while they confirm the choice (4 x lag, 8 x lag, ...)
    const probes = d.flatMap((x, i) => (x.state === 'probe' ? [i] : []));
    expect(d.slice(0, 3).map((x) => `${x.state}:${x.recycled ? 1 : 0}`)).toEqual(['warm-up:1', 'probe:1', 'off:0']);
    expect(probes).toEqual([1, 7, 18, 39]);
    for (const i of probes.slice(1)) expect(d[i].recycled).toBe(true); // the probe tries recycling again
    expect(d.filter((x) => x.recycled).length).toBe(5); // 2 + 3 probes of 40 solves
    expect(d[2].reason).toMatch(/^recycling does not pay: predicted 32\.2 ms a solve with recycling \(23 iterations x 1\.40 ms\) against 25\.0 ms without \(25 x 1\.00 ms\)/);
    expect(p.recycling).toBe(false);
  });

  it('switches back on when the sequence changes and recycling starts to pay (seen at a probe)', () => {
    const clock = { t: 0 };
    const p = new RecyclePolicy({ clock: () => clock.t, warmup: 1, probeEvery: 3, weight: 1 });
    // until solve 6 recycling saves nothing; from then on it halves the iterations
    const d = simulate(p, clock, 24, (i, on) => (on ? { iterations: i < 6 ? 50 : 20, msPerIteration: 1.2 } : { iterations: 50, msPerIteration: 1 }));
    const states = d.map((x) => `${x.state}:${x.recycled ? 1 : 0}`);
    // the first solve measures the solve without recycling, the second recycling
    expect(states.slice(0, 3)).toEqual(['warm-up:1', 'probe:1', 'off:0']);
    // the first probe after the change measures 20 x 1.2 < 50 x 1 and the choice flips to on
    const flip = d.findIndex((x, i) => i >= 6 && x.state === 'probe' && x.recycled);
    expect(flip).toBeGreaterThan(0);
    expect(d[flip + 1].state).toBe('on');
    expect(d[flip + 1].recycled).toBe(true);
    expect(p.recycling).toBe(true);
  });

  it('compares the two choices on recent figures when iterations drift along the sequence', () => {
    const clock = { t: 0 };
    const p = new RecyclePolicy({ clock: () => clock.t });
    // both choices get cheaper solve by solve (a Galerkin guess improving); recycling always saves 40%
    // of the iterations at 1.3x the cost of one: 0.78x the time at every solve
    const d = simulate(p, clock, 24, (i, on) => {
      const off = 200 - 6 * i;
      return on ? { iterations: Math.round(0.6 * off), msPerIteration: 0.13 } : { iterations: off, msPerIteration: 0.1 };
    });
    expect(d.filter((x) => x.state === 'off')).toEqual([]);
    expect(d.slice(3).every((x) => x.recycled || x.state === 'probe')).toBe(true);
  });

  it('refuses bad options and end() without begin()', () => {
    expect(() => new RecyclePolicy({ warmup: 0 })).toThrow(InvalidArgumentError);
    expect(() => new RecyclePolicy({ probeEvery: 1 })).toThrow(/probeEvery must be an integer >= 2/);
    expect(() => new RecyclePolicy({ weight: 0 })).toThrow(/weight must be in/);
    expect(() => new RecyclePolicy().end(3)).toThrow(/without begin/);
  });
});

describe("recycle: 'auto' in a session", () => {
  function poisson(N: number, c: number): CsrMatrix {
    const rows: number[] = [], cols: number[] = [], vals: number[] = [];
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
      const p = i * N + j;
      rows.push(p); cols.push(p); vals.push(4 + c);
      for (const [a, b] of [[i - 1, j], [i + 1, j], [i, j - 1], [i, j + 1]]) if (a >= 0 && a < N && b >= 0 && b < N) { rows.push(p); cols.push(a * N + b); vals.push(-1); }
    }
    return CsrMatrix.fromCoo(N * N, N * N, rows, cols, vals);
  }

  for (const method of ['rcg', 'gcrodr'] as const) {
    it(`${method}: every result carries recycleDecision; the first solve builds the space, the second tries it, all converge`, () => {
      const A = poisson(12, 0.01);
      const s = new SolverSession(A, { method, precond: 'jacobi', recycle: 'auto', ...(method === 'rcg' ? { deflate: true } : { restart: 20 }) });
      const b = new Float64Array(A.rows).fill(1);
      const results = [0, 1, 2, 3].map((i) => s.solve(b.map((v, j) => v + Math.sin(i + j))));
      // the first solve builds the space (and measures the solve without recycling), the second
      // tries recycling; then the cheaper choice
      const st = results.map((r) => r.recycleDecision!.state);
      expect(st.slice(0, 2)).toEqual(['warm-up', 'probe']);
      expect(results.map((r) => r.recycleDecision!.recycled).slice(0, 2)).toEqual([true, true]);
      for (const r of results.slice(2)) expect(r.recycleDecision!.state).toBe(r.recycleDecision!.recycled ? 'on' : 'off');
      for (const r of results) expect(r.converged).toBe(true);
      // the first solve had no space to use, the second used it; a solve without recycling used none
      expect(results[0].recycle!.used).toBe(0);
      expect(results[1].recycle!.used).toBeGreaterThan(0);
      for (const r of results.slice(2)) if (!r.recycleDecision!.recycled) expect(r.recycle!.used).toBe(0);
      expect(results[3].recycleDecision!.reason).toMatch(/ms a solve with recycling/);
      // the method's own k under 'auto' (recycled CG: 4, GCRO-DR: 10, + 1 for a complex pair)
      expect(s.recycle!.capacity).toBe(method === 'rcg' ? 4 : 11);
      s.dispose(); A.dispose();
    });
  }

  it('a fixed recycle: k reports no decision', () => {
    const A = poisson(6, 0.1);
    const s = new SolverSession(A, { method: 'rcg', precond: 'none', recycle: 2 });
    expect(s.solve(new Float64Array(A.rows).fill(1)).recycleDecision).toBeUndefined();
    s.dispose(); A.dispose();
  });
});
