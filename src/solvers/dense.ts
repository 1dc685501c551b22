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
  // Hessenberg reduction H = Q^T A Q, Q = P_0 ... P_{n-3} (Householder). The reflectors are kept
  // (v in column c of `refl`, v[c + 1] = 1); Q is formed only when all eigenvectors are wanted.
  const few = select !== undefined;
  const h = Float64Array.from(A.subarray(0, n * n));
  const q = few ? null : new Float64Array(n * n);
  if (q) for (let i = 0; i < n; i++) q[i + i * n] = 1;
  const refl = new Float64Array(n * n), taus = new Float64Array(n), w = new Float64Array(n);
  for (let c = 0; c < n - 2; c++) {
    let alpha = norm2(h, c + 1 + c * n, n + c * n);
    if (alpha === 0) continue;
    const x0 = h[c + 1 + c * n];
    if (x0 > 0) alpha = -alpha; // v = x - alpha e1 without cancellation
    // scaled so that v[c + 1] = 1 and every entry is at most 1: v^T v can neither overflow nor
    // underflow (entries of 1e+-300 would otherwise skip the reduction)
    const v0 = x0 - alpha, vo = c * n;
    refl[c + 1 + vo] = 1;
    for (let i = c + 2; i < n; i++) refl[i + vo] = h[i + c * n] / v0;
    let vv = 0;
    for (let i = c + 1; i < n; i++) vv += refl[i + vo] * refl[i + vo];
    const tau = 2 / vv;
    taus[c] = tau;
    // H = (I - tau v v^T) H: columns before c are already zero in rows c + 1..
    for (let j = c; j < n; j++) {
      const o = j * n;
      let s = 0;
      for (let i = c + 1; i < n; i++) s += refl[i + vo] * h[i + o];
      s *= tau;
      for (let i = c + 1; i < n; i++) h[i + o] -= s * refl[i + vo];
    }
    // M = M (I - tau v v^T) for M = H, Q: w = M v by columns, then the rank-one update by columns
    for (const m of q ? [h, q] : [h]) {
      w.fill(0);
      for (let j = c + 1; j < n; j++) {
        const vj = refl[j + vo], o = j * n;
        for (let i = 0; i < n; i++) w[i] += m[i + o] * vj;
      }
      for (let j = c + 1; j < n; j++) {
        const f = tau * refl[j + vo], o = j * n;
        for (let i = 0; i < n; i++) m[i + o] -= f * w[i];
      }
    }
    for (let i = c + 2; i < n; i++) h[i + c * n] = 0;
  }
  if (few) {
    // eigenvalues only by real double-shift QR (about half the work of complex single shifts),
    // then the chosen eigenvectors by inverse iteration on the (untouched) Hessenberg matrix,
    // mapped back by the reflectors (O(n^2) each, no Q)
    const hess = h.slice();
    const re = new Float64Array(n), im = new Float64Array(n);
    let hnorm = 0;
    for (let i = 0; i < n * n; i++) hnorm = Math.max(hnorm, Math.abs(h[i]));
    hessenbergEigenvalues(h, n, re, im);
    const vr = new Float64Array(n * n), vi = new Float64Array(n * n);
    const work = eigenvectorWork(n); // shared by the calls: ~2 n^2 values each would be garbage
    for (const j of select(re, im)) {
      if (im[j] === 0) {
        // the same iteration in real arithmetic (the imaginary parts would stay exactly 0)
        realHessenbergEigenvector(hess, n, re[j], hnorm, vr, j, work);
        applyReflectors(refl, taus, n, vr, j);
      } else {
        hessenbergEigenvector(hess, n, re[j], im[j], hnorm, vr, vi, j, work);
        applyReflectors(refl, taus, n, vr, j);
        applyReflectors(refl, taus, n, vi, j);
      }
    }
    return { re, im, vr, vi };
  }
  // complex Schur form T = Z^H H Z by shifted QR on the Hessenberg matrix (Z starts as Q)
  const tr = h, ti = new Float64Array(n * n);
  const zr = q as Float64Array, zi = new Float64Array(n * n);
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
      for (let j = k; j < n; j++) {
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
      rotateColumns(tr, ti, n, k, Math.min(k + 2, hi) + 1, c, s1, s2);
      rotateColumns(zr, zi, n, k, n, c, s1, s2);
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

/**
 * Eigenvalues of the real 2 x 2 matrix [a b; c d] into re[i], im[i] and re[i + 1], im[i + 1]
 * (a complex pair with positive imaginary part first). Scaled so that no product overflows;
 * real roots by the cancellation-free form d + z, d - bc / z.
 */
function eig2x2(a: number, b: number, c: number, d: number, re: Float64Array, im: Float64Array, i: number): void {
  const s = Math.abs(a) + Math.abs(b) + Math.abs(c) + Math.abs(d);
  if (s === 0) { re[i] = re[i + 1] = im[i] = im[i + 1] = 0; return; }
  a /= s; b /= s; c /= s; d /= s;
  const p = 0.5 * (a - d), bc = b * c, disc = p * p + bc;
  if (disc >= 0) {
    const z = p + (p >= 0 ? Math.sqrt(disc) : -Math.sqrt(disc));
    re[i] = s * (d + z);
    re[i + 1] = z === 0 ? s * d : s * (d - (bc / z));
    im[i] = im[i + 1] = 0;
  } else {
    const mid = s * (d + p), w = s * Math.sqrt(-disc);
    re[i] = re[i + 1] = mid;
    im[i] = w;
    im[i + 1] = -w;
  }
}

/**
 * Eigenvalues of the upper Hessenberg H (n x n, column-major, overwritten) by the real Francis
 * double-shift QR (Golub & Van Loan 7.5): each sweep chases a 3 x 3 Householder bump down the
 * active window, so a complex-conjugate pair of shifts costs real arithmetic only; 1 x 1 and 2 x 2
 * blocks split off at negligible subdiagonals. Only the active window is updated (no Schur
 * vectors, no rows or columns outside it: they do not change the eigenvalues). Exceptional shifts
 * every 10 sweeps without a split break the rare cycles of the standard shifts.
 */
function hessenbergEigenvalues(H: Float64Array, n: number, re: Float64Array, im: Float64Array): void {
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.abs(H[i]));
  const sh = new Float64Array(4); // shifts: re, re, im, im via eig2x2 into (sh[0..1], sh[2..3])
  const shRe = sh.subarray(0, 2), shIm = sh.subarray(2, 4);
  let hi = n - 1, its = 0, total = 0;
  while (hi >= 0) {
    let lo = hi;
    for (; lo > 0; lo--) {
      const off = Math.abs(H[lo + (lo - 1) * n]);
      const s = Math.abs(H[lo - 1 + (lo - 1) * n]) + Math.abs(H[lo + lo * n]);
      if (off <= EPS * (s || norm) || off < 1e-300 * EPS) { H[lo + (lo - 1) * n] = 0; break; }
    }
    if (lo === hi) { re[hi] = H[hi + hi * n]; im[hi] = 0; hi--; its = 0; continue; }
    if (lo === hi - 1) {
      eig2x2(H[lo + lo * n], H[lo + hi * n], H[hi + lo * n], H[hi + hi * n], re, im, lo);
      hi -= 2; its = 0; continue;
    }
    if (++total > 30 * n) throw new Error(`eig: QR iteration did not converge (size ${n})`);
    its++;
    if (its % 10 === 0) {
      // exceptional shifts (a 2 x 2 built from the subdiagonal size), alternately at the bottom and top
      const bottom = its % 20 === 0;
      const w = bottom ? Math.abs(H[hi + (hi - 1) * n]) + Math.abs(H[hi - 1 + (hi - 2) * n])
        : Math.abs(H[lo + 1 + lo * n]) + Math.abs(H[lo + 2 + (lo + 1) * n]);
      const a = 0.75 * w + (bottom ? H[hi + hi * n] : H[lo + lo * n]);
      eig2x2(a, -0.4375 * w, w, a, shRe, shIm, 0);
    } else {
      eig2x2(H[hi - 1 + (hi - 1) * n], H[hi - 1 + hi * n], H[hi + (hi - 1) * n], H[hi + hi * n], shRe, shIm, 0);
      // two real shifts: both the one nearer the last diagonal entry (as LAPACK does)
      if (shIm[0] === 0) {
        const d = H[hi + hi * n];
        const r = Math.abs(shRe[0] - d) <= Math.abs(shRe[1] - d) ? shRe[0] : shRe[1];
        shRe[0] = shRe[1] = r;
      }
    }
    const r1 = shRe[0], i1 = shIm[0], r2 = shRe[1], i2 = shIm[1];
    // first column of (H - s1 I)(H - s2 I), scaled against overflow
    const h00 = H[lo + lo * n], h10 = H[lo + 1 + lo * n], h01 = H[lo + (lo + 1) * n];
    const h11 = H[lo + 1 + (lo + 1) * n], h21 = H[lo + 2 + (lo + 1) * n];
    const sc = Math.abs(h00 - r2) + Math.abs(i2) + Math.abs(h10);
    const h10s = h10 / sc;
    let x = h10s * h01 + (h00 - r1) * ((h00 - r2) / sc) - i1 * (i2 / sc);
    let y = h10s * (h00 + h11 - r1 - r2);
    let z = h10s * h21;
    for (let k = lo; k <= hi - 1; k++) {
      const three = k < hi - 1; // the last step is a 2-vector reflector
      const scale = Math.abs(x) + Math.abs(y) + (three ? Math.abs(z) : 0);
      if (scale !== 0) {
        x /= scale; y /= scale; z = three ? z / scale : 0;
        const alpha = x > 0 ? -Math.sqrt(x * x + y * y + z * z) : Math.sqrt(x * x + y * y + z * z);
        // P = I - tau v v^T with v = (x - alpha, y, z): P (x, y, z) = alpha e1
        const v0 = x - alpha, tau = 2 / (v0 * v0 + y * y + z * z);
        const c0 = Math.max(lo, k - 1);
        for (let j = c0; j <= hi; j++) {
          const o = j * n;
          let s = v0 * H[k + o] + y * H[k + 1 + o];
          if (three) s += z * H[k + 2 + o];
          s *= tau;
          H[k + o] -= s * v0;
          H[k + 1 + o] -= s * y;
          if (three) H[k + 2 + o] -= s * z;
        }
        if (k > lo) { H[k + 1 + (k - 1) * n] = 0; if (three) H[k + 2 + (k - 1) * n] = 0; }
        const r0 = Math.min(k + 3, hi);
        const a0 = k * n, a1 = (k + 1) * n, a2 = (k + 2) * n;
        for (let i = lo; i <= r0; i++) {
          let s = v0 * H[i + a0] + y * H[i + a1];
          if (three) s += z * H[i + a2];
          s *= tau;
          H[i + a0] -= s * v0;
          H[i + a1] -= s * y;
          if (three) H[i + a2] -= s * z;
        }
      }
      if (k < hi - 1) {
        x = H[k + 1 + k * n];
        y = H[k + 2 + k * n];
        z = k < hi - 2 ? H[k + 3 + k * n] : 0;
      }
    }
  }
}

/** Columns k, k+1 (rows 0..rows-1) of the complex matrix (mr, mi) times G^H = [c -s; conj(s) c]. */
function rotateColumns(mr: Float64Array, mi: Float64Array, n: number, k: number, rows: number, c: number, s1: number, s2: number): void {
  const a = k * n, b = (k + 1) * n;
  for (let i = 0; i < rows; i++) {
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
 * Column j of (vr, vi): the unit eigenvector of the Hessenberg H (the caller maps it back by Q)
 * for the eigenvalue (mr, mi), by three steps of inverse iteration with H - mu I (upper Hessenberg: Gaussian elimination with partial
 * pivoting between neighbouring rows, O(n^2)); a pivot below eps ||H|| is replaced by that value,
 * which is what makes the solve amplify the eigenvector.
 */
function hessenbergEigenvector(H: Float64Array, n: number, mr: number, mi: number, norm: number, vr: Float64Array, vi: Float64Array, j: number,
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
  // already of unit norm, and the reflectors applied next are orthogonal
  vr.set(xr, j * n);
  vi.set(xi, j * n);
}

/** hessenbergEigenvector for a real eigenvalue mu: real arithmetic, the result in column j of vr */
function realHessenbergEigenvector(H: Float64Array, n: number, mu: number, norm: number, vr: Float64Array, j: number,
  work: ReturnType<typeof eigenvectorWork>): void {
  const { ar, swap, lr, xr } = work;
  ar.set(H.subarray(0, n * n));
  swap.fill(0);
  for (let i = 0; i < n; i++) ar[i + i * n] -= mu;
  const tiny = Math.max(EPS * norm, Number.MIN_VALUE);
  for (let k = 0; k < n - 1; k++) {
    if (Math.abs(ar[k + 1 + k * n]) > Math.abs(ar[k + k * n])) {
      swap[k] = 1;
      for (let c = k; c < n; c++) {
        const t = ar[k + c * n];
        ar[k + c * n] = ar[k + 1 + c * n];
        ar[k + 1 + c * n] = t;
      }
    }
    let p = ar[k + k * n];
    if (Math.abs(p) < tiny) { p = tiny; ar[k + k * n] = p; }
    const l = ar[k + 1 + k * n] / p;
    lr[k] = l;
    for (let c = k + 1; c < n; c++) ar[k + 1 + c * n] -= l * ar[k + c * n];
  }
  if (Math.abs(ar[n - 1 + (n - 1) * n]) < tiny) ar[n - 1 + (n - 1) * n] = tiny;
  xr.fill(1);
  for (let step = 0; step < 3; step++) {
    for (let k = 0; k < n - 1; k++) {
      if (swap[k]) { const t = xr[k]; xr[k] = xr[k + 1]; xr[k + 1] = t; }
      xr[k + 1] -= lr[k] * xr[k];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = xr[i];
      for (let c = i + 1; c < n; c++) s -= ar[i + c * n] * xr[c];
      xr[i] = s / ar[i + i * n];
    }
    const nn = norm2(xr, 0, n);
    for (let i = 0; i < n; i++) xr[i] /= nn;
  }
  vr.set(xr, j * n);
}

/** Column j of X (n columns of length n) times Q = P_0 ... P_{n-3}: P_{n-3} first. */
function applyReflectors(refl: Float64Array, taus: Float64Array, n: number, X: Float64Array, j: number): void {
  const o = j * n;
  for (let c = n - 3; c >= 0; c--) {
    const tau = taus[c];
    if (tau === 0) continue;
    const vo = c * n;
    let s = 0;
    for (let i = c + 1; i < n; i++) s += refl[i + vo] * X[i + o];
    s *= tau;
    for (let i = c + 1; i < n; i++) X[i + o] -= s * refl[i + vo];
  }
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
