// Helpers of the short paths for small calls (combine-small.ts, rope-wasm.ts ropeSmall): fewer
// reads of WebAssembly.Memory#buffer (a getter that is not free) and no new view per call.

import { Tensor } from '../core/tensor.js';
import type { FloatArray } from '../core/types.js';
import type { WasmCoreLike } from './wasm-core-like.js';
import type { Operand } from './backend.js';

/**
 * core.resident(op) with the module's buffer read once by the caller: a plain array on another
 * buffer is not resident without asking the core (which would read the buffer again).
 */
export function residentIn(core: WasmCoreLike, buf: ArrayBufferLike, op: Operand, param: string, fn: string): number {
  if (!(op instanceof Tensor) && (op as FloatArray).buffer !== buf) return -1;
  return core.resident(op, param, fn);
}

/**
 * Whether a plain array may view the module's memory, without reading the memory's buffer: that
 * buffer's length is always a whole number of 64 KiB WebAssembly pages.
 */
export function mayViewMemory(op: Operand): boolean {
  return !(op instanceof Tensor) && ((op as FloatArray).buffer.byteLength & 0xffff) === 0;
}

/** A module tensor of this core (used in place); a tensor of another instance is copied like an array. */
export function ownTensor(core: WasmCoreLike, op: Operand): boolean {
  return op instanceof Tensor && op.storage === (core as unknown);
}

/** Views of the module's memory kept between calls: a few, one per (buffer, address, length, dtype). */
export class Views {
  readonly #keys: { buf: ArrayBufferLike | null; ptr: number; n: number; f64: boolean }[] = [];
  readonly #views: FloatArray[] = [];
  #next = 0;

  get(buf: ArrayBufferLike, ptr: number, n: number, f64: boolean): FloatArray {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k.buf === buf && k.ptr === ptr && k.n === n && k.f64 === f64) return this.#views[i];
    }
    const view = f64 ? new Float64Array(buf as ArrayBuffer, ptr, n) : new Float32Array(buf as ArrayBuffer, ptr, n);
    // q and k of a decode step, and a few other shapes, each keep theirs.
    const at = keys.length < 4 ? keys.length : this.#next;
    keys[at] = { buf, ptr, n, f64 };
    this.#views[at] = view;
    if (keys.length === 4) this.#next = (at + 1) % 4;
    return view;
  }
}

let i32Buf: ArrayBufferLike | null = null;
let i32View = new Int32Array(0);

/** An Int32Array over the whole of `buf` (the module's memory), kept while the buffer stays the same. */
export function int32Of(buf: ArrayBufferLike): Int32Array {
  if (buf !== i32Buf) {
    i32View = new Int32Array(buf as ArrayBuffer);
    i32Buf = buf;
  }
  return i32View;
}
