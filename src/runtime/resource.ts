import { DisposedError } from '../errors.js';
import type { SparseRuntime } from './runtime.js';

// Engines without explicit resource management still get a working `[Symbol.dispose]` method.
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for('Symbol.dispose');

interface Held {
  runtime: SparseRuntime;
  ptrs: number[];
}

// Safety net only: frees the wasm memory of an object that was garbage-collected undisposed.
const registry =
  typeof FinalizationRegistry !== 'undefined'
    ? new FinalizationRegistry<Held>((held) => {
        for (const p of held.ptrs) held.runtime.free(p);
      })
    : undefined;

/** Base of every object that owns wasm memory: explicit, idempotent dispose(). */
export abstract class WasmResource {
  readonly runtime: SparseRuntime;
  private held: Held | undefined;

  protected constructor(runtime: SparseRuntime) {
    this.runtime = runtime;
    this.held = { runtime, ptrs: [] };
    registry?.register(this, this.held, this);
  }

  /** Records an allocation as owned by this object; it is freed by dispose(). */
  protected own(ptr: number): number {
    this.held!.ptrs.push(ptr);
    return ptr;
  }

  /** Frees one owned allocation early (e.g. a cached layout that became stale). */
  protected release(ptr: number): void {
    const h = this.held;
    if (!h) return;
    const i = h.ptrs.indexOf(ptr);
    if (i >= 0) {
      h.ptrs.splice(i, 1);
      this.runtime.free(ptr);
    }
  }

  get disposed(): boolean {
    return this.held === undefined;
  }

  /** Throws DisposedError if the object was disposed. */
  protected alive(what = this.constructor.name): void {
    if (!this.held) throw new DisposedError(`${what} was used after dispose()`);
  }

  /** Frees the wasm memory this object owns. Safe to call more than once. */
  dispose(): void {
    const h = this.held;
    if (!h) return;
    this.held = undefined;
    registry?.unregister(this);
    for (const p of h.ptrs) this.runtime.free(p);
    h.ptrs.length = 0;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
