// The public instance: validation and planning (plan.ts), then one backend call.

import type { Backend } from './backend.js';
import { MAX_TENSOR_BYTES, checkEnum, checkInt, checkProduct } from '../core/options.js';
import { planSinusoidal } from '../sinusoidal/plan.js';
import { planFrequencies } from './frequencies.js';
import { planSincos2d } from '../grid/grid2d.js';
import { planSincos3d } from '../grid/grid3d.js';
import { positionsFromMask, positionsFromTokens } from '../positions/tokens.js';
import { planRopeFrequencies } from '../rope/plan.js';
import { RopeSteps } from './rope-step.js';
import { CombineSteps } from './combine-step.js';
import { mropePositions, visionPositions } from '../positions/vl.js';
import { identifyTable } from '../analysis/identify/search.js';
import { planSimilarity } from '../analysis/similarity.js';
import { createModel } from '../model/model.js';
import { planAddAlibi, planRelativeBias, planRelativeBuckets } from '../bias/plan.js';
import { planAlibiSlopes } from '../bias/slopes.js';
import { fillGrid } from '../bias/buckets.js';
import { DEFAULT_CACHE_BYTES, RowCache } from './rowcache.js';
import type { Tensor } from '../core/tensor.js';
import type {
  AddOptions, BackendName, ConcatOptions, Dtype, FloatArray, FrequenciesOptions, ModuleTensor, SinusoidalOptions,
  IntLike, PositionsFromMaskOptions, PositionsFromTokensOptions, RopeFrequencies, RopeFrequenciesOptions,
  RopeOptions, RopeStepOptions, Sincos2dOptions, IdentifyOptions, IdentifyResult, SimilarityOptions,
} from './types.js';
import type { MropePositions, MropePositionsOptions, Sincos3dOptions, VisionPositionsOptions } from './types.js';
import type { ModelConfig, ModelOptions, ModelPositions } from './types.js';
import type { AddAlibiOptions, AlibiSlopesOptions, RelativeBiasOptions, RelativeBucketsOptions } from './types.js';

function newArray(f64: boolean, length: number): FloatArray {
  return f64 ? new Float64Array(length) : new Float32Array(length);
}

/** An initialised posenc: every method is synchronous. Obtain one with `init()` or `initSync()`. */
export class Posenc {
  readonly #b: Backend;
  readonly #rows: RowCache;
  readonly #steps: RopeSteps;
  readonly #combines: CombineSteps;

  /** @internal */
  constructor(backend: Backend, cacheBytes = DEFAULT_CACHE_BYTES) {
    this.#b = backend;
    this.#rows = new RowCache(backend, cacheBytes);
    this.#steps = new RopeSteps(backend, this.#rows);
    this.#combines = new CombineSteps(backend, this.#rows);
  }

  /**
   * The byte budget for cached encoding rows (`init({ cacheBytes })`; 0: no cache). add, concat
   * and rope keep the rows they generate (rotary: cos/sin) in the module's memory (js: plain
   * arrays), least recently used evicted, so that a repeated call only streams x through them.
   */
  get cacheBytes(): number {
    return this.#rows.budget;
  }

  /** Bytes of cached encoding rows held now (≤ cacheBytes). */
  get cachedBytes(): number {
    return this.#rows.bytes;
  }

  /**
   * Frees every cached encoding row (the module's memory keeps its size; the freed blocks serve
   * later allocations). Results never depend on the cache: this only costs the next calls time.
   */
  clearCache(): void {
    this.#rows.clear();
  }

  /**
   * Current size of the module's WebAssembly memory in bytes (0 for the js backend). It grows
   * with module tensors, cached encoding rows (up to `cacheBytes`) and frequency contexts, never
   * with the size of plain arrays passed in (those are streamed).
   */
  get memoryBytes(): number {
    return this.#b.memoryBytes();
  }

  /**
   * Threads that large calls run on (`init({ threads })`): 1 unless worker threads were asked
   * for and the engine runs them (shared memory; in browsers a cross-origin-isolated page; Node
   * 20.16+), and 1 for good once a worker thread died (terminated, out of memory, an uncaught
   * exception): the threaded call that met the death threw (see `sinusoidal`), later calls run
   * on the calling thread with the same bits.
   */
  get threads(): number {
    return this.#b.threads;
  }

  /** The backend in use: 'wasm-simd', 'wasm' (scalar WebAssembly) or 'js'. */
  get backend(): BackendName {
    return this.#b.name;
  }

  /**
   * A sinusoidal positional-encoding table: row r encodes position offset + r (or positions[r]).
   * Shape [length, dim] row-major ([length, 2] for preset 'seed'); float32 unless dtype
   * 'float64'. `frequencies` replaces the derived ω (see `frequencies()`). Presets and knobs:
   * docs/conventions.md §0–§4, §11. Allocates the result unless `out` is given (then returns `out`).
   *
   * Threads (`init({ threads })`): a slow worker only makes the call slower. If a worker thread
   * dies during the call (or died idle before it), the call throws an Error that says so and
   * which rows of `out` hold results, e.g. "out holds results for rows 0–511 and 768–2047 of the
   * table; rows 512–767 of the table may be partly written; no other row of out holds results";
   * rows it does not list hold their previous values or partial results (without `out`, nothing
   * is returned). Later calls run on one thread (`pe.threads` is 1). README: "Reuse and threads".
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
   * A repeated call with the same encoding also keeps the encoding rows it generated in the
   * module's memory (up to `init({ cacheBytes })`) and from then on only streams x through them:
   * integer positions ≥ 0 (an offset, or positions) share one table of the rows of positions
   * 0 … n − 1, grown as positions pass its end (a decode loop's `offset: past`); other positions
   * are kept per call (blocks under 4096 elements are not). A call with the options of the
   * previous call but its position skips validating them again (no allocation).
   *
   * Threads: if a worker thread dies during the call (or died idle before it), the call throws an
   * Error saying which rows ("positions … of batch elements …") of `out` hold results; the others
   * hold their previous values or partial results. With `out` = x it says x is partly
   * transformed: those rows have PE added, the others not, and x cannot be recomputed from
   * itself. A death while the encoding rows are made (kept rows, float32Angles) leaves x and out
   * untouched and says so. Later calls run on one thread (`pe.threads` is 1).
   */
  add<O extends FloatArray | ModuleTensor>(x: FloatArray | ModuleTensor, options: AddOptions & { out: O }): O;
  add(x: Float64Array, options: AddOptions): Float64Array;
  add(x: Float32Array, options: AddOptions): Float32Array;
  add(x: FloatArray | ModuleTensor, options: AddOptions): FloatArray;
  add(x: FloatArray | ModuleTensor, options: AddOptions): FloatArray | ModuleTensor {
    const plan = this.#combines.plan('add', x, options);
    const target = this.#combines.out ?? newArray(plan.f64, plan.batch * plan.length * plan.dimIn);
    this.#b.combine(plan, x as FloatArray | Tensor, target as FloatArray | Tensor);
    return target;
  }

  /**
   * [x | PE] along the features: x [batch, length, dimIn] → [batch, length, dimIn + width], the
   * encoding after the features (the founding article's way). x: Float32Array/Float64Array or
   * module tensor, the result in x's dtype; `positions` [length] or [batch·length]. Allocates
   * unless `out` is given; repeated calls keep their encoding rows as `add` does. A worker
   * thread's death during the call: as for `add` (out is never x here).
   */
  concat<O extends FloatArray | ModuleTensor>(x: FloatArray | ModuleTensor, options: ConcatOptions & { out: O }): O;
  concat(x: Float64Array, options: ConcatOptions): Float64Array;
  concat(x: Float32Array, options: ConcatOptions): Float32Array;
  concat(x: FloatArray | ModuleTensor, options: ConcatOptions): FloatArray;
  concat(x: FloatArray | ModuleTensor, options: ConcatOptions): FloatArray | ModuleTensor {
    const plan = this.#combines.plan('concat', x, options);
    const target = this.#combines.out ?? newArray(plan.f64, plan.batch * plan.length * (plan.dimIn + plan.width));
    this.#b.combine(plan, x as FloatArray | Tensor, target as FloatArray | Tensor);
    return target;
  }

  /**
   * A 2-D sin-cos table for a ViT patch grid: shape [(clsToken ? 1 : 0) + height·width, dim]
   * row-major, token n = r·width + c (row-major patches), the cls row (if any) all zero. Angles
   * in radians (position × frequency); float32 unless dtype 'float64'; float64 angles and sin/cos
   * rounded once unless float32Angles. Presets: 'mae' (default; its first half encodes the
   * column), 'mocov3', 'bigvision', 'timm', 'tensor2tensor' (docs/conventions.md §6).
   * `frequencies` (K values, both axes) replaces temperature's schedule. Allocates the result unless
   * `out` is given (then returns `out`).
   */
  sincos2d<O extends FloatArray | ModuleTensor>(options: Sincos2dOptions & { out: O }): O;
  sincos2d(options: Sincos2dOptions & { dtype: 'float64' }): Float64Array;
  sincos2d(options: Sincos2dOptions & { dtype?: 'float32' }): Float32Array;
  sincos2d(options: Sincos2dOptions): FloatArray;
  sincos2d(options: Sincos2dOptions): FloatArray | ModuleTensor {
    const { plan, out } = planSincos2d(options, this.#b.math);
    const target = out ?? newArray(plan.f64, plan.rows * plan.dim);
    this.#b.sincos2d(plan, target as FloatArray | Tensor);
    return target;
  }

  /**
   * A 3-D sin-cos table for a video's patch grid (diffusers get_3d_sincos_pos_embed, CogVideoX):
   * shape [frames·height·width, dim] row-major, tokens frame by frame and row-major inside a frame
   * (n = (f·height + r)·width + c); row n = [sin tω | cos tω] (dim/4 columns, ω_k = 10000^(−k/(dim/8)))
   * then [sin cω | cos cω | sin rω | cos rω] (3·dim/4 columns, ω_k = 10000^(−k/(3·dim/16)); the first
   * spatial half is the column). Positions t = f/temporalInterpolationScale and c, r divided by
   * spatialInterpolationScale are rounded to float32 as torch computes them; angles (radians) and
   * sin/cos in float64, rounded once to the dtype (float32 unless dtype 'float64'). dim: a multiple
   * of 16. Allocates the result unless `out` is given (then returns `out`).
   */
  sincos3d<O extends FloatArray | ModuleTensor>(options: Sincos3dOptions & { out: O }): O;
  sincos3d(options: Sincos3dOptions & { dtype: 'float64' }): Float64Array;
  sincos3d(options: Sincos3dOptions & { dtype?: 'float32' }): Float32Array;
  sincos3d(options: Sincos3dOptions): FloatArray;
  sincos3d(options: Sincos3dOptions): FloatArray | ModuleTensor {
    const { plan, out } = planSincos3d(options, this.#b.math);
    const target = out ?? newArray(plan.f64, plan.rows * plan.dim);
    this.#b.sincos3d(plan, target as FloatArray | Tensor);
    return target;
  }

  /**
   * fairseq / RoBERTa table rows from token ids (make_positions, HF
   * create_position_ids_from_input_ids): a real token gets paddingIdx + pastLength + (number of
   * non-pad tokens up to and including it), a pad token gets paddingIdx. tokens: [batch, length]
   * row-major (any integer array, BigInt64Array included). Returns a new Int32Array
   * [batch·length], to pass as `positions` of add/concat (table rows) or rope.
   */
  positionsFromTokens(tokens: IntLike, options: PositionsFromTokensOptions): Int32Array {
    return positionsFromTokens(tokens, options);
  }

  /**
   * GPT-2 / OPT positions from an attention mask [batch, length] (1 = token, 0 = padding):
   * cumsum(mask) − 1 for a token, padPosition (default 1, as HF generate; OPT: −1) for padding,
   * plus offset (OPT/BART tables: 2); pastLength leading columns (the cached past) are dropped.
   * Returns a new Int32Array [batch·(length − pastLength)].
   */
  positionsFromMask(mask: IntLike, options: PositionsFromMaskOptions): Int32Array {
    return positionsFromMask(mask, options);
  }

  /**
   * Multimodal rotary positions of one unpadded Qwen2-VL / Qwen2.5-VL sequence (Hugging Face
   * get_rope_index): `segments` lists text ({ text: n }, marker tokens included), images
   * ({ image: [t, h, w] }) and videos ({ video: [t, h, w], secondsPerGrid }) with [t, h, w] the
   * processor's grid_thw in patches (h, w multiples of spatialMergeSize, default 2). Returns a new
   * Int32Array positions, axis-major [3, L] (temporal, height, width rows of L tokens; pass it as
   * a multi-axis rope's positions), and delta = max position + 1 − L (HF rope_deltas: generated
   * token k sits at L + k + delta). 'qwen2.5-vl' places video frame i at
   * ⌊i·secondsPerGrid·tokensPerSecond⌋ (tokensPerSecond default 2) and image frames at 0;
   * 'qwen2-vl' (default) places frame i at i, and secondsPerGrid or tokensPerSecond with it is a TypeError.
   */
  mropePositions(options: MropePositionsOptions): MropePositions {
    return mropePositions(options);
  }

  /**
   * (row, column) of every patch of one frame of height × width patches, in the order of Qwen2-VL's
   * vision tower (rot_pos_emb): spatialMergeSize × spatialMergeSize blocks row-major, row-major
   * inside each block (spatialMergeSize 1: plain row-major). Returns a new Int32Array [2, N],
   * axis-major (N rows, then N columns), N = height·width.
   */
  visionPositions(options: VisionPositionsOptions): Int32Array {
    return visionPositions(options);
  }

  /**
   * Rotary position embedding of q or k: x [batch, heads, length, headDim] row-major (order
   * 'blhd': [batch, length, heads, headDim]), Float32Array/Float64Array or module tensor. Pairs
   * (i, i + rotaryDim/2) ('halves', default: GPT-NeoX, HF Llama) or (2i, 2i + 1) ('interleaved':
   * GPT-J, RoFormer, Meta Llama) are rotated by θ = p·ω_i radians, ω_i = base^(−2i/rotaryDim)
   * modified by `scaling` (HF rope_scaling); features ≥ rotaryDim pass through. Positions:
   * offset + l, or `positions` ([length] or [batch·length], real numbers allowed).
   *
   * Multi-axis (`axes`: Qwen2-VL/2.5-VL M-RoPE, Qwen3-VL interleaved M-RoPE, the Qwen2-VL vision
   * tower, FLUX): the rotaryDim/2 pairs are split among A axes by `axes.sections`; pair j is
   * rotated by p_{a(j)}·ω_j with `positions` holding one row per axis, axis-major ([A·length] or
   * [A·batch·length]). Same layouts, orders, rounding, float32Angles and `out` as 1-D.
   *
   * Rounding: c = cos θ·af and s = sin θ·af are computed in float64 and rounded once to x's
   * dtype, then x'_a = fl(fl(x_a·c) − fl(x_b·s)), x'_b = fl(fl(x_b·c) + fl(x_a·s)) in x's dtype:
   * what Hugging Face computes for a float32 model (per element ≤ about 2 ulp of max(|x_a|, |x_b|)
   * from the exact rotation; the 'js' backend rounds float32 results once, from float64
   * arithmetic, within the same bound). float32Angles: ω, θ and cos/sin in float32 as PyTorch
   * does, products and sum in float32 on every backend. `frequencies` (a checkpoint's inv_freq,
   * rotaryDim/2 values) replaces base and scaling; `attentionFactor` then multiplies cos and sin.
   * Allocates the result unless `out` is given (then returns `out`); `out` may be x. A repeated
   * call with the same frequencies keeps the cos/sin rows in the module's memory (up to
   * `init({ cacheBytes })`) and from then on only rotates: integer positions ≥ 0 (an offset, or
   * positions, e.g. one per sequence in continuous batching) read one table of the rows of
   * positions 0 … n − 1, grown as positions pass its end (a decode loop: one step at a new
   * position per call, no entry per position); other positions are kept per call. A call whose
   * options equal the previous call's but for the position (offset or positions) skips
   * validating and planning them again and allocates nothing (decode steps: see `ropeStep`).
   * Layouts and scalings: docs/conventions.md §7.
   *
   * Threads: if a worker thread dies during the call (or died idle before it), the call throws an
   * Error saying which positions of which heads and batch elements of `out` are rotated; the
   * others hold their previous values (x's, when x was copied into a module tensor out) or partial
   * results. With `out` = x it says x is partly transformed (some rows rotated, the others not)
   * and cannot be recomputed from itself. Later calls run on one thread (`pe.threads` is 1).
   */
  rope<O extends FloatArray | ModuleTensor>(x: FloatArray | ModuleTensor, options: RopeOptions & { out: O }): O;
  rope(x: Float64Array, options: RopeOptions): Float64Array;
  rope(x: Float32Array, options: RopeOptions): Float32Array;
  rope(x: FloatArray | ModuleTensor, options: RopeOptions): FloatArray;
  rope(x: FloatArray | ModuleTensor, options: RopeOptions): FloatArray | ModuleTensor {
    const steps = this.#steps;
    const plan = steps.rope(x, options);
    const target = steps.out ?? newArray(plan.f64, plan.batch * plan.heads * plan.length * plan.headDim);
    this.#b.rope(plan, x as FloatArray | Tensor, target as FloatArray | Tensor, steps.rows);
    return target;
  }

  /**
   * One decode step of rotary embedding: q and k rotated **in place** at the step's positions, in
   * one call (the rope options are validated and planned once for both).
   * - `q`: [batch, heads, length, headDim] (order 'blhd': [batch, length, heads, headDim]),
   *   `k`: [batch, kvHeads, length, headDim], given as `qShape` and `kShape`; the same batch,
   *   length and headDim, and the same dtype (Float32Array, Float64Array or module tensors);
   *   q and k must not overlap. `length` is usually 1 (one new token per sequence).
   * - `position`: the position of token l = position + l (a number; HF's `cache_position`), or
   *   `positions`: [length] numbers shared by the batch, or [batch·length] (continuous batching:
   *   each sequence at its own position, e.g. one position per sequence with length 1).
   * - Every other option is `rope`'s (layout, base, rotaryDim, scaling, seqLen, order,
   *   float32Angles, frequencies, attentionFactor): angles in radians (position × ω), rounding and
   *   bits exactly as two `rope` calls with `out` = q and `out` = k.
   * Allocates nothing once the call shape has been seen (options compared with the previous
   * call's, cos/sin rows from the cached rows of positions 0 … n − 1, grown as positions pass
   * their end within `cacheBytes`). Returns nothing.
   */
  ropeStep(q: FloatArray | ModuleTensor, k: FloatArray | ModuleTensor, options: RopeStepOptions): void {
    this.#steps.step(q, k, options);
  }

  /**
   * The rotary inverse frequencies ω'_i (radians per position, i < dim/2) of Hugging Face's
   * rope_scaling types, the attention factor that multiplies cos and sin, and the base used
   * ('dynamic': the NTK-scaled base for seqLen). Derived with the backend's math (WebAssembly's
   * pow/exp/log: the same bits in every engine). Allocates a new Float64Array.
   * Formulas and test values of each scaling: docs/conventions.md §7e.
   */
  ropeFrequencies(options: RopeFrequenciesOptions): RopeFrequencies {
    return planRopeFrequencies(options, this.#b.math);
  }

  /**
   * A checkpoint's positional encoding from its config.json (the parsed object, snake_case keys;
   * transformers v4 `rope_theta`/`rope_scaling` or v5 `rope_parameters`, nested `text_config`/
   * `vision_config`, legacy keys). Returns a ModelPositions: the scheme (`kind`: 'rope', 'mrope',
   * 'learned', 'sinusoidal', 'alibi', 'relative-bias', 'none'), heads, headDim, rotaryDim, layout,
   * the float32 inverse frequencies and attention factor the reference computes, one entry per
   * layer (Gemma 2/3 sliding layers, Llama 4 NoPE layers), the plain posenc options that reproduce
   * it, softmaxScale, and methods cosSin / rope / positions / queryScale (rotary reproduced with
   * pe.rope on this instance) and describe(). `options.part`: 'text' (default) or 'vision';
   * 'decoder' (default) or 'encoder' for encoder-decoder models. Keys the config omits take the
   * defaults of HF's configuration class; a config no default completes, an unknown model_type
   * whose keys do not determine positions, or a contradictory or out-of-range value is a
   * TypeError/RangeError naming the key. Derives rotaryDim/2 frequencies per layer type
   * (allocates them); nothing else until a method is called. README "Models", docs/conventions.md §17.
   */
  model(config: ModelConfig, options?: ModelOptions): ModelPositions {
    return createModel(this, config, options);
  }

  /**
   * Which encoding is this table? `table`: rows × dim (Float32Array, Float64Array or module
   * tensor, row-major), e.g. a checkpoint's position table or a rotary cos/sin cache. Finds the
   * convention and its parameters (layout, base or timescales, first position, fairseq pad row,
   * odd column, 2-D grid, cls row and temperature, rotary base, scaling and amplitude) from a few rows and
   * columns, then regenerates each candidate with posenc and measures max |table − regenerated|.
   * Returns `{ kind, options, maxError, float32, candidates, family? }`: `kind` 'sinusoidal'
   * (regenerate with `pe.sinusoidal({ length: rows, dim, ...options })`), 'sincos2d'
   * (`pe.sincos2d({ dim, ...options })`), 'rope-cos' / 'rope-sin' (options `{ base, layout,
   * rotaryDim, scaling?, seqLen?, offset }` of `pe.rope`, or `{ frequencies, attentionFactor?,
   * layout, rotaryDim, offset }` where no closed form regenerates the cache), 'alibi' (a
   * [heads, keyLength] table of ALiBi bias rows: `{ preset, maxBias?, pow?, offset }`, row h =
   * `alibiSlopes(heads, { preset, maxBias, pow })[h]·(offset + k)`), or null when no
   * candidate is within 1e-5; `candidates`: up to 5, best first, always filled; `family`: a rotary
   * cache's scaling (YaRN, LongRoPE, dynamic NTK, Llama 3, linear) with its closed form and that
   * form's error. Rotary caches may carry an attention factor (HF attention_scaling), measured
   * from the rows. `options.grid: [height, width]` for non-square 2-D grids. Allocates the
   * regenerated tables it compares (a few times the table's size).
   */
  identify(table: FloatArray | ModuleTensor, options: IdentifyOptions): IdentifyResult {
    return identifyTable(this, table, options);
  }

  /**
   * The Gram matrix of a table's rows: S[i·rows + j] = row i · row j ('dot', default) or that
   * divided by both norms ('cosine'; 0 for a zero row). table: rows × dim, Float32Array,
   * Float64Array or module tensor. Sums in float64 (in WebAssembly, blocked), rounded once.
   * Allocates and returns a new Float32Array of rows·rows.
   */
  similarity(table: FloatArray | ModuleTensor, options: SimilarityOptions): Float32Array {
    const { plan } = planSimilarity(table, options);
    const out = new Float32Array(plan.rows * plan.rows);
    this.#b.gram(plan, table as FloatArray | Tensor, out);
    return out;
  }

  /**
   * The angular frequencies ω (radians per position) a 1-D or 2-D encoding computes with, to
   * compare with a checkpoint's: the options of `sinusoidal` ([n]: ⌈dim/2⌉ with odd 'sin', else
   * ⌊dim/2⌋; 'seed': [1]) or of `sincos2d` ([K], shared by both axes; chosen when height, width,
   * temperature or clsToken is given or the preset is 2-D only), without `out`. Derived with the
   * backend's math; with float32Angles, by the reference's float32 chain, as a Float32Array.
   * Given `frequencies` come back validated (rounded to float32 with float32Angles). Allocates a
   * new array. The rotary twin is `ropeFrequencies`.
   */
  frequencies(options: FrequenciesOptions & { float32Angles: true }): Float32Array;
  frequencies(options: FrequenciesOptions & { float32Angles?: false }): Float64Array;
  frequencies(options: FrequenciesOptions): Float64Array | Float32Array;
  frequencies(options: FrequenciesOptions): Float64Array | Float32Array {
    return planFrequencies(options, this.#b.math);
  }

  /**
   * ALiBi slopes, one per head: a new Float32Array [heads] (heads an integer in [1, 4096]).
   * 'bloom' (default; BLOOM and Falcon, HF build_alibi_tensor): with c = 2^⌊log2 heads⌋, the
   * powers base^1 … base^c of base = fl32(2^(−maxBias/c)), then for heads > c the odd powers
   * extra^1, extra^3, … of extra = fl32(2^(−maxBias/(2c))). 'mpt' (HF build_mpt_alibi_tensor):
   * with N = 2^⌈log2 heads⌉, fl32(1/2^m_k), m_k = fl32(k·fl32(maxBias/N)), k = 1…N, and for
   * heads < N the odd-indexed slopes, then the even-indexed ones, the first `heads` kept.
   * maxBias (default 8, in (0, 64]) is BLOOM's 8 in 2^(−8/c) and MPT's alibi_bias_max. The powers
   * are torch.pow's float32 values: pow 'torch' (default) as PyTorch's CPU kernel computes them
   * with AVX2 (whole blocks of 16 through SLEEF's powf, the rest correctly rounded), 'exact' all
   * correctly rounded. Units: the bias per position of key distance. docs/conventions.md §15a.
   */
  alibiSlopes(heads: number, options?: AlibiSlopesOptions): Float32Array {
    return planAlibiSlopes(heads, options, this.#b.math);
  }

  /**
   * scores + ALiBi, fused: out[b, h, q, k] = scale·scores[b, h, q, k] + slopes[h]·keyPositions[k]
   * (keyPositions [keyLength] shared, or [batch·keyLength]: row b's positions; default
   * 0…keyLength−1), for scores [batch, heads, queryLength, keyLength] row-major, Float32Array,
   * Float64Array or module tensor. Rounding, the same bits on every backend: float32
   * fl32(fl32(scale·s) + fl32(slope·kp)) with scale, slope and kp rounded to float32 first (what
   * torch computes for scores·scale + slopes·positions in float32); float64 the same in float64.
   * The bias is added to every query row alike (softmax is invariant to a constant per row, so
   * positions 0…L−1 and MPT's 1−L…0 give the same attention). Allocates the result unless `out`
   * is given (then returns `out`); `out` may be scores (in place). docs/conventions.md §15.
   */
  addAlibi<O extends FloatArray | ModuleTensor>(scores: FloatArray | ModuleTensor, options: AddAlibiOptions & { out: O }): O;
  addAlibi(scores: Float64Array, options: AddAlibiOptions): Float64Array;
  addAlibi(scores: Float32Array, options: AddAlibiOptions): Float32Array;
  addAlibi(scores: FloatArray | ModuleTensor, options: AddAlibiOptions): FloatArray;
  addAlibi(scores: FloatArray | ModuleTensor, options: AddAlibiOptions): FloatArray | ModuleTensor {
    const { plan, out } = planAddAlibi(scores, options);
    const target = out ?? newArray(plan.f64, plan.batch * plan.heads * plan.queryLength * plan.keyLength);
    this.#b.addAlibi(plan, scores as FloatArray | Tensor, target as FloatArray | Tensor);
    return target;
  }

  /**
   * T5 relative position buckets: a new Int32Array [queryLength·keyLength], row-major, the bucket
   * of key k for query q exactly as HF T5Attention._relative_position_bucket computes it for
   * relative_position = k − (q + queryOffset), its float32 logarithm and truncation included.
   * bidirectional (default true: encoder; false: decoder), numBuckets (default 32), maxDistance
   * (default 128), queryOffset (default 0: the decoder's cache_position when decoding with a
   * cache). Each bucket is computed once per distinct relative position (queryLength + keyLength − 1
   * of them). docs/conventions.md §16.
   */
  relativeBuckets(options: RelativeBucketsOptions): Int32Array {
    const { queryLength, keyLength, diag } = planRelativeBuckets(options, this.#b.math);
    const out = new Int32Array(queryLength * keyLength);
    fillGrid(diag, queryLength, keyLength, out);
    return out;
  }

  /**
   * T5 relative attention bias: out[h, q, k] = weights[bucket(q, k)·heads + h], shape [heads,
   * queryLength, keyLength] row-major (HF compute_bias without its leading 1), from a checkpoint's
   * relative_attention_bias.weight [numBuckets, heads] (row-major Float32Array or float32 module
   * tensor); buckets as `relativeBuckets` (same options). The values are the weights' float32
   * bits. Each head's values are gathered once per relative position and every row is a slice of
   * them. Allocates a Float32Array unless `out` is given (then returns `out`; it may not overlap
   * weights). docs/conventions.md §16.
   */
  relativeBias<O extends Float32Array | ModuleTensor>(weights: Float32Array | ModuleTensor, options: RelativeBiasOptions & { out: O }): O;
  relativeBias(weights: Float32Array | ModuleTensor, options: RelativeBiasOptions): Float32Array;
  relativeBias(weights: Float32Array | ModuleTensor, options: RelativeBiasOptions): Float32Array | ModuleTensor {
    const { plan, out } = planRelativeBias(weights, options, this.#b.math);
    const target = out ?? new Float32Array(plan.heads * plan.queryLength * plan.keyLength);
    this.#b.relativeBias(plan, weights as Float32Array | Tensor, target as Float32Array | Tensor);
    return target;
  }

  /**
   * A zero-filled tensor of `length` elements in the module's memory (wasm backends; a plain
   * array for 'js'). Kernels take it as x, out or table without copying. `t.array` is always a
   * fresh view; call `t.free()` when done. Allocates: tensors of 4 KiB to 1 MiB take 4 KiB more
   * (one after another they start 2 KiB apart modulo 4 KiB, and 1 KiB from cached rows, so that a
   * kernel writing one and reading another does not stall on 4K aliasing).
   */
  alloc(length: number, dtype: Dtype = 'float32'): ModuleTensor {
    checkInt('alloc', 'length', length, 0);
    const d = checkEnum<Dtype>('alloc', 'dtype', dtype, ['float32', 'float64']);
    checkProduct('alloc', 'a tensor of length', [length], d === 'float64' ? 8 : 4);
    const bytes = length * (d === 'float64' ? 8 : 4);
    if (bytes > MAX_TENSOR_BYTES) {
      throw new RangeError(`posenc.alloc: length ${length} (${d}) needs ${bytes} bytes, more than a module tensor can hold (${MAX_TENSOR_BYTES} bytes)`);
    }
    try {
      return this.#b.alloc(length, d);
    } catch (e) {
      // Cached rows give way to the caller's tensors.
      if (this.#rows.bytes === 0) throw e;
      this.#rows.clear();
      return this.#b.alloc(length, d);
    }
  }
}
