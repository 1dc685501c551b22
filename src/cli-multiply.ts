// `sparse-wasm multiply A.mtx B.mtx [-o C.mtx] [--json] [--repeat N] [--accumulator auto|hash|dense]`:
// C = A B with the two-phase SpGEMM, timed (the product alone, file reading excluded: median after
// warm-up). Same conventions as src/cli.ts: with --json exactly one JSON object on stdout; errors
// are one line on stderr, exit 1 for file/format errors, 2 for usage. Handles its own errors, so
// it behaves the same however src/cli.ts dispatches to it.
import { init } from './runtime/runtime.js';
import type { CsrMatrix } from './matrix/csr.js';
import { SpgemmProduct, spgemmFlops, type Accumulator } from './matrix/spgemm.js';
import { writeMatrix } from './node.js';
import { DimensionMismatchError, SparseError } from './errors.js';
import { FileError, UsageError, loadMatrix, parseArgs } from './cli-common.js';

export const MULTIPLY_USAGE = `usage:
  sparse-wasm multiply A.mtx B.mtx [-o C.mtx] [--json] [--repeat N] [--accumulator auto|hash|dense]
                                       C = A B (SpGEMM): nnz and time of the product alone
                                       (median of N runs after warm-up, default 5), symbolic and
                                       numeric phases, and a numeric-only recompute
A or B may also be gen:poisson2d:K (the 5-point Laplacian on a K x K grid).`;

function parse(args: string[]) {
  const { positional, flags } = parseArgs(args, ['-o', '--output', '--repeat', '--accumulator'], ['--json']);
  if (flags.has('--output')) flags.set('-o', flags.get('--output')!);
  if (positional.length !== 2) throw new UsageError('multiply takes two files: A.mtx B.mtx');
  const repeatRaw = flags.get('--repeat') ?? '5';
  const repeat = Number(repeatRaw);
  if (typeof repeatRaw !== 'string' || !Number.isInteger(repeat) || repeat < 1 || repeat > 1000) {
    throw new UsageError(`--repeat needs an integer in [1, 1000], got ${String(repeatRaw)}`);
  }
  const acc = flags.get('--accumulator') ?? 'auto';
  if (acc !== 'auto' && acc !== 'hash' && acc !== 'dense') throw new UsageError(`--accumulator must be auto, hash or dense, got ${String(acc)}`);
  const out = flags.get('-o');
  return { a: positional[0], b: positional[1], json: flags.has('--json'), repeat, accumulator: acc as Accumulator, out: typeof out === 'string' ? out : undefined };
}

async function load(file: string): Promise<CsrMatrix> {
  return (await loadMatrix(file)).matrix;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `multiply`; resolves to the exit code. Never throws for user errors. */
export async function cmdMultiply(args: string[]): Promise<number> {
  let A: CsrMatrix | undefined, B: CsrMatrix | undefined, product: SpgemmProduct | undefined;
  try {
    const o = parse(args);
    const rt = await init();
    const t0 = performance.now();
    A = await load(o.a);
    B = o.b === o.a ? A : await load(o.b);
    const readMs = performance.now() - t0;
    if (A.cols !== B.rows) {
      throw new DimensionMismatchError(`cannot multiply ${o.a} (${A.rows} x ${A.cols}) by ${o.b} (${B.rows} x ${B.cols}): inner dimensions differ`);
    }
    const opts = { accumulator: o.accumulator };
    const flops = spgemmFlops(A, B).total;
    // warm-up: the first large call runs in wasm's baseline tier and touches fresh pages
    const warm = Math.min(2, o.repeat);
    for (let w = 0; w < warm; w++) SpgemmProduct.compute(A, B, opts).dispose();
    const total: number[] = [], symbolic: number[] = [], numeric: number[] = [];
    for (let r = 0; r < o.repeat; r++) {
      product?.dispose();
      const s = performance.now();
      product = SpgemmProduct.compute(A, B, opts);
      total.push(performance.now() - s);
      symbolic.push(product.timings.symbolicMs);
      numeric.push(product.timings.numericMs);
    }
    const p = product!;
    const recompute: number[] = [];
    for (let r = 0; r < Math.min(3, o.repeat); r++) {
      const s = performance.now();
      p.recompute(A, B);
      recompute.push(performance.now() - s);
    }
    const ms = median(total);
    const result = {
      a: o.a, b: o.b, rows: p.rows, cols: p.cols, nnz: p.nnz,
      ms, minMs: Math.min(...total), symbolicMs: median(symbolic), numericMs: median(numeric), recomputeMs: median(recompute),
      samples: total.length, flops, gflops: ms > 0 ? (2 * flops) / (ms * 1e6) : 0,
      accumulator: o.accumulator, simd: rt.simd, readMs, output: o.out ?? null,
    };
    if (o.out) {
      try {
        await writeMatrix(o.out, p.matrix);
      } catch (e) {
        if (e instanceof SparseError) throw e;
        throw new FileError(`${o.out}: cannot write (${(e as Error).message})`);
      }
    }
    if (o.json) {
      process.stdout.write(JSON.stringify(result) + '\n');
    } else {
      process.stdout.write(
        `C = A B: ${result.rows} x ${result.cols}, nnz ${result.nnz} (${flops} multiply-adds)\n` +
          `  product      ${ms.toFixed(2)} ms median of ${result.samples} (min ${result.minMs.toFixed(2)}), ${result.gflops.toFixed(2)} GFLOP/s\n` +
          `  phases       symbolic ${result.symbolicMs.toFixed(2)} ms, numeric ${result.numericMs.toFixed(2)} ms; recompute (numeric only) ${result.recomputeMs.toFixed(2)} ms\n` +
          (o.out ? `  wrote        ${o.out}\n` : ''),
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`sparse-wasm: ${e.message}\n${MULTIPLY_USAGE}\n`);
      return 2;
    }
    if (e instanceof SparseError || e instanceof FileError) {
      process.stderr.write(`sparse-wasm: ${e.message.split('\n')[0]}\n`);
      return 1;
    }
    process.stderr.write(`sparse-wasm: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    return 70;
  } finally {
    product?.dispose();
    if (B && B !== A) B.dispose();
    A?.dispose();
  }
}
