// pe.model(config, options): which part of the config to read, which family it is, and the
// resolved plan every method of the model object uses (frozen pe.rope options per layer, the
// frequencies derived with the backend, the position-id rule, describe()'s lines).

import { checkEnum, checkKeys, checkObject } from '../core/options.js';
import type { FloatArray, ModuleTensor } from '../core/types.js';
import type { RopeFrequencies, RopeFrequenciesOptions, RopeOptions, RopeScaling } from '../rope/types.js';
import type { AddAlibiOptions, AlibiSlopesOptions, RelativeBiasOptions } from '../bias/types.js';
import { readAbsolute, type AbsoluteSpec, type PositionRule } from './absolute.js';
import { ConfigReader, checkConfig, configRangeError } from './config.js';
import { ALIASES, FAMILIES, supportedTypes, type Family } from './families.js';
import type { PositionsHost } from './positions.js';
import { readRope, readVisionRope, type QueryRule, type RopeLayerSpec, type RopeSpec } from './rope-config.js';
import type { ModelKind, ModelLayer, ModelPart, ModelPlainOptions } from './types.js';

/** What the model object needs of the instance (the facade passes itself). */
export interface ModelHost extends PositionsHost {
  rope(x: FloatArray | ModuleTensor, options: RopeOptions): FloatArray | ModuleTensor;
  ropeFrequencies(options: RopeFrequenciesOptions): RopeFrequencies;
  alibiSlopes(heads: number, options?: AlibiSlopesOptions): Float32Array;
  addAlibi(scores: FloatArray | ModuleTensor, options: AddAlibiOptions): FloatArray | ModuleTensor;
  relativeBias(weights: Float32Array | ModuleTensor, options: RelativeBiasOptions): Float32Array | ModuleTensor;
}

export interface LayerRuntime {
  readonly layer: ModelLayer;
  readonly rotary: boolean;
  /** pe.rope options (frozen) that model.rope spreads shape/positions/out into. */
  readonly ropeOptions: Readonly<Record<string, unknown>> | null;
  /** The same with layout 'halves' (model.cosSin reads [cos | sin] off a rotation of [1 … 1 | 0 … 0]). */
  readonly cosSinOptions: Readonly<Record<string, unknown>> | null;
  readonly query: QueryRule | null;
}

export interface ModelPlan {
  readonly modelType: string;
  readonly family: string;
  readonly kind: ModelKind;
  readonly part: ModelPart;
  readonly heads: number;
  readonly headDim: number;
  readonly rotaryDim: number;
  readonly layout: 'halves' | 'interleaved' | null;
  readonly apply: 'plain' | 'deinterleave';
  /** Position rows per token: 3 for 'mrope' text, 2 for the vision tower, else 1. */
  readonly axes: number;
  readonly layers: readonly LayerRuntime[];
  readonly top: number;
  readonly softmaxScale: number;
  readonly maxPositions: number | null;
  readonly tableRows: number | null;
  readonly embedScale: number;
  readonly filled: Readonly<Record<string, unknown>>;
  readonly rule: PositionRule;
  readonly options: ModelPlainOptions | null;
  readonly absolute: AbsoluteSpec | null;
  readonly description: string;
}

const PARTS = ['text', 'vision', 'encoder', 'decoder'] as const;

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

const fmt = (v: unknown): string => (Array.isArray(v) ? (v.length > 6 ? `[${v.length} values]` : `[${v.join(', ')}]`) : String(v));

function scalingText(type: string, s: RopeScaling | undefined): string {
  if (!s) return `rope_type '${type}'`;
  const { type: t, ...rest } = s;
  return `rope_type '${t}' (${Object.entries(rest).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')})`;
}

/** Which part of the config, which family, and the reader of its keys. */
function select(config: unknown, options: unknown): { c: ConfigReader; family: string; fam: Family; part: ModelPart; modelType: string; notes: string[] } {
  const cfg = checkConfig(config);
  let part: ModelPart | undefined;
  if (options !== undefined) {
    checkObject('model', 'options', options);
    checkKeys('model', 'options', options, ['part']);
    if (options.part !== undefined) part = checkEnum('model', 'options.part', options.part, PARTS);
  }
  const top = new ConfigReader(cfg, 'config');
  const outer = top.optStr('model_type');
  const notes: string[] = [];
  const famOf = (t: string | undefined) => {
    if (t === undefined) return undefined;
    const f = ALIASES[t] ?? t;
    return Object.prototype.hasOwnProperty.call(FAMILIES, f) ? f : undefined;
  };

  if (part === 'vision') {
    const v = top.optObj('vision_config');
    if (!v) throw new TypeError(`posenc.model: config.vision_config is required with options.part 'vision' (model_type ${outer === undefined ? 'absent' : `'${outer}'`} has none)`);
    const family = famOf(outer);
    if (family !== 'qwen2_vl' && family !== 'qwen2_5_vl') {
      throw configRangeError('options.part', `'text' for model_type '${outer}' (the vision part is supported for qwen2_vl, qwen2_5_vl)`, part);
    }
    const vt = v.optStr('model_type');
    return { c: new ConfigReader(v.obj, v.path, family === 'qwen2_vl' ? { depth: 32, embed_dim: 1280, num_heads: 16 } : { depth: 32, num_heads: 16 }), family: `${family}:vision`, fam: FAMILIES[family], part, modelType: vt ?? `${outer}_vision`, notes };
  }

  // The language model: text_config when the config nests one.
  let obj = cfg;
  let path = 'config';
  let type = outer;
  const tc = top.optObj('text_config');
  if (tc) {
    obj = tc.obj;
    path = tc.path;
    type = tc.optStr('model_type') ?? outer;
  }
  const family = famOf(type) ?? famOf(outer);
  let fam: Family;
  if (family === undefined) {
    const r = new ConfigReader(obj, path);
    if (r.has('rope_theta') || r.has('rope_scaling') || r.has('rope_parameters')) {
      fam = { kind: 'rope', name: `'${type ?? '(no model_type)'}'`, ref: 'models/llama/modeling_llama.py LlamaRotaryEmbedding.forward, apply_rotary_pos_emb (assumed: the model_type is not in posenc\'s table)', defaults: {}, rope: { layout: 'halves', applyRef: 'apply_rotary_pos_emb (rotate_half), assumed' } };
      notes.push(`model_type ${type === undefined ? 'absent' : `'${type}'`} is not in posenc's table: its rope keys are read as HF's generic Llama-style rotary (halves pairing, rotate_half). Check the model's apply function before relying on it.`);
      const c = new ConfigReader(obj, path, fam.defaults);
      return { c, family: 'generic', fam, part: 'text', modelType: type ?? '', notes };
    }
    throw new RangeError(`posenc.model: ${path}.model_type ${type === undefined ? 'is absent and its keys (no rope_theta, rope_scaling or rope_parameters) do not determine the positions' : `'${type}' is not a supported model_type and its keys (no rope_theta, rope_scaling or rope_parameters) do not determine the positions`}; supported: ${supportedTypes()}`);
  }
  fam = FAMILIES[family];
  if (fam.encoderDecoder) {
    if (part === 'text') throw configRangeError('options.part', `'encoder' or 'decoder' for model_type '${type}' (an encoder-decoder model)`, part);
    part ??= 'decoder';
  } else {
    if (part === 'encoder' || part === 'decoder') throw configRangeError('options.part', `'text' or 'vision' for model_type '${type}' ('encoder' and 'decoder' are for encoder-decoder models)`, part);
    part = 'text';
  }
  return { c: new ConfigReader(obj, path, fam.defaults), family, fam, part, modelType: type!, notes };
}

interface Derived {
  inv: Float32Array;
  af: number;
}

/** Frequencies of one layer spec with the backend (a failure names the config's rope keys). */
function derive(host: ModelHost, spec: RopeSpec, s: RopeLayerSpec, c: ConfigReader): Derived {
  const key = c.has('rope_parameters') ? c.key('rope_parameters') : c.has('rope_scaling') ? c.key('rope_scaling') : c.key('rope_theta');
  const d = deriveUnchecked(host, spec, s, key);
  // A base or factor at the edge of float32 (denormal, beyond 3.4e38) leaves no usable frequencies.
  if (!d.inv.every((w) => w > 0 && w < Infinity) || !(d.af > 0 && d.af < Infinity)) {
    throw new RangeError(`posenc.model: ${key} (base ${s.base}, rope_type '${s.ropeType}') gives inverse frequencies or an attention factor that are not finite positive float32 numbers`);
  }
  return d;
}

function deriveUnchecked(host: ModelHost, spec: RopeSpec, s: RopeLayerSpec, key: string): Derived {
  try {
    if (spec.axes?.frequencies === 'per-axis') {
      const inv = new Float32Array(spec.rotaryDim / 2);
      let at = 0;
      for (const sec of spec.axes.sections) {
        inv.set(host.ropeFrequencies({ dim: 2 * sec, base: s.base, float32Angles: true }).invFreq, at);
        at += sec;
      }
      return { inv, af: 1 };
    }
    const r = host.ropeFrequencies({ dim: spec.rotaryDim, base: s.base, scaling: s.scaling, float32Angles: true });
    return { inv: Float32Array.from(r.invFreq), af: r.attentionFactor };
  } catch (e) {
    if (e instanceof TypeError) throw new TypeError(`posenc.model: ${key} cannot be reproduced: ${(e as Error).message}`);
    if (e instanceof RangeError) throw new RangeError(`posenc.model: ${key} cannot be reproduced: ${(e as Error).message}`);
    throw e;
  }
}

function ropePlan(host: ModelHost, sel: ReturnType<typeof select>, spec: RopeSpec): ModelPlan {
  const { c, family, fam, part, modelType } = sel;
  const runtime = new Map<RopeLayerSpec, Omit<LayerRuntime, 'layer'> & { inv: Float32Array | null; af: number; options: ModelPlainOptions | null }>();
  for (const s of spec.layers) {
    if (runtime.has(s)) continue;
    if (!s.rotary) {
      const ro = Object.freeze({ rotaryDim: 0 });
      runtime.set(s, { rotary: false, ropeOptions: ro, cosSinOptions: null, query: s.query, inv: null, af: 1, options: null });
      continue;
    }
    const d = derive(host, spec, s, c);
    const o: Record<string, unknown> = { layout: spec.layout, base: s.base, rotaryDim: spec.rotaryDim };
    if (s.scaling) o.scaling = s.scaling;
    if (spec.axes) o.axes = spec.axes.frequencies ? { sections: spec.axes.sections, frequencies: 'per-axis' } : spec.axes.assign === 'cycle' ? { sections: spec.axes.sections, assign: 'cycle' } : { sections: spec.axes.sections };
    o.float32Angles = true;
    const ropeOptions = deepFreeze(o);
    const cosSinOptions = Object.freeze({ ...ropeOptions, layout: 'halves' });
    const options = spec.apply === 'deinterleave' ? null : (ropeOptions as ModelPlainOptions);
    runtime.set(s, { rotary: true, ropeOptions, cosSinOptions, query: s.query, inv: d.inv, af: d.af, options });
  }
  const layers = spec.layers.map((s, index): LayerRuntime => {
    const r = runtime.get(s)!;
    const layer: ModelLayer = Object.freeze({
      index, type: s.type, kind: r.rotary ? spec.kind : 'none', invFreq: r.inv, attentionFactor: r.af, options: r.options,
    });
    return { layer, rotary: r.rotary, ropeOptions: r.ropeOptions, cosSinOptions: r.cosSinOptions, query: r.query };
  });
  const topRt = runtime.get(spec.layers[spec.top])!;

  // describe()
  const lines: string[] = [];
  const partText = part === 'vision' ? ', vision tower' : '';
  const t = spec.layers[spec.top];
  const what = spec.kind === 'mrope'
    ? `multi-axis rotary (${spec.axes!.frequencies ? 'per-axis frequencies' : spec.axes!.assign === 'cycle' ? "Qwen3-VL's interleaved (cycle) assignment" : 'mrope_section chunks'}, sections [${spec.axes!.sections.join(', ')}])`
    : 'rotary embedding';
  const pairing = spec.layout === 'halves' ? 'halves pairing (i, i + d/2), rotate_half' : 'interleaved pairing (2i, 2i + 1)';
  lines.push(`${fam.name} (model_type '${modelType}'${partText}): ${what}, ${pairing}; ${spec.rotaryDim} of ${spec.headDim} features rotated, base ${t.base}, ${scalingText(t.ropeType, t.scaling)}, attention factor ${topRt.af}; frequencies, angles, cos/sin and products in float32 as the reference (float32Angles).`);
  lines.push(`Reference: transformers ${fam.ref}; ${fam.rope!.applyRef}.`);
  lines.push(spec.apply === 'deinterleave'
    ? "posenc: model.rope = pe.rope(x, { shape, layout: 'interleaved', …, float32Angles: true }) with each head's output then de-interleaved ([x'_0, x'_2, … | x'_1, x'_3, …]) as apply_rotary_pos_emb_interleave returns it; options is null (no single pe.rope call returns that order; q·k is the same either way). docs/conventions.md §17."
    : `posenc: model.rope(x, { shape, positions }) = pe.rope(x, { shape, ...model.options, positions }); model.cosSin = the reference's cos/sin. docs/conventions.md §17 (rotary: §7${spec.kind === 'mrope' ? ', §13' : ''}).`);
  const kinds = new Map<string, number>();
  for (const l of spec.layers) kinds.set(l.rotary ? `${l.type} (base ${l.base}, ${l.ropeType})` : `${l.type} (NoPE)`, (kinds.get(l.rotary ? `${l.type} (base ${l.base}, ${l.ropeType})` : `${l.type} (NoPE)`) ?? 0) + 1);
  if (kinds.size > 1) lines.push(`Layers: ${[...kinds].map(([k, n]) => `${n} × ${k}`).join(', ')}; the top-level fields show layer ${spec.top} (${spec.layers[spec.top].type}).`);
  const q = spec.layers.find((l) => l.query)?.query;
  if (q?.kind === 'ministral3') lines.push(`Query scale (model.queryScale): q × (1 + ${q.beta}·log(1 + floor(cache_position / ${q.original}))) after the rotation, every layer (llama_4_scaling_beta).`);
  if (q?.kind === 'llama4') lines.push(`Query scale (model.queryScale): on NoPE layers q × (log1p(floor((cache_position + 1) / ${q.floorScale}))·${q.attnScale} + 1) (attn_temperature_tuning).`);
  if (spec.softmaxScale !== 1) lines.push(`softmaxScale ${spec.softmaxScale}: the reference multiplies its softmax scale by yarn_get_mscale(factor, mscale_all_dim)².`);
  lines.push(...sel.notes, ...spec.notes);

  return {
    modelType, family, kind: spec.kind, part, heads: spec.heads, headDim: spec.headDim, rotaryDim: spec.rotaryDim,
    layout: spec.layout, apply: spec.apply, axes: spec.axes ? spec.axes.sections.length : 1,
    layers, top: spec.top, softmaxScale: spec.softmaxScale, maxPositions: spec.maxPositions, tableRows: null, embedScale: 1,
    filled: Object.freeze({ ...c.filled }), rule: { kind: 'generate', offset: 0 }, options: topRt.options, absolute: null,
    description: lines.join('\n'),
  };
}

function absolutePlan(sel: ReturnType<typeof select>, a: AbsoluteSpec): ModelPlan {
  const { c, family, fam, part, modelType } = sel;
  let options: ModelPlainOptions | null = null;
  if (a.sinusoidal) options = deepFreeze({ ...a.sinusoidal });
  else if (a.learnedOffset !== null) options = Object.freeze({ offset: a.learnedOffset });
  const layer = (index: number): LayerRuntime => ({
    layer: Object.freeze({ index, type: 'full_attention', kind: a.kind, invFreq: null, attentionFactor: 1, options }),
    rotary: false, ropeOptions: null, cosSinOptions: null, query: null,
  });
  const lines: string[] = [];
  const partText = fam.encoderDecoder ? `, ${part}` : '';
  const ruleText: Record<PositionRule['kind'], string> = {
    arange: `row ${a.rule.kind === 'arange' && a.rule.offset ? `${a.rule.offset} + ` : ''}pastLength + k (the attention mask does not move them)`,
    generate: 'pastLength + k; with an attention mask HF generation\'s cumsum(mask) − 1, padded slots at 1',
    whisper: 'pastLength + k; with a decoder attention mask cumsum(mask) − 1 clamped at 0 (WhisperForConditionalGeneration.prepare_inputs_for_generation)',
    opt: 'cumsum(mask)·mask − 1 + 2 (padding at row 1)',
    tokens: `padding_idx ${a.rule.kind === 'tokens' ? a.rule.pad : ''} + pastLength + (non-pad tokens so far); pad tokens at padding_idx (create_position_ids_from_input_ids)`,
  };
  if (a.kind === 'learned') {
    lines.push(`${fam.name} (model_type '${modelType}'${partText}): a learned position table of ${a.tableRows} rows added to the token embeddings${a.embedScale !== 1 ? ` scaled by ${a.embedScale}` : ''}; position ids: ${ruleText[a.rule.kind]}.`);
    lines.push(`Reference: transformers ${fam.ref}.`);
    lines.push(`posenc: pe.add(x, { shape, encoding: the checkpoint's table, positions: model.positions(…)${a.embedScale !== 1 ? ', scale: model.embedScale' : ''} }) (without padding: options { offset: ${a.learnedOffset} }). docs/conventions.md §4d, §17.`);
  } else if (a.kind === 'sinusoidal') {
    const s = a.sinusoidal!;
    lines.push(`${fam.name} (model_type '${modelType}'${partText}): a fixed sinusoidal table (preset '${s.preset}', dim ${s.dim}${s.paddingIdx !== undefined ? `, padding row ${s.paddingIdx} zero` : ''}, ${a.tableRows} rows${s.float32Angles ? ', float32 as torch computes it' : ', float64 then float32 as numpy/the reference computes it'}) added to the token embeddings${a.embedScale !== 1 ? ` scaled by ${a.embedScale}` : ''}; position ids: ${ruleText[a.rule.kind]}.`);
    lines.push(`Reference: transformers ${fam.ref}.`);
    lines.push(`posenc: pe.sinusoidal({ ...model.options, positions: model.positions(…) }) or pe.add(x, { shape, encoding: options without dim, positions${a.embedScale !== 1 ? ', scale: model.embedScale' : ''} }). docs/conventions.md §${s.preset === 'fairseq' ? '3' : s.preset === 'whisper' ? '4c' : s.preset === 'marian' ? '4b' : '4a'}, §17.`);
  } else if (a.kind === 'alibi') {
    const al = a.alibi!;
    const order = al.variant === 'bloom'
      ? 'alibi + invNorm·(q·k) (baddbmm), the alibi (cumsum(mask) − 1)·mask·slope in float32, [batch·heads, 1, keyLength]'
      : al.variant === 'falcon'
        ? '(q·k + alibi)·invNorm, the alibi bf16(bf16(slope)·bf16(position)) (BLOOM\'s positions, computed in bfloat16 as Falcon\'s code does)'
        : `q·k·softmax_scale + alibi, the alibi slope·(j − (keyLength − 1)) built for max_seq_len ${al.maxSeqLen} with alibi_bias_max 8 as HF's MptModel passes it, [heads, 1, keyLength], independent of padding`;
    lines.push(`${fam.name} (model_type '${modelType}'): ALiBi, one slope per head (${a.heads} heads) times the key position, added to the attention scores: ${order}.`);
    lines.push(`Reference: transformers ${fam.ref}.`);
    if (al.variant === 'mpt' && al.biasMax !== 8) lines.push(`attn_config.alibi_bias_max is ${al.biasMax}, but HF's MptModel builds the ALiBi tensor with the default 8; posenc follows the reference.`);
    lines.push('posenc: model.alibi / model.addAlibi (slopes: pe.alibiSlopes, the bias: pe.addAlibi); options is null (a bias added to the attention scores: no pe.rope, pe.add or pe.sinusoidal call expresses it). docs/conventions.md §17.');
  } else if (a.kind === 'relative-bias') {
    const b = a.bias!;
    lines.push(`${fam.name} (model_type '${modelType}', ${part}): relative position bias, ${b.numBuckets} buckets up to distance ${b.maxDistance}, ${part === 'encoder' ? 'bidirectional' : 'causal'} buckets, one learned value per bucket and head added to the scores (no 1/√d scaling)${b.perLayer ? '; every layer has its own bias' : '; computed in layer 0 and shared by every layer'}.`);
    lines.push(`Reference: transformers ${fam.ref}.`);
    lines.push('posenc: model.relativeBias(weights, { queryLength, keyLength }); options is null (a bias added to the attention scores: no pe.rope, pe.add or pe.sinusoidal call expresses it). docs/conventions.md §17.');
  }
  lines.push(...sel.notes, ...a.notes);
  return {
    modelType, family, kind: a.kind, part, heads: a.heads, headDim: a.headDim, rotaryDim: 0, layout: null, apply: 'plain', axes: 1,
    layers: Array.from({ length: a.layers }, (_, i) => layer(i)), top: 0, softmaxScale: 1, maxPositions: a.maxPositions,
    tableRows: a.tableRows, embedScale: a.embedScale, filled: Object.freeze({ ...c.filled }), rule: a.rule, options, absolute: a,
    description: lines.join('\n'),
  };
}

/** Validates `model(config, options)` and resolves it (every check before anything is derived). */
export function planModel(host: ModelHost, config: unknown, options: unknown): ModelPlan {
  const sel = select(config, options);
  const { c, family, fam, part } = sel;
  if (family.endsWith(':vision')) return ropePlan(host, sel, readVisionRope(c, family.slice(0, -':vision'.length)));
  if (family === 'falcon' && c.optBool('alibi')) return absolutePlan(sel, readAbsolute(c, 'falcon', part));
  if (fam.rope) return ropePlan(host, sel, readRope(c, family, fam));
  return absolutePlan(sel, readAbsolute(c, family, part));
}

