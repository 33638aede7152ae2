// What the drivers of the 2-D, rotary and float32-angle kernels use of the wasm backend's core
// (src/backends/wasm.ts WasmCore), as a structural type: the core is passed in, never imported.

import type { KernelExports } from '../loader.js';
import type { SinEncoding } from '../plan.js';
import type { FloatArray } from '../types.js';
import { Tensor } from '../tensor.js';
import type { Operand } from './types.js';

export interface WasmCoreLike {
  readonly ex: KernelExports;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  heap(f64: boolean): FloatArray;
  /** The scratch window, at least `bytes` long (may grow memory: re-read views afterwards). */
  window(bytes: number): number;
  readonly windowBytes: number;
  /** The compiled sincos context of an encoding (cached by enc.key). */
  context(enc: SinEncoding): number;
  /** Byte address of an operand living in module memory, or −1. */
  resident(op: Operand, param: string, fn: string): number;
}

const align16 = (n: number) => (n + 15) & ~15;

/** Splits scratch into areas at 16-byte boundaries. */
export class Areas {
  #at: number;
  constructor(base: number) {
    this.#at = base;
  }
  take(bytes: number): number {
    const p = this.#at;
    this.#at += align16(bytes);
    return p;
  }
}

/** Bytes that Areas may lose to alignment for `n` areas. */
export const SLACK_PER_AREA = 16;

export function arrayOf(op: Operand): FloatArray {
  return op instanceof Tensor ? op.array : op;
}
