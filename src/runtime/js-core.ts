// The family-independent half of the js backend: plain typed arrays stand for module tensors.

import { Tensor, type TensorStorage } from '../core/tensor.js';
import type { Dtype, FloatArray } from '../core/types.js';
import type { BackendBase } from './backend.js';

class JsStorage implements TensorStorage {
  #arrays = new Map<number, FloatArray>();
  #next = 1;
  create(length: number, dtype: Dtype): number {
    const id = this.#next++;
    this.#arrays.set(id, dtype === 'float64' ? new Float64Array(length) : new Float32Array(length));
    return id;
  }
  view(ptr: number): FloatArray {
    return this.#arrays.get(ptr)!;
  }
  release(ptr: number): void {
    this.#arrays.delete(ptr);
  }
}

/** The js backend's name, math, threads and tensors (the families add their kernels: src/api/backend.ts). */
export function jsBase(): BackendBase {
  const storage = new JsStorage();
  return {
    name: 'js',
    threads: 1,
    math: Math,
    alloc(length: number, dtype: Dtype): Tensor {
      return new Tensor(storage, storage.create(length, dtype), length, dtype);
    },
    memoryBytes: () => 0,
  };
}
