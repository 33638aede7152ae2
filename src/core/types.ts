// Types every layer shares: dtypes, arrays, module tensors, given frequencies.

export type Dtype = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;
export type BackendName = 'wasm-simd' | 'wasm' | 'js';
export type BackendChoice = 'auto' | BackendName;

/** A tensor that lives in the module's memory: kernels read and write it without copying. */
export interface ModuleTensor {
  /** A view on the module's memory; always fresh (re-created after the memory grows). */
  readonly array: FloatArray;
  readonly dtype: Dtype;
  /** Element count. */
  readonly length: number;
  /** True once `free()` was called; using it afterwards is a TypeError. */
  readonly freed: boolean;
  /** Returns the memory to the module. Idempotent. */
  free(): void;
}

/**
 * Bring-your-own frequencies (a checkpoint's inv_freq, its timescales' inverses): exactly as many
 * finite values as the encoding uses. Copied, never kept. Without float32Angles they are used as
 * given, in float64; with it each is rounded to float32 and the angle is fl32(fl32(p)·fl32(ω)).
 */
export type Frequencies = Float32Array | Float64Array | readonly number[];
