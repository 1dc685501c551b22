// The order a generated sweep is given in (the test repeats the page's runs in Node with it).

/** A seeded shuffle of 0..count-1 (LCG + Fisher-Yates): input i is the sweep's system order[i]. */
export function shuffledOrder(count: number, seed = 12345): number[] {
  const p = Array.from({ length: count }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = count - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** The page's four runs of a sequence: given order or sorted, without (k = 0) or with recycling. */
export function sequenceRuns(recycle: number): { label: string; sort: 'none' | 'greedy'; recycle: number }[] {
  return [
    { label: 'given order, no recycling', sort: 'none', recycle: 0 },
    { label: `given order, recycling ${recycle}`, sort: 'none', recycle },
    { label: 'sorted, no recycling', sort: 'greedy', recycle: 0 },
    { label: `sorted, recycling ${recycle}`, sort: 'greedy', recycle },
  ];
}
