// Backend choice and the one cached instance per realm and backend.
// 'auto' picks SIMD WebAssembly where WebAssembly.validate accepts it, else scalar WebAssembly,
// else the js backend (locked-down engines without WebAssembly).

import type { Backend } from './backend.js';
import { createJsBackend, loadWasmBackend, loadWasmBackendSync } from './backends.js';
import { supports } from '../runtime/loader.js';
import { checkEnum, checkInt, checkKeys, checkObject, rangeError } from '../core/options.js';
import { availableThreads } from '../runtime/threads.js';
import { DEFAULT_CACHE_BYTES } from './rowcache.js';
import { Posenc } from './posenc.js';
import type { BackendChoice, BackendName } from './types.js';

export interface InitOptions {
  /** 'auto' (default): wasm-simd → wasm → js, by what the engine supports. */
  backend?: BackendChoice;
  /**
   * Bytes of encoding rows (rotary: cos/sin) that add, concat and rope keep for reuse, least
   * recently used evicted (default 64 MiB; 0 disables the cache). Results are bit-identical
   * either way.
   */
  cacheBytes?: number;
  /**
   * Threads that kernels run on: an integer from 1 to 64, or 'auto' (the machine's available
   * parallelism, at most 64); default 1. Each distinct set of init options is its own instance
   * (module memory, cache and worker pool). Large calls are split by rows over a pool of workers sharing the module's memory
   * (Node worker_threads; Web Workers in cross-origin-isolated pages); small ones run inline.
   * Where workers cannot run (no SharedArrayBuffer, a page without COOP/COEP, the js backend)
   * the instance runs on one thread: `pe.threads` says what is in use. Results are bit-identical
   * for every thread count. A slow worker only slows a call; a worker thread that dies makes the
   * threaded call that meets the death throw an Error saying what its output holds, and the
   * instance then runs on one thread (README: "Reuse and threads").
   */
  threads?: number | 'auto';
}

/** The most threads a pool takes (beyond the cores of any machine, below Chromium's worker limits). */
const MAX_THREADS = 64;

const CHOICES: BackendChoice[] = ['auto', 'wasm-simd', 'wasm', 'js'];
/** One instance per realm and configuration (backend, cache budget). */
const instances = new Map<string, Posenc>();
const pending = new Map<string, Promise<Posenc>>();

interface Config {
  name: BackendName;
  cacheBytes: number;
  /** Threads asked for (what the engine allows may be fewer). */
  threads: number;
  key: string;
}

function resolveConfig(fn: string, options: unknown): Config {
  if (options === undefined) options = {};
  checkObject(fn, 'options', options);
  checkKeys(fn, 'options', options, ['backend', 'cacheBytes', 'threads']);
  const cacheBytes = options.cacheBytes === undefined ? DEFAULT_CACHE_BYTES : checkInt(fn, 'options.cacheBytes', options.cacheBytes, 0);
  const t = options.threads;
  let threads = 1;
  if (t === 'auto') threads = availableThreads();
  else if (typeof t === 'string') throw rangeError(fn, 'options.threads', `an integer in [1, ${MAX_THREADS}] or 'auto'`, t);
  else if (t !== undefined) threads = checkInt(fn, 'options.threads', t, 1, MAX_THREADS);
  const name = resolveChoice(fn, options);
  // The js backend runs on the calling thread only.
  if (name === 'js') threads = 1;
  return { name, cacheBytes, threads, key: `${name}|${cacheBytes}|${threads}` };
}

function resolveChoice(fn: string, options: Record<string, unknown>): BackendName {
  const choice = checkEnum<BackendChoice>(fn, 'options.backend', options.backend ?? 'auto', CHOICES);
  if (choice === 'auto') return supports('simd') ? 'wasm-simd' : supports('scalar') ? 'wasm' : 'js';
  if (choice === 'wasm-simd' && !supports('simd')) {
    throw new Error(`posenc.${fn}: backend 'wasm-simd' is not supported by this engine (no WebAssembly SIMD); use 'auto'`);
  }
  if (choice === 'wasm' && !supports('scalar')) {
    throw new Error(`posenc.${fn}: backend 'wasm' is not supported by this engine (no WebAssembly); use 'auto'`);
  }
  return choice;
}

function flavor(name: 'wasm-simd' | 'wasm') {
  return name === 'wasm-simd' ? 'simd' : 'scalar';
}

/**
 * Compiles and instantiates posenc (once per backend and configuration; later calls with the same
 * options return the same instance, other options get an instance with its own memory).
 * The main entry point: compilation is asynchronous, which browsers require on the main thread.
 */
export function init(options?: InitOptions): Promise<Posenc> {
  let c: Config;
  try {
    c = resolveConfig('init', options);
  } catch (e) {
    return Promise.reject(e);
  }
  const ready = instances.get(c.key);
  if (ready) return Promise.resolve(ready);
  let p = pending.get(c.key);
  if (!p) {
    const name = c.name;
    const backend: Promise<Backend> = name === 'js' ? Promise.resolve(createJsBackend()) : loadWasmBackend(flavor(name), c.threads);
    p = backend.then((b) => {
      const pe = instances.get(c.key) ?? new Posenc(b, c.cacheBytes);
      instances.set(c.key, pe);
      pending.delete(c.key);
      return pe;
    }, (e) => {
      pending.delete(c.key);
      throw e;
    });
    pending.set(c.key, p);
  }
  return p;
}

/**
 * The synchronous twin of `init()` (Node, workers; browsers may refuse it on the main thread).
 * Worker threads start synchronously only in Node; elsewhere `initSync` runs on one thread.
 */
export function initSync(options?: InitOptions): Posenc {
  const c = resolveConfig('initSync', options);
  let pe = instances.get(c.key);
  if (!pe) {
    pe = new Posenc(c.name === 'js' ? createJsBackend() : loadWasmBackendSync(flavor(c.name), c.threads), c.cacheBytes);
    instances.set(c.key, pe);
  }
  return pe;
}
