// Module tensors: arrays that live where the kernels compute, so that no call copies them.

import type { Dtype, FloatArray, ModuleTensor } from './types.js';

/** Where a tensor's bytes are; the wasm backend places them in module memory. */
export interface TensorStorage {
  /** A fresh view of `length` elements of `dtype` at `ptr` (re-created after memory growth). */
  view(ptr: number, length: number, dtype: Dtype): FloatArray;
  release(ptr: number): void;
}

export class Tensor implements ModuleTensor {
  #freed = false;
  /** @internal */
  constructor(
    /** @internal */ readonly storage: TensorStorage,
    /** @internal byte address in module memory (wasm) or 0 (js) */ readonly ptr: number,
    readonly length: number,
    readonly dtype: Dtype,
  ) {}

  get array(): FloatArray {
    if (this.#freed) throw new TypeError('posenc: this module tensor was freed; allocate a new one with pe.alloc()');
    return this.storage.view(this.ptr, this.length, this.dtype);
  }

  get freed(): boolean {
    return this.#freed;
  }

  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.storage.release(this.ptr);
  }
}

export function isModuleTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}
