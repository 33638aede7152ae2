// The one place that instantiates the embedded binaries (through @assemblyscript/loader, which
// supplies the runtime's imports and turns an abort into an Error with its message).

import { instantiateSync } from '@assemblyscript/loader';
import { base64 as simdBase64 } from './wasm/simd.js';
import { base64 as scalarBase64 } from './wasm/scalar.js';

/** The raw exports of assembly/index.ts (pointers and sizes are byte addresses / element counts). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  heapBase(): number;
  mathPow(x: number, y: number): number;
  mathExp(x: number): number;
  mathLog(x: number): number;
  mathSin(x: number): number;
  mathCos(x: number): number;
  ctxNew(n: number): number;
  ctxOmega(ctx: number): number;
  ctxLayout(ctx: number, layout: number, sinBase: number, cosBase: number, nCos: number, dim: number, zeroFrom: number, padPos: number): void;
  ctxFree(ctx: number): void;
  sinusoidalTable(ctx: number, out: number, rows: number, start: number, rowBase: number, positions: number, f64: number): void;
  addSinusoidal(ctx: number, x: number, out: number, batch: number, rows: number, xBS: number, oBS: number, start: number, rowBase: number, positions: number, posBS: number, scale: number, f64: number, pe: number): void;
  concatSinusoidal(ctx: number, x: number, out: number, batch: number, rows: number, dimIn: number, xBS: number, oBS: number, start: number, rowBase: number, positions: number, posBS: number, f64: number): void;
  addTable(table: number, tableBS: number, x: number, out: number, batch: number, rows: number, dim: number, xBS: number, oBS: number, rowStart: number, rowIdx: number, idxBS: number, scale: number, f64: number): void;
  concatTable(table: number, tableBS: number, width: number, x: number, out: number, batch: number, rows: number, dimIn: number, xBS: number, oBS: number, rowStart: number, rowIdx: number, idxBS: number, f64: number): void;
  /** A float32-angle context (laid out by ctxLayout, frequencies at ctxOmega, freed by ctxFree). */
  a32New(n: number): number;
  a32Table(ctx: number, out: number, rows: number, start: number, rowBase: number, positions: number, f64: number): void;
  ropeTable(ctx: number, a32: number, h: number, tab: number, count: number, start: number, rowBase: number, positions: number, af: number, interleaved: number, f64: number, scratch: number): void;
  ropeTableAxes(ctxs: number, a32: number, nAxes: number, h: number, perm: number, tab: number, count: number, start: number, rowBase: number, positions: number, posStride: number, af: number, interleaved: number, f64: number, scratch: number): void;
  ropeApply(tab: number, tBS: number, x: number, out: number, batch: number, heads: number, rows: number, xBS: number, xHS: number, xLS: number, oBS: number, oHS: number, oLS: number, headDim: number, rd: number, interleaved: number, f64: number): void;
  grid2dTable(ctxR: number, ctxC: number, f32Angles: number, out: number, n0: number, count: number, gridW: number, dim: number, f64: number): void;
  grid3dTable(tabT: number, tabC: number, tabR: number, out: number, n0: number, count: number, gridH: number, gridW: number, wT: number, wS: number, f64: number): void;
  gramInvNorms(a: number, n: number, dim: number, f64: number, inv: number): void;
  gramBlock(a: number, na: number, b: number, nb: number, dim: number, f64: number, sa: number, sb: number, out: number, ldo: number, acc: number): void;
}

export type WasmFlavor = 'simd' | 'scalar';

const bytesCache: Partial<Record<WasmFlavor, Uint8Array<ArrayBuffer>>> = {};

type Base64Decoder = (s: string) => Uint8Array<ArrayBuffer>;

/**
 * The fastest base64 decoder the engine has: Node's global Buffer (native; no import needed),
 * else atob (native in browsers; in Node it is a slow JS implementation).
 */
const decodeBase64: Base64Decoder = (() => {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B) {
    return (s: string) => {
      const buf = B.from(s, 'base64');
      return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    };
  }
  return (s: string) => {
    const bin = atob(s);
    const b = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
    return b;
  };
})();

/** The binary of one flavor, decoded once. */
export function wasmBytes(flavor: WasmFlavor): Uint8Array<ArrayBuffer> {
  let b = bytesCache[flavor];
  if (!b) {
    b = decodeBase64(flavor === 'simd' ? simdBase64 : scalarBase64);
    bytesCache[flavor] = b;
  }
  return b;
}

/** Whether this engine can run a flavor (SIMD needs the fixed-width SIMD proposal). */
export function supports(flavor: WasmFlavor): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(wasmBytes(flavor));
  } catch {
    return false;
  }
}

function exportsOf(result: { instance: WebAssembly.Instance }): KernelExports {
  // The raw exports, not the loader's demangled wrappers: kernels are called with plain numbers.
  return result.instance.exports as unknown as KernelExports;
}

/**
 * Compiles asynchronously (what browsers require on the main thread), then instantiates the
 * compiled module with the loader. Not the loader's async `instantiate`: it probes the global
 * `Response`, which in Node loads the whole fetch implementation (~25 ms of start-up).
 */
export async function instantiateFlavor(flavor: WasmFlavor): Promise<KernelExports> {
  const module = await WebAssembly.compile(wasmBytes(flavor));
  return exportsOf(instantiateSync(module, {}));
}

export function instantiateFlavorSync(flavor: WasmFlavor): KernelExports {
  return exportsOf(instantiateSync(wasmBytes(flavor), {}));
}
