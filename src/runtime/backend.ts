// What every backend is, whatever the family: its name, the threads its kernels run on, the scalar
// math plans derive frequencies with, tensors and memory. Each family declares the kernels it
// needs of a backend in its own backend.ts; src/api/backend.ts puts the halves together.

import type { MathLib } from '../core/encoding.js';
import { Tensor } from '../core/tensor.js';
import type { BackendName, Dtype, FloatArray } from '../core/types.js';

/** A kernel's array argument: a plain typed array, or a tensor in the backend's memory. */
export type Operand = FloatArray | Tensor;

/** The plain array behind an operand (the js backend's kernels work on arrays). */
export function arr(v: Operand): FloatArray {
  return v instanceof Tensor ? v.array : v;
}

export interface BackendBase {
  readonly name: BackendName;
  /** Threads that kernels run on (1: the calling thread only). */
  readonly threads: number;
  /** Used by the plans to derive frequencies. */
  readonly math: MathLib;
  /**
   * A tensor of `length` elements, zero-filled. `rows`: cached encoding rows (the row cache's), which
   * the wasm backends place at other start phases modulo 4 KiB than the caller's tensors (see
   * WasmCore.allocTensor).
   */
  alloc(length: number, dtype: Dtype, rows?: boolean): Tensor;
  /** Bytes of the module's memory (0 for js). */
  memoryBytes(): number;
  /**
   * Whether an operand is a typed array viewing the module's memory (wasm). Such a view is
   * detached when memory grows, after which it no longer tells where it was: calls given one do
   * not grow cached rows before the backend has taken its address.
   */
  isModuleView?(op: Operand): boolean;
}
