// The object pe.model(config) returns: the plan's fields, and methods that delegate to the
// instance (pe.rope for every rotary computation, so the rotation, its cache and its threads are
// the same code as a plain pe.rope call).

import { checkBool, checkFinite, checkInt, checkKeys, checkObject, checkPositions, rangeError } from '../core/options.js';
import type { FloatArray, ModuleTensor } from '../core/types.js';
import { planModel, type LayerRuntime, type ModelHost, type ModelPlan } from './plan.js';
import { alibiPositions, modelPositions } from './positions.js';
import type {
  ModelAddAlibiOptions, ModelAlibiOptions, ModelCosSinOptions, ModelKind, ModelLayer, ModelPlainOptions, ModelPositionIdsOptions,
  ModelPositions, ModelRelativeBiasOptions, ModelRopeOptions, ModelRowsOptions,
} from './types.js';

const ROPE_KEYS = ['shape', 'positions', 'offset', 'layer', 'seqLen', 'order', 'out'] as const;
const COSSIN_KEYS = ['positions', 'length', 'offset', 'layer', 'seqLen', 'expand'] as const;
const ROWS_KEYS = ['positions', 'length', 'offset', 'layer'] as const;
const MAX_ROWS = 2 ** 26;
/** Most key positions of an ALiBi tensor without a max_seq_len (BLOOM, Falcon): float32 holds them exactly. */
const MAX_KEYS = 2 ** 24;

const BF = new Float32Array(1);
const BU = new Uint32Array(BF.buffer);
/** x rounded to bfloat16 (nearest, ties to even), as a number. */
function bf16(x: number): number {
  BF[0] = x;
  if (x !== x) return x;
  const u = BU[0];
  BU[0] = (((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16) >>> 0;
  return BF[0];
}

/** Batch of model.alibi: options.batch, else the mask's rows, else 1. */
function batchOf(fn: string, o: Record<string, unknown>, keyLength: number): number {
  if (o.batch !== undefined) return checkInt(fn, 'options.batch', o.batch, 1, MAX_ROWS);
  const m = o.attentionMask as { length?: unknown } | undefined;
  if (m !== undefined && typeof m === 'object' && m !== null && typeof m.length === 'number' && keyLength > 0) {
    if (m.length % keyLength) throw rangeError(fn, 'options.attentionMask.length', `a multiple of keyLength = ${keyLength} ([batch·keyLength])`, m.length);
    return Math.max(1, m.length / keyLength);
  }
  return 1;
}



class Model implements ModelPositions {
  readonly #host: ModelHost;
  readonly #plan: ModelPlan;
  readonly #layers: readonly ModelLayer[];
  #alibiSlopes: Float32Array | null = null;

  constructor(host: ModelHost, plan: ModelPlan) {
    this.#host = host;
    this.#plan = plan;
    this.#layers = Object.freeze(plan.layers.map((l) => l.layer));
    Object.freeze(this);
  }

  get modelType(): string {
    return this.#plan.modelType;
  }
  get kind(): ModelKind {
    return this.#plan.kind;
  }
  get heads(): number {
    return this.#plan.heads;
  }
  get headDim(): number {
    return this.#plan.headDim;
  }
  get rotaryDim(): number {
    return this.#plan.rotaryDim;
  }
  get layout(): 'halves' | 'interleaved' | null {
    return this.#plan.layout;
  }
  get invFreq(): Float32Array | null {
    return this.#plan.layers[this.#plan.top]?.layer.invFreq ?? null;
  }
  get attentionFactor(): number {
    return this.#plan.layers[this.#plan.top]?.layer.attentionFactor ?? 1;
  }
  get options(): ModelPlainOptions | null {
    return this.#plan.options;
  }
  get layers(): readonly ModelLayer[] {
    return this.#layers;
  }
  get softmaxScale(): number {
    return this.#plan.softmaxScale;
  }
  get maxPositions(): number | null {
    return this.#plan.maxPositions;
  }
  get tableRows(): number | null {
    return this.#plan.tableRows;
  }
  get embedScale(): number {
    return this.#plan.embedScale;
  }
  get filledDefaults(): Readonly<Record<string, unknown>> {
    return this.#plan.filled;
  }

  /** The layer an options object names (default: the top-level scheme). */
  #layer(fn: string, v: unknown): LayerRuntime {
    const p = this.#plan;
    if (v === undefined) return p.layers[p.top];
    return p.layers[checkInt(fn, 'options.layer', v, 0, p.layers.length - 1)];
  }

  #requireRope(fn: string): void {
    const k = this.#plan.kind;
    if (k !== 'rope' && k !== 'mrope') throw new RangeError(`posenc.${fn}: model_type '${this.#plan.modelType}' has no rotary embedding (its positions are '${k}')`);
  }

  /** Rows of cosSin / queryScale: positions (axis-major for several axes) or length tokens from offset. */
  #rows(fn: string, o: Record<string, unknown>, axes: number): { rows: number; positions: Float64Array | undefined; offset: number } {
    if (o.positions !== undefined) {
      if (o.length !== undefined || o.offset !== undefined) throw new TypeError(`posenc.${fn}: give options.positions, or options.length (and offset), not both`);
      const positions = checkPositions(fn, 'options.positions', o.positions, false);
      if (positions.length % axes) throw rangeError(fn, 'options.positions.length', `a multiple of ${axes} (axis-major [${axes}·rows])`, positions.length);
      if (positions.length / axes > MAX_ROWS) throw rangeError(fn, 'options.positions.length', `at most ${axes}·2^26`, positions.length);
      return { rows: positions.length / axes, positions, offset: 0 };
    }
    if (o.length === undefined) throw new TypeError(`posenc.${fn}: options.positions or options.length is required`);
    const rows = checkInt(fn, 'options.length', o.length, 0, MAX_ROWS);
    const offset = o.offset === undefined ? 0 : checkFinite(fn, 'options.offset', o.offset);
    return { rows, positions: undefined, offset };
  }

  cosSin(options: ModelCosSinOptions): { cos: Float32Array; sin: Float32Array } {
    const fn = 'model.cosSin';
    checkObject(fn, 'options', options);
    checkKeys(fn, 'options', options, COSSIN_KEYS);
    this.#requireRope(fn);
    const o = options as unknown as Record<string, unknown>;
    const L = this.#layer(fn, o.layer);
    const p = this.#plan;
    const { rows, positions, offset } = this.#rows(fn, o, p.axes);
    const expand = o.expand === undefined ? false : checkBool(fn, 'options.expand', o.expand);
    if (o.seqLen !== undefined) checkFinite(fn, 'options.seqLen', o.seqLen, 0, true);
    const d = p.rotaryDim;
    const h = d / 2;
    let c: Float32Array;
    let s: Float32Array;
    if (!L.rotary) {
      c = new Float32Array(rows * h).fill(1);
      s = new Float32Array(rows * h);
    } else {
      // [1 … 1 | 0 … 0] rotated by the halves kernel is [cos | sin] (x·c − 0·s = c, 0·c + 1·s = s, exactly).
      const x = new Float32Array(rows * d);
      for (let r = 0; r < rows; r++) x.fill(1, r * d, r * d + h);
      const y = this.#host.rope(x, {
        ...L.cosSinOptions, shape: [1, 1, rows, d], positions, offset: positions ? undefined : offset, seqLen: o.seqLen as number | undefined, out: x,
      } as never) as Float32Array;
      c = new Float32Array(rows * h);
      s = new Float32Array(rows * h);
      for (let r = 0; r < rows; r++) {
        c.set(y.subarray(r * d, r * d + h), r * h);
        s.set(y.subarray(r * d + h, (r + 1) * d), r * h);
      }
    }
    if (!expand) return { cos: c, sin: s };
    const ec = new Float32Array(rows * d);
    const es = new Float32Array(rows * d);
    const interleaved = p.layout === 'interleaved' && p.apply === 'plain';
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < h; j++) {
        const a = c[r * h + j];
        const b = s[r * h + j];
        const i0 = interleaved ? r * d + 2 * j : r * d + j;
        const i1 = interleaved ? i0 + 1 : i0 + h;
        ec[i0] = a;
        ec[i1] = a;
        es[i0] = b;
        es[i1] = b;
      }
    }
    return { cos: ec, sin: es };
  }

  rope<O extends FloatArray | ModuleTensor>(x: FloatArray | ModuleTensor, options: ModelRopeOptions & { out: O }): O;
  rope(x: Float32Array, options: ModelRopeOptions): Float32Array;
  rope(x: Float64Array, options: ModelRopeOptions): Float64Array;
  rope(x: FloatArray | ModuleTensor, options: ModelRopeOptions): FloatArray;
  rope(x: FloatArray | ModuleTensor, options: ModelRopeOptions): FloatArray | ModuleTensor {
    const fn = 'model.rope';
    checkObject(fn, 'options', options);
    checkKeys(fn, 'options', options, ROPE_KEYS);
    this.#requireRope(fn);
    const L = this.#layer(fn, options.layer);
    const sh = options.shape as unknown;
    if ((Array.isArray(sh) || ArrayBuffer.isView(sh)) && (sh as ArrayLike<unknown>).length === 4 && (sh as ArrayLike<unknown>)[3] !== this.#plan.headDim) {
      throw rangeError(fn, 'options.shape[3]', `the model's head dim ${this.#plan.headDim}${this.#plan.rotaryDim === this.#plan.headDim ? '' : ` (the first ${this.#plan.rotaryDim} features rotate)`}`, (sh as ArrayLike<unknown>)[3]);
    }
    const r = this.#host.rope(x, {
      ...L.ropeOptions, shape: options.shape, positions: options.positions, offset: options.offset, seqLen: options.seqLen, order: options.order, out: options.out,
    } as never);
    if (this.#plan.apply === 'deinterleave' && L.rotary) deinterleave(r, this.#plan.rotaryDim, this.#plan.headDim);
    return r;
  }

  positions(options: ModelPositionIdsOptions): Int32Array {
    return modelPositions(this.#host, this.#plan.rule, this.#plan.axes, options);
  }

  queryScale(options: ModelRowsOptions): Float32Array {
    const fn = 'model.queryScale';
    checkObject(fn, 'options', options);
    checkKeys(fn, 'options', options, ROWS_KEYS);
    const o = options as unknown as Record<string, unknown>;
    const L = this.#layer(fn, o.layer);
    const { rows, positions, offset } = this.#rows(fn, o, 1);
    if (positions === undefined && !Number.isInteger(offset)) throw rangeError(fn, 'options.offset', 'an integer (a cache position)', offset);
    if (positions) {
      positions.forEach((p, i) => {
        if (!Number.isInteger(p) || p < 0) throw rangeError(fn, `options.positions[${i}]`, 'an integer ≥ 0 (a cache position)', p);
      });
    } else if (offset < 0) throw rangeError(fn, 'options.offset', 'an integer ≥ 0 (a cache position)', offset);
    const out = new Float32Array(rows).fill(1);
    const q = L.query;
    if (!q) return out;
    const f = Math.fround;
    for (let i = 0; i < rows; i++) {
      const p = positions ? positions[i] : offset + i;
      if (q.kind === 'ministral3') {
        // 1 + beta·log(1 + floor(p / original)), float32 tensor ops (the int64 / int division gives float32).
        const fl = Math.floor(f(f(p) / f(q.original)));
        out[i] = f(1 + f(f(q.beta) * f(Math.log(f(1 + fl)))));
      } else {
        // log1p(floor((p + 1) / floor_scale))·attn_scale + 1, float32.
        const fl = Math.floor(f(f(f(p) + 1) / f(q.floorScale)));
        out[i] = f(f(f(Math.log1p(fl)) * f(q.attnScale)) + 1);
      }
    }
    return out;
  }

  /** The model's ALiBi slopes (pe.alibiSlopes, memoized: the plan is immutable). */
  #slopes(): Float32Array {
    if (!this.#alibiSlopes) {
      const al = this.#plan.absolute!.alibi!;
      // HF's MptModel builds its tensor with the default alibi_bias_max 8, whatever attn_config says.
      this.#alibiSlopes = this.#host.alibiSlopes(this.#plan.heads, al.variant === 'mpt' ? { preset: 'mpt', maxBias: 8 } : { preset: 'bloom' });
    }
    return this.#alibiSlopes;
  }

  #requireAlibi(fn: string): NonNullable<NonNullable<ModelPlan['absolute']>['alibi']> {
    const al = this.#plan.absolute?.alibi;
    if (!al) throw new RangeError(`posenc.${fn}: model_type '${this.#plan.modelType}' has no ALiBi (its positions are '${this.#plan.kind}')`);
    return al;
  }

  /**
   * Key positions of the ALiBi bias: BLOOM/Falcon (cumsum(mask) − 1)·mask per batch row (Falcon:
   * rounded to bfloat16, as its product is computed), MPT j − (keyLength − 1).
   */
  #keyPositions(fn: string, variant: 'bloom' | 'falcon' | 'mpt', batch: number, keyLength: number, mask: unknown): Float64Array {
    if (variant === 'mpt') return Float64Array.from({ length: keyLength }, (_, j) => j - (keyLength - 1));
    let kp: Float64Array;
    if (mask === undefined) kp = Float64Array.from({ length: keyLength }, (_, j) => j);
    else kp = Float64Array.from(alibiPositions(this.#host, fn, mask, batch, keyLength));
    return variant === 'falcon' ? kp.map(bf16) : kp;
  }

  alibi(options: ModelAlibiOptions): Float32Array {
    const fn = 'model.alibi';
    checkObject(fn, 'options', options);
    checkKeys(fn, 'options', options, ['keyLength', 'attentionMask', 'batch']);
    const al = this.#requireAlibi(fn);
    const o = options as unknown as Record<string, unknown>;
    if (o.keyLength === undefined) throw new TypeError(`posenc.${fn}: options.keyLength is required (the key positions, an integer ≥ 0)`);
    const keyLength = checkInt(fn, 'options.keyLength', o.keyLength, 0, al.maxSeqLen ?? MAX_KEYS);
    const batch = batchOf(fn, o, keyLength);
    const heads = this.#plan.heads;
    const slopes = al.variant === 'falcon' ? Float64Array.from(this.#slopes(), bf16) : this.#slopes();
    const kp = this.#keyPositions(fn, al.variant, batch, keyLength, o.attentionMask);
    // slope·position as torch multiplies them (float32; Falcon's operands are bfloat16 values, the
    // product exact in float32, then rounded to bfloat16): pe.addAlibi of zero scores.
    const rows = al.variant === 'mpt' ? 1 : batch;
    const zeros = new Float32Array(rows * heads * keyLength);
    const out = this.#host.addAlibi(zeros, { shape: [rows, heads, 1, keyLength], slopes, keyPositions: kp, scale: 1, out: zeros }) as Float32Array;
    if (al.variant === 'falcon') for (let i = 0; i < out.length; i++) out[i] = bf16(out[i]);
    return out;
  }

  addAlibi<O extends FloatArray | ModuleTensor>(scores: FloatArray | ModuleTensor, options: ModelAddAlibiOptions & { out: O }): O;
  addAlibi(scores: Float32Array, options: ModelAddAlibiOptions): Float32Array;
  addAlibi(scores: Float64Array, options: ModelAddAlibiOptions): Float64Array;
  addAlibi(scores: FloatArray | ModuleTensor, options: ModelAddAlibiOptions): FloatArray;
  addAlibi(scores: FloatArray | ModuleTensor, options: ModelAddAlibiOptions): FloatArray | ModuleTensor {
    const fn = 'model.addAlibi';
    checkObject(fn, 'options', options);
    checkKeys(fn, 'options', options, ['shape', 'attentionMask', 'out']);
    const al = this.#requireAlibi(fn);
    const o = options as unknown as Record<string, unknown>;
    const sh = o.shape;
    if (!Array.isArray(sh) && !ArrayBuffer.isView(sh)) throw new TypeError(`posenc.${fn}: options.shape is required ([batch, heads, queryLength, keyLength])`);
    const s = Array.from(sh as ArrayLike<unknown>);
    if (s.length !== 4) throw rangeError(fn, 'options.shape', 'of rank 4 [batch, heads, queryLength, keyLength]', sh);
    const [batch, heads, , keyLength] = s.map((d, i) => checkInt(fn, `options.shape[${i}]`, d, 0));
    if (heads !== this.#plan.heads) throw rangeError(fn, 'options.shape[1]', `the model's heads ${this.#plan.heads}`, heads);
    if (al.variant === 'mpt' && al.maxSeqLen !== null && keyLength > al.maxSeqLen) throw rangeError(fn, 'options.shape[3]', `at most max_seq_len = ${al.maxSeqLen} (MPT's ALiBi is built for it)`, keyLength);
    const kp = this.#keyPositions(fn, al.variant, batch, keyLength, al.variant === 'mpt' ? undefined : o.attentionMask);
    if (al.variant === 'mpt' && o.attentionMask !== undefined) alibiPositions(this.#host, fn, o.attentionMask, batch, keyLength);
    const invNorm = 1 / Math.sqrt(this.#plan.headDim);
    if (al.variant === 'bloom') {
      // baddbmm(alibi, q, kᵀ, beta = 1, alpha = invNorm): fl(fl(invNorm·s) + alibi).
      return this.#host.addAlibi(scores, { shape: s as number[], slopes: this.#slopes(), keyPositions: kp, scale: invNorm, out: o.out as FloatArray | undefined });
    }
    if (al.variant === 'mpt') {
      // matmul(q, kᵀ)·softmax_scale + position_bias.
      return this.#host.addAlibi(scores, { shape: s as number[], slopes: this.#slopes(), keyPositions: kp, scale: al.softmaxScale ?? invNorm, out: o.out as FloatArray | undefined });
    }
    // Falcon: (scores + alibi)·invNorm with the alibi in bfloat16. pe.addAlibi checks everything
    // and copies the scores (scale 1, zero slopes); the bias and the scale follow in that order.
    const r = this.#host.addAlibi(scores, { shape: s as number[], slopes: new Float64Array(heads), scale: 1, out: o.out as FloatArray | undefined });
    const a = ArrayBuffer.isView(r) ? r : r.array;
    const f64 = a instanceof Float64Array;
    const round = f64 ? (v: number) => v : Math.fround;
    const slopes = Array.from(this.#slopes(), bf16);
    const inv = round(invNorm);
    const q = s[2] as number;
    const perBatch = kp.length !== keyLength;
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < heads; h++) {
        const bias = new Float64Array(keyLength);
        for (let j = 0; j < keyLength; j++) bias[j] = bf16(slopes[h] * kp[(perBatch ? b * keyLength : 0) + j]);
        for (let i = 0; i < q; i++) {
          const row = ((b * heads + h) * q + i) * keyLength;
          for (let j = 0; j < keyLength; j++) a[row + j] = round(round(a[row + j] + bias[j]) * inv);
        }
      }
    }
    return r;
  }

  relativeBias<O extends Float32Array | ModuleTensor>(weights: Float32Array | ModuleTensor, options: ModelRelativeBiasOptions & { out: O }): O;
  relativeBias(weights: Float32Array | ModuleTensor, options: ModelRelativeBiasOptions): Float32Array;
  relativeBias(weights: Float32Array | ModuleTensor, options: ModelRelativeBiasOptions): Float32Array | ModuleTensor {
    const fn = 'model.relativeBias';
    checkObject(fn, 'options', options);
    checkKeys(fn, 'options', options, ['queryLength', 'keyLength', 'decoder', 'pastLength', 'out']);
    const b = this.#plan.absolute?.bias;
    if (!b) throw new RangeError(`posenc.${fn}: model_type '${this.#plan.modelType}' has no relative position bias (its positions are '${this.#plan.kind}')`);
    const o = options as unknown as Record<string, unknown>;
    for (const k of ['queryLength', 'keyLength']) if (o[k] === undefined) throw new TypeError(`posenc.${fn}: options.${k} is required`);
    const queryLength = checkInt(fn, 'options.queryLength', o.queryLength, 0);
    const keyLength = checkInt(fn, 'options.keyLength', o.keyLength, 0);
    const decoder = o.decoder === undefined ? this.#plan.part === 'decoder' : checkBool(fn, 'options.decoder', o.decoder);
    const past = o.pastLength === undefined ? (decoder ? Math.max(keyLength - queryLength, 0) : 0) : checkInt(fn, 'options.pastLength', o.pastLength, 0, 2 ** 31 - 1);
    return this.#host.relativeBias(weights, {
      heads: this.#plan.heads, queryLength, keyLength, bidirectional: !decoder, numBuckets: b.numBuckets, maxDistance: b.maxDistance,
      queryOffset: past, out: o.out as Float32Array | ModuleTensor | undefined,
    });
  }

  describe(): string {
    return this.#plan.description;
  }
}

/**
 * DeepSeek-V3's order: each head's rotated pairs (2i, 2i + 1), in place, to halves
 * [x'_0, x'_2, … | x'_1, x'_3, …] (rows of headDim; the first rotaryDim features are the rope part).
 */
function deinterleave(r: FloatArray | ModuleTensor, rotaryDim: number, headDim: number): void {
  const a = ArrayBuffer.isView(r) ? r : r.array;
  const h = rotaryDim / 2;
  const tmp = new Float64Array(rotaryDim);
  for (let o = 0; o + headDim <= a.length; o += headDim) {
    for (let i = 0; i < rotaryDim; i++) tmp[i] = a[o + i];
    for (let i = 0; i < h; i++) {
      a[o + i] = tmp[2 * i];
      a[o + h + i] = tmp[2 * i + 1];
    }
  }
}

/** pe.model(config, options): validates and resolves the config, then returns the model object. */
export function createModel(host: ModelHost, config: unknown, options: unknown): ModelPositions {
  return new Model(host, planModel(host, config, options));
}
