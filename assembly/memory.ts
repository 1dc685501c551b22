// Heap for buffers the TypeScript facade owns. TLSF (runtime "minimal") reuses freed blocks and
// returns 16-byte aligned pointers, which the SIMD kernels rely on for aligned v128 loads.

/** Allocates `size` bytes; traps (caught by the facade) only if memory cannot grow. */
export function alloc(size: usize): usize {
  return heap.alloc(size);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

/** 1 if this build uses SIMD kernels, 0 for the scalar build. */
export function simdEnabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
