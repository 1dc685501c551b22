// Jacobi: z = D^-1 r with the inverse diagonal precomputed at setup.

/** z[i] = invDiag[i] * r[i] */
export function jacobiApply(n: i32, invDiag: usize, r: usize, z: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      v128.store(z + o, f64x2.mul(v128.load(invDiag + o), v128.load(r + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(z + o, load<f64>(invDiag + o) * load<f64>(r + o));
  }
}
