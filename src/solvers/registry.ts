// The list of Krylov methods. The session, the `MethodName` type, the method-specific option keys
// and types, and the CLI's --method choices are all derived from METHOD_LIST.
//
// How to add a method (e.g. GCRO-DR), one new file plus its kernels:
//  1. Write src/solvers/<name>.ts exporting `export const <name> = defineMethod({...})` (see
//     method.ts for every field): `name` (the string users pass as `method`), `summary`,
//     `residualKind` (add a member to ResidualKind in types.ts only if none of the existing ones
//     describes what the method reports), `requires` (matrix, preconditioner, nonsingular),
//     `options` (its own top-level option keys with a default and a check, e.g.
//     `{ restart: integerOption(30, 1, '...'), recycle: integerOption(10, 0, '...') }`; a key
//     another method declares too, such as `restart`, must use the same default and check),
//     `workspace(n, options)` (work vectors, n x c blocks, wasm scratch, and `recycle: k` for a
//     recycle space of k columns kept between solves), optionally `state(n, options)` (JS arrays
//     kept between solves), and `run(ctx, ws, options)`: one run of the recurrence from the
//     residual in ctx.r, returning an InnerResult ('restart' makes the session recompute the true
//     residual and call run again). `run` must not allocate wasm memory; it reads its pointers
//     from `ws` (ws.vectors, ws.blocks, ws.scratch, ws.state) and the recycle space from
//     `ws.recycle` (see recycle.ts: U, C, k, what they were built for, and `status(op)` to learn
//     whether the values, the preconditioner or the matrix changed since; `markBuilt(op, k)`
//     after building). Optional `report(ws)` adds method facts to the SolveResult (GCRO-DR's
//     `recycle`). `requires.preconditioner: 'none'` makes setup refuse any preconditioner.
//  2. Import it below and append it to METHOD_LIST. That is all: `method: '<name>'`, its
//     options, `sparse-wasm solve --method <name>` and the MethodName type follow.
//  3. New wasm kernels go in assembly/ and are declared in the kernel table (src/runtime/); the
//     method calls them through ctx.k.
//  4. Tests: test/<name>.test.ts; test/solver-registry.test.ts checks every listed descriptor's
//     shape and JSON-serialisable defaults on its own.
import { bicgstab } from './bicgstab.js';
import { cg } from './cg.js';
import { cholesky, lu } from './direct.js';
import { gcrodr } from './gcrodr.js';
import { gmres } from './gmres.js';
import type { MethodDescriptor, MethodOption } from './method.js';
import { minres } from './minres.js';
import { rcg } from './rcg.js';
import { sor } from './sor.js';

/** Every method, in the order help texts list them. */
export const METHOD_LIST = [cg, bicgstab, gmres, minres, sor, gcrodr, rcg, cholesky, lu] as const;

export type MethodName = (typeof METHOD_LIST)[number]['name'];

/** The method names, for option checks and the CLI's choices. */
export const METHOD_NAMES: readonly MethodName[] = METHOD_LIST.map((d) => d.name);

type OptionsOf<D> = D extends { readonly options: infer O } ? { -readonly [K in keyof O]?: O[K] extends MethodOption<infer T> ? T : never } : never;
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The method-specific option keys of all methods (restart, ...), each optional. */
export type MethodOptions = Intersection<OptionsOf<(typeof METHOD_LIST)[number]>>;

/** The descriptor of a method by name, or undefined for an unknown name. */
export function methodDescriptor(name: string): MethodDescriptor | undefined {
  return (METHOD_LIST as readonly MethodDescriptor[]).find((d) => d.name === name);
}

/** Every method-specific option key with its specification (the first method that declares it). */
export function methodOptionSpecs(): ReadonlyMap<string, MethodOption<unknown>> {
  const out = new Map<string, MethodOption<unknown>>();
  for (const d of METHOD_LIST as readonly MethodDescriptor[]) {
    for (const [k, spec] of Object.entries(d.options)) if (!out.has(k)) out.set(k, spec);
  }
  return out;
}
