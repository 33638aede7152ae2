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
  ropeTable(ctx: number, a32: number, h: number, tab: number, count: number, start: number, rowBase: number, positions: number, af: number, f64: number, scratch: number): void;
  ropeTableAxes(ctxs: number, a32: number, nAxes: number, h: number, perm: number, tab: number, count: number, start: number, rowBase: number, positions: number, posStride: number, af: number, f64: number, scratch: number): void;
  ropeApply(tab: number, tBS: number, idx: number, idxBS: number, x: number, out: number, batch: number, heads: number, rows: number, xBS: number, xHS: number, xLS: number, oBS: number, oHS: number, oLS: number, headDim: number, rd: number, interleaved: number, f64: number): void;
  grid2dTable(ctxR: number, ctxC: number, f32Angles: number, out: number, n0: number, count: number, gridW: number, dim: number, f64: number): void;
  grid3dTable(tabT: number, tabC: number, tabR: number, out: number, n0: number, count: number, gridH: number, gridW: number, wT: number, wS: number, f64: number): void;
  gramInvNorms(a: number, n: number, dim: number, f64: number, inv: number): void;
  gramBlock(a: number, na: number, b: number, nb: number, dim: number, f64: number, sa: number, sb: number, out: number, ldo: number, acc: number): void;
  alibiApply(x: number, out: number, rows: number, row0: number, qL: number, kL: number, heads: number, slopes: number, kp: number, scale: number, f64: number): void;
  relBiasDiag(weights: number, heads: number, buckets: number, n: number, diag: number): void;
  relBiasRows(diag: number, n: number, out: number, rows: number, row0: number, qL: number, kL: number): void;
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

/** Pages of a shared memory's maximum: the whole 32-bit address space (reserved, not committed). */
const SHARED_MAX_PAGES = 65536;

function readLeb(b: Uint8Array, at: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const byte = b[at++];
    v += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [v, at];
    shift += 7;
  }
}

function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}

const sharedCache: Partial<Record<WasmFlavor, { bytes: Uint8Array<ArrayBuffer>; minPages: number }>> = {};

/**
 * The flavor's binary with its memory turned into an import of a shared memory (env.memory,
 * maximum 4 GiB): the same code and data, so the results are the same bits. Rewritten here
 * rather than built twice: the package carries each binary once. The module's own memory
 * section is dropped and an import entry for it is appended to the import section (memory
 * imports do not shift function indices); the export of 'memory' then exports the import.
 */
export function sharedBinary(flavor: WasmFlavor): { bytes: Uint8Array<ArrayBuffer>; minPages: number } {
  const hit = sharedCache[flavor];
  if (hit) return hit;
  const b = wasmBytes(flavor);
  const sections: { id: number; body: Uint8Array }[] = [];
  let at = 8;
  let minPages = -1;
  while (at < b.length) {
    const id = b[at];
    const [size, start] = readLeb(b, at + 1);
    sections.push({ id, body: b.subarray(start, start + size) });
    at = start + size;
  }
  const out: number[] = Array.from(b.subarray(0, 8));
  const entry = (): number[] => {
    const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
    return [...name('env'), ...name('memory'), 0x02, 0x03, ...leb(minPages), ...leb(SHARED_MAX_PAGES)];
  };
  for (const s of sections) {
    if (s.id === 5) {
      // count (1), then limits: flags, min[, max]
      const [, p] = readLeb(s.body, 0);
      minPages = readLeb(s.body, p + 1)[0];
    }
  }
  if (minPages < 0) throw new Error('posenc: the WebAssembly binary has no memory section');
  let imported = false;
  const emit = (id: number, body: ArrayLike<number>) => out.push(id, ...leb(body.length), ...Array.from(body));
  for (const s of sections) {
    if (s.id === 5) continue;
    if (s.id === 2) {
      const [count, p] = readLeb(s.body, 0);
      emit(2, [...leb(count + 1), ...Array.from(s.body.subarray(p)), ...entry()]);
      imported = true;
      continue;
    }
    // Known sections are ordered; the import section comes before the function section (3).
    if (!imported && s.id !== 0 && s.id > 2) {
      emit(2, [1, ...entry()]);
      imported = true;
    }
    emit(s.id, s.body);
  }
  const res = { bytes: new Uint8Array(out), minPages };
  sharedCache[flavor] = res;
  return res;
}

/** A flavor instantiated on a new shared memory (for worker threads): the module, its memory and exports. */
export function instantiateShared(flavor: WasmFlavor, module?: WebAssembly.Module): { module: WebAssembly.Module; memory: WebAssembly.Memory; exports: KernelExports } {
  const { bytes, minPages } = sharedBinary(flavor);
  const m = module ?? new WebAssembly.Module(bytes);
  const memory = new WebAssembly.Memory({ initial: minPages, maximum: SHARED_MAX_PAGES, shared: true });
  const ex = exportsOf(instantiateSync(m, { env: { memory } }));
  return { module: m, memory, exports: { ...ex, memory } as KernelExports };
}

/** Compiles the shared variant of a flavor asynchronously (browsers' main thread). */
export function compileShared(flavor: WasmFlavor): Promise<WebAssembly.Module> {
  return WebAssembly.compile(sharedBinary(flavor).bytes);
}
