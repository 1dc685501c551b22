// Small dense algebra for recycled CG: the Lanczos tridiagonal hidden in CG's coefficients and
// the Rayleigh-Ritz step that turns a window of CG's preconditioned residuals (plus the previous
// recycle space W) into approximate eigenvectors of M^-1 A for its smallest eigenvalues.
//
// Why these formulas: CG's residuals are M^-1-orthogonal (r_i^T z_j = rho_j delta_ij) and its
// directions A-conjugate, so every product of the window that the Rayleigh-Ritz step needs,
// except those involving W, follows from alpha and rho alone (eigCG's observation, Stathopoulos
// and Orginos): no extra product with A or M is spent on the window. ../shared/RECYCLING.md 3.2.

/**
 * Symmetric eigen-decomposition: Householder reduction to tridiagonal form, then the implicit QL
 * algorithm with Wilkinson-type shifts (the classical tred2 / tql2 pair; Jacobi was 10x slower at
 * the sizes a harvest meets, 20-60). Ascending values, column-major orthonormal vectors.
 */
export function symmetricEigen(S: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  // V row-major in a flat array: V[i * n + j]; symmetrized input (assembled from rounded products)
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) V[i * n + j] = 0.5 * (S[i + j * n] + S[j + i * n]);
  const d = new Float64Array(n), e = new Float64Array(n);
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  // tred2: Householder tridiagonalization, accumulating the transformations in V
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) { d[j] = V[(n - 1) * n + j]; V[(n - 1) * n + j] = 0; }
  if (n > 0) V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
  // tql2: implicit QL on the tridiagonal (d, e)
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > eps * tst1) m++;
    if (m === n) m = n - 1;
    if (m > l) {
      for (let iter = 0; iter < 60; iter++) {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            h = V[k * n + i + 1];
            V[k * n + i + 1] = s * V[k * n + i] + c * h;
            V[k * n + i] = c * V[k * n + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!(Math.abs(e[l]) > eps * tst1)) break;
      }
    }
    d[l] += f;
    e[l] = 0;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  const values = new Float64Array(n), vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src];
    for (let i = 0; i < n; i++) vectors[i + dst * n] = V[i * n + src];
  });
  return { values, vectors };
}

/**
 * The Lanczos tridiagonal of M^-1 A from `steps` CG coefficients (alpha_j = rho_j / p_j^T A p_j,
 * beta_j = rho_{j+1} / rho_j): diagonal 1/alpha_j + beta_{j-1}/alpha_{j-1}, off-diagonal
 * sqrt(beta_{j-1}) / alpha_{j-1} (sign irrelevant for the eigenvalues). Its eigenvalues (Ritz values)
 * approximate the spectrum of M^-1 A from inside; the extremes converge first.
 */
export function cgTridiagonal(alpha: ArrayLike<number>, beta: ArrayLike<number>, steps: number): { diag: Float64Array; off: Float64Array } {
  const diag = new Float64Array(steps), off = new Float64Array(Math.max(0, steps - 1));
  for (let j = 0; j < steps; j++) {
    diag[j] = 1 / alpha[j] + (j > 0 ? beta[j - 1] / alpha[j - 1] : 0);
    if (j > 0) off[j - 1] = Math.sqrt(beta[j - 1]) / alpha[j - 1];
  }
  return { diag, off };
}

/** Eigenvalues of a symmetric tridiagonal matrix, ascending. */
export function tridiagonalEigenvalues(diag: Float64Array, off: Float64Array): Float64Array {
  const n = diag.length, T = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    T[j + j * n] = diag[j];
    if (j > 0) T[j - 1 + j * n] = T[j + (j - 1) * n] = off[j - 1];
  }
  return symmetricEigen(T, n).values;
}

/**
 * The Rayleigh-Ritz pencil of M^-1 A on S = [W, Z] in the M-inner product (where M^-1 A is
 * self-adjoint), W the k recycled vectors and Z = z_s..z_{s+L-1} consecutive preconditioned
 * residuals of one CG run (the Lanczos vectors up to scaling):
 *   F = S^T A S,   G = S^T M S,   F y = theta G y  (theta: Ritz values of M^-1 A).
 * Every window block follows from CG's coefficients: z_i^T M z_j = r_i^T z_j = rho_i delta_ij, and
 * z_l = p_l - beta_{l-1} p_{l-1} (+ W mu_l when deflating) with A-conjugate p, so
 *   z_l^T A z_l = rho_l / alpha_l + rho_l beta_{l-1} / alpha_{l-1},  z_l^T A z_{l+1} = -rho_{l+1} / alpha_l,
 * plus mu_l^T (W^T A W) mu_l' = (AWz_l)^T (W^T A W)^-1 AWz_l' for Def-CG (mu_l = (W^T A W)^-1 (A W)^T z_l).
 * Inputs (column-major): WAW, WMW (k x k: W^T A W, W^T M W); AWz (k x L: (A W)^T z_l); Wr (k x L:
 * W^T r_l = W^T M z_l, or null when zero, as in Def-CG); alpha, rho (L values for the steps s..s+L-1);
 * prev: alpha_{s-1}, rho_{s-1} when step s - 1 belongs to the same run, else null; chol: the Cholesky
 * factor of W^T A W when the run deflated W, else null.
 */
export function ritzPencil(
  k: number, L: number, WAW: ArrayLike<number>, WMW: ArrayLike<number>, AWz: ArrayLike<number>, Wr: ArrayLike<number> | null,
  alpha: ArrayLike<number>, rho: ArrayLike<number>, prev: { alpha: number; rho: number } | null, chol: Float64Array | null,
): { F: Float64Array; G: Float64Array; N: number } {
  const N = k + L, F = new Float64Array(N * N), G = new Float64Array(N * N);
  const set = (M: Float64Array, i: number, j: number, x: number) => { M[i + j * N] = x; M[j + i * N] = x; };
  for (let j = 0; j < k; j++) {
    for (let i = 0; i <= j; i++) {
      set(F, i, j, 0.5 * (WAW[i + j * k] + WAW[j + i * k]));
      set(G, i, j, 0.5 * (WMW[i + j * k] + WMW[j + i * k]));
    }
    for (let l = 0; l < L; l++) {
      set(F, j, k + l, AWz[j + l * k]);
      if (Wr) set(G, j, k + l, Wr[j + l * k]);
    }
  }
  for (let l = 0; l < L; l++) {
    const pa = l > 0 ? alpha[l - 1] : prev?.alpha, pr = l > 0 ? rho[l - 1] : prev?.rho;
    F[k + l + (k + l) * N] = rho[l] / alpha[l] + (pa !== undefined && pr !== undefined ? (rho[l] * rho[l]) / (pr * pa) : 0);
    G[k + l + (k + l) * N] = rho[l];
    if (l + 1 < L) set(F, k + l, k + l + 1, -rho[l + 1] / alpha[l]);
  }
  if (chol && k > 0) {
    // Def-CG: + M_u^T (W^T A W) M_u with M_u = (W^T A W)^-1 AWz, i.e. AWz^T (W^T A W)^-1 AWz
    const mu = new Float64Array(k * L);
    for (let l = 0; l < L; l++) {
      const y = Array.from({ length: k }, (_, i) => AWz[i + l * k]);
      choleskySolve(chol, k, y);
      mu.set(y, l * k);
    }
    for (let l = 0; l < L; l++) for (let l2 = 0; l2 < L; l2++) {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += AWz[i + l * k] * mu[i + l2 * k];
      F[k + l + (k + l2) * N] += sum;
    }
  }
  return { F, G, N };
}

/**
 * The `want` smallest eigenpairs of F y = theta G y (G symmetric positive semidefinite): G is
 * reduced on its numerically nonzero part (eigenvalues above `drop` times the largest: a W that
 * the window repeats adds nothing and must not be inverted), so the result is G-orthonormal:
 * Y^T G Y = I. Returns Y (N x count, column-major), the Ritz values, and count <= want.
 */
export function smallestRitzPairs(F: Float64Array, G: Float64Array, N: number, want: number, drop = 1e-10): { Y: Float64Array; values: Float64Array; count: number } {
  // B with B^T G B = I: G^-1/2 from a Cholesky factor when G is well conditioned (the usual
  // case, and N^3/3 work), else from its eigen-decomposition on the numerically nonzero part
  let B: Float64Array, r: number;
  const Lg = new Float64Array(N * N);
  let conditioned = cholesky(G, N, Lg);
  if (conditioned) {
    let lo = Infinity, hi = 0;
    for (let i = 0; i < N; i++) { const x = Lg[i + i * N]; lo = Math.min(lo, x); hi = Math.max(hi, x); }
    conditioned = lo * lo > 1e3 * drop * hi * hi; // pivots squared bound the eigenvalues loosely
  }
  if (conditioned) {
    // B = L^-T: solve L^T B = I column by column
    r = N;
    B = new Float64Array(N * N);
    for (let c = 0; c < N; c++) {
      for (let i = N - 1; i >= 0; i--) {
        let s = i === c ? 1 : 0;
        for (let l = i + 1; l < N; l++) s -= Lg[l + i * N] * B[l + c * N];
        B[i + c * N] = s / Lg[i + i * N];
      }
    }
  } else {
    const g = symmetricEigen(G, N);
    const top = g.values[N - 1];
    const keep: number[] = [];
    if (top > 0) for (let j = 0; j < N; j++) if (g.values[j] > drop * top) keep.push(j);
    r = keep.length;
    B = new Float64Array(N * r);
    keep.forEach((src, c) => {
      const s = 1 / Math.sqrt(g.values[src]);
      for (let i = 0; i < N; i++) B[i + c * N] = g.vectors[i + src * N] * s;
    });
  }
  const FB = new Float64Array(N * r);
  for (let c = 0; c < r; c++) for (let l = 0; l < N; l++) {
    const b = B[l + c * N];
    if (b !== 0) for (let i = 0; i < N; i++) FB[i + c * N] += F[i + l * N] * b;
  }
  const H = new Float64Array(r * r);
  for (let c = 0; c < r; c++) for (let rr = 0; rr < r; rr++) {
    let s = 0;
    for (let i = 0; i < N; i++) s += B[i + rr * N] * FB[i + c * N];
    H[rr + c * r] = s;
  }
  const h = symmetricEigen(H, r);
  const count = Math.min(want, r);
  const Y = new Float64Array(N * count);
  for (let c = 0; c < count; c++) for (let l = 0; l < r; l++) {
    const x = h.vectors[l + c * r];
    for (let i = 0; i < N; i++) Y[i + c * N] += B[i + l * N] * x;
  }
  return { Y, values: h.values.slice(0, count), count };
}

/** Cholesky L L^T of a k x k SPD matrix (column-major, lower triangle written); false when not positive definite. */
export function cholesky(S: ArrayLike<number>, k: number, L: Float64Array): boolean {
  L.fill(0, 0, k * k);
  for (let j = 0; j < k; j++) {
    let s = S[j + j * k];
    for (let l = 0; l < j; l++) s -= L[j + l * k] * L[j + l * k];
    if (!(s > 0)) return false;
    const djj = Math.sqrt(s);
    L[j + j * k] = djj;
    for (let i = j + 1; i < k; i++) {
      let t = 0.5 * (S[i + j * k] + S[j + i * k]);
      for (let l = 0; l < j; l++) t -= L[i + l * k] * L[j + l * k];
      L[i + j * k] = t / djj;
    }
  }
  return true;
}

/** Solves L L^T y = b in place (L from cholesky). */
export function choleskySolve(L: Float64Array, k: number, y: Float64Array | number[]): void {
  for (let i = 0; i < k; i++) {
    let s = y[i];
    for (let l = 0; l < i; l++) s -= L[i + l * k] * y[l];
    y[i] = s / L[i + i * k];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let l = i + 1; l < k; l++) s -= L[l + i * k] * y[l];
    y[i] = s / L[i + i * k];
  }
}
