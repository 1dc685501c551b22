// Node-only entry point (`sparse-wasm/node`): file I/O on top of the browser-safe core.
import { readMatrixMarketFile, writeMatrixMarketFile } from './io/matrix-market-node.js';
import { csrFromMatrixMarket, matrixMarketEntries } from './io/csr-io.js';
import type { CsrMatrix, MatrixOptions } from './matrix/csr.js';
import type { MatrixMarketData, WriteOptions } from './io/matrix-market.js';

export { readMatrixMarketFile, writeMatrixMarketFile } from './io/matrix-market-node.js';

/**
 * Reads a Matrix Market file (streamed; `.mtx.gz` and any gzip file decompressed on the fly) into a
 * CsrMatrix; also returns the parsed header.
 */
export async function readMatrix(path: string, options: MatrixOptions = {}): Promise<{ matrix: CsrMatrix; header: MatrixMarketData['header'] }> {
  const data = await readMatrixMarketFile(path);
  return { matrix: csrFromMatrixMarket(data, options), header: data.header };
}

/** Writes A as a Matrix Market coordinate file (streamed; gzip-compressed when the name ends in `.gz`). */
export async function writeMatrix(path: string, A: CsrMatrix, options: WriteOptions = {}): Promise<void> {
  const e = matrixMarketEntries(A, options.symmetry);
  await writeMatrixMarketFile(path, e.rows, e.cols, e.rowIndex, e.colIndex, options.field === 'pattern' ? null : e.values, options);
}
