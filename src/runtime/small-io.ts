// Helpers of the short paths for small calls (combine-small.ts, rope-wasm.ts ropeSmall): fewer
// reads of WebAssembly.Memory#buffer (a getter that is not free) and no new view per call.

import { Tensor } from '../core/tensor.js';
import type { FloatArray } from '../core/types.js';
import type { WasmCoreLike } from './wasm-core-like.js';
import type { Operand } from './backend.js';

/**
 * core.resident(op) reading the memory's buffer only for a plain array not met before: tensors and
 * plain arrays known not to view the memory (core.plain, where this adds them) need no look at
 * any buffer.
 */
export function residentOf(core: WasmCoreLike, op: Operand, param: string, fn: string): number {
  if (op instanceof Tensor) return core.resident(op, param, fn);
  if (core.plain.has(op)) return -1;
  if ((op as FloatArray).buffer !== core.ex.memory.buffer) {
    core.plain.add(op as FloatArray);
    return -1;
  }
  return core.resident(op, param, fn);
}

/**
 * Views of the module's memory kept between calls: a few, one per (core, address, length, dtype).
 * A kept view needs no look at the memory's buffer: after a growth a view of an unshared memory is
 * detached (its length reads 0, and it is made anew), while a view of a shared memory (threads)
 * stays a view of the same bytes.
 */
export class Views {
  readonly #keys: { core: WasmCoreLike | null; ptr: number; n: number; f64: boolean }[] = [];
  readonly #views: FloatArray[] = [];
  #next = 0;

  get(core: WasmCoreLike, ptr: number, n: number, f64: boolean): FloatArray {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k.core === core && k.ptr === ptr && k.n === n && k.f64 === f64) {
        const v = this.#views[i];
        if (v.length === n) return v;
        const view = make(core, ptr, n, f64);
        this.#views[i] = view;
        return view;
      }
    }
    const view = make(core, ptr, n, f64);
    // q and k of a decode step, and a few other shapes, each keep theirs.
    const at = keys.length < 4 ? keys.length : this.#next;
    keys[at] = { core, ptr, n, f64 };
    this.#views[at] = view;
    if (keys.length === 4) this.#next = (at + 1) % 4;
    return view;
  }
}

function make(core: WasmCoreLike, ptr: number, n: number, f64: boolean): FloatArray {
  const buf = core.ex.memory.buffer;
  return f64 ? new Float64Array(buf, ptr, n) : new Float32Array(buf, ptr, n);
}
