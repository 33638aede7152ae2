// A pool of worker threads that run kernels on the module's shared memory.
//
// Every thread holds its own instance of the same compiled module over one shared
// WebAssembly.Memory. Only the calling thread's instance allocates: the workers run kernels on
// addresses it hands them and never touch the allocator (a second instance's allocator would
// re-initialise its state over the live heap). Instantiating a worker re-applies the module's
// data segments, which hold only constants (the math tables below __heap_base), so the bytes it
// writes are the bytes already there.
//
// A call stays synchronous: the caller writes the call's chunks (row ranges, a few per thread)
// into a small control block (a SharedArrayBuffer), wakes the workers with Atomics.notify, and
// every thread, the caller included, takes the next chunk (Atomics.compareExchange on a shared
// index) until none is left. The caller then waits until every chunk is done: with Atomics.wait
// where the thread may block (Node's main thread, workers), else by spinning on Atomics.load (a
// browser's main thread may not block; it waits for at most the chunks still running). A worker
// that is slow to wake (its core busy with another process) takes fewer chunks or none: the call
// never waits for a worker that has not started, and a chunk's rows give the same bits whichever
// thread computes them.

/** Control block: Int32 slots, then per-worker argument overrides, then the chunks (float64). */
const GEN = 0; // round: bumped by the caller to wake the workers
const ERROR = 2; // a worker's kernel threw
const PROBE = 3; // never written: Atomics.wait on it tells whether this thread may block
const READY = 4; // workers instantiated
const NEXT = 5; // next chunk to take
const COUNT = 6; // chunks of the current round
const COMPLETED = 7; // chunks finished
const HEADER_BYTES = 64;
const MAX_OVERRIDES = 4;
const OVERRIDE_F64 = 1 + 2 * MAX_OVERRIDES; // [count, (argument index, value)…]
const SLOT_F64 = 32; // a chunk: [kernel id, argc, args…]
const MAX_ARGS = SLOT_F64 - 2;
/** Chunks per thread at most: enough to even out threads that start late. */
export const CHUNKS_PER_THREAD = 4;

/** The worker's whole program (a classic script: no imports, runs in Node and in browsers). */
const WORKER_SOURCE = `
'use strict';
function start(d, post) {
  const { module, memory, ctrl, index, size, names } = d;
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const m = (imports[imp.module] = imports[imp.module] || {});
    m[imp.name] = imp.kind === 'memory' ? memory : function () { throw new Error('posenc worker: ' + imp.module + '.' + imp.name); };
  }
  const ex = new WebAssembly.Instance(module, imports).exports;
  const fns = names.map((n) => ex[n]);
  const i32 = new Int32Array(ctrl);
  const f64 = new Float64Array(ctrl);
  const over = ${HEADER_BYTES} / 8 + index * ${OVERRIDE_F64};
  const chunks = ${HEADER_BYTES} / 8 + (size - 1) * ${OVERRIDE_F64};
  // The round is read before the worker reports ready: a round started right after the pool is
  // up must find this worker waiting on the round before it.
  let gen = Atomics.load(i32, ${GEN});
  Atomics.add(i32, ${READY}, 1);
  Atomics.notify(i32, ${READY});
  post('ready');
  for (;;) {
    Atomics.wait(i32, ${GEN}, gen);
    gen = Atomics.load(i32, ${GEN});
    for (;;) {
      const i = Atomics.load(i32, ${NEXT});
      if (i >= Atomics.load(i32, ${COUNT})) break;
      if (Atomics.compareExchange(i32, ${NEXT}, i, i + 1) !== i) continue;
      const base = chunks + i * ${SLOT_F64};
      const args = Array.prototype.slice.call(f64.subarray(base + 2, base + 2 + f64[base + 1]));
      for (let k = 0; k < f64[over]; k++) args[f64[over + 1 + 2 * k]] = f64[over + 2 + 2 * k];
      try {
        fns[f64[base]].apply(null, args);
      } catch (e) {
        Atomics.store(i32, ${ERROR}, 1);
      }
      Atomics.add(i32, ${COMPLETED}, 1);
      Atomics.notify(i32, ${COMPLETED});
    }
  }
}
const node = typeof process === 'object' && typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('worker_threads') : null;
if (node && node.parentPort) {
  const port = node.parentPort;
  port.once('message', (d) => start(d, (m) => port.postMessage(m)));
} else {
  self.onmessage = (e) => { self.onmessage = null; start(e.data, (m) => self.postMessage(m)); };
}
`;

/** The kernels a pool may run (ids are indices into this list, in the caller and the workers). */
export const POOL_KERNELS = ['sinusoidalTable', 'a32Table', 'addSinusoidal', 'concatSinusoidal', 'addTable', 'concatTable', 'ropeTable', 'ropeTableAxes', 'ropeApply', 'alibiApply', 'relBiasRows'] as const;
export type PoolKernel = (typeof POOL_KERNELS)[number];

interface NodeWorker {
  postMessage(m: unknown): void;
  on(ev: string, f: (v: unknown) => void): void;
  unref(): void;
  terminate(): unknown;
}
type NodeWorkerCtor = new (src: string, o: { eval: true }) => NodeWorker;

const g = globalThis as unknown as {
  process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown };
  crossOriginIsolated?: boolean;
  Worker?: new (url: string) => { postMessage(m: unknown): void; onmessage: ((e: { data: unknown }) => void) | null; onerror: ((e: unknown) => void) | null; terminate(): void };
  navigator?: { hardwareConcurrency?: number };
  URL?: { createObjectURL(b: unknown): string; revokeObjectURL(u: string): void };
  Blob?: new (parts: string[], o: { type: string }) => unknown;
};

const isNode = typeof g.process?.versions?.node === 'string';

function nodeModule<T>(id: string): T | undefined {
  try {
    return g.process?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why this engine cannot run worker threads on shared memory, or null when it can: shared
 * memory and Atomics are needed, and in browsers cross-origin isolation (COOP/COEP headers)
 * and Web Workers.
 */
export function threadsUnavailable(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return 'no SharedArrayBuffer/Atomics';
  if (typeof WebAssembly !== 'object') return 'no WebAssembly';
  if (isNode) return nodeModule('worker_threads') ? null : 'worker_threads is not available (process.getBuiltinModule needs Node ≥ 20.16)';
  if (g.crossOriginIsolated !== true) return 'the page is not cross-origin isolated (COOP/COEP headers)';
  if (typeof g.Worker !== 'function' || !g.URL || !g.Blob) return 'no Web Workers';
  return null;
}

/** What 'auto' resolves to: the available parallelism of the machine (1 when unknown). */
export function availableThreads(): number {
  const os = isNode ? nodeModule<{ availableParallelism?: () => number; cpus(): unknown[] }>('os') : undefined;
  const n = os ? (os.availableParallelism?.() ?? os.cpus().length) : g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(64, Math.floor(n) || 1));
}

/** Kernel calls run on `size` threads: the calling one and size − 1 workers. */
export class Pool {
  readonly size: number;
  /** Set when a worker stopped responding: calls then run on the calling thread only. */
  broken = false;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #fns: ((...a: number[]) => void)[];
  readonly #block: boolean;
  readonly #stop: () => void;

  private constructor(size: number, ctrl: SharedArrayBuffer, fns: ((...a: number[]) => void)[], stop: () => void) {
    this.size = size;
    this.#i32 = new Int32Array(ctrl);
    this.#f64 = new Float64Array(ctrl);
    this.#fns = fns;
    this.#stop = stop;
    let block = true;
    try {
      Atomics.wait(this.#i32, PROBE, 1, 0); // 'not-equal' where blocking is allowed; throws where not
    } catch {
      block = false;
    }
    this.#block = block;
  }

  /**
   * Starts size − 1 workers on `module` and `memory` (shared); resolves once every worker has
   * instantiated it, or rejects (the caller then runs on one thread). `exports` are the calling
   * thread's instance's.
   */
  static start(size: number, module: WebAssembly.Module, memory: WebAssembly.Memory, exports: Record<string, unknown>, sync: boolean): Promise<Pool> | Pool {
    const ctrl = new SharedArrayBuffer(HEADER_BYTES + ((size - 1) * OVERRIDE_F64 + size * CHUNKS_PER_THREAD * SLOT_F64) * 8);
    const fns = POOL_KERNELS.map((n) => exports[n] as (...a: number[]) => void);
    const msg = (index: number) => ({ module, memory, ctrl, index, size, names: POOL_KERNELS });
    const i32 = new Int32Array(ctrl);
    if (isNode) {
      const Worker = nodeModule<{ Worker: NodeWorkerCtor }>('worker_threads')!.Worker;
      const workers: NodeWorker[] = [];
      const stop = () => workers.forEach((w) => w.terminate());
      const failed: unknown[] = [];
      for (let i = 0; i < size - 1; i++) {
        const w = new Worker(WORKER_SOURCE, { eval: true });
        w.unref(); // idle workers never keep a process alive
        w.on('error', (e) => failed.push(e));
        w.postMessage(msg(i));
        workers.push(w);
      }
      const ready = () => Atomics.load(i32, READY) === size - 1;
      if (sync) {
        // Workers start on their own threads: this one may block until they are up.
        const t0 = Date.now();
        while (!ready()) {
          if (Date.now() - t0 > 30_000) {
            stop();
            throw new Error('posenc: worker threads did not start within 30 s');
          }
          Atomics.wait(i32, READY, Atomics.load(i32, READY), 100);
        }
        return new Pool(size, ctrl, fns, stop);
      }
      return new Promise<Pool>((resolve, reject) => {
        const t0 = Date.now();
        const poll = () => {
          if (failed.length) {
            stop();
            reject(failed[0]);
          } else if (ready()) resolve(new Pool(size, ctrl, fns, stop));
          else if (Date.now() - t0 > 30_000) {
            stop();
            reject(new Error('posenc: worker threads did not start within 30 s'));
          } else setTimeout(poll, 1);
        };
        poll();
      });
    }
    if (sync) throw new Error('posenc: worker threads start asynchronously in browsers: use init()');
    const url = g.URL!.createObjectURL(new g.Blob!([WORKER_SOURCE], { type: 'text/javascript' }));
    const workers: { terminate(): void }[] = [];
    const stop = () => workers.forEach((w) => w.terminate());
    return new Promise<Pool>((resolve, reject) => {
      let up = 0;
      for (let i = 0; i < size - 1; i++) {
        const w = new g.Worker!(url);
        workers.push(w);
        w.onerror = (e) => {
          stop();
          reject(e instanceof Error ? e : new Error('posenc: a worker thread failed to start'));
        };
        w.onmessage = () => {
          w.onmessage = null;
          if (++up === size - 1) {
            g.URL!.revokeObjectURL(url);
            resolve(new Pool(size, ctrl, fns, stop));
          }
        };
        w.postMessage(msg(i));
      }
    });
  }

  /**
   * Runs `kernel` once per chunk (argument lists, at most size × CHUNKS_PER_THREAD) over every
   * thread and returns when all have returned. The chunks' arguments are the calling thread's;
   * `overrides[w]` lists the (argument index, value) pairs that worker w replaces (its own
   * context and scratch).
   */
  run(kernel: PoolKernel, chunks: readonly (readonly number[])[], overrides: readonly (readonly [number, number][])[]): void {
    const id = POOL_KERNELS.indexOf(kernel);
    const f64 = this.#f64;
    const i32 = this.#i32;
    const n = chunks.length;
    if (n > this.size * CHUNKS_PER_THREAD) throw new Error(`posenc: ${n} chunks is more than the pool holds`);
    // No chunk can be taken while they are written: the index is reset first (a worker still
    // looking at the last round's index fails its compareExchange), the count set last.
    Atomics.store(i32, NEXT, 0);
    for (let w = 0; w < this.size - 1; w++) {
      const o = HEADER_BYTES / 8 + w * OVERRIDE_F64;
      const list = overrides[w] ?? [];
      if (list.length > MAX_OVERRIDES) throw new Error(`posenc: ${kernel} has more than ${MAX_OVERRIDES} per-thread arguments`);
      f64[o] = list.length;
      list.forEach(([k, v], j) => {
        f64[o + 1 + 2 * j] = k;
        f64[o + 2 + 2 * j] = v;
      });
    }
    const first = HEADER_BYTES / 8 + (this.size - 1) * OVERRIDE_F64;
    for (let c = 0; c < n; c++) {
      const base = first + c * SLOT_F64;
      const args = chunks[c];
      if (args.length > MAX_ARGS) throw new Error(`posenc: ${kernel} takes more than ${MAX_ARGS} arguments`);
      f64[base] = id;
      f64[base + 1] = args.length;
      for (let k = 0; k < args.length; k++) f64[base + 2 + k] = args[k];
    }
    Atomics.store(i32, COMPLETED, 0);
    Atomics.store(i32, COUNT, n);
    Atomics.add(i32, GEN, 1);
    Atomics.notify(i32, GEN);
    const fn = this.#fns[id];
    let error: unknown = null;
    let mine = 0;
    const t0 = performance.now();
    for (;;) {
      const i = Atomics.load(i32, NEXT);
      if (i >= n) break;
      if (Atomics.compareExchange(i32, NEXT, i, i + 1) !== i) continue;
      try {
        fn(...chunks[i]);
      } catch (e) {
        error ??= e;
      }
      mine++;
      Atomics.add(i32, COMPLETED, 1);
    }
    // The chunks still running are as long as the ones this thread ran: a worker far slower than
    // that has stopped (killed, terminated); the pool is dropped rather than waited for forever.
    const deadline = performance.now() + Math.max(10_000, (20 * (performance.now() - t0)) / Math.max(mine, 1));
    for (;;) {
      const done = Atomics.load(i32, COMPLETED);
      if (done >= n) break;
      if (performance.now() > deadline) {
        this.broken = true;
        this.#stop();
        throw new Error(`posenc: a worker thread stopped responding during ${kernel}; later calls run on one thread`);
      }
      if (this.#block) Atomics.wait(i32, COMPLETED, done, 50);
    }
    if (error) throw error;
    if (Atomics.load(i32, ERROR)) {
      Atomics.store(i32, ERROR, 0);
      throw new Error(`posenc: ${kernel} failed on a worker thread`);
    }
  }

  /** Stops the workers (the pool cannot be used afterwards). */
  close(): void {
    this.#stop();
  }
}
