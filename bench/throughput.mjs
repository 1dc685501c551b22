// Throughput benchmarks (issue 10), side by side in one run. Each section is a module of
// bench/throughput/ exporting `async run({ quick }) -> { title, rows, notes }` (and runnable on
// its own): pool.mjs (worker pool: systems/s without a pool, with 1 and 2 workers; pool overhead),
// block.mjs (solveMany with k right-hand sides), threads.mjs (the threads build). A section whose
// file is absent is reported as such, not an error.
// Usage: npm run build && node bench/throughput.mjs [--quick] [--only pool,block,threads] [--json FILE]
// --quick: a CI smoke run (few systems; the figures mean nothing). Quote ratios from one run on an
// idle machine: the 2-worker figures need two free cores.
import { parseArgs } from 'node:util';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const SECTIONS = ['pool', 'block', 'threads'];
const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: SECTIONS.join(',') },
    json: { type: 'string' },
  },
});
const wanted = opts.only.split(',').map((s) => s.trim()).filter(Boolean);
for (const w of wanted) if (!SECTIONS.includes(w)) throw new Error(`--only: unknown section ${w} (known: ${SECTIONS.join(', ')})`);

const out = {
  node: process.version, cpus: os.cpus().length, load: os.loadavg().map((x) => Number(x.toFixed(2))),
  quick: opts.quick, date: new Date().toISOString(), sections: {},
};
console.log(`throughput benchmarks: node ${out.node}, ${out.cpus} cpus, load ${out.load.join(' ')}${opts.quick ? ', --quick (smoke run: the figures mean nothing)' : ''}`);
let failed = false;
for (const name of wanted) {
  const file = fileURLToPath(new URL(`./throughput/${name}.mjs`, import.meta.url));
  if (!existsSync(file)) {
    console.log(`\n## ${name}: bench/throughput/${name}.mjs is not there (section skipped)`);
    out.sections[name] = { skipped: 'absent' };
    continue;
  }
  const t0 = performance.now();
  try {
    const section = await import(file);
    const r = await section.run({ quick: opts.quick });
    console.log(`\n## ${r.title} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    console.table(r.rows);
    for (const n of r.notes ?? []) console.log(`- ${n}`);
    out.sections[name] = r;
  } catch (e) {
    failed = true;
    console.error(`\n## ${name}: failed: ${e?.stack ?? e}`);
    out.sections[name] = { error: String(e?.message ?? e) };
  }
}
if (opts.json) writeFileSync(opts.json, JSON.stringify(out, null, 2) + '\n');
if (failed) process.exitCode = 1;
