// Small dense linear algebra for the recycling methods (matrices of size m or m + k, m ~ 10..100):
// eigenpairs of a real nonsymmetric matrix, a rank-revealing QR, triangular solves. Plain JS on
// column-major Float64Arrays (entry (i, j) of a matrix with leading dimension ld is a[i + j * ld]).
// The sizes are small enough that clarity beats blocking; everything is O(size^3) at most.

const EPS = 2.220446049250313e-16;

/** |a + i b| without Math.hypot's cost where the squares cannot overflow or underflow */
function mod(a: number, b: number): number {
  const s = Math.abs(a) + Math.abs(b);
  return s > 1e-150 && s < 1e150 ? Math.sqrt(a * a + b * b) : Math.hypot(a, b);
}

/** ||v[from..to)||_2, scaled only when the plain sum of squares is out of the safe range */
function norm2(v: Float64Array, from: number, to: number): number {
  let sq = 0;
  for (let i = from; i < to; i++) sq += v[i] * v[i];
  if (sq > 1e-290 && sq < 1e290) return Math.sqrt(sq);
  let h = 0;
  for (let i = from; i < to; i++) h = Math.hypot(h, v[i]);
  return h;
}

/** Eigenvalues (re, im) and unit eigenvectors (columns of vr + i vi, n x n column-major). */
export interface Eigen {
  re: Float64Array;
  im: Float64Array;
  vr: Float64Array;
  vi: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of a real n x n matrix (column-major, not modified). Householder
 * reduction to Hessenberg form, then the complex Schur form T = Z^H A Z by single-shift QR with
 * Wilkinson shifts (complex arithmetic, so complex-conjugate pairs need no 2 x 2 blocks), then the
 * eigenvectors of T by back substitution, mapped back by Z. `select` (given the eigenvalues)
 * names the eigenvectors wanted (default all; the others are left 0). Throws if QR does not
 * converge (30 n sweeps: not seen on any matrix, a guard against a hang).
 */
export function eig(A: Float64Array, n: number, select?: (re: Float64Array, im: Float64Array) => readonly number[]): Eigen {
  // Hessenberg reduction H = Q^T A Q, Q accumulated
  const h = Float64Array.from(A.subarray(0, n * n));
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i + i * n] = 1;
  const v = new Float64Array(n);
  for (let c = 0; c < n - 2; c++) {
    let alpha = norm2(h, c + 1 + c * n, n + c * n);
    if (alpha === 0) continue;
    const x0 = h[c + 1 + c * n];
    if (x0 > 0) alpha = -alpha; // v = x - alpha e1 without cancellation
    v.fill(0);
    for (let i = c + 1; i < n; i++) v[i] = h[i + c * n];
    v[c + 1] -= alpha;
    let vv = 0;
    for (let i = c + 1; i < n; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    const tau = 2 / vv;
    // H = (I - tau v v^T) H (I - tau v v^T); Q = Q (I - tau v v^T)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = c + 1; i < n; i++) s += v[i] * h[i + j * n];
      s *= tau;
      for (let i = c + 1; i < n; i++) h[i + j * n] -= s * v[i];
    }
    for (const m of [h, q]) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = c + 1; j < n; j++) s += m[i + j * n] * v[j];
        s *= tau;
        for (let j = c + 1; j < n; j++) m[i + j * n] -= s * v[j];
      }
    }
    for (let i = c + 2; i < n; i++) h[i + c * n] = 0;
  }
  // complex Schur form by shifted QR on the Hessenberg matrix; with `select`, eigenvalues only
  // (rotations restricted to the active window, no Z), the chosen vectors then by inverse iteration
  const few = select !== undefined;
  const hess = few ? h.slice() : h;
  const tr = h, ti = new Float64Array(n * n);
  const zr = q, zi = new Float64Array(few ? 0 : n * n);
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.abs(tr[i]));
  const cs = new Float64Array(n), sr = new Float64Array(n), si = new Float64Array(n);
  let hi = n - 1, its = 0, total = 0;
  while (hi > 0) {
    let lo = hi;
    while (lo > 0) {
      const off = mod(tr[lo + (lo - 1) * n], ti[lo + (lo - 1) * n]);
      const diag = mod(tr[lo - 1 + (lo - 1) * n], ti[lo - 1 + (lo - 1) * n]) + mod(tr[lo + lo * n], ti[lo + lo * n]);
      if (off <= EPS * (diag || norm) || off === 0) {
        tr[lo + (lo - 1) * n] = 0;
        ti[lo + (lo - 1) * n] = 0;
        break;
      }
      lo--;
    }
    if (lo === hi) { hi--; its = 0; continue; }
    if (++total > 30 * n) throw new Error(`eig: QR iteration did not converge (size ${n})`);
    its++;
    // Wilkinson shift: the eigenvalue of the trailing 2 x 2 block nearer its last diagonal entry
    const p = hi - 1;
    const ar = tr[p + p * n], ai = ti[p + p * n], br = tr[p + hi * n], bi = ti[p + hi * n];
    const cr = tr[hi + p * n], ci = ti[hi + p * n], dr = tr[hi + hi * n], di = ti[hi + hi * n];
    let mr: number, mi: number;
    if (its % 11 === 10) {
      // exceptional shift: breaks the rare cycles of the plain shift
      mr = dr + 0.75 * mod(cr, ci);
      mi = di;
    } else {
      const hr = 0.5 * (ar - dr), hi2 = 0.5 * (ai - di);
      // disc = h^2 + b c
      const [sqr, sqi] = csqrt(hr * hr - hi2 * hi2 + br * cr - bi * ci, 2 * hr * hi2 + br * ci + bi * cr);
      // eigenvalues: (a + d)/2 +- sqrt(disc) = d + h +- sqrt
      const e1r = dr + hr + sqr, e1i = di + hi2 + sqi, e2r = dr + hr - sqr, e2i = di + hi2 - sqi;
      if (mod(e1r - dr, e1i - di) <= mod(e2r - dr, e2i - di)) { mr = e1r; mi = e1i; } else { mr = e2r; mi = e2i; }
    }
    for (let i = lo; i <= hi; i++) { tr[i + i * n] -= mr; ti[i + i * n] -= mi; }
    // QR of the shifted window by Givens rotations G_k = [c s; -conj(s) c] on rows k, k+1
    for (let k = lo; k < hi; k++) {
      const xr = tr[k + k * n], xi = ti[k + k * n], yr = tr[k + 1 + k * n], yi = ti[k + 1 + k * n];
      const ax = mod(xr, xi), nrm = mod(ax, mod(yr, yi));
      let c: number, s1: number, s2: number;
      if (nrm === 0) { c = 1; s1 = 0; s2 = 0; }
      else if (ax === 0) { c = 0; s1 = 1; s2 = 0; }
      else {
        c = ax / nrm;
        // s = (x/|x|) conj(y) / nrm
        const ur = xr / ax, ui = xi / ax;
        s1 = (ur * yr + ui * yi) / nrm;
        s2 = (ui * yr - ur * yi) / nrm;
      }
      cs[k] = c; sr[k] = s1; si[k] = s2;
      const lastCol = few ? hi + 1 : n;
      for (let j = k; j < lastCol; j++) {
        const pr = tr[k + j * n], pi = ti[k + j * n], qr = tr[k + 1 + j * n], qi = ti[k + 1 + j * n];
        tr[k + j * n] = c * pr + s1 * qr - s2 * qi;
        ti[k + j * n] = c * pi + s1 * qi + s2 * qr;
        // -conj(s) p + c q
        tr[k + 1 + j * n] = -(s1 * pr + s2 * pi) + c * qr;
        ti[k + 1 + j * n] = -(s1 * pi - s2 * pr) + c * qi;
      }
    }
    // R Q: columns k, k+1 times G_k^H = [c -s; conj(s) c]; the same on Z
    for (let k = lo; k < hi; k++) {
      const c = cs[k], s1 = sr[k], s2 = si[k];
      if (few) rotateColumns(tr, ti, n, k, Math.min(k + 2, hi) + 1, c, s1, s2, lo);
      else {
        rotateColumns(tr, ti, n, k, Math.min(k + 2, hi) + 1, c, s1, s2);
        rotateColumns(zr, zi, n, k, n, c, s1, s2);
      }
    }
    for (let i = lo; i <= hi; i++) { tr[i + i * n] += mr; ti[i + i * n] += mi; }
  }
  // eigenvectors of the triangular T, then x = Z y
  const re = new Float64Array(n), im = new Float64Array(n);
  const vr = new Float64Array(n * n), vi = new Float64Array(n * n);
  const yr = new Float64Array(n), yi = new Float64Array(n);
  let tnorm = 0;
  for (let j = 0; j < n; j++) for (let i = 0; i <= j; i++) tnorm = Math.max(tnorm, mod(tr[i + j * n], ti[i + j * n]));
  const small = Math.max(EPS * tnorm, Number.MIN_VALUE);
  for (let j = 0; j < n; j++) {
    re[j] = tr[j + j * n];
    im[j] = ti[j + j * n];
  }
  if (few) {
    // eigenvectors only where asked (harmonic Ritz needs k of them): inverse iteration on the
    // Hessenberg matrix, mapped back by Q
    const work = eigenvectorWork(n); // shared by the calls: ~2 n^2 values each would be garbage
    for (const j of select(re, im)) hessenbergEigenvector(hess, q, n, re[j], im[j], norm, vr, vi, j, work);
    return { re, im, vr, vi };
  }
  for (let j = 0; j < n; j++) {
    const lr = re[j], li = im[j];
    yr.fill(0);
    yi.fill(0);
    yr[j] = 1;
    for (let i = j - 1; i >= 0; i--) {
      let s1 = 0, s2 = 0;
      for (let l = i + 1; l <= j; l++) {
        const a = tr[i + l * n], b = ti[i + l * n];
        s1 += a * yr[l] - b * yi[l];
        s2 += a * yi[l] + b * yr[l];
      }
      let d1 = tr[i + i * n] - lr, d2 = ti[i + i * n] - li;
      // a repeated eigenvalue: perturb the pivot (the vector is then nearly parallel to another)
      if (mod(d1, d2) < small) { d1 = small; d2 = 0; }
      const dd = d1 * d1 + d2 * d2;
      // y_i = -s / d
      yr[i] = -(s1 * d1 + s2 * d2) / dd;
      yi[i] = -(s2 * d1 - s1 * d2) / dd;
      const big = mod(yr[i], yi[i]);
      if (big > 1e100) for (let l = i; l <= j; l++) { yr[l] /= big; yi[l] /= big; }
    }
    for (let i = 0; i < n; i++) {
      let s1 = 0, s2 = 0;
      for (let l = 0; l <= j; l++) {
        const a = zr[i + l * n], b = zi[i + l * n];
        s1 += a * yr[l] - b * yi[l];
        s2 += a * yi[l] + b * yr[l];
      }
      vr[i + j * n] = s1;
      vi[i + j * n] = s2;
    }
    const nn = mod(norm2(vr, j * n, (j + 1) * n), norm2(vi, j * n, (j + 1) * n));
    for (let i = 0; i < n; i++) { vr[i + j * n] /= nn; vi[i + j * n] /= nn; }
  }
  return { re, im, vr, vi };
}

/** Columns k, k+1 (rows 0..rows-1) of the complex matrix (mr, mi) times G^H = [c -s; conj(s) c]. */
function rotateColumns(mr: Float64Array, mi: Float64Array, n: number, k: number, rows: number, c: number, s1: number, s2: number, from = 0): void {
  const a = k * n, b = (k + 1) * n;
  for (let i = from; i < rows; i++) {
    const pr = mr[i + a], pi = mi[i + a], qr = mr[i + b], qi = mi[i + b];
    // p c + q conj(s)
    mr[i + a] = c * pr + qr * s1 + qi * s2;
    mi[i + a] = c * pi + qi * s1 - qr * s2;
    // -p s + q c
    mr[i + b] = -(pr * s1 - pi * s2) + c * qr;
    mi[i + b] = -(pr * s2 + pi * s1) + c * qi;
  }
}

/**
 * Column j of (vr, vi): the unit eigenvector of A = Q H Q^T for the eigenvalue (mr, mi), by three
 * steps of inverse iteration with H - mu I (upper Hessenberg: Gaussian elimination with partial
 * pivoting between neighbouring rows, O(n^2)); a pivot below eps ||H|| is replaced by that value,
 * which is what makes the solve amplify the eigenvector.
 */
function hessenbergEigenvector(H: Float64Array, Q: Float64Array, n: number, mr: number, mi: number, norm: number, vr: Float64Array, vi: Float64Array, j: number,
  work: ReturnType<typeof eigenvectorWork>): void {
  const { ar, ai, swap, lr, li, xr, xi } = work;
  ar.set(H.subarray(0, n * n));
  ai.fill(0);
  swap.fill(0);
  for (let i = 0; i < n; i++) { ar[i + i * n] -= mr; ai[i + i * n] -= mi; }
  const tiny = Math.max(EPS * norm, Number.MIN_VALUE);
  for (let k = 0; k < n - 1; k++) {
    if (mod(ar[k + 1 + k * n], ai[k + 1 + k * n]) > mod(ar[k + k * n], ai[k + k * n])) {
      swap[k] = 1;
      for (let c = k; c < n; c++) {
        const t1 = ar[k + c * n], t2 = ai[k + c * n];
        ar[k + c * n] = ar[k + 1 + c * n]; ai[k + c * n] = ai[k + 1 + c * n];
        ar[k + 1 + c * n] = t1; ai[k + 1 + c * n] = t2;
      }
    }
    let pr = ar[k + k * n], pi = ai[k + k * n];
    if (mod(pr, pi) < tiny) { pr = tiny; pi = 0; ar[k + k * n] = pr; ai[k + k * n] = 0; }
    // l = a_{k+1,k} / pivot
    const qr = ar[k + 1 + k * n], qi = ai[k + 1 + k * n], dd = pr * pr + pi * pi;
    const l1 = (qr * pr + qi * pi) / dd, l2 = (qi * pr - qr * pi) / dd;
    lr[k] = l1; li[k] = l2;
    for (let c = k + 1; c < n; c++) {
      const ur = ar[k + c * n], ui = ai[k + c * n];
      ar[k + 1 + c * n] -= l1 * ur - l2 * ui;
      ai[k + 1 + c * n] -= l1 * ui + l2 * ur;
    }
  }
  if (mod(ar[n - 1 + (n - 1) * n], ai[n - 1 + (n - 1) * n]) < tiny) { ar[n - 1 + (n - 1) * n] = tiny; ai[n - 1 + (n - 1) * n] = 0; }
  xr.fill(1);
  xi.fill(0);
  for (let step = 0; step < 3; step++) {
    for (let k = 0; k < n - 1; k++) {
      if (swap[k]) {
        let t = xr[k]; xr[k] = xr[k + 1]; xr[k + 1] = t;
        t = xi[k]; xi[k] = xi[k + 1]; xi[k + 1] = t;
      }
      xr[k + 1] -= lr[k] * xr[k] - li[k] * xi[k];
      xi[k + 1] -= lr[k] * xi[k] + li[k] * xr[k];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s1 = xr[i], s2 = xi[i];
      for (let c = i + 1; c < n; c++) {
        const a = ar[i + c * n], b = ai[i + c * n];
        s1 -= a * xr[c] - b * xi[c];
        s2 -= a * xi[c] + b * xr[c];
      }
      const d1 = ar[i + i * n], d2 = ai[i + i * n], dd = d1 * d1 + d2 * d2;
      xr[i] = (s1 * d1 + s2 * d2) / dd;
      xi[i] = (s2 * d1 - s1 * d2) / dd;
    }
    const nn = mod(norm2(xr, 0, n), norm2(xi, 0, n));
    for (let i = 0; i < n; i++) { xr[i] /= nn; xi[i] /= nn; }
  }
  for (let i = 0; i < n; i++) {
    let s1 = 0, s2 = 0;
    for (let l = 0; l < n; l++) { s1 += Q[i + l * n] * xr[l]; s2 += Q[i + l * n] * xi[l]; }
    vr[i + j * n] = s1;
    vi[i + j * n] = s2;
  }
  const nn = mod(norm2(vr, j * n, (j + 1) * n), norm2(vi, j * n, (j + 1) * n));
  for (let i = 0; i < n; i++) { vr[i + j * n] /= nn; vi[i + j * n] /= nn; }
}

/** scratch of hessenbergEigenvector for size n */
function eigenvectorWork(n: number) {
  return {
    ar: new Float64Array(n * n), ai: new Float64Array(n * n), swap: new Uint8Array(n),
    lr: new Float64Array(n), li: new Float64Array(n), xr: new Float64Array(n), xi: new Float64Array(n),
  };
}

function csqrt(a: number, b: number): [number, number] {
  const r = Math.hypot(a, b);
  if (r === 0) return [0, 0];
  const s = Math.sqrt(0.5 * (r + Math.abs(a)));
  return a >= 0 ? [s, b / (2 * s)] : [Math.abs(b) / (2 * s), b >= 0 ? s : -s];
}

/**
 * A real basis (n x count, column-major) of the span of the eigenvectors `pick` (indices into
 * `e`): a real eigenvalue gives one real vector (its phase removed), a complex one gives its real
 * and imaginary parts, which span it together with its conjugate (so the conjugate must not be
 * picked as well). Returns the basis and its column count.
 */
export function realEigenBasis(e: Eigen, n: number, pick: readonly number[], isComplex: (j: number) => boolean): { P: Float64Array; count: number } {
  let count = 0;
  for (const j of pick) count += isComplex(j) ? 2 : 1;
  const P = new Float64Array(n * count);
  let c = 0;
  for (const j of pick) {
    if (isComplex(j)) {
      for (let i = 0; i < n; i++) {
        P[i + c * n] = e.vr[i + j * n];
        P[i + (c + 1) * n] = e.vi[i + j * n];
      }
      c += 2;
    } else {
      // rotate so that the largest entry is real: the vector is then real up to rounding
      let bi = 0, best = -1;
      for (let i = 0; i < n; i++) {
        const a = mod(e.vr[i + j * n], e.vi[i + j * n]);
        if (a > best) { best = a; bi = i; }
      }
      const pr = e.vr[bi + j * n] / best, pi = e.vi[bi + j * n] / best;
      for (let i = 0; i < n; i++) P[i + c * n] = e.vr[i + j * n] * pr + e.vi[i + j * n] * pi;
      c++;
    }
  }
  return { P, count };
}

/**
 * Thin QR of the rows x cols matrix A (column-major) by modified Gram-Schmidt with one
 * reorthogonalization, keeping only columns that are numerically independent of the kept ones
 * before them: a column whose remaining norm is at most `drop` times its original norm is left
 * out. Returns Q (rows x kept.length), R (kept x kept, upper triangular, Q R = A[:, kept]) and the
 * kept column indices. A zero column is always dropped.
 */
export function qrDrop(A: Float64Array, rows: number, cols: number, drop: number): { Q: Float64Array; R: Float64Array; kept: number[] } {
  const Qfull = new Float64Array(rows * cols);
  const Rfull = new Float64Array(cols * cols); // ld = cols, indexed by kept position
  const kept: number[] = [];
  const w = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) w[i] = A[i + j * rows];
    const orig = norm2(w, 0, rows);
    const c = kept.length;
    const rcol = new Float64Array(c);
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l < c; l++) {
        let d = 0;
        for (let i = 0; i < rows; i++) d += Qfull[i + l * rows] * w[i];
        rcol[l] += d;
        for (let i = 0; i < rows; i++) w[i] -= d * Qfull[i + l * rows];
      }
    }
    const nrm = norm2(w, 0, rows);
    if (!(orig > 0) || !(nrm > drop * orig)) continue;
    for (let i = 0; i < rows; i++) Qfull[i + c * rows] = w[i] / nrm;
    for (let l = 0; l < c; l++) Rfull[l + c * cols] = rcol[l];
    Rfull[c + c * cols] = nrm;
    kept.push(j);
  }
  const k = kept.length;
  const R = new Float64Array(k * k);
  for (let j = 0; j < k; j++) for (let i = 0; i <= j; i++) R[i + j * k] = Rfull[i + j * cols];
  return { Q: Qfull.slice(0, rows * k), R, kept };
}

/** Solves R x = b in place (R k x k upper triangular, column-major, nonzero diagonal). */
export function solveUpper(R: Float64Array, k: number, b: Float64Array): void {
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i];
    for (let l = i + 1; l < k; l++) s -= R[i + l * k] * b[l];
    b[i] = s / R[i + i * k];
  }
}

/** Solves R^T x = b in place (R k x k upper triangular, column-major, nonzero diagonal). */
export function solveUpperTransposed(R: Float64Array, k: number, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let l = 0; l < i; l++) s -= R[l + i * k] * b[l];
    b[i] = s / R[i + i * k];
  }
}

/** C = A B (A r x s, B s x t, all column-major) */
export function matmul(A: Float64Array, B: Float64Array, r: number, s: number, t: number): Float64Array {
  const C = new Float64Array(r * t);
  for (let j = 0; j < t; j++) {
    for (let l = 0; l < s; l++) {
      const b = B[l + j * s];
      if (b === 0) continue;
      for (let i = 0; i < r; i++) C[i + j * r] += A[i + l * r] * b;
    }
  }
  return C;
}

/**
 * The k harmonic Ritz vectors of GCRO-DR / GMRES-DR: for A V = W G (G rows x cols, rows = cols + 1,
 * W with orthonormal columns) and WtV = W^T V (rows x cols), the eigenvectors z of the generalized
 * problem G^T G z = theta G^T WtV z with the smallest |theta| (the harmonic Ritz values: the
 * eigenvalue approximations closest to 0, whose eigenvectors slow restarted GMRES down). Solved as
 * the standard problem (G^T G)^-1 (G^T WtV) z = mu z, mu = 1/theta, largest |mu| first, with
 * G^T G = R^T R from a QR of G (never formed). Returns a real basis P (cols x count) of their span:
 * count is k, or k + 1 when the k-th value is one of a complex pair (both parts are needed), or
 * k - 1 when k + 1 would exceed `maxCount`; null when G is numerically rank-deficient (the space
 * is then not computed).
 */
export function harmonicRitz(G: Float64Array, WtV: Float64Array, rows: number, cols: number, k: number, maxCount: number): { P: Float64Array; count: number } | null {
  if (k <= 0 || cols === 0) return null;
  const { R, kept } = qrDrop(G, rows, cols, 1e-13);
  if (kept.length < cols) return null;
  const GtW = new Float64Array(cols * cols);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < cols; i++) {
      let s = 0;
      for (let l = 0; l < rows; l++) s += G[l + i * rows] * WtV[l + j * rows];
      GtW[i + j * cols] = s;
    }
  }
  const col = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    col.set(GtW.subarray(j * cols, (j + 1) * cols));
    solveUpperTransposed(R, cols, col);
    solveUpper(R, cols, col);
    GtW.set(col, j * cols);
  }
  for (let i = 0; i < cols * cols; i++) if (!Number.isFinite(GtW[i])) return null;
  let isComplex: (j: number) => boolean = () => false;
  const pick: number[] = [];
  // choose from the eigenvalues, then compute only the chosen eigenvectors
  const e = eig(GtW, cols, (re, im) => {
    const abs = Float64Array.from(re, (r, i) => mod(r, im[i]));
    const order = Array.from({ length: cols }, (_, i) => i).sort((a, b) => abs[b] - abs[a]);
    const scale = Math.max(abs[order[0]], Number.MIN_VALUE);
    isComplex = (j) => Math.abs(im[j]) > 1e-10 * Math.max(abs[j], 1e-3 * scale);
    const used = new Set<number>();
    let count = 0;
    for (const j of order) {
      if (count >= k) break;
      if (used.has(j)) continue;
      if (!(abs[j] > 0)) break; // theta = infinity: no information
      used.add(j);
      if (isComplex(j)) {
        if (count + 2 > maxCount) break;
        // its conjugate: the nearest eigenvalue to conj(mu) among those not used
        let best = -1, bd = Infinity;
        for (const i of order) {
          if (used.has(i)) continue;
          const d = mod(re[i] - re[j], im[i] + im[j]);
          if (d < bd) { bd = d; best = i; }
        }
        if (best >= 0) used.add(best);
        count += 2;
      } else count += 1;
      pick.push(j);
    }
    return pick;
  });
  if (pick.length === 0) return null;
  return realEigenBasis(e, cols, pick, isComplex);
}
