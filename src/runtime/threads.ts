// A pool of worker threads that run kernels on the module's shared memory.
//
// Every thread holds its own instance of the same compiled module over one shared
// WebAssembly.Memory. Only the calling thread's instance allocates: the workers run kernels on
// addresses it hands them and never touch the allocator (a second instance's allocator would
// re-initialise its state over the live heap). Instantiating a worker re-applies the module's
// data segments, which hold only constants (the math tables below __heap_base), so the bytes it
// writes are the bytes already there.
//
// A call (a round) stays synchronous: the caller writes the round's chunks (row ranges, a few
// per thread) into a small control block (a SharedArrayBuffer), then publishes them: one state
// word per chunk, tagged with the round's generation, then the generation itself, and wakes the
// workers with Atomics.notify. Every thread, the caller included, takes chunks by
// Atomics.compareExchange of a chunk's word from "free in round g" to "held in round g by thread
// t", runs it, and stores "done in round g by t". The caller then waits until every chunk is
// done: with Atomics.wait where the thread may block (Node's main thread, workers), else by
// spinning (a browser's main thread may not block).
//
// Why tagged words (issue #19): with one shared "next chunk" index, reset to 0 by every call, a
// worker preempted between reading the index and its compareExchange could resume during the
// next call's set-up, find the index back at the value it had read, and take chunk 0 with the
// previous call's arguments (applying an in-place add twice), while the completion counter it
// then bumped was reset by the caller, which waited for a chunk nobody would finish. A word
// published for round g only ever leaves "free in round g" once, nothing is reset, and a chunk
// is taken only after its arguments were written, so a late worker's compareExchange fails.
// Completions are counted from the chunk words themselves, never from a counter that a call
// resets.
//
// A worker that is slow (its core busy with another process) takes fewer chunks or none, and a
// chunk it holds is waited for as long as it takes: there is no deadline. A worker that dies
// (terminated, out of memory, an uncaught exception) is marked in the control block by a thread
// that is not blocked: in Node, the workers are started by a supervisor thread that does nothing
// but watch their 'error' and 'exit' events; in browsers (and in Node, for exceptions) the worker
// marks itself as it fails. The caller notices the mark while it waits: a chunk held by a dead
// worker will never finish, so the call throws PoolDeath (which chunks were done, which were
// lost) once the chunks held by live threads are finished, and the pool is dropped: later calls
// run on the calling thread. A worker that died idle makes the next round throw before it starts.

/** Control block: Int32 slots (header, per-worker death marks, per-chunk words), then float64 (overrides, chunks). */
const GEN = 0; // generation of the current round: published by the caller to wake the workers
const HOOK = 1; // test-only schedules (POSENC_TEST_HOOK), 0 when off
const PROBE = 3; // never written: Atomics.wait on it tells whether this thread may block
const READY = 4; // workers instantiated
const COUNT = 5; // chunks of the current round
const EVENTS = 6; // bumped after every chunk a worker finishes and every death: what the caller waits on
const DEAD = 16; // + w: 0 while worker w lives, else how it died (DIED_*, exit code << 2)
const MAX_THREADS = 64;
const STATE = DEAD + MAX_THREADS; // + c: chunk c's word, (generation << 8) | (phase << 6) | thread
const INT32_SLOTS = STATE + MAX_THREADS * 4;
const MAX_OVERRIDES = 4;
const OVERRIDE_F64 = 1 + 2 * MAX_OVERRIDES; // [count, (argument index, value)…]
const OVERRIDES = INT32_SLOTS / 2; // first float64 of the overrides
const SLOT_F64 = 32; // a chunk: [kernel id, argc, args…]
const MAX_ARGS = SLOT_F64 - 2;
/** Chunk phases (the thread is 0 for the caller, w + 1 for worker w). */
const FREE = 0;
const HELD = 1;
const DONE = 2;
const FAILED = 3; // the kernel threw
/** How a worker died. */
const DIED_EXIT = 1; // its thread ended: terminate(), process.exit, or after an uncaught error (code in bits 2…)
const DIED_THREW = 2; // an uncaught exception
const DIED_OOM = 3; // out of memory
/** Chunks per thread at most: enough to even out threads that start late. */
export const CHUNKS_PER_THREAD = 4;

const word = (gen: number, phase: number, thread: number) => ((gen << 8) | (phase << 6) | thread) | 0;

/** The worker's whole program (a classic script: no imports, runs in Node and in browsers). */
const WORKER_SOURCE = `
'use strict';
function start(d, post) {
  const { module, memory, ctrl, index, size, names, hook } = d;
  const i32 = new Int32Array(ctrl);
  const died = (how) => {
    if (Atomics.compareExchange(i32, ${DEAD} + index, 0, how) !== 0) return;
    Atomics.add(i32, ${EVENTS}, 1);
    Atomics.notify(i32, ${EVENTS});
    Atomics.notify(i32, ${READY});
  };
  try {
    run(d, i32, post);
  } catch (e) {
    // Whatever ends this thread's loop ends its part in the pool: say so before the thread goes.
    died(/out of memory/i.test(String(e && e.message)) ? ${DIED_OOM} : ${DIED_THREW});
    throw e;
  }
}
function run(d, i32, post) {
  const { module, memory, ctrl, index, size, names, hook } = d;
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const m = (imports[imp.module] = imports[imp.module] || {});
    m[imp.name] = imp.kind === 'memory' ? memory : function () { throw new Error('posenc worker: ' + imp.module + '.' + imp.name); };
  }
  const ex = new WebAssembly.Instance(module, imports).exports;
  const fns = names.map((n) => ex[n]);
  const f64 = new Float64Array(ctrl);
  const over = ${OVERRIDES} + index * ${OVERRIDE_F64};
  const chunks = ${OVERRIDES} + (size - 1) * ${OVERRIDE_F64};
  const me = index + 1;
  // Test-only schedules (POSENC_TEST_HOOK, worker 0): see Pool.start.
  const hooked = index === 0 && hook ? hook : '';
  const dieAt = hooked.startsWith('die-') ? Number(hooked.split(':')[1] || 0) : 0;
  // The round is read before the worker reports ready: a round started right after the pool is
  // up must find this worker waiting on the round before it.
  let gen = Atomics.load(i32, ${GEN});
  Atomics.add(i32, ${READY}, 1);
  Atomics.notify(i32, ${READY});
  post('ready');
  for (;;) {
    Atomics.wait(i32, ${GEN}, gen);
    gen = Atomics.load(i32, ${GEN});
    if (hooked === 'die-idle' && Atomics.compareExchange(i32, ${HOOK}, 1, 2) === 1) die('exit', post);
    // A count of a later round (this worker slept through rounds) finds no word of this one free.
    const n = Atomics.load(i32, ${COUNT});
    const free = (gen << 8) | 0;
    const held = (gen << 8) | (${HELD} << 6) | me;
    for (let k = 0; k < n; k++) {
      const c = dieAt ? (k + dieAt) % n : k;
      const at = ${STATE} + c;
      if (Atomics.load(i32, at) !== free) continue;
      let stalled = false;
      if (hooked === 'stale-claim' && Atomics.compareExchange(i32, ${HOOK}, 1, 2) === 1) {
        // Stall between reading the word and the compareExchange until the caller's next call began.
        stalled = true;
        Atomics.notify(i32, ${HOOK});
        while (Atomics.load(i32, ${HOOK}) === 2) Atomics.wait(i32, ${HOOK}, 2, 50);
      }
      const taken = Atomics.compareExchange(i32, at, free, held) === free;
      if (stalled) {
        Atomics.store(i32, ${HOOK}, 4);
        Atomics.notify(i32, ${HOOK});
      }
      if (!taken) continue;
      const base = chunks + c * ${SLOT_F64};
      const args = Array.prototype.slice.call(f64.subarray(base + 2, base + 2 + f64[base + 1]));
      for (let j = 0; j < f64[over]; j++) args[f64[over + 1 + 2 * j]] = f64[over + 2 + 2 * j];
      if (hooked.startsWith('die-') && hooked !== 'die-idle' && Atomics.compareExchange(i32, ${HOOK}, 1, 2) === 1) {
        Atomics.notify(i32, ${HOOK});
        die(hooked.slice(4).split(':')[0], post);
      }
      let phase = ${DONE};
      try {
        fns[f64[base]].apply(null, args);
      } catch (e) {
        phase = ${FAILED};
      }
      Atomics.store(i32, at, (gen << 8) | (phase << 6) | me);
      Atomics.add(i32, ${EVENTS}, 1);
      Atomics.notify(i32, ${EVENTS});
    }
  }
}
// Test-only: the ways a worker dies (holding the chunk it just took, or idle).
function die(how, post) {
  if (how === 'terminate') {
    post('terminate'); // the supervisor terminates this thread while it waits here
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
  if (how === 'exit') process.exit(7);
  if (how === 'oom') {
    const keep = [];
    for (;;) keep.push(new Array(1 << 20).fill(keep.length + 0.5));
  }
  throw new Error('posenc test: a worker thread throws');
}
const node = typeof process === 'object' && typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('worker_threads') : null;
if (node && node.parentPort) {
  const port = node.parentPort;
  port.once('message', (d) => start(d, (m) => port.postMessage(m)));
} else {
  self.onmessage = (e) => { self.onmessage = null; start(e.data, (m) => self.postMessage(m)); };
}
`;

/**
 * Node: the thread that starts the workers and marks each one's death in the control block as
 * its 'error' and 'exit' events arrive. The caller may be blocked in Atomics.wait for the whole
 * call, and a worker's events reach only the thread that made it, when that thread's event loop
 * runs: this one does nothing else. Terminating it (Pool.close) terminates the workers.
 */
const SUPERVISOR_SOURCE = `
'use strict';
const { Worker, parentPort } = process.getBuiltinModule('worker_threads');
parentPort.once('message', (d) => {
  const i32 = new Int32Array(d.ctrl);
  const mark = (w, how) => {
    if (Atomics.compareExchange(i32, ${DEAD} + w, 0, how) !== 0) return;
    Atomics.add(i32, ${EVENTS}, 1);
    Atomics.notify(i32, ${EVENTS});
    Atomics.notify(i32, ${READY});
  };
  for (let w = 0; w < d.size - 1; w++) {
    const test = d.hook && d.hook.startsWith('die-oom') && w === 0;
    const worker = new Worker(d.source, test ? { eval: true, resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 } } : { eval: true });
    worker.on('error', (e) => mark(w, e && e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? ${DIED_OOM} : ${DIED_THREW}));
    worker.on('exit', (code) => mark(w, ${DIED_EXIT} | ((code & 0xffff) << 2)));
    worker.on('message', (m) => { if (m === 'terminate') worker.terminate(); });
    worker.postMessage({ module: d.module, memory: d.memory, ctrl: d.ctrl, index: w, size: d.size, names: d.names, hook: d.hook });
  }
});
`;

/** How a worker died, in words (from its mark in the control block). */
function howDied(mark: number): string {
  const kind = mark & 3;
  if (kind === DIED_OOM) return 'it ran out of memory';
  if (kind === DIED_THREW) return 'it threw an uncaught exception';
  return `its thread ended with exit code ${mark >>> 2}: terminated or exited`;
}

/**
 * A worker thread died before or during a round. `done`: the chunks finished (by any thread);
 * `lost`: those the dead worker held, which may be partly written; `ran`: false when the death
 * was noticed before the round started (no chunk ran).
 */
export class PoolDeath extends Error {
  constructor(readonly kernel: PoolKernel, readonly how: string, readonly done: readonly number[], readonly lost: readonly number[], readonly ran: boolean) {
    super(`posenc: a worker thread died during ${kernel} (${how})`);
  }
}

/**
 * What a call throws when a worker thread died before or while it ran (an Error: posenc names no
 * error classes). `head` says which thread died and how, `state` what the call's output holds;
 * the instance then runs on one thread.
 */
export class WorkerDiedError extends Error {
  readonly #head: string;

  constructor(head: string, state: string) {
    super(`${head}. ${state} Later calls run on one thread (pe.threads is 1).`);
    this.#head = head;
  }

  /** The same death, with what the output holds told by a caller that knows better. */
  restate(state: string): WorkerDiedError {
    return new WorkerDiedError(this.#head, state);
  }
}

/**
 * `e`, said again for a death while a call made encoding rows before it wrote its output (rows
 * it keeps, or a temporary table): x and out are untouched. Other errors are returned as they are.
 */
export function diedBeforeWriting(e: unknown): unknown {
  return e instanceof WorkerDiedError
    ? e.restate('The call stopped before it wrote anything: the thread died while the call made the encoding rows it adds; x and out are as they were.')
    : e;
}

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
  process?: { versions?: { node?: string }; env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };
  crossOriginIsolated?: boolean;
  POSENC_TEST_HOOK?: string;
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

/** What the test-only schedules did (POSENC_TEST_HOOK), in order: tests check that theirs happened. */
export const hookLog: string[] = [];

/** Rounds run on pools, per kernel, in this realm (tests check that calls really go to the pool). */
export const poolRounds = new Map<PoolKernel, number>();

/** Kernel calls run on `size` threads: the calling one and size − 1 workers. */
export class Pool {
  readonly size: number;
  /** Set once a worker died (and the pool was stopped): calls then run on the calling thread only. */
  broken = false;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #fns: ((...a: number[]) => void)[];
  readonly #block: boolean;
  readonly #stop: () => void;
  /** Generation of the last round (wraps; the chunk words keep its low 24 bits). */
  #gen = 0;
  /** The test-only schedule armed (POSENC_TEST_HOOK), '' when none. */
  readonly #hook: string;
  #hooked = false;

  private constructor(size: number, ctrl: SharedArrayBuffer, fns: ((...a: number[]) => void)[], stop: () => void, hook: string) {
    this.size = size;
    this.#hook = hook;
    this.#i32 = new Int32Array(ctrl);
    this.#f64 = new Float64Array(ctrl);
    this.#fns = fns;
    this.#stop = stop;
    this.#gen = Atomics.load(this.#i32, GEN);
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
   * thread's instance's. In Node the workers are started by a supervisor thread (see
   * SUPERVISOR_SOURCE). POSENC_TEST_HOOK (tests only: Node's environment, a browser's global; read
   * here) arms a schedule for worker
   * 0: 'stale-claim' (it stalls between reading a chunk's word and its compareExchange until the
   * next call began), 'die-terminate', 'die-exit', 'die-throw', 'die-oom' (it dies holding the
   * first chunk it takes, optionally ':k', the chunk to take first, of the first round it joins),
   * 'die-idle' (it exits as it wakes for its first round). Browsers: 'stale-claim' and 'die-throw'.
   */
  static start(size: number, module: WebAssembly.Module, memory: WebAssembly.Memory, exports: Record<string, unknown>, sync: boolean): Promise<Pool> | Pool {
    if (size > MAX_THREADS) throw new Error(`posenc: at most ${MAX_THREADS} threads`);
    const ctrl = new SharedArrayBuffer(INT32_SLOTS * 4 + ((size - 1) * OVERRIDE_F64 + size * CHUNKS_PER_THREAD * SLOT_F64) * 8);
    const fns = POOL_KERNELS.map((n) => exports[n] as (...a: number[]) => void);
    const i32 = new Int32Array(ctrl);
    const hook = (isNode ? g.process?.env?.POSENC_TEST_HOOK : g.POSENC_TEST_HOOK) || '';
    if (hook) Atomics.store(i32, HOOK, 1);
    // No chunk word reads "free" before a round publishes it.
    for (let c = 0; c < MAX_THREADS * 4; c++) i32[STATE + c] = word(0, DONE, 0);
    const msg = (index: number) => ({ module, memory, ctrl, index, size, names: POOL_KERNELS, hook });
    const ready = () => Atomics.load(i32, READY) === size - 1;
    const deadMark = () => {
      for (let w = 0; w < size - 1; w++) if (Atomics.load(i32, DEAD + w)) return Atomics.load(i32, DEAD + w);
      return 0;
    };
    if (isNode) {
      const Worker = nodeModule<{ Worker: NodeWorkerCtor }>('worker_threads')!.Worker;
      const supervisor = new Worker(SUPERVISOR_SOURCE, { eval: true });
      supervisor.unref(); // idle workers never keep a process alive
      const stop = () => void supervisor.terminate();
      const failed: unknown[] = [];
      supervisor.on('error', (e) => failed.push(e));
      supervisor.postMessage({ module, memory, ctrl, size, names: POOL_KERNELS, hook, source: WORKER_SOURCE });
      const startFailed = () => {
        const mark = deadMark();
        return failed.length ? failed[0] : mark ? new Error(`posenc: a worker thread failed to start (${howDied(mark)})`) : null;
      };
      if (sync) {
        // Workers start on their own threads: this one may block until they are up.
        const t0 = Date.now();
        while (!ready()) {
          const e = startFailed();
          if (e || Date.now() - t0 > 30_000) {
            stop();
            throw e ?? new Error('posenc: worker threads did not start within 30 s');
          }
          Atomics.wait(i32, READY, Atomics.load(i32, READY), 100);
        }
        return new Pool(size, ctrl, fns, stop, hook);
      }
      return new Promise<Pool>((resolve, reject) => {
        const t0 = Date.now();
        const poll = () => {
          const e = startFailed();
          if (e) {
            stop();
            reject(e);
          } else if (ready()) resolve(new Pool(size, ctrl, fns, stop, hook));
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
      let started = false;
      for (let i = 0; i < size - 1; i++) {
        const w = new g.Worker!(url);
        workers.push(w);
        w.onerror = (e) => {
          if (started) {
            // After start-up: the worker marked itself when its loop ended; mark it in any case
            // (this runs only when the page's thread is between calls).
            if (Atomics.compareExchange(i32, DEAD + i, 0, DIED_THREW) === 0) Atomics.add(i32, EVENTS, 1);
            return;
          }
          stop();
          reject(e instanceof Error ? e : new Error('posenc: a worker thread failed to start'));
        };
        w.onmessage = () => {
          w.onmessage = null;
          if (++up === size - 1) {
            started = true;
            g.URL!.revokeObjectURL(url);
            resolve(new Pool(size, ctrl, fns, stop, hook));
          }
        };
        w.postMessage(msg(i));
      }
    });
  }

  /** How the first worker that died died (its mark), or 0 while all live. */
  #deathMark(): number {
    for (let w = 0; w < this.size - 1; w++) {
      const m = Atomics.load(this.#i32, DEAD + w);
      if (m) return m;
    }
    return 0;
  }

  /** Whether every worker is alive and the pool in use (false once one died, even before a call noticed). */
  get healthy(): boolean {
    return !this.broken && this.#deathMark() === 0;
  }

  /** Drops the pool after a death: the remaining workers are stopped, calls run on one thread. */
  #drop(): void {
    if (this.broken) return;
    this.broken = true;
    this.#stop();
  }

  /**
   * Runs `kernel` once per chunk (argument lists, at most size × CHUNKS_PER_THREAD) over every
   * thread and returns when all have returned. The chunks' arguments are the calling thread's;
   * `overrides[w]` lists the (argument index, value) pairs that worker w replaces (its own
   * context and scratch). Throws PoolDeath when a worker died before the round (nothing ran) or
   * while it held a chunk (after every chunk held by a live thread finished); the pool is then
   * dropped.
   */
  run(kernel: PoolKernel, chunks: readonly (readonly number[])[], overrides: readonly (readonly [number, number][])[]): void {
    const id = POOL_KERNELS.indexOf(kernel);
    const f64 = this.#f64;
    const i32 = this.#i32;
    const n = chunks.length;
    if (n > this.size * CHUNKS_PER_THREAD) throw new Error(`posenc: ${n} chunks is more than the pool holds`);
    if (this.#hook === 'stale-claim') this.#hookNextRound();
    const dead = this.#deathMark();
    if (this.broken || dead) {
      this.#drop();
      throw new PoolDeath(kernel, dead ? howDied(dead) : 'the pool was stopped', [], [], false);
    }
    // Nothing of this round is visible to the workers until its words and generation are
    // published: the previous round is over (every chunk done), so its arguments may be rewritten.
    for (let w = 0; w < this.size - 1; w++) {
      const o = OVERRIDES + w * OVERRIDE_F64;
      const list = overrides[w] ?? [];
      if (list.length > MAX_OVERRIDES) throw new Error(`posenc: ${kernel} has more than ${MAX_OVERRIDES} per-thread arguments`);
      f64[o] = list.length;
      list.forEach(([k, v], j) => {
        f64[o + 1 + 2 * j] = k;
        f64[o + 2 + 2 * j] = v;
      });
    }
    const first = OVERRIDES + (this.size - 1) * OVERRIDE_F64;
    for (let c = 0; c < n; c++) {
      const base = first + c * SLOT_F64;
      const args = chunks[c];
      if (args.length > MAX_ARGS) throw new Error(`posenc: ${kernel} takes more than ${MAX_ARGS} arguments`);
      f64[base] = id;
      f64[base + 1] = args.length;
      for (let k = 0; k < args.length; k++) f64[base + 2 + k] = args[k];
    }
    const gen = (this.#gen = (this.#gen + 1) | 0);
    const free = word(gen, FREE, 0);
    for (let c = 0; c < n; c++) Atomics.store(i32, STATE + c, free);
    Atomics.store(i32, COUNT, n);
    Atomics.store(i32, GEN, gen);
    Atomics.notify(i32, GEN);
    poolRounds.set(kernel, (poolRounds.get(kernel) ?? 0) + 1);
    if (this.#hook) this.#hookRound();
    const fn = this.#fns[id];
    let error: unknown = null;
    for (let c = 0; c < n; c++) {
      if (Atomics.load(i32, STATE + c) !== free || Atomics.compareExchange(i32, STATE + c, free, word(gen, HELD, 0)) !== free) continue;
      let phase = DONE;
      try {
        fn(...chunks[c]);
      } catch (e) {
        error ??= e;
        phase = FAILED;
      }
      Atomics.store(i32, STATE + c, word(gen, phase, 0));
    }
    // Wait for the chunks the workers hold, however long they take, unless their holder died.
    let lost: number[] = [];
    let workerFailed = false;
    for (;;) {
      const events = Atomics.load(i32, EVENTS);
      let pending = 0;
      lost = [];
      for (let c = 0; c < n; c++) {
        const s = Atomics.load(i32, STATE + c);
        const phase = (s >> 6) & 3;
        if (phase === FAILED) workerFailed = true;
        if (phase !== HELD) continue;
        const t = s & 63;
        if (t > 0 && Atomics.load(i32, DEAD + t - 1)) lost.push(c);
        else pending++;
      }
      if (pending === 0) break;
      // A 1 s slice only re-checks (every event bumps EVENTS): it is no deadline.
      if (this.#block) Atomics.wait(i32, EVENTS, events, 1000);
    }
    if (lost.length) {
      const done: number[] = [];
      for (let c = 0; c < n; c++) if (((Atomics.load(i32, STATE + c) >> 6) & 3) === DONE) done.push(c);
      const how = howDied(Atomics.load(i32, DEAD + (Atomics.load(i32, STATE + lost[0]) & 63) - 1));
      this.#drop();
      throw new PoolDeath(kernel, how, done, lost, true);
    }
    if (error) throw error;
    if (workerFailed) throw new Error(`posenc: ${kernel} failed on a worker thread`);
  }

  /** Test-only: once a round is published, wait until worker 0 has read a chunk's word and stalled (stale-claim), taken a chunk to die with, or woken to die (die-*). */
  #hookRound(): void {
    const i32 = this.#i32;
    if (this.#hooked) return;
    while (Atomics.load(i32, HOOK) === 1 && !this.#deathMark()) if (this.#block) Atomics.wait(i32, HOOK, 1, 50);
    this.#hooked = true;
    hookLog.push(`${this.#hook}: worker 0 ${this.#hook === 'stale-claim' ? 'stalled before its compareExchange' : 'is dying'}`);
  }

  /** Test-only (stale-claim): at the start of the next call, let the stalled worker try its compareExchange, and wait for it. */
  #hookNextRound(): void {
    const i32 = this.#i32;
    if (Atomics.load(i32, HOOK) !== 2) return;
    Atomics.store(i32, HOOK, 3);
    Atomics.notify(i32, HOOK);
    while (Atomics.load(i32, HOOK) === 3) if (this.#block) Atomics.wait(i32, HOOK, 3, 50);
    hookLog.push('stale-claim: worker 0 tried its compareExchange as the next call began');
  }

  /** Stops the workers (the pool cannot be used afterwards). */
  close(): void {
    this.broken = true;
    this.#stop();
  }
}
