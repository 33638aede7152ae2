// Backend choice and the one cached instance per realm and backend.
// 'auto' picks SIMD WebAssembly where WebAssembly.validate accepts it, else scalar WebAssembly,
// else the js backend (locked-down engines without WebAssembly).

import { createJsBackend } from './backends/js.js';
import { loadWasmBackend, loadWasmBackendSync } from './backends/wasm.js';
import type { Backend } from './backends/types.js';
import { supports } from './loader.js';
import { checkEnum, checkKeys, checkObject } from './options.js';
import { Posenc } from './posenc.js';
import type { BackendChoice, BackendName } from './types.js';

export interface InitOptions {
  /** 'auto' (default): wasm-simd → wasm → js, by what the engine supports. */
  backend?: BackendChoice;
}

const CHOICES: BackendChoice[] = ['auto', 'wasm-simd', 'wasm', 'js'];
const instances = new Map<BackendName, Posenc>();
const pending = new Map<BackendName, Promise<Posenc>>();

function resolveChoice(fn: string, options: unknown): BackendName {
  if (options === undefined) options = {};
  checkObject(fn, 'options', options);
  checkKeys(fn, 'options', options, ['backend']);
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
 * Compiles and instantiates posenc (once per backend; later calls return the same instance).
 * The main entry point: compilation is asynchronous, which browsers require on the main thread.
 */
export function init(options?: InitOptions): Promise<Posenc> {
  let name: BackendName;
  try {
    name = resolveChoice('init', options);
  } catch (e) {
    return Promise.reject(e);
  }
  const ready = instances.get(name);
  if (ready) return Promise.resolve(ready);
  let p = pending.get(name);
  if (!p) {
    const backend: Promise<Backend> = name === 'js' ? Promise.resolve(createJsBackend()) : loadWasmBackend(flavor(name));
    p = backend.then((b) => {
      const pe = instances.get(name) ?? new Posenc(b);
      instances.set(name, pe);
      pending.delete(name);
      return pe;
    }, (e) => {
      pending.delete(name);
      throw e;
    });
    pending.set(name, p);
  }
  return p;
}

/** The synchronous twin of `init()` (Node, workers; browsers may refuse it on the main thread). */
export function initSync(options?: InitOptions): Posenc {
  const name = resolveChoice('initSync', options);
  let pe = instances.get(name);
  if (!pe) {
    pe = new Posenc(name === 'js' ? createJsBackend() : loadWasmBackendSync(flavor(name)));
    instances.set(name, pe);
  }
  return pe;
}
