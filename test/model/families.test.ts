// pe.model beyond the corpus fixture: families and config forms the corpus has no checkpoint for
// (Llama 4's NoPE layers, v5 per-layer-type rope_parameters, legacy names, unknown model types,
// the Qwen2-VL vision tower), the rules that are posenc's own (model.rope = pe.rope with
// model.options, bit for bit; cosSin = the rotation of [1 | 0]), and describe().
import { describe, expect, it } from 'vitest';
import { initSync } from '../../src/index.js';
import { describeBackends, firstByteDiff, randomOperand } from '../support/backends.js';
import { config, corpus } from './fixture.js';

/** Llama-4-Scout-like text config (the released keys, fewer layers). */
const LLAMA4 = {
  model_type: 'llama4',
  text_config: {
    model_type: 'llama4_text', hidden_size: 5120, num_attention_heads: 40, head_dim: 128, num_hidden_layers: 8,
    max_position_embeddings: 10485760, rope_theta: 500000,
    rope_scaling: { factor: 16, high_freq_factor: 1, low_freq_factor: 1, original_max_position_embeddings: 8192, rope_type: 'llama3' },
    attn_temperature_tuning: true, floor_scale: 8192, attn_scale: 0.1,
  },
};

describeBackends('pe.model families', (pe) => {
  it('model.rope is pe.rope with model.options, bit for bit, for every rotary corpus config (module tensors too)', () => {
    for (const { file } of corpus()) {
      const md = pe().model(config(file));
      if (md.kind !== 'rope' && md.kind !== 'mrope') continue;
      const L = 7;
      const shape = [2, 3, L, md.headDim];
      const x = randomOperand(2 * 3 * L * md.headDim, false, 5) as Float32Array;
      const positions = md.kind === 'mrope' ? [0, 1, 2, 3, 3, 3, 7, 0, 1, 2, 3, 4, 4, 7, 0, 1, 2, 3, 4, 5, 7] : [0, 1, 2, 4095, 4096, 4097, 70000];
      const got = md.rope(x, { shape, positions });
      if (md.options === null) {
        expect(md.modelType, file).toBe('deepseek_v3');
        continue;
      }
      const want = pe().rope(x, { shape, ...(md.options as object), positions } as never) as Float32Array;
      expect(firstByteDiff(got, want), file).toBe(-1);
      const t = pe().alloc(x.length);
      t.array.set(x);
      md.rope(t, { shape, positions, out: t });
      expect(firstByteDiff(t.array, want), `${file} in place`).toBe(-1);
      t.free();
    }
  });

  it('cosSin is the rotation of [1 … 1 | 0 … 0]: cos and sin of fl32(p·ω)·af, expand in the pairing of rope', () => {
    const md = pe().model(config('microsoft--Phi-3.5-mini-instruct.json'));
    const { cos, sin } = md.cosSin({ length: 3, offset: 5000 });
    const h = md.rotaryDim / 2;
    // LongRoPE switches to the long factors for a call that reaches past 4096 (seqLen = 5003).
    const inv = pe().ropeFrequencies({ dim: md.rotaryDim, scaling: (md.options as { scaling: never }).scaling, seqLen: 5003, float32Angles: true }).invFreq;
    const af = Math.fround(md.attentionFactor);
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < h; j++) {
        const a = Math.fround(Math.fround(5000 + r) * inv[j]);
        expect(Math.abs(cos[r * h + j] - Math.fround(Math.fround(Math.cos(a)) * af))).toBeLessThanOrEqual(2 ** -23);
        expect(Math.abs(sin[r * h + j] - Math.fround(Math.fround(Math.sin(a)) * af))).toBeLessThanOrEqual(2 ** -23);
      }
    }
    const short = md.cosSin({ length: 3, offset: 5000, seqLen: 4096 });
    expect(firstByteDiff(short.cos, cos)).not.toBe(-1);
    const inter = pe().model(config('EleutherAI--gpt-j-6b.json')).cosSin({ positions: [3], expand: true });
    for (let j = 0; j < 32; j++) expect(inter.cos[2 * j]).toBe(inter.cos[2 * j + 1]);
  });

  it('Llama 4: every 4th layer NoPE (kind none, identity rotation, attention temperature on q), llama3 with low = high frequency factor', () => {
    const md = pe().model(LLAMA4);
    expect(md.modelType).toBe('llama4_text');
    expect(md.kind).toBe('rope');
    expect(md.layout).toBe('interleaved');
    expect(md.layers.map((l) => l.kind)).toEqual(['rope', 'rope', 'rope', 'none', 'rope', 'rope', 'rope', 'none']);
    expect(md.layers.map((l) => l.type)).toEqual(['chunked_attention', 'chunked_attention', 'chunked_attention', 'full_attention', 'chunked_attention', 'chunked_attention', 'chunked_attention', 'full_attention']);
    expect(md.describe()).toMatch(/low_freq_factor = high_freq_factor = 1/);
    const want = pe().ropeFrequencies({ dim: 128, base: 500000, float32Angles: true, scaling: { type: 'llama3', factor: 16, lowFreqFactor: 1, highFreqFactor: 1, originalMaxPositionEmbeddings: 8192 } }).invFreq;
    expect(Array.from(md.invFreq!)).toEqual(Array.from(want));
    expect(md.layers[3].invFreq).toBe(null);
    expect(md.layers[3].options).toBe(null);
    const x = randomOperand(1 * 2 * 3 * 128, false, 9) as Float32Array;
    expect(firstByteDiff(md.rope(x, { shape: [1, 2, 3, 128], offset: 100, layer: 3 }), x)).toBe(-1);
    const cs = md.cosSin({ length: 2, layer: 3 });
    expect(Array.from(cs.cos).every((v) => v === 1) && Array.from(cs.sin).every((v) => v === 0)).toBe(true);
    // log1p(floor((p + 1)/8192))·0.1 + 1 on NoPE layers (float32), ones on rotary layers.
    const pos = [0, 8190, 8191, 16383, 100000];
    const s = md.queryScale({ positions: pos, layer: 3 });
    pos.forEach((p, i) => expect(s[i]).toBe(Math.fround(Math.fround(Math.fround(Math.log1p(Math.floor((p + 1) / 8192))) * Math.fround(0.1)) + 1)));
    expect(s[0]).toBe(1);
    expect(Array.from(md.queryScale({ positions: pos, layer: 0 }))).toEqual([1, 1, 1, 1, 1]);
    const off = pe().model({ ...LLAMA4, text_config: { ...LLAMA4.text_config, attn_temperature_tuning: false, no_rope_layers: [1, 0, 1, 1, 1, 1, 1, 1] } });
    expect(off.layers.map((l) => l.kind)).toEqual(['rope', 'none', 'rope', 'rope', 'rope', 'rope', 'rope', 'rope']);
    expect(Array.from(off.queryScale({ length: 2, offset: 20000, layer: 1 }))).toEqual([1, 1]);
    // Llama 4 Scout ships attn_temperature_tuning: 4; the reference reads it as Python's truth.
    const four = pe().model({ ...LLAMA4, text_config: { ...LLAMA4.text_config, attn_temperature_tuning: 4 } });
    expect(Array.from(four.queryScale({ positions: pos, layer: 3 }))).toEqual(Array.from(s));
    const zero = pe().model({ ...LLAMA4, text_config: { ...LLAMA4.text_config, attn_temperature_tuning: 0, no_rope_layers: [1, 0, 1, 1, 1, 1, 1, 1] } });
    expect(Array.from(zero.queryScale({ length: 2, offset: 20000, layer: 1 }))).toEqual([1, 1]);
    expect(() => pe().model({ ...LLAMA4, text_config: { ...LLAMA4.text_config, attn_temperature_tuning: 'yes' } })).toThrow(/config\.text_config\.attn_temperature_tuning must be true, false or a finite number/);
  });

  it('v5 rope_parameters per layer type (Gemma 3 style) and rope_theta inside rope_parameters', () => {
    const md = pe().model({
      model_type: 'gemma3_text', num_hidden_layers: 6, head_dim: 128, num_attention_heads: 4, hidden_size: 512,
      layer_types: ['sliding_attention', 'sliding_attention', 'full_attention', 'sliding_attention', 'sliding_attention', 'full_attention'],
      rope_parameters: { full_attention: { rope_type: 'linear', factor: 8, rope_theta: 1e6 }, sliding_attention: { rope_type: 'default', rope_theta: 10000 } },
    });
    expect(md.layers.map((l) => (l.options as { base: number }).base)).toEqual([1e4, 1e4, 1e6, 1e4, 1e4, 1e6]);
    expect((md.layers[2].options as { scaling: unknown }).scaling).toEqual({ type: 'linear', factor: 8 });
    expect((md.options as { base: number }).base).toBe(1e6);
    expect(md.layers[0].invFreq).toBe(md.layers[1].invFreq);
    expect(md.describe()).toMatch(/4 × sliding_attention \(base 10000, default\), 2 × full_attention \(base 1000000, linear\)/);
  });

  it('Gemma 3 (v4 keys): sliding layers take rope_local_base_freq without the scaling; layer_types from sliding_window_pattern', () => {
    const md = pe().model(config('google--gemma-3-4b-it.json'));
    expect(md.layers.slice(0, 6).map((l) => l.type)).toEqual(['sliding_attention', 'sliding_attention', 'sliding_attention', 'sliding_attention', 'sliding_attention', 'full_attention']);
    expect((md.layers[0].options as { base: number; scaling?: unknown }).scaling).toBe(undefined);
    expect((md.layers[5].options as { scaling: unknown }).scaling).toEqual({ type: 'linear', factor: 8 });
  });

  it("legacy names: rope_scaling type 'su' is longrope, 'mrope' is default; rope_type wins over type", () => {
    const phi = config('microsoft--Phi-3.5-mini-instruct.json') as { rope_scaling: Record<string, unknown> };
    const su = pe().model({ ...phi, rope_scaling: { ...phi.rope_scaling, type: 'su', rope_type: undefined } });
    expect((su.options as { scaling: { type: string } }).scaling.type).toBe('longrope');
    expect(su.describe()).toMatch(/legacy name of 'longrope'/);
    const both = pe().model({ model_type: 'llama', hidden_size: 256, num_attention_heads: 4, rope_scaling: { type: 'dynamic', rope_type: 'linear', factor: 2 } });
    expect((both.options as { scaling: unknown }).scaling).toEqual({ type: 'linear', factor: 2 });
    const vl = pe().model({ model_type: 'qwen2_vl', hidden_size: 1536, num_attention_heads: 12, rope_scaling: { type: 'mrope', mrope_section: [16, 24, 24] } });
    expect(vl.kind).toBe('mrope');
    expect((vl.options as { scaling?: unknown }).scaling).toBe(undefined);
  });

  it('YaRN: the reference factor max_position_embeddings / original overrides the config (and describe says so)', () => {
    const md = pe().model({
      model_type: 'qwen2', hidden_size: 1024, num_attention_heads: 8, max_position_embeddings: 131072,
      rope_scaling: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 16384 },
    });
    expect((md.options as { scaling: { factor: number } }).scaling.factor).toBe(8);
    expect(md.describe()).toMatch(/the config says 4; the reference .* uses max_position_embeddings \/ original_max_position_embeddings = 131072\/16384 = 8/);
  });

  it('DeepSeek: V3 returns de-interleaved output (options null), V2 keeps pair order; headDim is qk_rope_head_dim; softmaxScale mscale² on V3', () => {
    const v3 = pe().model(config('deepseek-ai--DeepSeek-V3.json'));
    const v2 = pe().model(config('deepseek-ai--DeepSeek-V2-Lite-Chat.json'));
    expect(v3.options).toBe(null);
    expect(v3.describe()).toMatch(/de-interleaved/);
    expect(v3.headDim).toBe(64);
    expect(v3.softmaxScale).toBeCloseTo((0.1 * Math.log(40) + 1) ** 2, 14);
    expect(v2.softmaxScale).toBe(1);
    expect(v2.describe()).toMatch(/remote modeling_deepseek\.py/);
    const x = randomOperand(2 * 64, false, 3) as Float32Array;
    const inter = pe().rope(x, { shape: [1, 1, 2, 64], offset: 9, ...(v2.options as object) } as never) as Float32Array;
    const y = v3.rope(x, { shape: [1, 1, 2, 64], offset: 9 });
    for (let r = 0; r < 2; r++) for (let i = 0; i < 32; i++) {
      expect(y[r * 64 + i]).toBe(inter[r * 64 + 2 * i]);
      expect(y[r * 64 + 32 + i]).toBe(inter[r * 64 + 2 * i + 1]);
    }
    const flat = pe().model({ ...config('deepseek-ai--DeepSeek-V3.json'), rope_interleave: false });
    expect(flat.layout).toBe('halves');
    expect(flat.options).not.toBe(null);
  });

  it('the Qwen2-VL vision tower: per-axis frequencies over (row, column) of pe.visionPositions', () => {
    const cfg = config('onnx-community--Qwen2-VL-2B-Instruct.json');
    const v = pe().model(cfg, { part: 'vision' });
    expect(v.kind).toBe('mrope');
    expect(v.headDim).toBe(80);
    expect(v.options).toMatchObject({ axes: { sections: [20, 20], frequencies: 'per-axis' }, base: 10000 });
    const positions = pe().visionPositions({ height: 4, width: 6 });
    const x = randomOperand(24 * 16 * 80, false, 4) as Float32Array;
    const got = v.rope(x, { shape: [1, 24, 16, 80], order: 'blhd', positions });
    const want = pe().rope(x, { shape: [1, 24, 16, 80], order: 'blhd', positions, axes: { sections: [20, 20], frequencies: 'per-axis' }, float32Angles: true });
    expect(firstByteDiff(got, want)).toBe(-1);
    expect(v.invFreq!.slice(0, 20)).toEqual(v.invFreq!.slice(20));
  });

  it('an unknown model_type with rope keys is read as a Llama-style rotary (said in describe); without them a RangeError listing the types', () => {
    const md = pe().model({ model_type: 'my_llm', hidden_size: 512, num_attention_heads: 8, num_hidden_layers: 2, rope_theta: 20000 });
    expect(md.kind).toBe('rope');
    expect(md.layout).toBe('halves');
    expect(md.describe()).toMatch(/'my_llm' is not in posenc's table/);
    expect(() => pe().model({ model_type: 'my_llm', hidden_size: 512 })).toThrow(/config\.model_type 'my_llm' is not a supported model_type .*supported: .*llama/);
    expect(() => pe().model({ model_type: 'my_llm', rope_theta: 1e4, num_attention_heads: 8, num_hidden_layers: 2 })).toThrow(/config\.hidden_size is required/);
  });

  it('position ids: rotary families take HF generation\'s rule with a mask; Whisper clamps at 0; FSMT counts past ids', () => {
    const llama = pe().model(config('meta-llama--Llama-3.2-1B.json'));
    expect(Array.from(llama.positions({ shape: [1, 4] }))).toEqual([0, 1, 2, 3]);
    expect(Array.from(llama.positions({ shape: [2, 2], pastLength: 3, attentionMask: [0, 0, 1, 1, 1, 1, 1, 1, 1, 1] }))).toEqual([1, 2, 3, 4]);
    expect(Array.from(llama.positions({ shape: [1, 3], attentionMask: [false, true, true] }))).toEqual([1, 0, 1]);
    const whisper = pe().model(config('openai--whisper-large-v3-turbo.json'));
    expect(Array.from(whisper.positions({ shape: [1, 4], attentionMask: [0, 0, 1, 1] }))).toEqual([0, 0, 0, 1]);
    const fsmt = pe().model(config('facebook--wmt19-de-en.json'));
    expect(() => fsmt.positions({ shape: [1, 1], inputIds: [5], pastLength: 2 })).toThrow(/options\.inputIds \(past and current ids.*\.length must be 3/);
    const bart = pe().model(config('facebook--bart-large-cnn.json'), { part: 'encoder' });
    expect(Array.from(bart.positions({ shape: [1, 3], attentionMask: [0, 1, 1] }))).toEqual([2, 3, 4]);
    expect(bart.heads).toBe(16);
  });

  it('parts: encoder-decoder models take encoder/decoder, others text/vision; the Whisper encoder is sinusoidal', () => {
    expect(() => pe().model(config('google-t5--t5-small.json'), { part: 'text' })).toThrow(/options\.part must be 'encoder' or 'decoder' for model_type 't5'/);
    expect(() => pe().model(config('meta-llama--Llama-3.2-1B.json'), { part: 'encoder' })).toThrow(RangeError);
    expect(() => pe().model(config('meta-llama--Llama-3.2-1B.json'), { part: 'vision' })).toThrow(/config\.vision_config is required/);
    expect(() => pe().model(config('mistralai--Ministral-3-3B-Instruct-2512.json'), { part: 'vision' })).toThrow(/the vision part is supported for qwen2_vl, qwen2_5_vl/);
    const enc = pe().model(config('openai--whisper-large-v3-turbo.json'), { part: 'encoder' });
    expect(enc.kind).toBe('sinusoidal');
    expect(enc.options).toEqual({ preset: 'whisper', dim: 1280, float32Angles: true });
    expect(enc.tableRows).toBe(1500);
    const dec = pe().model(config('openai--whisper-large-v3-turbo.json'));
    expect(dec.kind).toBe('learned');
    expect(dec.tableRows).toBe(448);
  });

  it('describe() names the convention, the reference file and function, and the docs section', () => {
    for (const { file } of corpus()) {
      const md = pe().model(config(file));
      const d = md.describe();
      expect(d.split('\n').length, file).toBeGreaterThanOrEqual(3);
      expect(d, file).toMatch(/Reference: transformers (models\/\w+\/\w+\.py|the checkpoint's remote)/);
      expect(d, file).toMatch(/docs\/conventions\.md §/);
    }
  });
});

describe('pe.model objects', () => {
  it('are frozen; options are frozen; pe.model takes well under a millisecond after the first call', () => {
    const pe = initSync({ backend: 'wasm-simd' });
    const md = pe.model(config('meta-llama--Llama-3.1-8B-Instruct.json'));
    expect(Object.isFrozen(md)).toBe(true);
    expect(Object.isFrozen(md.options)).toBe(true);
    expect(Object.isFrozen((md.options as { scaling: object }).scaling)).toBe(true);
    expect(Object.isFrozen(md.layers)).toBe(true);
    expect(() => {
      (md.options as { base: number }).base = 1;
    }).toThrow(TypeError);
  });
});
