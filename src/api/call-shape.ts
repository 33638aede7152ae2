// What the remembered call shapes of rope/ropeStep (rope-step.ts) and add/concat (combine-step.ts)
// compare a new call with: the operand's kind, plain option objects key by key, integer positions.

import { Tensor } from '../core/tensor.js';
import type { FloatArray } from '../core/types.js';

/** 1 Float32Array, 2 Float64Array, 3 tensor float32, 4 tensor float64, 0 anything else. */
export function kindOf(x: unknown): number {
  if (x instanceof Tensor) return x.dtype === 'float64' ? 4 : 3;
  if (x instanceof Float32Array) return 1;
  if (x instanceof Float64Array) return 2;
  return 0;
}

/** The plain-object options of a remembered call (not an array, no prototype but Object's). */
export const plainObject = (o: unknown): o is Record<string, unknown> =>
  typeof o === 'object' && o !== null && Object.getPrototypeOf(o) === Object.prototype;

/** A position a ranged table holds: an integer in [0, 2^31), not −0. */
export const isRow = (p: number) => p >= 0 && p < 2 ** 31 && Math.floor(p) === p && (p !== 0 || 1 / p > 0);

/** Whether option object `v` has exactly `keys` (in order) with `values` (undefined matches a null memo). */
export function sameKeyValues(v: unknown, keys: readonly string[] | null, values: readonly unknown[] | null): boolean {
  if (v === undefined) return keys === null;
  if (keys === null || !plainObject(v)) return false;
  let n = 0;
  for (const k in v) {
    if (k !== keys[n] || v[k] !== values![n]) return false;
    n++;
  }
  return n === keys.length;
}

/** What a remembered call shape keeps of the last pair of plain arrays it found on two buffers. */
export interface ApartPair {
  okX: unknown;
  okOut: unknown;
}

/**
 * A remembered call shape keeps the last pair found apart (reading `.buffer` costs ~20 ns a time)
 * when the first array is at most this many bytes: small calls, where that is worth it; at most 2
 * arrays of 64 KiB per remembered shape are kept alive.
 */
const OK_PAIR_BYTES = 64 * 1024;

/**
 * Whether plain arrays a and b are on two buffers (x and out, or q and k). A typed array's buffer
 * never changes, so the last pair found so (kept on `m`) needs no look at either buffer.
 */
export function apart(m: ApartPair, a: FloatArray, b: FloatArray): boolean {
  if (a === m.okX && b === m.okOut) return true;
  if (a.buffer === b.buffer) return false;
  if (a.byteLength <= OK_PAIR_BYTES) {
    m.okX = a;
    m.okOut = b;
  }
  return true;
}

/**
 * Whether x or out views the module's memory (`isModuleView`: the backend's check, absent for js):
 * then no rows are cached or grown for the call (an allocation could grow memory and detach the
 * view before the backend takes its address).
 */
export function viewsModuleMemory(isModuleView: ((op: FloatArray) => boolean) | undefined, x: unknown, out: unknown): boolean {
  if (!isModuleView) return false;
  return (!(x instanceof Tensor) && isModuleView(x as FloatArray)) || (out !== undefined && out !== x && !(out instanceof Tensor) && isModuleView(out as FloatArray));
}

/** The last few remembered call shapes of one kind, the oldest replaced first. */
export class Memos<T> {
  readonly list: T[] = [];
  #next = 0;
  constructor(readonly max: number) {}

  add(m: T): T {
    if (this.list.length < this.max) this.list.push(m);
    else {
      this.list[this.#next] = m;
      this.#next = (this.#next + 1) % this.max;
    }
    return m;
  }

  clear(): void {
    this.list.length = 0;
    this.#next = 0;
  }
}
