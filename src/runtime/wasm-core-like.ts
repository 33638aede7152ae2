// What the drivers of the 2-D, rotary and float32-angle kernels use of the wasm backend's core
// (src/runtime/wasm-core.ts WasmCore), as a structural type: the core is passed in, never imported.

import type { KernelExports } from './loader.js';
import type { SinEncoding, TablePlan } from '../core/encoding.js';
import type { FloatArray } from '../core/types.js';
import { Tensor } from '../core/tensor.js';
import { Lru } from './lru.js';
import type { PoolKernel } from './threads.js';
import type { Operand } from './backend.js';
import type { PlainArrays } from './plain-arrays.js';

export interface WasmCoreLike {
  readonly ex: KernelExports;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  heap(f64: boolean): FloatArray;
  /** The scratch window, at least `bytes` long (may grow memory: re-read views afterwards). */
  window(bytes: number): number;
  readonly windowBytes: number;
  /**
   * The compiled sincos context of an encoding (cached by enc.key); thread t > 0 gets its own
   * copy (a context caches the angles of its last position: threads must not share one).
   * `inUse`: how many contexts the call took just before this one and still needs (they are
   * never evicted to make room).
   */
  context(enc: SinEncoding, thread?: number, inUse?: number): number;
  /** Thread t's context of an encoding (thread 0's made now, the others' on first use). */
  contexts(enc: SinEncoding, inUse?: number): (thread: number) => number;
  /** A block of module memory (16-byte aligned; a RangeError naming `what` when memory cannot grow); free it with ex.free. */
  allocBytes(bytes: number, what: string): number;
  /** One encoding row of scratch per thread for the fused add (`bytes` in all; may grow memory). */
  peRow(bytes: number): number;
  /** Threads in use (1: no pool). */
  readonly threads: number;
  /**
   * Runs `kernel` over `rows` rows cut into chunks of at least `minElements` of work
   * (`rowElements` a row) that the threads take in turn; inline when there are fewer chunks than
   * threads. `args(t, first, count)` gives the arguments for rows first … first + count − 1 on
   * thread t (what depends on t — a context, a scratch row — must not depend on the rows).
   * When a worker thread dies, it throws WorkerDiedError, saying what the call's output holds
   * from `progress` (without it: that the output is incomplete).
   */
  split(kernel: PoolKernel, rows: number, rowElements: number, minElements: number, args: (t: number, first: number, count: number) => number[], progress?: Progress): void;
  /** Byte address of an operand living in module memory, or −1. */
  resident(op: Operand, param: string, fn: string): number;
  /** Plain arrays known not to view this core's memory (src/runtime/small-io.ts). */
  readonly plain: PlainArrays;
}

const align16 = (n: number) => (n + 15) & ~15;

/**
 * What a split's rows are in the call's output, for the error a worker thread's death throws
 * (WasmCore.split composes it): rows finished before the split, the split's own rows, whether it
 * writes the output directly.
 */
export interface Progress {
  /** The call's destination: 'out', or 'x' when the call updates x in place. */
  readonly dest: 'out' | 'x';
  /** The split's rows [first, count) in the call's words, e.g. 'rows 0–255 and 512–767 of the table'. */
  rows(ranges: readonly (readonly [number, number])[]): string;
  /** What the call finished before this split, in the same words ('' for nothing). */
  readonly before: string;
  /** Whether the split writes the destination itself (else scratch that is copied to it afterwards, or that later steps read). */
  readonly direct: boolean;
}

/** Whether two operands are the same memory (a call in place: x is out). */
export function sameMemory(a: Operand, b: Operand): boolean {
  if (a === b) return true;
  if (a instanceof Tensor || b instanceof Tensor) return a instanceof Tensor && b instanceof Tensor && a.storage === b.storage && a.ptr === b.ptr;
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset;
}

/** Row ranges [first, count) shifted by `offset`, as text: '0–255 and 512–767'. */
export function rangesText(ranges: readonly (readonly [number, number])[], offset = 0): string {
  const t = ranges.map(([a, k]) => (k === 1 ? `${offset + a}` : `${offset + a}–${offset + a + k - 1}`));
  return t.length <= 1 ? t.join('') : `${t.slice(0, -1).join(', ')} and ${t[t.length - 1]}`;
}

/** `what` rows [0, count) as text ('' when count is 0). */
export function firstRows(what: string, count: number, of: string): string {
  return count <= 0 ? '' : `${what} ${rangesText([[0, count]])} ${of}`;
}

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

/**
 * Where a kernel reads x when out lives in module memory (oRes ≥ 0): x's own address when x is
 * resident too (xRes ≥ 0), else out's after x is copied into it (the kernel then works in place).
 */
export function sourceInOut(core: WasmCoreLike, xOp: Operand, xRes: number, oRes: number, f64: boolean): number {
  if (xRes >= 0) return xRes;
  core.heap(f64).set(arrayOf(xOp), oRes / (f64 ? 8 : 4));
  return oRes;
}

/**
 * Drives a table kernel over `plan.rows` rows: one call straight into a resident `out` (outPtr ≥ 0,
 * taken by the caller before any allocation could move memory), else chunks through the scratch
 * window (positions copied in, rows copied out). The kernel gets (destination address, rows,
 * absolute first row, positions address or 0).
 */
export function streamTableRows(
  core: WasmCoreLike, plan: TablePlan, outOp: Operand, outPtr: number,
  kernel: (dst: number, rows: number, rowBase: number, positions: number, progress: Progress) => void,
): void {
  const { enc, rows, positions, f64 } = plan;
  if (rows === 0) return;
  const bytes = f64 ? 8 : 4;
  const rowBytes = enc.width * bytes;
  const progress = (r0: number, direct: boolean): Progress => ({
    dest: 'out', direct, before: firstRows('rows', r0, 'of the table'), rows: (rg) => `rows ${rangesText(rg, r0)} of the table`,
  });
  if (outPtr >= 0 && !positions) {
    kernel(outPtr, rows, 0, 0, progress(0, true));
    return;
  }
  const perRow = (outPtr >= 0 ? 0 : rowBytes) + (positions ? 8 : 0);
  const n = Math.max(1, Math.min(rows, Math.floor((core.windowBytes - 32) / perRow)));
  const areas = new Areas(core.window(n * perRow + 32));
  const data = outPtr >= 0 ? 0 : areas.take(n * rowBytes);
  const pos = positions ? areas.take(n * 8) : 0;
  for (let r0 = 0; r0 < rows; r0 += n) {
    const m = Math.min(n, rows - r0);
    if (positions) core.f64.set(positions.subarray(r0, r0 + m), pos / 8);
    if (outPtr >= 0) {
      kernel(outPtr + r0 * rowBytes, m, r0, pos, progress(r0, true));
    } else {
      kernel(data, m, r0, pos, progress(r0, false));
      arrayOf(outOp).set(core.heap(f64).subarray(data / bytes, data / bytes + m * enc.width), r0 * enc.width);
    }
  }
}

/** Contexts kept in any case per thread: most calls use at most two at once (sincos2d: rows and columns; multi-axis rope passes its count as `inUse`). */
export const KEEP_RECENT = 2;

/** Work (elements) below which a thread is not worth waking: kernels that compute sin/cos rows. */
export const MIN_GENERATE = 16384;
/** The same for kernels that only stream memory (x·scale + T, rotations with given cos/sin). */
export const MIN_STREAM = 65536;

/**
 * Compiled contexts in module memory, least recently used first: at most 32, and at most 64 MiB
 * of them beyond the KEEP_RECENT newest (a context of dim 2^20 takes hundreds of MB, so a count
 * alone does not bound memory). `free` returns a context to the module.
 */
export class ContextCache extends Lru<number> {
  static readonly MAX_CONTEXTS = 32;
  static readonly MAX_BYTES = 64 * 2 ** 20;

  constructor(free: (ctx: number) => void, threads = 1) {
    super(ContextCache.MAX_CONTEXTS + KEEP_RECENT * (threads - 1), ContextCache.MAX_BYTES, KEEP_RECENT * threads, free);
  }
}
