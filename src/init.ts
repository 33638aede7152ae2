// Backend choice and the one cached instance per realm and backend.
// 'auto' picks SIMD WebAssembly where WebAssembly.validate accepts it, else scalar WebAssembly,
// else the js backend (locked-down engines without WebAssembly).

import { createJsBackend } from './backends/js.js';
import { loadWasmBackend, loadWasmBackendSync } from './backends/wasm.js';
import type { Backend } from './backends/types.js';
import { supports } from './loader.js';
import { checkEnum, checkInt, checkKeys, checkObject } from './options.js';
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
}

const CHOICES: BackendChoice[] = ['auto', 'wasm-simd', 'wasm', 'js'];
/** One instance per realm and configuration (backend, cache budget). */
const instances = new Map<string, Posenc>();
const pending = new Map<string, Promise<Posenc>>();

interface Config {
  name: BackendName;
  cacheBytes: number;
  key: string;
}

function resolveConfig(fn: string, options: unknown): Config {
  if (options === undefined) options = {};
  checkObject(fn, 'options', options);
  checkKeys(fn, 'options', options, ['backend', 'cacheBytes']);
  const cacheBytes = options.cacheBytes === undefined ? DEFAULT_CACHE_BYTES : checkInt(fn, 'options.cacheBytes', options.cacheBytes, 0);
  const name = resolveChoice(fn, options);
  return { name, cacheBytes, key: `${name}|${cacheBytes}` };
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
    const backend: Promise<Backend> = name === 'js' ? Promise.resolve(createJsBackend()) : loadWasmBackend(flavor(name));
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

/** The synchronous twin of `init()` (Node, workers; browsers may refuse it on the main thread). */
export function initSync(options?: InitOptions): Posenc {
  const c = resolveConfig('initSync', options);
  let pe = instances.get(c.key);
  if (!pe) {
    pe = new Posenc(c.name === 'js' ? createJsBackend() : loadWasmBackendSync(flavor(c.name)), c.cacheBytes);
    instances.set(c.key, pe);
  }
  return pe;
}
