// `sparse-wasm spmv FILE`: times y = A x (median per product after warm-up).
import { init, type SparseRuntime } from '../runtime/runtime.js';
import type { CsrMatrix, SpmvLayout } from '../matrix/csr.js';
import { DenseVector } from '../vector.js';
import { choiceOption, numberOption, operands, parseCommandLine } from './args.js';
import { GENERATOR_HELP, loadMatrix } from './matrices.js';
import type { Command } from './command.js';

const USAGE = `usage: sparse-wasm spmv FILE [--seconds S] [--layout auto|csr|sell] [--json]

Times y = A x: the median time of one product after warm-up, GFLOP/s and GB/s.

  --seconds S   how long to sample (default 1)
  --layout L    auto (default: SELL-8 where it pays), csr or sell
  --json        print one JSON object instead of the summary
  -h, --help    this help

FILE is a Matrix Market file (.mtx, or gzipped .mtx.gz).
${GENERATOR_HELP}`;

const LAYOUTS = ['auto', 'csr', 'sell'] as const;

/** Times y = A x: warm-up (the first large calls run in wasm's baseline tier), then batched samples. */
export function timeSpmv(rt: SparseRuntime, A: CsrMatrix, seconds: number) {
  A.prepareSpmv(); // builds SELL-8 when 'auto' picks it: setup, not product time
  const x = DenseVector.zeros(A.cols);
  const y = DenseVector.zeros(A.rows);
  try {
    const xd = x.data;
    for (let j = 0; j < A.cols; j++) xd[j] = 1 + (j % 7) / 7; // same x as anchors/spmv_c.c
    const warmEnd = performance.now() + Math.min(300, seconds * 300);
    let warm = 0;
    while (warm < 5 || (performance.now() < warmEnd && warm < 200)) { A.multiply(x, y); warm++; }
    let t0 = performance.now();
    A.multiply(x, y);
    const one = performance.now() - t0;
    const batch = one < 2 ? Math.ceil(2 / Math.max(one, 1e-6)) : 1;
    const samples: number[] = [];
    const start = performance.now();
    while ((samples.length < 15 || performance.now() - start < seconds * 1000) && samples.length < 4096) {
      t0 = performance.now();
      for (let b = 0; b < batch; b++) A.multiply(x, y);
      samples.push((performance.now() - t0) / batch);
      if (performance.now() - start > 4 * seconds * 1000) break;
    }
    samples.sort((a, b) => a - b);
    const ms = samples[samples.length >> 1];
    const yd = y.data;
    let checksum = 0;
    for (let i = 0; i < A.rows; i++) checksum += yd[i];
    const layout = A.spmvLayout;
    const stored = layout === 'sell' ? A.spmvStoredEntries() : A.nnz;
    // bytes moved once per product: matrix arrays, x read, y written
    const bytes = 12 * stored + 4 * (A.rows + 1) + 8 * A.cols + 8 * A.rows;
    return {
      rows: A.rows, cols: A.cols, nnz: A.nnz, layout, ms, minMs: samples[0],
      gflops: ms > 0 ? (2 * A.nnz) / (ms * 1e6) : 0,
      gbps: ms > 0 ? bytes / (ms * 1e6) : 0,
      bytesPerProduct: bytes, samples: samples.length, batch, checksum, simd: rt.simd,
    };
  } finally {
    x.dispose();
    y.dispose();
  }
}

export function printSpmv(file: string, r: ReturnType<typeof timeSpmv>): void {
  process.stdout.write(
    `${file}\n  SpMV         ${r.ms.toFixed(4)} ms median (min ${r.minMs.toFixed(4)}, ${r.samples} samples), ` +
      `${r.gflops.toFixed(2)} GFLOP/s, ${r.gbps.toFixed(1)} GB/s (${r.layout.toUpperCase()}${r.simd ? ', SIMD' : ', scalar'})\n`,
  );
}

async function run(args: string[]): Promise<number> {
  const p = parseCommandLine(args, { seconds: { type: 'string' }, layout: { type: 'string' }, json: { type: 'boolean' } });
  const [file] = operands(p, 1, 'spmv takes one FILE.mtx');
  const seconds = numberOption(p, 'seconds', 1, { min: 0, max: 3600 });
  const layout: SpmvLayout = choiceOption(p, 'layout', LAYOUTS);
  const rt = await init();
  const l = await loadMatrix(file, layout);
  try {
    const r = { file: l.source, readMs: l.readMs, ...timeSpmv(rt, l.matrix, seconds) };
    if (p.values.has('json')) process.stdout.write(JSON.stringify(r) + '\n');
    else printSpmv(l.source, r);
  } finally {
    l.matrix.dispose();
  }
  return 0;
}

export const spmv: Command = { name: 'spmv', summary: 'time y = A x', usage: USAGE, run };
