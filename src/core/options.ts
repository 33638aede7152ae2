// Validation: every TypeError and RangeError message of the library is written here, in the form
//   posenc.<function>: <parameter> must be <what is allowed>, got <value>
// Every check runs before anything is written, so a failed call leaves the caller's arrays as
// they were.

import type { FloatArray, ModuleTensor } from './types.js';
import { isModuleTensor } from './tensor.js';

/** Tensors must stay below 2^32 bytes (WebAssembly's address space): any call that would accept or produce a larger one is a RangeError. */
export const MAX_BYTES = 2 ** 32;

/**
 * The widest encoding (dim, headDim, rotary dim) any function derives frequencies for: 2^20 columns,
 * far above any model's width, and checked before any work so an absurd dim fails at once.
 */
export const MAX_DIM = 2 ** 20;

/**
 * The largest module tensor, on every backend: one block of the WebAssembly allocator (whose
 * size classes stop at 31·2^25 bytes below its 1 GiB maximum). The js backend keeps the same
 * limit so that code which works there works on WebAssembly too.
 */
export const MAX_TENSOR_BYTES = 31 * 2 ** 25 - 64;

// The %TypedArray%.prototype[Symbol.toStringTag] getter reads the array's internal type name: it
// recognises typed arrays of every realm (iframes, workers' transfers, Node's vm), where
// `instanceof Float32Array` is false for an array made by another realm's constructor.
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!
  .get as (this: unknown) => string | undefined;

/** The type name of a typed array of any realm ('Float32Array', …), or undefined. */
export function typedArrayName(v: unknown): string | undefined {
  return ArrayBuffer.isView(v) ? typedArrayTag.call(v) : undefined;
}

export function isFloat32Array(v: unknown): v is Float32Array {
  return typedArrayName(v) === 'Float32Array';
}

export function isFloat64Array(v: unknown): v is Float64Array {
  return typedArrayName(v) === 'Float64Array';
}

/** Formats a value for an error message: short, unambiguous, never throwing. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || v === undefined || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length <= 6 ? `[${v.map(show).join(', ')}]` : `an Array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as { length?: number }).length ?? v.byteLength}`;
  if (isModuleTensor(v)) return `a module tensor (${v.dtype}, length ${v.length})`;
  if (typeof v === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
}

export function typeError(fn: string, param: string, allowed: string, value: unknown): TypeError {
  return new TypeError(`posenc.${fn}: ${param} must be ${allowed}, got ${show(value)}`);
}

export function rangeError(fn: string, param: string, allowed: string, value: unknown): RangeError {
  return new RangeError(`posenc.${fn}: ${param} must be ${allowed}, got ${show(value)}`);
}

const keySets = new WeakMap<readonly string[], Set<string>>();

/** Throws a TypeError for option names that are not in `allowed` (catches typos such as `lenght`). */
export function checkKeys(fn: string, param: string, obj: object, allowed: readonly string[]): void {
  // Short lists (often literals) are scanned; long ones (module constants) get a cached Set.
  let set: { has(k: string): boolean } | undefined = allowed.length <= 4 ? undefined : keySets.get(allowed);
  if (!set) {
    if (allowed.length <= 4) set = { has: (k) => allowed.includes(k) };
    else keySets.set(allowed, (set = new Set(allowed)));
  }
  for (const key in obj) {
    if (!set.has(key) && Object.prototype.hasOwnProperty.call(obj, key)) {
      throw new TypeError(`posenc.${fn}: unknown option ${param}.${key} (allowed: ${allowed.join(', ')})`);
    }
  }
}

/** A plain options object (not null, not an array, not a typed array). */
export function checkObject(fn: string, param: string, v: unknown): asserts v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw typeError(fn, param, 'an options object', v);
  }
}

function checkNumberType(fn: string, param: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') throw typeError(fn, param, 'a number', v);
}

/** An integer in [min, max] (sizes: min 0 or 1). */
export function checkInt(fn: string, param: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  checkNumberType(fn, param, v);
  if (!Number.isInteger(v) || v < min || v > max) {
    const allowed = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw rangeError(fn, param, allowed, v);
  }
  return v;
}

/** A finite number, optionally with a lower bound (exclusive when `open`). */
export function checkFinite(fn: string, param: string, v: unknown, min = -Infinity, open = false): number {
  checkNumberType(fn, param, v);
  if (!Number.isFinite(v) || v < min || (open && v === min)) {
    const allowed = min === -Infinity ? 'a finite number' : open ? `a finite number > ${min}` : `a finite number ≥ ${min}`;
    throw rangeError(fn, param, allowed, v);
  }
  return v;
}

/** One of a fixed set of strings. */
export function checkEnum<T extends string>(fn: string, param: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string') throw typeError(fn, param, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, v);
  if (!(allowed as readonly string[]).includes(v)) {
    throw rangeError(fn, param, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, v);
  }
  return v as T;
}

/** True when the buffer was transferred or its module tensor memory freed. */
export function isDetached(buffer: ArrayBufferLike): boolean {
  const d = (buffer as ArrayBuffer & { detached?: boolean }).detached;
  if (typeof d === 'boolean') return d;
  if (buffer.byteLength !== 0) return false;
  try {
    // Constructing a view on a detached buffer throws in every engine; on a live empty one it does not.
    new Uint8Array(buffer as ArrayBuffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** The entries of a shape given as an array or a typed array (a detached one is a TypeError). */
export function shapeValues(fn: string, param: string, v: unknown): number[] {
  if (ArrayBuffer.isView(v) && isDetached(v.buffer)) throw new TypeError(`posenc.${fn}: ${param} is a ${v.constructor.name} whose buffer is detached`);
  return Array.from(v as ArrayLike<number>);
}

/** The typed-array view of a tensor argument (a Float32Array/Float64Array or a module tensor). */
export function floatArray(fn: string, param: string, v: unknown): FloatArray {
  if (isModuleTensor(v)) {
    if (v.freed) throw new TypeError(`posenc.${fn}: ${param} is a module tensor that was already freed`);
    return v.array;
  }
  if (isFloat32Array(v) || isFloat64Array(v)) {
    if (isDetached(v.buffer)) throw new TypeError(`posenc.${fn}: ${param} is a ${v.constructor.name} whose buffer is detached`);
    return v;
  }
  throw typeError(fn, param, 'a Float32Array, a Float64Array or a module tensor', v);
}

/** Checks element count × bytes against MAX_BYTES; returns the count. */
export function checkProduct(fn: string, what: string, dims: readonly number[], bytesPer: number): number {
  let n = 1;
  for (const d of dims) n *= d;
  if (n * bytesPer >= MAX_BYTES) {
    throw new RangeError(`posenc.${fn}: ${what} [${dims.join(', ')}] needs ${n * bytesPer} bytes, more than the 2^32-byte limit`);
  }
  return n;
}

/** Byte ranges of two views on one buffer overlap without being the same view. */
export function partiallyOverlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer !== b.buffer) return false;
  if (a.byteOffset === b.byteOffset && a.byteLength === b.byteLength) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** Any overlap at all (identical views included). */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer !== b.buffer || a.byteLength === 0 || b.byteLength === 0) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * Positions given by the caller: a typed array or an array of finite numbers; returns a
 * Float64Array copy (so the caller's array is never kept or modified).
 */
export function checkPositions(fn: string, param: string, v: unknown, integer: boolean): Float64Array {
  let src: ArrayLike<number>;
  if (Array.isArray(v)) src = v;
  else if (ArrayBuffer.isView(v) && typedArrayName(v) !== undefined && !/^Big/.test(typedArrayName(v)!)) {
    if (isDetached(v.buffer)) throw new TypeError(`posenc.${fn}: ${param} is a ${v.constructor.name} whose buffer is detached`);
    src = v as unknown as ArrayLike<number>;
  } else if (isModuleTensor(v)) {
    if (v.freed) throw new TypeError(`posenc.${fn}: ${param} is a module tensor that was already freed`);
    src = v.array;
  } else throw typeError(fn, param, 'an array or typed array of numbers', v);
  // Float arrays of this realm: one monomorphic pass (long position lists, e.g. multi-axis rows).
  if (src instanceof Float64Array || src instanceof Float32Array) {
    const out = new Float64Array(src as Float64Array);
    for (let i = 0; i < out.length; i++) {
      const p = out[i];
      if (!(p - p === 0) || (integer && Math.floor(p) !== p)) {
        throw rangeError(fn, `${param}[${i}]`, integer ? 'a finite integer' : 'a finite number', p);
      }
    }
    return out;
  }
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const p = src[i];
    if (typeof p !== 'number') throw typeError(fn, `${param}[${i}]`, 'a number', p);
    if (!Number.isFinite(p) || (integer && !Number.isInteger(p))) {
      throw rangeError(fn, `${param}[${i}]`, integer ? 'a finite integer' : 'a finite number', p);
    }
    out[i] = p;
  }
  return out;
}

export type { ModuleTensor };

/** A boolean option. */
export function checkBool(fn: string, param: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw typeError(fn, param, 'true or false', v);
  return v;
}
