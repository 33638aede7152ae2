// Public types of the options and results. Shapes are row-major; sizes are element counts.

export type Dtype = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;
export type BackendName = 'wasm-simd' | 'wasm' | 'js';
export type BackendChoice = 'auto' | BackendName;

/** The named conventions of `../shared/spec/conventions.md` (see README's preset table). */
export type Preset = 'vaswani' | 'marian' | 'tensor2tensor' | 'whisper' | 'fairseq' | 'seed';
/** 'interleaved': [sin ω0, cos ω0, sin ω1, …]; 'halves': [sin ω0 … sin ωn-1 | cos ω0 … cos ωn-1]. */
export type Layout = 'interleaved' | 'halves';
/** 'paper': ω_i = base^(−2i/dim); 'timescale': ω_i = minTs·exp(−i·ln(maxTs/minTs)/max(n−1, 1)). */
export type Schedule = 'paper' | 'timescale';
/** Odd dim: 'sin' one extra sin column, 'zero' a zero last column, 'error' a RangeError. */
export type OddPolicy = 'sin' | 'zero' | 'error';

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

/** What an encoding is made of, without its size (shared by `sinusoidal`, `add` and `concat`). */
export interface EncodingOptions {
  /** A named convention (default 'vaswani'); the knobs below override its choices. */
  preset?: Preset;
  /** Base of the 'paper' schedule (default 10000). */
  base?: number;
  layout?: Layout;
  schedule?: Schedule;
  /** 'timescale' schedule: the first frequency (default 1; multiplied, as tensor2tensor does). */
  minTimescale?: number;
  /** 'timescale' schedule: the largest timescale (default 10000). */
  maxTimescale?: number;
  odd?: OddPolicy;
  /** fairseq: the pad row; positions start at paddingIdx + 1 and position paddingIdx is a zero row. null: none. */
  paddingIdx?: number | null;
  /** 'seed' preset: the one angular frequency (default 1/√dim, dim being the model width). */
  omega?: number;
  /** First sequence position (default 0): real numbers allowed. */
  offset?: number;
  /** Explicit positions (formula arguments, any real numbers); replaces offset. */
  positions?: ArrayLike<number>;
  /** Width of the encoding; `add` takes it from `shape`, `concat` needs it (except for 'seed'). */
  dim?: number;
  /** Must agree with the input's dtype when given. */
  dtype?: Dtype;
}

export interface SinusoidalOptions extends EncodingOptions {
  /** Number of rows (positions); when `positions` is given, it defaults to their count. */
  length?: number;
  /** Model width: the table's width, except 'seed' (always 2 columns; dim sets ω = 1/√dim). */
  dim: number;
  /** 'float32' (default) or 'float64'. */
  dtype?: Dtype;
  /** Where to write (exact size, matching dtype); returned instead of a new array. */
  out?: FloatArray | ModuleTensor;
}

/** A table of rows × dim (learned or precomputed), indexed by position. */
export interface TableEncoding {
  table: FloatArray | ModuleTensor;
  /** Width of the table; needed by `concat`, checked by `add`. */
  dim?: number;
}

export type Encoding = EncodingOptions | FloatArray | ModuleTensor | TableEncoding;

export interface AddOptions {
  /** [batch, length, dim] (or [length, dim]) of x, row-major. */
  shape: readonly number[];
  /** Sinusoidal options, or a table indexed by position (default: vaswani). */
  encoding?: Encoding;
  /** First position (default 0): table row offset, or sequence offset for sinusoidal encodings. */
  offset?: number;
  /** Explicit positions, [length] shared by the batch or [batch·length]. */
  positions?: ArrayLike<number>;
  /** x is multiplied by scale first (default 1; Math.sqrt(dim) is Vaswani's embedding scale). */
  scale?: number;
  /** Where to write: same dtype and size as x, or x itself; never partially overlapping x. */
  out?: FloatArray | ModuleTensor;
}

export interface ConcatOptions {
  /** [batch, length, dimIn] (or [length, dimIn]) of x, row-major. */
  shape: readonly number[];
  encoding?: Encoding;
  offset?: number;
  positions?: ArrayLike<number>;
  /** [batch, length, dimIn + width]; never overlapping x. */
  out?: FloatArray | ModuleTensor;
}
