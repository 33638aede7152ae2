// The public instance: validation and planning (plan.ts), then one backend call.

import type { Backend } from './backends/types.js';
import { checkEnum, checkInt, checkProduct } from './options.js';
import { planCombine, planSinusoidal } from './plan.js';
import type { Tensor } from './tensor.js';
import type {
  AddOptions, BackendName, ConcatOptions, Dtype, FloatArray, ModuleTensor, SinusoidalOptions,
} from './types.js';

function newArray(f64: boolean, length: number): FloatArray {
  return f64 ? new Float64Array(length) : new Float32Array(length);
}

/** An initialised posenc: every method is synchronous. Obtain one with `init()` or `initSync()`. */
export class Posenc {
  readonly #b: Backend;

  /** @internal */
  constructor(backend: Backend) {
    this.#b = backend;
  }

  /**
   * Current size of the module's WebAssembly memory in bytes (0 for the js backend). It grows
   * with module tensors, never with the size of plain arrays passed in (those are streamed).
   */
  get memoryBytes(): number {
    return this.#b.memoryBytes();
  }

  /** The backend in use: 'wasm-simd', 'wasm' (scalar WebAssembly) or 'js'. */
  get backend(): BackendName {
    return this.#b.name;
  }

  /**
   * A sinusoidal positional-encoding table: row r encodes position offset + r (or positions[r]).
   * Shape [length, dim] row-major ([length, 2] for preset 'seed'); float32 unless dtype
   * 'float64'. Allocates the result unless `out` is given (then returns `out`).
   */
  sinusoidal<O extends FloatArray | ModuleTensor>(options: SinusoidalOptions & { out: O }): O;
  sinusoidal(options: SinusoidalOptions & { dtype: 'float64' }): Float64Array;
  sinusoidal(options: SinusoidalOptions & { dtype?: 'float32' }): Float32Array;
  sinusoidal(options: SinusoidalOptions): FloatArray;
  sinusoidal(options: SinusoidalOptions): FloatArray | ModuleTensor {
    const { plan, out } = planSinusoidal(options, this.#b.math);
    const target = out ?? newArray(plan.f64, plan.rows * plan.enc.width);
    this.#b.table(plan, target as FloatArray | Tensor);
    return target;
  }

  /**
   * out = scale·x + PE, PE broadcast over the batch. x: [batch, length, dim] row-major,
   * Float32Array/Float64Array or module tensor; arithmetic in x's dtype, rounded as a framework
   * does (fl(fl(scale·x) + PE)). Allocates the result unless `out` is given; `out` may be x.
   */
  add<O extends FloatArray | ModuleTensor>(x: FloatArray | ModuleTensor, options: AddOptions & { out: O }): O;
  add(x: Float64Array, options: AddOptions): Float64Array;
  add(x: Float32Array, options: AddOptions): Float32Array;
  add(x: FloatArray | ModuleTensor, options: AddOptions): FloatArray;
  add(x: FloatArray | ModuleTensor, options: AddOptions): FloatArray | ModuleTensor {
    const { plan, out } = planCombine('add', x, options, this.#b.math);
    const target = out ?? newArray(plan.f64, plan.batch * plan.length * plan.dimIn);
    this.#b.combine(plan, x as FloatArray | Tensor, target as FloatArray | Tensor);
    return target;
  }

  /**
   * [x | PE] along the features: x [batch, length, dimIn] → [batch, length, dimIn + width], the
   * encoding after the features (the founding article's way). Allocates unless `out` is given.
   */
  concat<O extends FloatArray | ModuleTensor>(x: FloatArray | ModuleTensor, options: ConcatOptions & { out: O }): O;
  concat(x: Float64Array, options: ConcatOptions): Float64Array;
  concat(x: Float32Array, options: ConcatOptions): Float32Array;
  concat(x: FloatArray | ModuleTensor, options: ConcatOptions): FloatArray;
  concat(x: FloatArray | ModuleTensor, options: ConcatOptions): FloatArray | ModuleTensor {
    const { plan, out } = planCombine('concat', x, options, this.#b.math);
    const target = out ?? newArray(plan.f64, plan.batch * plan.length * (plan.dimIn + plan.width));
    this.#b.combine(plan, x as FloatArray | Tensor, target as FloatArray | Tensor);
    return target;
  }

  /**
   * A zero-filled tensor of `length` elements in the module's memory (wasm backends; a plain
   * array for 'js'). Kernels take it as x, out or table without copying. `t.array` is always a
   * fresh view; call `t.free()` when done.
   */
  alloc(length: number, dtype: Dtype = 'float32'): ModuleTensor {
    checkInt('alloc', 'length', length, 0);
    const d = checkEnum<Dtype>('alloc', 'dtype', dtype, ['float32', 'float64']);
    checkProduct('alloc', 'a tensor of length', [length], d === 'float64' ? 8 : 4);
    return this.#b.alloc(length, d);
  }
}
