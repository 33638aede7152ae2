// pe.model(config) against test/fixtures/models-ref.json: for every corpus config, what HF
// transformers' model code computes for positions (scripts/parity/model_refs.py under torch),
// on every backend. Bounds (README "Models"):
//   invFreq   bit-identical where posenc's float32 chain meets torch's, else ≤ 1 ulp (2 for YaRN /
//             LongRoPE), with the count of differing elements per config written down below;
//   cos/sin   ≤ 2 ulp32 + af·(p·|Δω| + ulp32(p·ω)) per element;
//   rotated q ≤ af·(|x_a| + |x_b|)·2^-23 + 1 ulp of the result (the cos/sin ulps through the products);
//   position ids bit-identical.
import { describe, expect, it } from 'vitest';
import type { ModelPositions } from '../../src/index.js';
import { describeBackends, firstByteDiff } from '../support/backends.js';
import { config, corpus, extraFixture, f32, fixture, ulp32, type F32, type FixtureModel } from './fixture.js';

/** invFreq elements where torch's float32 pow is not posenc's correctly rounded one (measured, torch 1.13 CPU). */
const INVFREQ_DIFFERING: Record<string, number> = {
  'AIDC-AI--Marco-Mini-Instruct.json': 1,
  'google--gemma-2-9b-it.json': 1,
  'google--gemma-2b.json': 1,
  'google--gemma-3-1b-it.json': 2, // 1 of 128 on each layer type
  'google--gemma-3-4b-it.json': 2, // 1 of 128 on each layer type
  'internlm--internlm2_5-7b-chat.json': 1,
  'microsoft--Phi-3.5-mini-instruct.json': 1,
  'microsoft--Phi-4-mini-instruct.json': 1,
  'mistralai--Ministral-3-3B-Instruct-2512.json': 1,
  'mistralai--Mistral-7B-v0.3.json': 1,
  'mistralai--Mixtral-8x7B-v0.1.json': 1,
  'onnx-community--Qwen2-VL-2B-Instruct.json': 1,
  'openai--gpt-oss-20b.json': 4, // 2 of 32 on each layer type
  'Qwen--Qwen1.5-MoE-A2.7B-Chat.json': 1,
  'Qwen--Qwen2-VL-2B-Instruct-AWQ.json': 1,
  'Qwen--Qwen2.5-VL-3B-Instruct.json': 1,
  'Qwen--Qwen2.5-VL-7B-Instruct.json': 1,
  'Qwen--Qwen3-0.6B.json': 1,
  'Qwen--Qwen3-VL-8B-Instruct.edited-copy.json': 1,
};

const ENCODER_DECODER = ['whisper', 't5', 'mt5', 'umt5', 'switch_transformers', 'bart', 'mbart', 'marian', 'pegasus', 'm2m_100', 'speech_to_text', 'fsmt'];
const TEXT = (m: FixtureModel) => (ENCODER_DECODER.includes(m.model_type) ? 'decoder' : undefined);

/** The reference's 1/√d factor (not position related): the fixture's softmaxScale divided by it is model.softmaxScale. */
function baseScale(m: FixtureModel): number {
  const cfg = config(m.file);
  if (m.model_type === 'gemma2' || m.model_type === 'gemma3_text') return (cfg.query_pre_attn_scalar as number) ** -0.5;
  if (m.model_type === 'deepseek_v2' || m.model_type === 'deepseek_v3') return (m.qkHeadDim as number) ** -0.5;
  if (m.kind === 'relative-bias') return 1;
  return (m.headDim as number) ** -0.5;
}

describe('the corpus', () => {
  it('every config of test/fixtures/models/index.json has a fixture entry', () => {
    const files = new Set(fixture.models.map((m) => m.file));
    for (const { file } of corpus()) expect(files.has(file), file).toBe(true);
  });
});

describeBackends('pe.model against the torch fixture', (pe) => {
  for (const m of [...fixture.models, ...extraFixture.models]) {
    describe(`${m.file} (${m.model_type})`, () => {
      let model: ModelPositions;
      const get = () => (model ??= pe().model(config(m.file), TEXT(m) ? { part: TEXT(m) as 'decoder' } : undefined));

      it('kind, heads, head dim, filled defaults', () => {
        const md = get();
        expect(md.kind).toBe(m.kind);
        expect(md.heads).toBe(m.heads);
        if (m.headDim !== null && m.headDim !== undefined) expect(md.headDim).toBe(m.headDim);
        // Defaults both filled agree (the fixture also lists keys that do not decide positions).
        for (const [k, v] of Object.entries(m.filledDefaults as Record<string, unknown>)) if (k in md.filledDefaults) expect(md.filledDefaults[k], k).toEqual(v);
        if (m.softmaxScale !== undefined) expect(md.softmaxScale * baseScale(m)).toBeCloseTo(m.softmaxScale as number, 14);
        expect(md.describe()).toMatch(/Reference: transformers /);
      });

      if (m.kind === 'rope') ropeChecks(m, get);
      if (m.kind === 'mrope') mropeChecks(m, get);
      if (m.kind === 'learned' || m.kind === 'sinusoidal') absoluteChecks(m, get, pe);
      if (m.kind === 'alibi') alibiChecks(m, pe);
      if (m.kind === 'relative-bias') biasChecks(m, pe);
    });
  }
});

function ropeChecks(m: FixtureModel, get: () => ModelPositions): void {
  it('rotary dim, layout, invFreq (≤ 1 ulp; 2 for YaRN/LongRoPE; the differing count as measured), attention factor', () => {
    const md = get();
    expect(md.rotaryDim).toBe(m.rotaryDim);
    expect(md.layout).toBe(m.layout);
    expect(md.layers.length).toBe((m.layerTypes as string[]).length);
    // Gemma 2: HF's Gemma2Config alternates sliding and full layers (same rotary on both); the
    // fixture names them all full_attention.
    if (m.model_type === 'gemma2') md.layers.forEach((l, i) => expect(l.type, `layer ${i}`).toBe(i % 2 ? 'full_attention' : 'sliding_attention'));
    else md.layers.forEach((l, i) => expect(l.type, `layer ${i}`).toBe(m.layerTypes[i]));
    let differing = 0;
    for (const [ty, L] of Object.entries(m.layers as Record<string, { invFreq: never; attentionScaling: number; info: { ropeType: string } }>)) {
      const layer = md.layers.find((l) => l.type === ty)!;
      const ref = f32(L.invFreq);
      if (ref.length === 0) {
        // a NoPE layer (Llama 4): no rotation
        expect(layer.kind).toBe('none');
        expect(layer.invFreq).toBe(null);
        continue;
      }
      const maxUlps = L.info.ropeType === 'yarn' || L.info.ropeType === 'longrope' ? 2 : 1;
      expect(layer.invFreq!.length).toBe(ref.length);
      ref.forEach((v, i) => {
        if (v !== layer.invFreq![i]) differing++;
        expect(Math.abs(v - layer.invFreq![i]), `${ty} invFreq[${i}]`).toBeLessThanOrEqual(maxUlps * ulp32(v));
      });
      expect(layer.attentionFactor).toBe(L.attentionScaling);
    }
    expect(differing).toBe(INVFREQ_DIFFERING[m.file] ?? 0);
    // the top-level scheme: a full-attention rotary layer, else the first rotary layer (Llama 4)
    const top = md.layers.find((l) => l.type === 'full_attention' && l.kind !== 'none') ?? md.layers.find((l) => l.kind !== 'none')!;
    expect(md.invFreq).toBe(top.invFreq);
  });

  it('cosSin of every fixture call within 2 ulp + af·(p·|Δω| + ulp32(p·ω)), expand in the pairing of rope', () => {
    const md = get();
    for (const call of m.calls as { layerType: string; tag: string; seqLen: number; positions: number[]; cosHalf: never; sinHalf: never; invFreq?: never }[]) {
      const li = md.layers.findIndex((l) => l.type === call.layerType);
      const layer = md.layers[li];
      const { cos, sin } = md.cosSin({ positions: call.positions, seqLen: call.seqLen, layer: li });
      const rc = f32(call.cosHalf);
      const rs = f32(call.sinHalf);
      const h = md.rotaryDim / 2;
      expect(cos.length).toBe(rc.length);
      const refInv = call.invFreq ? f32(call.invFreq) : f32(m.layers[call.layerType].invFreq);
      // posenc's own frequencies for this call (seqLen decides LongRoPE / dynamic NTK).
      const mine = md.cosSin({ positions: [1], seqLen: call.seqLen, layer: li });
      const af = layer.attentionFactor;
      call.positions.forEach((p, r) => {
        for (let j = 0; j < h; j++) {
          // sin(1·ω)·af recovers posenc's ω closely enough for |Δω|: use the frequencies directly instead.
          const w = refInv[j];
          const dw = Math.abs(w - (call.invFreq ? refInv[j] : layer.invFreq![j]));
          const tol = (v: number) => 2 * ulp32(v) + af * (p * dw + ulp32(p * w));
          const i = r * h + j;
          expect(Math.abs(cos[i] - rc[i]), `${call.tag} p ${p} cos[${j}]`).toBeLessThanOrEqual(tol(rc[i]));
          expect(Math.abs(sin[i] - rs[i]), `${call.tag} p ${p} sin[${j}]`).toBeLessThanOrEqual(tol(rs[i]));
        }
      });
      expect(mine.cos.length).toBe(h);
      const e = md.cosSin({ positions: call.positions.slice(0, 2), seqLen: call.seqLen, layer: li, expand: true });
      for (let j = 0; j < h; j++) {
        const pair = md.layout === 'interleaved' && m.model_type !== 'deepseek_v3' ? [2 * j, 2 * j + 1] : [j, j + h];
        for (const k of pair) {
          expect(e.cos[md.rotaryDim + k]).toBe(cos[h + j]);
          expect(e.sin[md.rotaryDim + k]).toBe(sin[h + j]);
        }
      }
    }
  });

  it('rope of x at positions 0…4 = the reference apply function (queryScale applied for Ministral 3)', () => {
    const md = get();
    const [b, hh, l, d] = m.xShape as number[];
    for (const [ty, L] of Object.entries(m.layers as Record<string, { qOut: never; attentionScaling: number }>)) {
      const li = md.layers.findIndex((x) => x.type === ty);
      const x = Float32Array.from(m.x64 as number[], (v) => v / 64);
      const q = md.rope(x, { shape: [b, hh, l, d], positions: m.qPositions, layer: li });
      const s = md.queryScale({ positions: m.qPositions, layer: li });
      const ref = f32(L.qOut);
      const af = L.attentionScaling;
      const rd = md.rotaryDim;
      for (let i = 0; i < ref.length; i++) {
        const f = i % d;
        const row = Math.floor(i / d);
        const got = Math.fround(q[i] * s[row % l]);
        let bound = 0;
        if (f < rd) {
          // the pair partner in x (input order): halves (f, f ± rd/2), interleaved (f ^ 1); DeepSeek-V3's output is de-interleaved.
          const base = row * d;
          let a: number;
          let c: number;
          if (m.model_type === 'deepseek_v3') {
            const j = f % (rd / 2);
            [a, c] = [x[base + 2 * j], x[base + 2 * j + 1]];
          } else if (md.layout === 'interleaved') [a, c] = [x[base + (f & ~1)], x[base + (f | 1)]];
          else [a, c] = [x[base + (f % (rd / 2))], x[base + (f % (rd / 2)) + rd / 2]];
          bound = af * (Math.abs(a) + Math.abs(c)) * 2 ** -23 + ulp32(ref[i]);
        }
        expect(Math.abs(got - ref[i]), `${ty} element ${i}`).toBeLessThanOrEqual(bound);
      }
    }
  });

  if (m.queryScale) {
    it('queryScale = the reference per cache position', () => {
      const md = get();
      const ref = f32(m.queryScale.scale);
      const nope = md.layers.findIndex((l) => l.kind === 'none');
      const s = md.queryScale({ positions: m.queryScale.positions, ...(nope >= 0 ? { layer: nope } : {}) });
      ref.forEach((v, i) => expect(Math.abs(s[i] - v), `position ${m.queryScale.positions[i]}`).toBeLessThanOrEqual(ulp32(v)));
    });
  }
}

/** The config with another head count (the fixture's ALiBi variants). */
function withHeads(m: FixtureModel, heads: number): Record<string, unknown> {
  const cfg = { ...config(m.file) };
  if (m.model_type === 'mpt') cfg.n_heads = heads;
  else if ('n_head' in cfg) cfg.n_head = heads;
  else cfg.num_attention_heads = heads;
  if (m.model_type === 'mpt') cfg.d_model = heads * 64;
  else cfg.hidden_size = heads * 64;
  return cfg;
}

function alibiChecks(m: FixtureModel, pe: () => import('../../src/index.js').Posenc): void {
  const variants = (m.variants as { heads: number; alibi: F32; alibiBiasMax?: number; notUsedByHF?: boolean }[]).filter((v) => !v.notUsedByHF);
  it(`alibi: the tensor the model's code adds, bit for bit, for ${variants.map((v) => v.heads).join(', ')} heads`, () => {
    for (const v of variants) {
      const md = v.heads === m.heads ? pe().model(config(m.file)) : pe().model(withHeads(m, v.heads));
      expect(md.kind).toBe('alibi');
      const ref = f32(v.alibi);
      const got = m.model_type === 'mpt'
        ? md.alibi({ keyLength: m.keyLength as number })
        : md.alibi({ keyLength: 9, attentionMask: (m.mask as number[][]).flat() });
      expect(got.length, `${v.heads} heads`).toBe(ref.length);
      expect(firstByteDiff(got, ref), `${v.heads} heads`).toBe(-1);
    }
  });
  it('addAlibi: raw scores → logits in the family\'s order of operations (BLOOM invNorm·s + alibi, Falcon (s + alibi)·invNorm, MPT s·scale + alibi)', () => {
    const md = pe().model(config(m.file));
    const heads = md.heads;
    const K = m.model_type === 'mpt' ? (m.keyLength as number) : 9;
    const batch = m.model_type === 'mpt' ? 1 : 2;
    const q = 3;
    const scores = Float32Array.from({ length: batch * heads * q * K }, (_, i) => Math.fround(Math.sin(i * 0.71) * 5));
    const mask = m.mask ? (m.mask as number[][]).flat() : undefined;
    const alibi = f32((m.variants as { alibi: F32 }[])[0].alibi); // [batch, heads, K] (MPT [heads, 1, K])
    const fr = Math.fround;
    const inv = fr(1 / Math.sqrt(md.headDim));
    const scale = fr(m.softmaxScale as number);
    const want = scores.map((s, i) => {
      const k = i % K;
      const h = Math.floor(i / (q * K)) % heads;
      const b = Math.floor(i / (heads * q * K));
      const a = m.model_type === 'mpt' ? alibi[h * K + k] : alibi[(b * heads + h) * K + k];
      if (m.model_type === 'bloom') return fr(fr(inv * s) + a);
      if (m.model_type === 'falcon') return fr(fr(s + a) * inv);
      return fr(fr(s * scale) + a);
    });
    const got = md.addAlibi(scores, { shape: [batch, heads, q, K], attentionMask: mask });
    expect(firstByteDiff(got, want)).toBe(-1);
    const t = pe().alloc(scores.length);
    t.array.set(scores);
    md.addAlibi(t, { shape: [batch, heads, q, K], attentionMask: mask, out: t });
    expect(firstByteDiff(t.array, want), 'in place on a module tensor').toBe(-1);
    t.free();
    expect(md.describe()).toMatch(m.model_type === 'bloom' ? /baddbmm/ : m.model_type === 'falcon' ? /bfloat16/ : /alibi_bias_max 8/);
  });
}

function biasChecks(m: FixtureModel, pe: () => import('../../src/index.js').Posenc): void {
  it('relativeBias: buckets and bias of every fixture case (encoder bidirectional, decoder causal, cached steps)', () => {
    const weight = f32(m.weight);
    const heads = m.heads as number;
    for (const c of m.cases as { tag: string; queryLength: number; keyLength: number; queryOffset: number; bidirectional: boolean; buckets: { i: number[] }; bias?: F32 }[]) {
      const md = pe().model(config(m.file), { part: c.bidirectional ? 'encoder' : 'decoder' });
      expect(md.kind).toBe('relative-bias');
      // the part decides the buckets and, for the decoder, the past length of a cached step
      const got = md.relativeBias(weight, { queryLength: c.queryLength, keyLength: c.keyLength, pastLength: c.queryOffset });
      const want = c.bias ? f32(c.bias) : Float32Array.from({ length: heads * c.queryLength * c.keyLength }, (_, i) => {
        const h = Math.floor(i / (c.queryLength * c.keyLength));
        return weight[c.buckets.i[i % (c.queryLength * c.keyLength)] * heads + h];
      });
      expect(firstByteDiff(got, want), c.tag).toBe(-1);
      if (!c.bidirectional && c.queryOffset === c.keyLength - c.queryLength && c.queryOffset > 0) {
        expect(firstByteDiff(md.relativeBias(weight, { queryLength: c.queryLength, keyLength: c.keyLength }), want), `${c.tag}: default past length`).toBe(-1);
      }
    }
  });
}

function mropeChecks(m: FixtureModel, get: () => ModelPositions): void {
  it('multi-axis: sections, invFreq, cosSin of axis-major positions, rotated q', () => {
    const md = get();
    expect(md.rotaryDim).toBe(m.rotaryDim);
    expect(md.layout).toBe('halves');
    expect((md.options as { axes: { sections: number[]; assign?: string } }).axes).toEqual(m.mropeInterleaved
      ? { sections: m.mropeSection, assign: 'cycle' } : { sections: m.mropeSection });
    const ref = f32(m.invFreq);
    let differing = 0;
    ref.forEach((v, i) => {
      if (v !== md.invFreq![i]) differing++;
      expect(Math.abs(v - md.invFreq![i]), `invFreq[${i}]`).toBeLessThanOrEqual(ulp32(v));
    });
    expect(differing).toBe(INVFREQ_DIFFERING[m.file] ?? 0);
    expect(md.attentionFactor).toBe(m.attentionScaling);
    const pos = (m.positions as { i: number[] }).i; // axis-major [3, rows]
    const rows = pos.length / 3;
    const { cos, sin } = md.cosSin({ positions: pos });
    const rc = f32(m.cosHalf);
    const rs = f32(m.sinHalf);
    const h = md.rotaryDim / 2;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < h; j++) {
        const p = pos[(m.freqAxis as number[])[j] * rows + r];
        const w = ref[j];
        const tol = (v: number) => 2 * ulp32(v) + p * Math.abs(w - md.invFreq![j]) + ulp32(p * w);
        expect(Math.abs(cos[r * h + j] - rc[r * h + j]), `row ${r} cos[${j}]`).toBeLessThanOrEqual(tol(rc[r * h + j]));
        expect(Math.abs(sin[r * h + j] - rs[r * h + j]), `row ${r} sin[${j}]`).toBeLessThanOrEqual(tol(rs[r * h + j]));
      }
    }
    // text rows (equal axes) are plain rope's: model.positions gives the same id on every axis
    const ids = md.positions({ shape: [1, 4], pastLength: 3 });
    expect(Array.from(ids)).toEqual([3, 4, 5, 6, 3, 4, 5, 6, 3, 4, 5, 6]);
    const x = Float32Array.from(m.x64 as number[], (v) => v / 64);
    const q = md.rope(x, { shape: m.xShape, positions: pos });
    const qr = f32(m.qOut);
    const d = md.headDim;
    for (let i = 0; i < qr.length; i++) {
      const f = i % d;
      const base = i - f;
      const j = f % h;
      const p = pos[(m.freqAxis as number[])[j] * rows + Math.floor(i / d)];
      const bound = (Math.abs(x[base + j]) + Math.abs(x[base + j + h])) * (2 ** -23 + p * Math.abs(ref[j] - md.invFreq![j]) + ulp32(p * ref[j])) + ulp32(qr[i]);
      expect(Math.abs(q[i] - qr[i]), `q element ${i}`).toBeLessThanOrEqual(bound);
    }
  });
}

function absoluteChecks(m: FixtureModel, get: () => ModelPositions, pe: () => import('../../src/index.js').Posenc): void {
  it('position ids bit-identical (plain, past 6, left-padded generation)', () => {
    const md = get();
    const ids = m.inputIds ? (m.inputIds as number[][]).flat() : undefined;
    const mask = m.attentionMask ? (m.attentionMask as number[][]).flat() : undefined;
    const P = m.positionIds as Record<string, { shape: number[]; i: number[] }>;
    // OPT derives its ids from the attention mask (the fixture's left-padded one).
    const plainMask = m.model_type === 'opt' ? mask : undefined;
    const seen = new Set<string>();
    const check = (key: string, got: Int32Array) => {
      seen.add(key);
      expect(Array.from(got), key).toEqual(P[key].i);
    };
    check('plain', md.positions({ shape: [2, 6], inputIds: ids, attentionMask: plainMask }));
    if (P.past6) check('past6', md.positions({ shape: [2, 6], inputIds: ids, pastLength: 6 }));
    if (P.generateLeftPadded) check('generateLeftPadded', md.positions({ shape: [2, 6], attentionMask: mask }));
    if (P.leftPaddedPast6) check('leftPaddedPast6', md.positions({ shape: [2, 6], attentionMask: (m.leftPaddedPast6Mask as number[][]).flat(), pastLength: 6 }));
    if (P.cachedStepOf12) check('cachedStepOf12', md.positions({ shape: [2, 1], inputIds: (m.cachedStepInputIds as number[][]).flat(), pastLength: 11 }));
    expect([...seen].sort(), 'every fixture case checked').toEqual(Object.keys(P).sort());
    if (m.encoder?.positionIds) {
      const enc = pe().model(config(m.file), { part: 'encoder' });
      const frames = (m.encoder.frameMask as number[][]).flat();
      expect(Array.from(enc.positions({ shape: [2, frames.length / 2], attentionMask: frames })), 'encoder').toEqual(m.encoder.positionIds.i);
    }
    expect(md.tableRows).toBe(m.tableRows);
  });

  const tables: { part?: 'encoder'; rows: number[]; table: F32; dim: number }[] = [];
  if (m.kind === 'sinusoidal') tables.push({ rows: m.sampleRows, table: m.table, dim: m.dim });
  if (m.encoder?.table) tables.push({ part: 'encoder', rows: m.encoder.sampleRows, table: m.encoder.table, dim: m.encoder.dim });
  for (const t of tables) {
    it(`${t.part ?? 'decoder'} sinusoidal table rows ${t.rows.join(', ')} within 2 ulp + p·ulp32(ω) + ulp32(p·ω)`, () => {
      const md = t.part ? pe().model(config(m.file), { part: t.part }) : get();
      expect(md.kind).toBe('sinusoidal');
      const o = md.options as { dim: number; preset: string };
      expect(o.dim).toBe(t.dim);
      const mine = pe().sinusoidal({ ...(md.options as object), positions: t.rows } as never) as Float32Array;
      const ref = f32(t.table);
      const freqs = pe().frequencies({ ...(md.options as object) } as never);
      const half = freqs.length;
      let worst = 0;
      ref.forEach((v, i) => {
        const p = t.rows[Math.floor(i / t.dim)];
        const col = i % t.dim;
        const w = freqs[col < half ? col : col - half] ?? 0;
        const bound = o.preset === 'marian' ? 0 : 2 * ulp32(v) + p * ulp32(w) + ulp32(p * w);
        worst = Math.max(worst, Math.abs(mine[i] - v));
        expect(Math.abs(mine[i] - v), `row ${p} col ${col}`).toBeLessThanOrEqual(bound);
      });
      if (o.preset === 'marian') expect(worst).toBe(0);
    });
  }
}
