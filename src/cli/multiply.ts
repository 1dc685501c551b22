// `sparse-wasm multiply A B`: C = A B with the two-phase SpGEMM, timed (the product alone, file
// reading excluded: median after warm-up).
import { init } from '../runtime/runtime.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { SpgemmProduct, spgemmFlops, type Accumulator } from '../matrix/spgemm.js';
import { drop } from '../matrix/ops.js';
import { writeMatrix } from '../node.js';
import { DimensionMismatchError } from '../errors.js';
import { FileError, choiceOption, numberOption, operands, parseCommandLine, stringOption } from './args.js';
import { GENERATOR_HELP, loadMatrix } from './matrices.js';
import { checkWritable, writeAtomically, writeFailure } from './output.js';
import { runCommand, type Command } from './command.js';

const USAGE = `usage: sparse-wasm multiply A B [-o C.mtx] [--drop-zeros] [--repeat N]
                           [--accumulator auto|hash|dense] [--json]

C = A B (SpGEMM): nnz and time of the product alone (median of N runs after warm-up), its
symbolic and numeric phases, and a numeric-only recompute.

  -o, --output FILE   write C as a Matrix Market coordinate file (gzipped when FILE ends in
                      .gz); checked before the work, replaced only when complete
  --drop-zeros        remove the entries of C that are exactly 0 (products that cancel, as
                      SciPy's A @ B does); by default C keeps every structural entry
  --repeat N          timed runs, 1 to 1000 (default 5)
  --accumulator A     auto (default), hash or dense
  --json              print one JSON object instead of the summary
  -h, --help          this help

A and B are Matrix Market files (.mtx, or gzipped .mtx.gz).
${GENERATOR_HELP.replace('FILE may', 'A or B may')}`;

const ACCUMULATORS = ['auto', 'hash', 'dense'] as const;

function parse(args: string[]) {
  const p = parseCommandLine(args, {
    output: { type: 'string', short: 'o' }, repeat: { type: 'string' }, accumulator: { type: 'string' },
    json: { type: 'boolean' }, 'drop-zeros': { type: 'boolean' },
  });
  const [a, b] = operands(p, 2, 'multiply takes two files: A.mtx B.mtx');
  return {
    a, b, json: p.values.has('json'), dropZeros: p.values.has('drop-zeros'),
    repeat: numberOption(p, 'repeat', 5, { min: 1, max: 1000, integer: true }),
    accumulator: choiceOption(p, 'accumulator', ACCUMULATORS) as Accumulator,
    out: stringOption(p, 'output'),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function countZeros(values: Float64Array): number {
  let z = 0;
  for (let k = 0; k < values.length; k++) if (values[k] === 0) z++;
  return z;
}

async function run(args: string[]): Promise<number> {
  const o = parse(args);
  if (o.out !== undefined) await checkWritable(o.out);
  let A: CsrMatrix | undefined, B: CsrMatrix | undefined, product: SpgemmProduct | undefined, dropped: CsrMatrix | undefined;
  try {
    const rt = await init();
    const t0 = performance.now();
    A = (await loadMatrix(o.a)).matrix;
    B = o.b === o.a ? A : (await loadMatrix(o.b)).matrix;
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
    // exact zeros of the structural product: cancellations (and products with stored zeros)
    const zeros = countZeros(p.matrix.values);
    let dropMs = 0;
    if (o.dropZeros) {
      const s = performance.now();
      dropped = drop(p.matrix, 0);
      dropMs = performance.now() - s;
    }
    const C = dropped ?? p.matrix;
    const ms = median(total);
    const result = {
      a: o.a, b: o.b, rows: C.rows, cols: C.cols, nnz: C.nnz,
      structuralNnz: p.nnz, zeros, dropZeros: o.dropZeros, droppedZeros: o.dropZeros ? p.nnz - C.nnz : 0, dropMs,
      ms, minMs: Math.min(...total), symbolicMs: median(symbolic), numericMs: median(numeric), recomputeMs: median(recompute),
      samples: total.length, flops, gflops: ms > 0 ? (2 * flops) / (ms * 1e6) : 0,
      accumulator: o.accumulator, simd: rt.simd, readMs, output: o.out ?? null,
      outputError: undefined as string | undefined,
    };
    // a failed write still prints the result (with output null), then exits 1
    if (o.out !== undefined) {
      try {
        await writeAtomically(o.out, (path) => writeMatrix(path, C));
      } catch (e) {
        result.output = null;
        result.outputError = writeFailure(o.out, e).message;
      }
    }
    if (o.json) {
      process.stdout.write(JSON.stringify(result) + '\n');
    } else {
      const zeroNote = o.dropZeros
        ? `; ${result.droppedZeros} exact zeros dropped`
        : zeros ? `; ${zeros} of them exactly 0 (--drop-zeros removes them)` : '';
      process.stdout.write(
        `C = A B: ${result.rows} x ${result.cols}, nnz ${result.nnz} (${flops} multiply-adds${zeroNote})\n` +
          `  product      ${ms.toFixed(2)} ms median of ${result.samples} (min ${result.minMs.toFixed(2)}), ${result.gflops.toFixed(2)} GFLOP/s\n` +
          `  phases       symbolic ${result.symbolicMs.toFixed(2)} ms, numeric ${result.numericMs.toFixed(2)} ms; recompute (numeric only) ${result.recomputeMs.toFixed(2)} ms\n` +
          (result.output !== null ? `  wrote        ${result.output}\n` : ''),
      );
    }
    if (result.outputError) throw new FileError(result.outputError);
    return 0;
  } finally {
    dropped?.dispose();
    product?.dispose();
    if (B && B !== A) B.dispose();
    A?.dispose();
  }
}

export const multiply: Command = { name: 'multiply', summary: 'C = A B (SpGEMM), timed', usage: USAGE, run };

/** Runs `multiply` as the CLI does (help, errors as exit codes); resolves to the exit code. */
export function cmdMultiply(args: string[]): Promise<number> {
  return runCommand(multiply, args);
}
