// `sparse-wasm` with no command: info, SpMV speed and a solve of A x = A * ones on a generated
// 2D Poisson matrix and on the real matrix shipped with the package.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { init } from '../runtime/runtime.js';
import { SolverSession } from '../session/session.js';
import { UsageError, numberOption, parseCommandLine } from './args.js';
import { loadMatrix } from './matrices.js';
import { infoOf, printInfo } from './info.js';
import { printSpmv, timeSpmv } from './spmv.js';
import { printSolve, progress, solveSummary } from './solve.js';

/** The package root: src/cli/ or dist/cli/ is two levels below it. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The real matrix shipped with the package for the default job (source in data/README.md). */
const BUNDLED = path.join(packageRoot, 'data', '1138_bus.mtx');
const DEFAULT_POISSON_K = 500;

export async function runDefaultJob(args: string[]): Promise<number> {
  const p = parseCommandLine(args, { seconds: { type: 'string' }, json: { type: 'boolean' } });
  if (p.positional.length) throw new UsageError(`unknown command "${p.positional[0]}"`);
  const seconds = numberOption(p, 'seconds', 1, { min: 0, max: 3600 });
  const json = p.values.has('json');
  const rt = await init();
  const out: Record<string, unknown>[] = [];
  for (const file of [`gen:poisson2d:${DEFAULT_POISSON_K}`, BUNDLED]) {
    const l = await loadMatrix(file);
    try {
      const info = infoOf(l);
      const spmv = timeSpmv(rt, l.matrix, seconds);
      const A = l.matrix;
      const b = A.multiply(new Float64Array(A.cols).fill(1));
      const session = new SolverSession(A);
      let solve;
      try {
        const bar = progress(!json);
        const r = session.solve(b, undefined, { onIteration: bar.onIteration });
        bar.done();
        solve = solveSummary(r, session);
      } finally {
        session.dispose();
      }
      out.push({ ...info, spmv, solve });
      if (!json) {
        printInfo(info);
        printSpmv('', spmv);
        printSolve(solve);
      }
    } finally {
      l.matrix.dispose();
    }
  }
  if (json) process.stdout.write(JSON.stringify({ simd: rt.simd, matrices: out }) + '\n');
  return 0;
}
