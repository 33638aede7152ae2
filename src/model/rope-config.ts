// Rotary families: the config's keys (v4 rope_theta + rope_scaling, v5 rope_parameters, possibly
// per layer type; legacy names) read into posenc rope options per layer, the way the family's
// reference code reads them (docs/models-reference.md "Common rope rules"). Nothing is computed
// here: plan.ts derives the frequencies with the backend.

import type { RopeScaling } from '../rope/types.js';
import { ConfigReader, MAX_HEAD_DIM, MAX_HEADS, MAX_LAYERS, MAX_POSITIONS, configRangeError, isPlainObject } from './config.js';
import type { Family, RopeTraits } from './families.js';

/** HF rope types posenc reproduces (after the legacy names 'su' → longrope, 'mrope' → default). */
const ROPE_TYPES = ['default', 'linear', 'dynamic', 'yarn', 'longrope', 'llama3'] as const;
const LEGACY_TYPES: Readonly<Record<string, string>> = { su: 'longrope', mrope: 'default' };
/** Layer-type names HF uses as keys of a per-layer-type rope_parameters. */
const LAYER_TYPE_NAMES = ['full_attention', 'sliding_attention', 'chunked_attention', 'linear_attention'];

/** Per-token query multiplier of a layer (applied after the rotation, to q only). */
export type QueryRule =
  | { kind: 'llama4'; floorScale: number; attnScale: number }
  | { kind: 'ministral3'; beta: number; original: number };

/** One layer's rotary, as pe.rope options (without shape/positions) plus what describe() reports. */
export interface RopeLayerSpec {
  type: string;
  /** 'none': a NoPE layer (Llama 4). */
  rotary: boolean;
  base: number;
  scaling: RopeScaling | undefined;
  /** HF's rope_type of the layer. */
  ropeType: string;
  query: QueryRule | null;
}

export interface RopeSpec {
  kind: 'rope' | 'mrope';
  heads: number;
  headDim: number;
  rotaryDim: number;
  layout: 'halves' | 'interleaved';
  apply: 'plain' | 'deinterleave';
  axes: { sections: number[]; assign: 'chunks' | 'cycle'; frequencies?: 'per-axis' } | null;
  layers: RopeLayerSpec[];
  /** Index of the layer whose scheme the top-level fields show. */
  top: number;
  softmaxScale: number;
  maxPositions: number | null;
  /** Extra lines for describe() (where the reference overrides the config, legacy names, …). */
  notes: string[];
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => ({ int: true, min, max });
const POS = { min: 0, open: true };

/** The first of `keys` present (else the one with a default) read as an integer in [min, max]. */
function intOf(c: ConfigReader, keys: readonly string[], min: number, max: number, why: string): number {
  return c.num(c.firstKey(keys), int(min, max), why);
}

/** HF rope dict of the config: v5 rope_parameters, else v4 rope_scaling (else the family default), or undefined. */
function ropeDict(c: ConfigReader): ConfigReader | undefined {
  if (c.has('rope_parameters')) return c.optObj('rope_parameters');
  return c.optObj('rope_scaling');
}

/** A per-layer-type dict ({ full_attention: {...}, sliding_attention: {...} }): its keys, else null. */
function perTypeKeys(d: ConfigReader | undefined, layerTypes: readonly string[] | undefined): string[] | null {
  if (!d) return null;
  const keys = Object.keys(d.obj).filter((k) => d.has(k));
  if (!keys.length || !keys.every((k) => isPlainObject(d.obj[k]))) return null;
  const names = layerTypes ? new Set(layerTypes) : new Set(LAYER_TYPE_NAMES);
  return keys.every((k) => names.has(k)) ? keys : null;
}

/** The rope type of a dict ('rope_type' wins over 'type', as HF reads them), legacy names mapped. */
function ropeTypeOf(d: ConfigReader | undefined, notes: string[]): { type: (typeof ROPE_TYPES)[number]; key: string } {
  if (!d) return { type: 'default', key: '' };
  const key = d.has('rope_type') ? 'rope_type' : d.has('type') ? 'type' : '';
  if (!key) return { type: 'default', key: '' };
  const raw = d.optStr(key)!;
  const mapped = LEGACY_TYPES[raw] ?? raw;
  if (!(ROPE_TYPES as readonly string[]).includes(mapped)) {
    throw configRangeError(d.key(key), `one of ${[...ROPE_TYPES, ...Object.keys(LEGACY_TYPES)].map((t) => `'${t}'`).join(', ')}`, raw);
  }
  if (mapped !== raw) notes.push(`${d.key(key)} '${raw}' is HF's legacy name of '${mapped}'.`);
  return { type: mapped as (typeof ROPE_TYPES)[number], key };
}

interface ScalingContext {
  c: ConfigReader;
  d: ConfigReader | undefined;
  base: number;
  rotaryDim: number;
  maxPos: () => number;
  family: string;
  notes: string[];
}

/** HF rope dict → posenc scaling (camelCase), every value checked under its config key. */
function scalingOf(type: (typeof ROPE_TYPES)[number], s: ScalingContext): RopeScaling | undefined {
  const { c, d, notes } = s;
  if (type === 'default' || !d) return undefined;
  const factor = () => d.num('factor', POS, `rope type '${type}'`);
  switch (type) {
    case 'linear':
      return { type: 'linear', factor: factor() };
    case 'dynamic':
      return { type: 'dynamic', factor: factor(), maxPositionEmbeddings: s.maxPos() };
    case 'llama3': {
      const lff = d.num('low_freq_factor', POS, "rope type 'llama3'");
      const hff = d.num('high_freq_factor', POS, "rope type 'llama3'");
      const orig = d.optNum('original_max_position_embeddings', int(1, MAX_POSITIONS)) ?? s.maxPos();
      if (lff === hff) notes.push(`low_freq_factor = high_freq_factor = ${lff} (as Llama 4 ships it): HF's smoothing band is empty; wavelengths above ${orig}/${lff} are divided by factor, the rest kept, as the reference computes (HF only warns).`);
      return { type: 'llama3', factor: factor(), lowFreqFactor: lff, highFreqFactor: hff, originalMaxPositionEmbeddings: orig };
    }
    case 'yarn': {
      const orig = d.optNum('original_max_position_embeddings', int(1, MAX_POSITIONS));
      let f: number;
      if (orig !== undefined) {
        const maxPos = s.maxPos();
        f = maxPos / orig;
        if (!(f > 0 && Number.isFinite(f))) throw configRangeError(c.key('max_position_embeddings'), 'an integer ≥ 1', maxPos);
        const given = d.optNum('factor', POS);
        if (given !== undefined && given !== f) {
          notes.push(`YaRN factor: the config says ${given}; the reference (transformers 4.5x/5.0 _compute_yarn_parameters) uses max_position_embeddings / original_max_position_embeddings = ${maxPos}/${orig} = ${f}, and so does posenc.`);
        }
      } else f = factor();
      const out: Extract<RopeScaling, { type: 'yarn' }> = { type: 'yarn', factor: f, originalMaxPositionEmbeddings: orig ?? s.maxPos() };
      const af = d.optNum('attention_factor', POS);
      if (af !== undefined) out.attentionFactor = af;
      const ms = d.optNum('mscale', {});
      if (ms !== undefined) out.mscale = ms;
      const msa = d.optNum('mscale_all_dim', {});
      if (msa !== undefined) out.mscaleAllDim = msa;
      const bf = d.optNum('beta_fast', { min: 0 });
      if (bf !== undefined) out.betaFast = bf;
      const bs = d.optNum('beta_slow', { min: 0 });
      if (bs !== undefined) out.betaSlow = bs;
      const tr = d.optBool('truncate');
      if (tr !== undefined) out.truncate = tr;
      return out;
    }
    case 'longrope': {
      const h = s.rotaryDim / 2;
      const list = (k: string) => {
        const v = d.optNumList(k, POS);
        if (v === undefined) throw new TypeError(`posenc.model: ${d.key(k)} is required for rope type 'longrope' (${h} factors)`);
        if (v.length !== h) throw configRangeError(`${d.key(k)}.length`, `rotaryDim/2 = ${h} (one factor per rotated pair)`, v.length);
        return v;
      };
      const long = list('long_factor');
      const short = list('short_factor');
      const maxPos = s.maxPos();
      // Phi-3: original_max_position_embeddings at the top level (HF gives it priority), else the dict's.
      const top = c.optNum('original_max_position_embeddings', int(1, MAX_POSITIONS));
      const orig = top ?? d.optNum('original_max_position_embeddings', int(1, MAX_POSITIONS));
      const out: Extract<RopeScaling, { type: 'longrope' }> = {
        type: 'longrope', longFactor: long, shortFactor: short, originalMaxPositionEmbeddings: orig ?? maxPos,
      };
      if (orig !== undefined) {
        out.factor = maxPos / orig;
        const given = d.optNum('factor', POS);
        if (given !== undefined && given !== out.factor) notes.push(`LongRoPE factor: the config says ${given}; the reference uses max_position_embeddings / original_max_position_embeddings = ${out.factor}.`);
      } else out.factor = d.optNum('factor', POS) ?? 1;
      const af = d.optNum('attention_factor', POS);
      if (af !== undefined) out.attentionFactor = af;
      return out;
    }
  }
  return undefined;
}

/** Layer kinds and names of a rope family. */
function layerTypes(c: ConfigReader, traits: RopeTraits, n: number): { types: string[]; rotary: boolean[] } {
  const given = c.optStrList('layer_types');
  if (given !== undefined && given.length !== n) throw configRangeError(`${c.key('layer_types')}.length`, `num_hidden_layers = ${n}`, given.length);
  if (traits.layers === 'llama4') {
    let flags = c.optNumList('no_rope_layers', int(0, 1), MAX_LAYERS);
    if (!flags || flags.length === 0) {
      const every = c.num('no_rope_layer_interval', int(1, MAX_LAYERS));
      flags = Array.from({ length: n }, (_, i) => ((i + 1) % every !== 0 ? 1 : 0));
    } else if (flags.length < n) throw configRangeError(`${c.key('no_rope_layers')}.length`, `≥ num_hidden_layers = ${n} (1 = the layer uses rotary, 0 = NoPE)`, flags.length);
    const rotary = flags.slice(0, n).map((f) => f === 1);
    return { types: given ?? rotary.map((r) => (r ? 'chunked_attention' : 'full_attention')), rotary };
  }
  let types = given;
  if (!types && traits.layers === 'gemma2') types = Array.from({ length: n }, (_, i) => ((i + 1) % 2 ? 'sliding_attention' : 'full_attention'));
  if (!types && traits.layers === 'gemma3') {
    const every = c.num('sliding_window_pattern', int(1, MAX_LAYERS));
    types = Array.from({ length: n }, (_, i) => ((i + 1) % every ? 'sliding_attention' : 'full_attention'));
  }
  types ??= Array<string>(n).fill('full_attention');
  return { types, rotary: types.map(() => true) };
}

/** A rope family's config read into per-layer rope options. */
export function readRope(c: ConfigReader, family: string, fam: Family): RopeSpec {
  const traits = fam.rope!;
  const notes: string[] = [];
  const heads = intOf(c, ['num_attention_heads', 'n_head', 'n_heads'], 1, MAX_HEADS, 'attention heads');
  const nLayers = intOf(c, ['num_hidden_layers', 'n_layer', 'n_layers', 'num_layers'], 1, MAX_LAYERS, 'decoder layers');
  const maxKey = c.firstKey(['max_position_embeddings', 'n_positions', 'max_seq_len']);
  const maxPositions = c.optNum(maxKey, int(1, MAX_POSITIONS)) ?? null;
  const maxPos = () => {
    if (maxPositions === null) throw new TypeError(`posenc.model: ${c.key(maxKey)} is required (the rope scaling reads it); the config has no value and there is no default`);
    return maxPositions;
  };
  const d = ropeDict(c);

  // Head dim and rotary dim, as the family's reference reads them.
  let headDim: number;
  let rotaryDim: number;
  if (traits.dim === 'qk_rope') {
    headDim = c.num('qk_rope_head_dim', int(1, MAX_HEAD_DIM));
    rotaryDim = headDim;
  } else {
    const hd = c.firstKey(['head_dim', 'kv_channels']);
    const given = c.optNum(hd, int(1, MAX_HEAD_DIM));
    if (given !== undefined) headDim = given;
    else {
      const hidden = intOf(c, ['hidden_size', 'n_embd', 'n_embed', 'd_model'], 1, MAX_HEAD_DIM * MAX_HEADS, 'the model width');
      headDim = Math.floor(hidden / heads);
      if (headDim < 1 || headDim > MAX_HEAD_DIM) throw configRangeError(c.key(c.firstKey(['hidden_size', 'n_embd', 'n_embed', 'd_model'])), `a multiple of the heads (${heads}) with hidden/heads in [1, ${MAX_HEAD_DIM}]`, hidden);
    }
    if (traits.dim === 'rotary_dim') {
      rotaryDim = c.num('rotary_dim', int(2, headDim));
      if (rotaryDim % 2) throw configRangeError(c.key('rotary_dim'), `even and ≤ head dim ${headDim}`, rotaryDim);
    } else {
      let key = 'partial_rotary_factor';
      let prf: number;
      if (traits.dim === 'rotary_pct' && !d?.has('partial_rotary_factor')) {
        key = 'rotary_pct';
        prf = c.num('rotary_pct', { min: 0, open: true, max: 1 });
      } else {
        prf = d?.optNum('partial_rotary_factor', { min: 0, open: true, max: 1 }) ?? c.optNum('partial_rotary_factor', { min: 0, open: true, max: 1 }) ?? 1;
        if (d?.has('partial_rotary_factor')) key = `${d.path.slice(c.path.length + 1)}.partial_rotary_factor`;
      }
      rotaryDim = Math.floor(headDim * prf);
      if (rotaryDim < 2 || rotaryDim % 2) {
        throw configRangeError(c.key(key), `a fraction giving an even rotary dim ≥ 2 of head dim ${headDim} (int(${headDim}·factor) = ${rotaryDim})`, prf);
      }
    }
  }

  // Layers, and the rope dict of each layer type.
  const { types, rotary } = layerTypes(c, traits, nLayers);
  const perType = perTypeKeys(d, types);
  const baseOf = (dd: ConfigReader | undefined, fallbackKey: string): number => {
    if (traits.base === 'fixed') return 10000;
    const inDict = dd?.optNum('rope_theta', POS);
    if (inDict !== undefined) return inDict;
    return c.num(fallbackKey, POS, 'the rotary base');
  };
  const topBaseKey = traits.base === 'rotary_emb_base' && !c.has('rope_theta') ? 'rotary_emb_base' : 'rope_theta';
  const specOf = (dd: ConfigReader | undefined, type: string, isRotary: boolean, fallback: { base?: number; plain?: boolean } = {}): RopeLayerSpec => {
    const base = fallback.base ?? baseOf(dd, topBaseKey);
    const rt = fallback.plain ? { type: 'default' as const, key: '' } : ropeTypeOf(dd, notes);
    const scaling = fallback.plain ? undefined : scalingOf(rt.type, { c, d: dd, base, rotaryDim, maxPos, family, notes });
    let query: QueryRule | null = null;
    if (dd?.has('llama_4_scaling_beta')) {
      const beta = dd.num('llama_4_scaling_beta', { min: 0 });
      const original = dd.num('original_max_position_embeddings', int(1, MAX_POSITIONS), 'llama_4_scaling_beta divides the cache position by it');
      query = { kind: 'ministral3', beta, original };
    }
    return { type, rotary: isRotary, base, scaling, ropeType: rt.type, query };
  };

  const memo = new Map<string, RopeLayerSpec>();
  const layers: RopeLayerSpec[] = types.map((type, i) => {
    const key = `${type}|${rotary[i]}`;
    const hit = memo.get(key);
    if (hit) return hit;
    let spec: RopeLayerSpec;
    if (perType) {
      if (!perType.includes(type)) throw new TypeError(`posenc.model: ${d!.key(type)} is required (layer ${i} is a '${type}' layer and rope_parameters is given per layer type: ${perType.join(', ')})`);
      spec = specOf(d!.optObj(type), type, rotary[i]);
    } else if (traits.layers === 'gemma3' && type === 'sliding_attention') {
      // Gemma 3: sliding layers rotate with rope_local_base_freq and no scaling (rotary_emb_local).
      spec = specOf(undefined, type, true, { base: c.num('rope_local_base_freq', POS, 'the sliding layers\' base'), plain: true });
    } else spec = specOf(d, type, rotary[i]);
    if (traits.layers === 'llama4' && !rotary[i]) {
      const tuning = c.optFlag('attn_temperature_tuning') ?? true;
      spec = {
        ...spec,
        query: tuning ? { kind: 'llama4', floorScale: c.num('floor_scale', POS), attnScale: c.num('attn_scale', {}) } : null,
      };
    }
    memo.set(key, spec);
    return spec;
  });
  const top = Math.max(0, layers.findIndex((l) => l.rotary && l.type === 'full_attention') >= 0
    ? layers.findIndex((l) => l.rotary && l.type === 'full_attention')
    : layers.findIndex((l) => l.rotary));
  if (!layers.some((l) => l.rotary)) throw configRangeError(c.key('no_rope_layers'), 'a list with at least one 1 (a layer that uses rotary)', c.raw('no_rope_layers'));

  // Layout and application.
  let layout = traits.layout;
  let apply: RopeSpec['apply'] = traits.apply ?? 'plain';
  if (apply === 'deinterleave') {
    const inter = c.optBool('rope_interleave') ?? true;
    if (!inter) {
      layout = 'halves';
      apply = 'plain';
    }
  }

  // Multi-axis sections.
  let axes: RopeSpec['axes'] = null;
  if (traits.mrope) {
    const where = d?.has('mrope_section') ? d : c;
    let sections = where.optNumList('mrope_section', int(1, MAX_HEAD_DIM), 16);
    if (!sections) {
      if (traits.mrope === 'cycle') {
        sections = [24, 20, 20];
        notes.push('mrope_section absent: [24, 20, 20], the default of Qwen3VLTextRotaryEmbedding.');
      } else throw new TypeError(`posenc.model: ${(d ?? c).key('mrope_section')} is required for model_type '${family}' (pairs per T/H/W axis, e.g. [16, 24, 24]); HF has no default`);
    }
    const sp = where.key('mrope_section');
    if (sections.length !== 3) throw configRangeError(sp, 'three sections (T, H, W)', sections);
    const sum = sections.reduce((a, b) => a + b, 0);
    if (sum !== rotaryDim / 2) throw configRangeError(sp, `sections summing to rotaryDim/2 = ${rotaryDim / 2} (sum ${sum})`, sections);
    const assign = traits.mrope;
    if (assign === 'cycle') {
      const n = [0, 0, 0];
      for (let j = 0; j < rotaryDim / 2; j++) n[j % 3 === 1 && j < 3 * sections[1] ? 1 : j % 3 === 2 && j < 3 * sections[2] ? 2 : 0]++;
      if (n[0] !== sections[0] || n[1] !== sections[1] || n[2] !== sections[2]) {
        throw configRangeError(sp, `sections Qwen3-VL's interleaving can hold (3·s1 ≤ ${rotaryDim / 2 + 1}, 3·s2 ≤ ${rotaryDim / 2})`, sections);
      }
    }
    const flag = (d?.has('mrope_interleaved') ? d : c).optBool('mrope_interleaved');
    if (flag !== undefined && flag !== (assign === 'cycle')) {
      notes.push(`mrope_interleaved = ${flag} is not read by ${fam.name}'s reference, which always uses ${assign === 'cycle' ? 'the interleaved (cycle)' : 'the chunked'} assignment; posenc follows the reference.`);
    }
    axes = { sections, assign };
  }

  // Softmax scale due to the position scheme (DeepSeek-V3 YaRN mscale²).
  let softmaxScale = 1;
  const topType = layers[top];
  if (family === 'deepseek_v3' && topType.ropeType !== 'default' && d) {
    const mad = d.optNum('mscale_all_dim', {}) ?? 0;
    if (mad) {
      const f = d.optNum('factor', POS) ?? (topType.scaling && 'factor' in topType.scaling ? topType.scaling.factor! : 1);
      const m = f <= 1 ? 1 : 0.1 * mad * Math.log(f) + 1;
      softmaxScale = m * m;
    }
  }
  if (family === 'deepseek_v2' && topType.ropeType === 'yarn' && d?.optNum('mscale_all_dim', {})) {
    notes.push("softmaxScale 1: transformers 5.0's DeepseekV2Attention keeps qk_head_dim^-0.5; DeepSeek's own remote modeling_deepseek.py multiplies it by yarn_get_mscale(factor, mscale_all_dim)² as DeepSeek-V3 does.");
  }

  if (family === 'internlm2' && topType.ropeType === 'dynamic') {
    notes.push("Dynamic NTK as transformers' generic dynamic_rope_update computes it (the scaled base a float32 tensor); InternLM2's own remote code computes that base in float64 (seq_len a Python int), which moves some ω by an ulp: pass those frequencies to pe.rope to match it.");
  }
  const kind = traits.mrope ? 'mrope' : 'rope';
  return { kind, heads, headDim, rotaryDim, layout, apply, axes, layers, top, softmaxScale, maxPositions, notes };
}

/** The Qwen2-VL / Qwen2.5-VL vision tower: 2-D rotary with per-axis frequencies (VisionRotaryEmbedding(head_dim/2)). */
export function readVisionRope(v: ConfigReader, family: string): RopeSpec {
  const heads = intOf(v, ['num_heads'], 1, MAX_HEADS, 'attention heads');
  // Qwen2-VL's vision width is embed_dim (its hidden_size is the merger's output); Qwen2.5-VL's is hidden_size.
  const wk = family === 'qwen2_vl' ? 'embed_dim' : 'hidden_size';
  const width = v.num(wk, int(1, MAX_HEAD_DIM * MAX_HEADS), 'the vision width');
  const headDim = Math.floor(width / heads);
  if (headDim < 4 || headDim % 4) throw configRangeError(v.key(wk), `heads·d with d a multiple of 4 (two axes of d/4 pairs), heads = ${heads}`, width);
  const depth = intOf(v, ['depth', 'num_hidden_layers'], 1, MAX_LAYERS, 'vision layers');
  const spec: RopeLayerSpec = { type: 'full_attention', rotary: true, base: 10000, scaling: undefined, ropeType: 'default', query: null };
  return {
    kind: 'mrope', heads, headDim, rotaryDim: headDim, layout: 'halves', apply: 'plain',
    axes: { sections: [headDim / 4, headDim / 4], assign: 'chunks', frequencies: 'per-axis' },
    layers: Array<RopeLayerSpec>(depth).fill(spec), top: 0, softmaxScale: 1, maxPositions: null,
    notes: ['Vision tower: (row, column) positions of pe.visionPositions, axis-major [2·N]; each axis has its own base^(−2i/(d/2)) frequencies (VisionRotaryEmbedding(head_dim/2), rot_pos_emb, apply_rotary_pos_emb_vision).'],
  };
}
