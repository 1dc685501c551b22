// The kernel table (src/runtime/kernels.ts) and the wasm module's exports are the same set, with
// the same arities, in all three builds (SIMD, scalar, threads; for threads also the team's table):
// a kernel added in assembly/ without its declaration, a stale declaration, or a changed parameter
// list fails here instead of at a call site.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { createRuntime } from '../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** name -> parameter count of every method of `interface Kernels`, read from the source. */
function declaredKernels(): Map<string, number> {
  const file = path.join(root, 'src', 'runtime', 'kernels.ts');
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const table = new Map<string, number>();
  for (const st of sf.statements) {
    if (!ts.isInterfaceDeclaration(st) || st.name.text !== 'Kernels') continue;
    for (const m of st.members) {
      if (!ts.isMethodSignature(m)) throw new Error(`Kernels member ${m.getText(sf)} is not a method`);
      const name = (m.name as ts.Identifier).text;
      expect(table.has(name), `${name} declared twice`).toBe(false);
      table.set(name, m.parameters.length);
    }
  }
  return table;
}

describe('kernel table', () => {
  const declared = declaredKernels();

  it('declares kernels', () => {
    expect(declared.size).toBeGreaterThan(50);
  });

  const files = { simd: 'sparse.wasm', scalar: 'sparse-scalar.wasm', threads: 'sparse-threads.wasm' } as const;
  for (const build of ['simd', 'scalar', 'threads'] as const) {
    it(`matches the ${build} build's exports, name for name and arity for arity`, async () => {
      const bytes = readFileSync(path.join(root, 'build', files[build]));
      const rt = build === 'threads'
        ? await createRuntime({ source: bytes, threads: 2, initialMemoryMiB: 1 })
        : await createRuntime({ source: bytes, build, initialMemoryMiB: 1 });
      expect(rt.simd).toBe(build !== 'scalar');
      if (build === 'threads') expect(rt.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
      // the threads build: the module's own exports, and the team's table (threaded wrappers)
      const tables = build === 'threads'
        ? [new WebAssembly.Instance(await WebAssembly.compile(bytes), { env: { memory: rt.memory, abort() {} } }).exports, rt.kernels]
        : [rt.kernels];
      for (const table of tables) {
        const exported = new Map<string, number>();
        for (const [name, v] of Object.entries(table as object)) {
          if (typeof v === 'function') exported.set(name, (v as (...a: unknown[]) => unknown).length);
        }
        expect([...exported.keys()].sort()).toEqual([...declared.keys()].sort());
        for (const [name, arity] of declared) expect(exported.get(name), name).toBe(arity);
      }
      if ('terminate' in rt) await (rt as { terminate(): Promise<void> }).terminate();
    });
  }
});
