// Types of dist/inline-wasm.js, which scripts/build.mjs generates from build/*.wasm (base64).
/** The SIMD build of the wasm module, inlined. */
export declare const simdWasm: Uint8Array;
/** The scalar build, for engines without WebAssembly SIMD. */
export declare const scalarWasm: Uint8Array;
/** The threads build (SIMD over a shared memory), for init({ threads }). */
export declare const threadsWasm: Uint8Array;
