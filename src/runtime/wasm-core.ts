// plan → pointer calls into the WebAssembly kernels (SIMD or scalar build of assembly/).
//
// Operands that already live in module memory (module tensors, or views inside one) are passed by
// pointer and never copied. Plain JS arrays stream through one bounded scratch window in chunks,
// so the module's memory does not grow with the input's size. Chunks never change results: every
// kernel takes the absolute row of its first row, and the encoding of a position does not depend
// on which call computes it.

import { compileShared, instantiateFlavor, instantiateFlavorSync, instantiateShared, type KernelExports, type WasmFlavor } from './loader.js';
import { CHUNKS_PER_THREAD, Pool, PoolDeath, threadsUnavailable, WorkerDiedError, type PoolKernel } from './threads.js';
import type { SinEncoding, TablePlan } from '../core/encoding.js';
import { Tensor, type TensorStorage } from '../core/tensor.js';
import type { Dtype, FloatArray } from '../core/types.js';
import type { BackendBase, Operand } from './backend.js';
import { ContextCache, type Progress } from './wasm-core-like.js';
import { MAX_TENSOR_BYTES } from '../core/options.js';
import { PlainArrays } from './plain-arrays.js';

/** Scratch window for streaming plain arrays (grown only when one row does not fit). */
const WINDOW_BYTES = 256 * 1024;
/**
 * AssemblyScript's TLSF allocator does not round requests of 2^29 bytes or more up to its size
 * classes (2^25 bytes wide there), so it may take a free block up to 32 MiB too small from the
 * request's class, trap while splitting it and lose that block (rt/tlsf.ts searchBlock/roundSize:
 * "don't round last fl"). Such requests are rounded up here to the next class, whose blocks are
 * all large enough; blocks stop at 31·2^25 bytes so that the rounded request stays below the
 * allocator's 1 GiB maximum.
 */
const UNROUNDED_BYTES = 2 ** 29 - 64;
const SIZE_CLASS_BYTES = 2 ** 25;
const MAX_BLOCK_BYTES = MAX_TENSOR_BYTES;
/**
 * The caller's tensors up to this size get a start phase (WasmCore.allocTensor): beyond L2 a kernel
 * waits on memory, not on the store-to-load check, and the allocator's own placement measured
 * faster there (rope [1, 32, 2048, 128]: 1.03–1.12× the copy against 1.11–1.37× with x and out
 * 2 KiB apart; alternating runs).
 */
const STAGGER_MAX_BYTES = 2 ** 20;
function requestBytes(bytes: number): number {
  return bytes < UNROUNDED_BYTES ? Math.max(bytes, 16) : (Math.floor(bytes / SIZE_CLASS_BYTES) + 1) * SIZE_CLASS_BYTES;
}
/** Bytes of the frequency context of n frequencies (assembly/sincos.ts ctxBytes). */
const contextBytes = (n: number) => 96 + ((n + 1) & ~1) * 8 * 103;
/** Exports that return an address: a usize comes back as a signed i32, negative from 2 GiB on. */
const ADDRESS_RESULTS = ['alloc', 'ctxNew', 'ctxOmega', 'heapBase', 'a32New'] as const;

function unsignedAddresses(ex: KernelExports): KernelExports {
  const fixed: Record<string, unknown> = { ...ex };
  for (const name of ADDRESS_RESULTS) {
    const f = (ex as unknown as Record<string, unknown>)[name];
    if (typeof f === 'function') fixed[name] = (...args: number[]) => (f as (...a: number[]) => number)(...args) >>> 0;
  }
  return fixed as unknown as KernelExports;
}

const align16 = (n: number) => (n + 15) & ~15;

/** The calling thread's instance, its memory views, scratch, contexts and pool: what every family's wasm driver uses. */
export class WasmCore implements TensorStorage {
  readonly ex: KernelExports;
  #buffer: ArrayBuffer | null = null;
  #f32 = new Float32Array(0);
  #f64 = new Float64Array(0);
  #i32 = new Int32Array(0);
  #window = 0;
  #windowBytes = 0;
  #pe = 0;
  #peBytes = 0;
  /** The context used last (skips the LRU bookkeeping on repeated calls). */
  #lastKey = '';
  #lastCtx = 0;
  readonly #contexts: ContextCache;
  /** Live tensors: ptr → bytes (to accept views inside them and refuse views into freed memory). */
  readonly live = new Map<number, number>();
  readonly plain = new PlainArrays();
  /** Staggered tensors (see allocTensor): their address → their block's. */
  readonly #bases = new Map<number, number>();
  #stagger = 0;
  #rowsStagger = 0;
  readonly #pool: Pool | null;
  readonly threads: number;

  constructor(ex: KernelExports, pool: Pool | null) {
    this.ex = ex;
    this.#pool = pool;
    this.threads = pool ? pool.size : 1;
    this.#contexts = new ContextCache((ctx) => ex.ctxFree(ctx), this.threads);
  }

  /** Threads that calls use now (1 once a worker died). */
  get inUse(): number {
    return this.#pool && this.#pool.healthy ? this.threads : 1;
  }

  split(kernel: PoolKernel, rows: number, rowElements: number, minElements: number, args: (t: number, first: number, count: number) => number[], progress?: Progress): void {
    const pool = this.#pool;
    const most = pool && !pool.broken ? Math.min(this.threads * CHUNKS_PER_THREAD, Math.floor((rows * rowElements) / minElements), rows) : 1;
    if (most < this.threads || most <= 1) {
      // Too little work for every thread to get a share: inline.
      (this.ex[kernel] as (...a: number[]) => void)(...args(0, 0, rows));
      return;
    }
    const chunks: number[][] = [];
    for (let c = 0; c < most; c++) {
      const first = Math.floor((rows * c) / most);
      chunks.push(args(0, first, Math.floor((rows * (c + 1)) / most) - first));
    }
    // What differs for thread t (its context, its scratch): the same for every chunk.
    const c0 = chunks[0];
    const overrides: [number, number][][] = [];
    for (let t = 1; t < this.threads; t++) {
      const a = args(t, 0, Math.floor(rows / most));
      overrides.push(a.flatMap((v, k) => (v === c0[k] ? [] : [[k, v] as [number, number]])));
    }
    try {
      pool!.run(kernel, chunks, overrides);
    } catch (e) {
      if (!(e instanceof PoolDeath)) throw e;
      // Chunk c holds rows [⌊rows·c/most⌋, ⌊rows·(c + 1)/most⌋): consecutive chunks make one range.
      const ranges = (cs: readonly number[]) => {
        const out: [number, number][] = [];
        for (const c of cs) {
          const a = Math.floor((rows * c) / most);
          const b = Math.floor((rows * (c + 1)) / most);
          const last = out[out.length - 1];
          if (last && last[0] + last[1] === a) last[1] += b - a;
          else out.push([a, b - a]);
        }
        return out;
      };
      throw new WorkerDiedError(e.message, describeOutput(progress, e.ran ? ranges(e.done) : [], e.ran ? ranges(e.lost) : [], e.ran));
    }
  }

  #refresh(): void {
    const b = this.ex.memory.buffer;
    if (b !== this.#buffer) {
      this.#buffer = b;
      this.#f32 = new Float32Array(b);
      this.#f64 = new Float64Array(b);
      this.#i32 = new Int32Array(b);
    }
  }
  get f32(): Float32Array {
    this.#refresh();
    return this.#f32;
  }
  get f64(): Float64Array {
    this.#refresh();
    return this.#f64;
  }
  get i32(): Int32Array {
    this.#refresh();
    return this.#i32;
  }
  heap(f64: boolean): FloatArray {
    return f64 ? this.f64 : this.f32;
  }

  /** Allocates module memory, turning the allocator's failure into a RangeError. */
  allocBytes(bytes: number, what: string): number {
    if (bytes > MAX_BLOCK_BYTES) {
      throw new RangeError(`posenc.${what}: ${bytes} bytes is more than one block of module memory can hold (${MAX_BLOCK_BYTES} bytes)`);
    }
    try {
      return this.ex.alloc(requestBytes(bytes));
    } catch {
      throw new RangeError(`posenc.${what}: the module's memory cannot grow by ${bytes} bytes (WebAssembly limit or out of memory)`);
    }
  }

  view(ptr: number, length: number, dtype: Dtype): FloatArray {
    return dtype === 'float64' ? new Float64Array(this.ex.memory.buffer, ptr, length) : new Float32Array(this.ex.memory.buffer, ptr, length);
  }

  release(ptr: number): void {
    this.live.delete(ptr);
    const base = this.#bases.get(ptr);
    if (base !== undefined) this.#bases.delete(ptr);
    this.ex.free(base ?? ptr);
  }

  /** The scratch window, at least `bytes` long (one default window per thread: every thread gets a full share of each chunk). */
  window(bytes: number): number {
    if (bytes > this.#windowBytes) {
      const size = Math.max(WINDOW_BYTES * this.threads, align16(bytes));
      const ptr = this.allocBytes(size, 'window');
      if (this.#window) this.ex.free(this.#window);
      this.#window = ptr;
      this.#windowBytes = size;
    }
    return this.#window;
  }
  get windowBytes(): number {
    return Math.max(this.#windowBytes, WINDOW_BYTES * this.threads);
  }

  /** Scratch for one encoding row. */
  peRow(bytes: number): number {
    if (bytes > this.#peBytes) {
      const ptr = this.allocBytes(bytes, 'add');
      if (this.#pe) this.ex.free(this.#pe);
      this.#pe = ptr;
      this.#peBytes = bytes;
    }
    return this.#pe;
  }

  /** The compiled context of an encoding (frequencies, layout and cached sin/cos tables). */
  context(enc: SinEncoding, thread = 0, inUse = 0): number {
    // Repeated calls with one encoding (the common case) skip the LRU bookkeeping.
    if (thread === 0 && enc.key === this.#lastKey) return this.#lastCtx;
    const key = thread === 0 ? enc.key : `${enc.key}#${thread}`;
    const hit = this.#contexts.get(key);
    if (hit !== undefined) {
      if (thread === 0) {
        this.#lastKey = enc.key;
        this.#lastCtx = hit;
      }
      return hit;
    }
    const n = enc.freqs.length;
    // Contexts are allocated inside the module, unrounded: they stay below the allocator's unrounded sizes.
    if (contextBytes(n) >= UNROUNDED_BYTES) {
      throw new RangeError(`posenc: dim ${enc.width} is too large for the module's memory (its frequency tables would take ${contextBytes(n)} bytes; dim ≤ 1303084 fits)`);
    }
    let ctx: number;
    try {
      ctx = this.ex.ctxNew(n);
    } catch {
      // Memory is full: drop cached contexts and retry, but never those this call is using: the
      // `inUse` it took before, thread 0's (refreshed first: the repeat shortcut above skips the
      // LRU) and threads 1 … thread − 1's copies, all newer than every other context.
      if (this.#lastKey) this.#contexts.get(this.#lastKey);
      this.#evict(Math.max(1, inUse, thread), 0);
      try {
        ctx = this.ex.ctxNew(n);
      } catch {
        throw new RangeError(`posenc: the module's memory cannot hold the tables of dim ${enc.width}`);
      }
    }
    this.f64.set(enc.freqs, this.ex.ctxOmega(ctx) / 8);
    this.ex.ctxLayout(ctx, enc.layout, enc.sinBase, enc.cosBase, enc.nCos, enc.width, enc.zeroFrom, enc.padPos);
    this.#contexts.add(key, ctx, contextBytes(n), inUse + 1); // evicts only older ones than those in use
    if (thread === 0) {
      this.#lastKey = enc.key;
      this.#lastCtx = ctx;
    }
    return ctx;
  }

  /**
   * The context of an encoding per thread: thread 0's now, the others' when a call is split
   * (then allocated while the split builds its arguments, before any kernel runs).
   */
  contexts(enc: SinEncoding, inUse = 0): (thread: number) => number {
    const first = this.context(enc, 0, inUse);
    return (t) => (t === 0 ? first : this.context(enc, t, inUse));
  }

  /** Frees cached contexts (see ContextCache.evict); the last-used shortcut is dropped. */
  #evict(keep: number, maxBytes: number): void {
    this.#lastKey = '';
    this.#contexts.evict(keep, maxBytes);
  }

  /**
   * Allocates a module tensor's block; when memory is full, cached contexts are freed first (no call
   * is running). A tensor of 4 KiB or more (the caller's: up to STAGGER_MAX_BYTES) starts at a
   * chosen phase modulo 4 KiB (its block is 4 KiB longer): the caller's tensors at 0 and 2048 in
   * turn, cached rows (`rows`) at 1024 and 3072 in turn. A kernel that stores into out and then
   * loads x or cos/sin rows at nearly the same address modulo 4 KiB stalls on the CPU's
   * store-to-load check (4K aliasing), and the allocator hands out blocks of power-of-two tensors
   * at one phase. Measured (rope [1, 8, 16, 128] into a
   * second tensor, µs, by out − x modulo 4 KiB): 16 bytes 10.0, 288 6.4, 544 4.5, from 800 to
   * 4096 − 800 2.7–3.6, −224 6.3. So x and out allocated one after the other are 2 KiB apart, and
   * every tensor 1 KiB from every table of cached rows.
   */
  allocTensor(bytes: number, rows = false): number {
    const stagger = bytes >= 4096 && (rows ? bytes + 4096 <= MAX_BLOCK_BYTES : bytes <= STAGGER_MAX_BYTES);
    const request = stagger ? bytes + 4096 - 16 : bytes;
    let base: number;
    try {
      base = this.allocBytes(request, 'alloc');
    } catch (e) {
      if (this.#contexts.size === 0 || bytes > MAX_BLOCK_BYTES) throw e;
      this.#evict(0, 0);
      base = this.allocBytes(request, 'alloc');
    }
    if (!stagger) return base;
    // Only tensors that take a phase advance the turn: x, a small tensor, then out stay 2 KiB apart.
    const phase = rows ? 1024 + 2048 * (this.#rowsStagger++ & 1) : 2048 * (this.#stagger++ & 1);
    const offset = (phase - (base % 4096) + 4096) % 4096;
    if (offset === 0) return base;
    this.#bases.set(base + offset, base);
    return base + offset;
  }

  /**
   * The byte address of an operand that lives in module memory, or -1. A view into module memory
   * outside every live tensor (e.g. kept after free()) is refused: writing there would corrupt
   * the allocator.
   */
  resident(op: Operand, param: string, fn: string): number {
    if (op instanceof Tensor) return op.storage === this ? op.ptr : -1;
    if (op.buffer !== this.ex.memory.buffer) return -1;
    const lo = op.byteOffset;
    const hi = lo + op.byteLength;
    for (const [ptr, bytes] of this.live) {
      if (lo >= ptr && hi <= ptr + bytes) return lo;
    }
    throw new TypeError(`posenc.${fn}: ${param} is a view on posenc's module memory outside every live module tensor (was its tensor freed?)`);
  }
}

/** What a call's output holds after a worker died during one of its splits (see Progress). */
function describeOutput(p: Progress | undefined, done: readonly [number, number][], lost: readonly [number, number][], ran: boolean): string {
  if (!p) return 'The call stopped before it finished: its output is incomplete.';
  const x = p.dest === 'x';
  const res = x ? 'transformed values' : 'results';
  const written = [p.before, p.direct && done.length ? p.rows(done) : ''].filter(Boolean);
  const parts = [written.length ? `${p.dest} holds ${res} for ${written.join(', and for ')}` : `${p.dest} holds no ${res} of the call`];
  if (p.direct && lost.length) parts.push(`${p.rows(lost)} may be partly ${x ? 'transformed' : 'written'}`);
  if (written.length) parts.push(`no other row of ${p.dest} holds ${res}`);
  const state = `The call stopped ${ran ? 'before it finished' : 'before this step began'}: ${parts.join('; ')}.`;
  return x ? `${state} x, updated in place, is partly transformed and cannot be recomputed from itself.` : state;
}

/**
 * The family-independent half of a wasm backend: its name, math, threads, tensors and memory.
 * The families' drivers (src/<family>/wasm.ts) take the core itself.
 */
export function wasmBase(flavor: WasmFlavor, core: WasmCore): BackendBase {
  const ex = core.ex;
  function alloc(length: number, dtype: Dtype, rows = false): Tensor {
    const bytes = length * (dtype === 'float64' ? 8 : 4);
    const ptr = core.allocTensor(bytes, rows);
    core.live.set(ptr, bytes);
    const t = new Tensor(core, ptr, length, dtype);
    t.array.fill(0);
    return t;
  }

  return {
    name: flavor === 'simd' ? 'wasm-simd' : 'wasm',
    math: { pow: ex.mathPow, exp: ex.mathExp, log: ex.mathLog },
    alloc,
    get threads() {
      return core.inUse;
    },
    memoryBytes: () => ex.memory.buffer.byteLength,
    // A module memory's buffer is a whole number of 64 KiB pages: other buffers need no look at it.
    // Arrays seen before and found plain need no look at all (core.plain).
    isModuleView: (op) => {
      if (op instanceof Tensor || core.plain.has(op)) return false;
      const b = op.buffer;
      if ((b.byteLength & 0xffff) === 0 && b === ex.memory.buffer) return true;
      core.plain.add(op);
      return false;
    },
  };
}

function newCore(rawExports: KernelExports, pool: Pool | null = null): WasmCore {
  return new WasmCore(unsignedAddresses(rawExports), pool);
}

/**
 * The core of a wasm backend on `threads` threads: the flavor on a shared memory with threads − 1 workers
 * where the engine allows it (threadsUnavailable), else on one thread, as when the workers fail
 * to start.
 */
export async function loadWasmCore(flavor: WasmFlavor, threads = 1): Promise<WasmCore> {
  if (threads > 1 && threadsUnavailable() === null) {
    try {
      const s = instantiateShared(flavor, await compileShared(flavor));
      return newCore(s.exports, await Pool.start(threads, s.module, s.memory, s.exports as unknown as Record<string, unknown>, false));
    } catch {
      // One thread, as in an engine without shared memory.
    }
  }
  return newCore(await instantiateFlavor(flavor));
}

/** The synchronous twin (worker threads: Node only, where this thread may wait for them to start). */
export function loadWasmCoreSync(flavor: WasmFlavor, threads = 1): WasmCore {
  if (threads > 1 && threadsUnavailable() === null) {
    try {
      const s = instantiateShared(flavor);
      return newCore(s.exports, Pool.start(threads, s.module, s.memory, s.exports as unknown as Record<string, unknown>, true) as Pool);
    } catch {
      // One thread.
    }
  }
  return newCore(instantiateFlavorSync(flavor));
}
