// `sparse-wasm info FILE`: shape, entries, symmetry, diagonal, dominance, bandwidth.
import { init } from '../runtime/runtime.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { matrixProperties } from '../matrix/properties.js';
import { operands, parseCommandLine } from './args.js';
import { GENERATOR_HELP, loadMatrix, type LoadedMatrix } from './matrices.js';
import type { Command } from './command.js';

const USAGE = `usage: sparse-wasm info FILE [--json]

Shape, stored entries, declared and numerical symmetry, the diagonal (how many of its
min(rows, cols) entries are stored, and their signs), diagonal dominance and bandwidth.

  --json       print one JSON object instead of the summary
  -h, --help   this help

FILE is a Matrix Market file (.mtx, or gzipped .mtx.gz).
${GENERATOR_HELP}`;

/** The stored diagonal entries by sign; `length` = min(rows, cols). */
export function diagonalFacts(A: CsrMatrix) {
  const rp = A.rowPtr, ci = A.colIdx, v = A.values;
  const length = Math.min(A.rows, A.cols);
  let present = 0, positive = 0, negative = 0, zero = 0;
  for (let i = 0; i < length; i++) {
    for (let p = rp[i]; p < rp[i + 1]; p++) {
      if (ci[p] !== i) continue;
      present++;
      const a = v[p];
      if (a > 0) positive++;
      else if (a < 0) negative++;
      else zero++;
      break;
    }
  }
  return { length, present, positive, negative, zero };
}

export function infoOf(l: LoadedMatrix) {
  const p = matrixProperties(l.matrix);
  return {
    file: l.source,
    generated: l.generated,
    format: l.header.format,
    field: l.header.field,
    symmetry: l.header.symmetry,
    storedEntries: l.header.storedEntries,
    ...p,
    diagonal: diagonalFacts(l.matrix),
  };
}

/** "4 of 85 present (81 missing), all 4 positive", or the counts by sign when they differ. */
function describeDiagonal(d: ReturnType<typeof diagonalFacts>): string {
  if (d.length === 0) return 'empty (no rows or no columns)';
  const where = d.present === d.length ? `all ${d.length} present` : `${d.present} of ${d.length} present (${d.length - d.present} missing)`;
  if (d.present === 0) return where;
  const signs = [[d.positive, 'positive'], [d.negative, 'negative'], [d.zero, 'zero']] as const;
  const one = signs.find(([n]) => n === d.present);
  const these = d.present === d.length ? 'all' : `all ${d.present}`;
  const how = one ? `${these} ${one[1]}` : signs.filter(([n]) => n > 0).map(([n, s]) => `${n} ${s}`).join(', ');
  return `${where}, ${how}`;
}

export function printInfo(o: ReturnType<typeof infoOf>): void {
  const entries = o.generated
    ? `generated; ${o.explicitZeros} explicit zeros`
    : `${o.storedEntries} stored in the file; ${o.explicitZeros} explicit zeros`;
  const declared = o.generated ? 'symmetric by construction' : `${o.symmetry} (declared)`;
  const lines = [
    `${o.file}`,
    `  shape        ${o.rows} x ${o.cols}, nnz ${o.nnz} (${entries})`,
    `  symmetry     ${declared}; numerically symmetric: ${o.numericallySymmetric ? 'yes' : 'no'}, pattern symmetric: ${o.patternSymmetric ? 'yes' : 'no'}`,
    `  diagonal     ${describeDiagonal(o.diagonal)}; dominance ${o.diagonalDominance} (${o.strictlyDominantRows} strictly, ${o.weaklyDominantRows} weakly dominant rows)`,
    `  bandwidth    ${o.bandwidth} (lower ${o.lowerBandwidth}, upper ${o.upperBandwidth}); ${o.emptyRows} empty rows`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function run(args: string[]): Promise<number> {
  const p = parseCommandLine(args, { json: { type: 'boolean' } });
  const [file] = operands(p, 1, 'info takes one FILE.mtx');
  await init();
  const l = await loadMatrix(file);
  try {
    const o = infoOf(l);
    if (p.values.has('json')) process.stdout.write(JSON.stringify(o) + '\n');
    else printInfo(o);
  } finally {
    l.matrix.dispose();
  }
  return 0;
}

export const info: Command = { name: 'info', summary: 'shape, nnz, symmetry, diagonal, dominance, bandwidth', usage: USAGE, run };
