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
import { describeBackends } from '../support/backends.js';
import { config, corpus, f32, fixture, ulp32, type FixtureModel } from './fixture.js';

/** invFreq elements where torch's float32 pow is not posenc's correctly rounded one (measured, torch 1.13 CPU). */
const INVFREQ_DIFFERING: Record<string, number> = {
  'google--gemma-2-9b-it.json': 1,
  'google--gemma-2b.json': 1,
  'google--gemma-3-1b-it.json': 2, // 1 of 128 on each layer type
  'internlm--internlm2_5-7b-chat.json': 1,
  'microsoft--Phi-3.5-mini-instruct.json': 1,
  'microsoft--Phi-4-mini-instruct.json': 1,
  'mistralai--Ministral-3-3B-Instruct-2512.json': 1,
  'mistralai--Mistral-7B-v0.3.json': 1,
  'mistralai--Mixtral-8x7B-v0.1.json': 1,
  'openai--gpt-oss-20b.json': 4, // 2 of 32 on each layer type
  'Qwen--Qwen1.5-MoE-A2.7B-Chat.json': 1,
  'Qwen--Qwen3-0.6B.json': 1,
};

const TEXT = (m: FixtureModel) => (m.model_type === 'whisper' || m.model_type === 't5' || m.kind === 'sinusoidal' || m.model_type === 'bart' || m.model_type === 'mbart' ? 'decoder' : undefined);

/** The reference's 1/√d factor (not position related): the fixture's softmaxScale divided by it is model.softmaxScale. */
function baseScale(m: FixtureModel): number {
  const cfg = config(m.file);
  if (m.model_type === 'gemma2' || m.model_type === 'gemma3_text') return (cfg.query_pre_attn_scalar as number) ** -0.5;
  if (m.model_type === 'deepseek_v2' || m.model_type === 'deepseek_v3') return (m.qkHeadDim as number) ** -0.5;
  if (m.model_type === 't5') return 1;
  return (m.headDim as number) ** -0.5;
}

describe('the corpus', () => {
  it('every config of test/fixtures/models/index.json has a fixture entry', () => {
    const files = new Set(fixture.models.map((m) => m.file));
    for (const { file } of corpus()) expect(files.has(file), file).toBe(true);
  });
});

describeBackends('pe.model against the torch fixture', (pe) => {
  for (const m of fixture.models) {
    describe(`${m.file} (${m.model_type})`, () => {
      let model: ModelPositions;
      const get = () => (model ??= pe().model(config(m.file), TEXT(m) ? { part: TEXT(m) as 'decoder' } : undefined));

      it('kind, heads, head dim, filled defaults', () => {
        const md = get();
        expect(md.kind).toBe(m.kind);
        expect(md.heads).toBe(m.heads);
        if (m.headDim !== null && m.headDim !== undefined) expect(md.headDim).toBe(m.headDim);
        for (const [k, v] of Object.entries(m.filledDefaults as Record<string, unknown>)) expect(md.filledDefaults[k], k).toEqual(v);
        if (m.softmaxScale !== undefined) expect(md.softmaxScale * baseScale(m)).toBeCloseTo(m.softmaxScale as number, 14);
        expect(md.describe()).toMatch(/Reference: transformers /);
      });

      if (m.kind === 'rope') ropeChecks(m, get);
      if (m.kind === 'learned' || m.kind === 'sinusoidal') absoluteChecks(m, get, pe);
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
      const maxUlps = L.info.ropeType === 'yarn' || L.info.ropeType === 'longrope' ? 2 : 1;
      expect(layer.invFreq!.length).toBe(ref.length);
      ref.forEach((v, i) => {
        if (v !== layer.invFreq![i]) differing++;
        expect(Math.abs(v - layer.invFreq![i]), `${ty} invFreq[${i}]`).toBeLessThanOrEqual(maxUlps * ulp32(v));
      });
      expect(layer.attentionFactor).toBe(L.attentionScaling);
    }
    expect(differing).toBe(INVFREQ_DIFFERING[m.file] ?? 0);
    const top = md.layers.find((l) => l.type === 'full_attention') ?? md.layers[0];
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
      const s = md.queryScale({ positions: m.queryScale.positions });
      ref.forEach((v, i) => expect(Math.abs(s[i] - v), `position ${m.queryScale.positions[i]}`).toBeLessThanOrEqual(ulp32(v)));
    });
  }
}

function absoluteChecks(m: FixtureModel, get: () => ModelPositions, pe: () => import('../../src/index.js').Posenc): void {
  it('position ids bit-identical (plain, past 6, left-padded generation)', () => {
    const md = get();
    const ids = m.inputIds ? (m.inputIds as number[][]).flat() : undefined;
    const P = m.positionIds as Record<string, { shape: number[]; i: number[] }>;
    expect(Array.from(md.positions({ shape: [2, 6], inputIds: ids }))).toEqual(P.plain.i);
    expect(Array.from(md.positions({ shape: [2, 6], inputIds: ids, pastLength: 6 }))).toEqual(P.past6.i);
    if (P.generateLeftPadded) {
      const mask = (m.attentionMask as number[][]).flat();
      expect(Array.from(md.positions({ shape: [2, 6], attentionMask: mask }))).toEqual(P.generateLeftPadded.i);
    }
    expect(md.tableRows).toBe(m.tableRows);
  });

  const tables: { part?: 'encoder'; rows: number[]; table: never; dim: number }[] = [];
  if (m.kind === 'sinusoidal') tables.push({ rows: m.sampleRows, table: m.table, dim: m.dim });
  if (m.encoder?.table) tables.push({ part: 'encoder', rows: m.encoder.sampleRows, table: m.encoder.table, dim: m.encoder.dim });
  for (const t of tables) {
    it(`${t.part ?? 'decoder'} sinusoidal table rows ${t.rows.join(', ')} within 2 ulp + p·ulp32(ω) + ulp32(p·ω)`, () => {
      const md = t.part ? pe().model(config(m.file), { part: t.part }) : get();
      expect(md.kind).toBe('sinusoidal');
      const o = md.options as { dim: number; preset: string };
      expect(o.dim).toBe(t.dim);
      const mine = pe().sinusoidal({ ...(md.options as object), positions: t.rows } as never);
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
