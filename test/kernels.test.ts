// The kernel table (src/runtime/kernels.ts) and the wasm module's exports are the same set, with
// the same arities, in both builds: a kernel added in assembly/ without its declaration, a stale
// declaration, or a changed parameter list fails here instead of at a call site.
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

  for (const build of ['simd', 'scalar'] as const) {
    it(`matches the ${build} build's exports, name for name and arity for arity`, async () => {
      const bytes = readFileSync(path.join(root, 'build', build === 'simd' ? 'sparse.wasm' : 'sparse-scalar.wasm'));
      const rt = await createRuntime({ source: bytes, build, initialMemoryMiB: 1 });
      expect(rt.simd).toBe(build === 'simd');
      const exported = new Map<string, number>();
      for (const [name, v] of Object.entries(rt.kernels as object)) {
        if (typeof v === 'function') exported.set(name, (v as (...a: unknown[]) => unknown).length);
      }
      expect([...exported.keys()].sort()).toEqual([...declared.keys()].sort());
      for (const [name, arity] of declared) expect(exported.get(name), name).toBe(arity);
    });
  }
});
