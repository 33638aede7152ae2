// identify() and similarity(), on every backend.
//  - The corpus: tables computed by the original upstream code under torch/numpy
//    (scripts/identify-corpus.py; fixtures decoded and checked against torch's sha256) must be
//    identified with the right kind and options, and the returned options must regenerate them
//    within 1e-5 — checked here by regenerating through the public API (1-D, 2-D) or from an
//    independent float32 model of the rotary cache built from ropeFrequencies.
//  - Recovery: tables posenc generates with random parameters (base, timescales, offsets, pad
//    rows, odd dims, float32 angles, the 2-D presets with and without cls rows, temperatures,
//    non-square grids, rotary scalings) come back with parameters that regenerate them.
//  - Near misses: noise of 1e-3 or one swapped sin/cos pair is kind null with the right nearest
//    candidate; random (learned) tables are null with candidates still filled.
//  - similarity: Gram matrices against a float64 model; the relative-position property.
import { expect, it } from 'vitest';
import type { AlibiIdentified, FloatArray, IdentifyResult, Posenc, RopeCacheOptions } from '../../src/index.js';
import { describeBackends, rng } from '../support/backends.js';
import { fixtureNames, loadFixture, loadFixtureMeta } from '../support/identify-fixtures.js';

const fr = Math.fround;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * A rotary cache from its options, independently of identify's own regeneration: inverse
 * frequencies (and attention factor) from ropeFrequencies or the given frequencies, then cos/sin
 * of fl32(fl32(p)·ω) (float32 chain) or p·ω, times the attention factor (float32: fl32(fl32(c)·a)).
 */
function ropeModel(pe: Posenc, o: RopeCacheOptions, kind: string, rows: number, dim: number): Float64Array {
  const f32 = o.float32Angles === true;
  const { invFreq, attentionFactor: af } = o.frequencies
    ? { invFreq: Float64Array.from(o.frequencies), attentionFactor: o.attentionFactor ?? 1 }
    : pe.ropeFrequencies({
      dim: o.rotaryDim, base: o.base, ...(o.scaling ? { scaling: o.scaling } : {}), ...(o.seqLen !== undefined ? { seqLen: o.seqLen } : {}), float32Angles: f32,
    });
  const h = o.rotaryDim / 2;
  const out = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dim; j++) {
      const i = dim === o.rotaryDim ? (o.layout === 'interleaved' ? j >> 1 : j % h) : j;
      const p = o.offset + r;
      const a = f32 ? fr(fr(p) * invFreq[i]) : p * invFreq[i];
      const v = kind === 'rope-sin' ? Math.sin(a) : Math.cos(a);
      out[r * dim + j] = f32 ? fr(fr(v) * fr(af)) : v * af;
    }
  }
  return out;
}

/** ALiBi rows [heads, keyLength] from the options: slope_h·(offset + k), in float32 unless f64 (not through addAlibi). */
function alibiModel(pe: Posenc, o: AlibiIdentified, heads: number, keys: number, f64: boolean): Float64Array {
  const { offset, ...slopeOptions } = o;
  const slopes = pe.alibiSlopes(heads, slopeOptions);
  const out = new Float64Array(heads * keys);
  for (let h = 0; h < heads; h++) for (let k = 0; k < keys; k++) out[h * keys + k] = f64 ? slopes[h] * (offset + k) : fr(slopes[h] * (offset + k));
  return out;
}

/** Regenerates a result's table through the public API (identify's own claim re-checked). */
function regenerate(pe: Posenc, r: { kind: string | null; options: unknown }, rows: number, dim: number, f64: boolean): ArrayLike<number> {
  const dtype = f64 ? 'float64' : 'float32';
  const o = r.options as Record<string, unknown>;
  if (r.kind === 'sinusoidal') return pe.sinusoidal({ length: rows, dim, dtype, ...o } as never) as FloatArray;
  if (r.kind === 'sincos2d') return pe.sincos2d({ dim, dtype, ...o } as never) as FloatArray;
  if (r.kind === 'alibi') return alibiModel(pe, o as unknown as AlibiIdentified, rows, dim, f64);
  return ropeModel(pe, o as unknown as RopeCacheOptions, r.kind!, rows, dim);
}

/**
 * The cos (or sin) cache as pe.rope itself produces it: rotating rows of unit pairs (1 on the
 * first element of each pair, 0 on the second) gives cos θ on the first and sin θ on the second.
 */
function ropeThroughRope(pe: Posenc, o: RopeCacheOptions, kind: string, rows: number, dim: number): Float64Array {
  const rd = o.rotaryDim;
  const h = rd / 2;
  const interleaved = o.layout === 'interleaved';
  const x = new Float32Array(rows * rd);
  for (let r = 0; r < rows; r++) for (let i = 0; i < h; i++) x[r * rd + (interleaved ? 2 * i : i)] = 1;
  const y = pe.rope(x, {
    shape: [1, 1, rows, rd], layout: o.layout, rotaryDim: rd, offset: o.offset,
    ...(o.frequencies
      ? { frequencies: o.frequencies, ...(o.attentionFactor !== undefined ? { attentionFactor: o.attentionFactor } : {}) }
      : { base: o.base, ...(o.scaling ? { scaling: o.scaling } : {}), ...(o.seqLen !== undefined ? { seqLen: o.seqLen } : {}) }),
    ...(o.float32Angles ? { float32Angles: true } : {}),
  }) as Float32Array;
  const out = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dim; j++) {
      const i = dim === rd ? (interleaved ? j >> 1 : j % h) : j;
      const sin = kind === 'rope-sin';
      out[r * dim + j] = y[r * rd + (interleaved ? 2 * i + (sin ? 1 : 0) : i + (sin ? h : 0))];
    }
  }
  return out;
}

function expectMatch(pe: Posenc, table: FloatArray, dim: number, r: IdentifyResult): void {
  expect(r.kind).not.toBeNull();
  expect(r.maxError).toBeLessThanOrEqual(1e-5);
  expect(r.candidates.length).toBeGreaterThan(0);
  expect(r.candidates.length).toBeLessThanOrEqual(5);
  const rows = table.length / dim;
  const f64 = table instanceof Float64Array;
  const e = maxDiff(table, regenerate(pe, r, rows, dim, f64));
  expect(e).toBeLessThanOrEqual(1e-5);
  // The reported maxError is the regeneration's: exactly so through the public API (1-D, 2-D); the
  // rotary model above is independent of identify's regeneration, up to float32 rounding.
  if (r.kind === 'sinusoidal' || r.kind === 'sincos2d') expect(e).toBe(r.maxError);
  else expect(Math.abs(e - r.maxError)).toBeLessThanOrEqual(2 ** -23);
  if (r.kind === 'rope-cos' || r.kind === 'rope-sin') {
    expect(maxDiff(table, ropeThroughRope(pe, r.options, r.kind, rows, dim))).toBeLessThanOrEqual(1e-5);
  }
}

describeBackends('identify: upstream corpus', (pe) => {
  for (const name of fixtureNames()) {
    it(name, () => {
      const { meta, table } = loadFixture(name);
      const e = meta.expect as Record<string, any>;
      const r = pe().identify(table, { dim: meta.cols, ...(e.needsGrid ? { grid: e.grid } : {}) });
      expect(r.kind).toBe(e.kind);
      expectMatch(pe(), table, meta.cols, r);
      if (e.float32 !== undefined) expect(r.float32).toBe(e.float32);
      if (e.options) expect(r.options).toMatchObject(e.options);
      if (e.recovered) {
        // torch's float32 exp/pow: the table's own frequencies, the closed form next.
        const o = r.options as Record<string, unknown>;
        expect(o.frequencies).toBeInstanceOf(Float32Array);
        expect(o.float32Angles).toBe(true);
        expect(r.float32).toBe(true);
        expect(r.candidates[1].kind).toBe('sinusoidal');
        expect(r.candidates[1].options).toMatchObject(e.nearest);
        expect(r.candidates[1].options).not.toHaveProperty('frequencies');
        expect(r.candidates[1].maxError).toBeGreaterThan(1e-5);
      } else if (e.nearest) {
        expect(r.options).toMatchObject(e.nearest);
      }
      for (const k of ['layout', 'paddingIdx', 'offset', 'odd'] as const) {
        if (e[k] === undefined) continue;
        // Given explicitly, or the named preset's own choice.
        const o = r.options as Record<string, unknown>;
        const preset = o.preset as string;
        const defaults: Record<string, Record<string, unknown>> = {
          fairseq: { layout: 'halves', paddingIdx: 1, offset: 0, odd: 'zero' },
          whisper: { layout: 'halves', paddingIdx: null, offset: 0 },
          vaswani: { layout: 'interleaved', paddingIdx: null, offset: 0, odd: 'sin' },
        };
        expect(o[k] ?? defaults[preset]?.[k]).toEqual(e[k]);
      }
    });
  }
});

describeBackends('identify: rotary scaling families (upstream corpus)', (pe) => {
  // YaRN, LongRoPE and dynamic NTK caches of HF's rope_init_fn's (scripts/identify-corpus.py):
  // the family and its closed form named in result.family; where torch's float32 pow puts some
  // inv_freq an ulp off the closed form (or no closed form exists: LongRoPE), the result carries
  // the cache's own frequencies and attention factor, and the closed form is a candidate.
  for (const name of fixtureNames()) {
    const e = loadFixtureMeta(name).expect as Record<string, any>;
    if (!e.family) continue;
    it(name, () => {
      const { meta, table } = loadFixture(name);
      const r = pe().identify(table, { dim: meta.cols });
      expect(r.kind).toBe(e.kind);
      expectMatch(pe(), table, meta.cols, r);
      const f = r.family!;
      expect(f.name).toBe(e.family);
      expect(f.scaling).toMatchObject(e.scaling);
      expect(Math.abs(f.attentionFactor - e.amplitude)).toBeLessThanOrEqual(1e-6);
      if (e.seqLen !== undefined) expect(f.seqLen).toBe(e.seqLen);
      expect(f.note).toMatch(/^(YaRN|LongRoPE|dynamic NTK)/);
      // The closed form as pe.rope options regenerates the cache within family.maxError.
      const closed: RopeCacheOptions = { base: f.base, layout: e.options.layout, rotaryDim: e.options.rotaryDim, offset: 0, scaling: f.scaling, float32Angles: true, ...(f.seqLen !== undefined ? { seqLen: f.seqLen } : {}) };
      const ce = maxDiff(table, ropeModel(pe(), closed, r.kind!, meta.rows, meta.cols));
      expect(Math.abs(ce - f.maxError)).toBeLessThanOrEqual(2 ** -23);
      const o = r.options as RopeCacheOptions;
      if (e.recoveredRope) {
        expect(o.frequencies).toBeInstanceOf(Float32Array);
        expect(o).not.toHaveProperty('base');
        expect(o.float32Angles).toBe(true);
        if (e.amplitude !== 1) expect(Math.fround(o.attentionFactor!)).toBe(Math.fround(e.amplitude));
        else expect(o).not.toHaveProperty('attentionFactor');
        // The closed form is a candidate, with the family's error.
        const c = r.candidates.find((c) => (c.options as RopeCacheOptions).scaling?.type === e.scaling.type);
        expect(c).toBeDefined();
        expect(c!.maxError).toBe(f.maxError);
      } else {
        expect(o.scaling).toMatchObject(e.scaling);
        expect(f.maxError).toBe(r.maxError);
      }
      if (e.longrope) {
        expect(f.longrope).toMatchObject({ factor: e.longrope.factor, originalMaxPositionEmbeddings: e.longrope.originalMaxPositionEmbeddings, list: e.longrope.list });
        expect(f.maxError).toBeLessThanOrEqual(1e-5);
        // The config's list, within float32 precision for every pair the cache resolves (its
        // frequency turns at least a radian over the rows); the lowest frequencies of the long
        // list barely turn, so the cache only bounds their factors.
        const inv = o.frequencies!;
        const factors = f.longrope!.factors;
        let resolved = 0;
        for (let i = 0; i < factors.length; i++) {
          if (inv[i] * meta.rows < 1) continue;
          resolved++;
          expect(Math.abs(factors[i] - e.longrope.factors[i]), `factor ${i}`).toBeLessThanOrEqual(8 * 2 ** -23 * e.longrope.factors[i]);
        }
        expect(resolved).toBeGreaterThanOrEqual(24); // short list: 37 of 48, long list: 24
      }
    });
  }
});

describeBackends('identify: ALiBi bias rows', (pe) => {
  // BLOOM's build_alibi_tensor (keys 0…K−1) and MPT's build_mpt_alibi_tensor (1−K…0) under torch
  // (scripts/identify-corpus.py): the preset whose pe.alibiSlopes are the rows' slopes.
  for (const name of fixtureNames().filter((n) => n.startsWith('alibi-'))) {
    it(name, () => {
      const { meta, table } = loadFixture(name);
      const r = pe().identify(table, { dim: meta.cols });
      expect(r.kind).toBe('alibi');
      expect(r.maxError).toBe(0);
      expect(r.options).toEqual((meta.expect as { options: unknown }).options);
      // The fixture stores torch's slopes: pe.alibiSlopes gives them bit for bit.
      const slopes = (meta.model as { alibi: { slopes: number[] } }).alibi.slopes;
      const o = r.options as AlibiIdentified;
      expect(Array.from(pe().alibiSlopes(meta.rows, { preset: o.preset }))).toEqual(slopes.map(fr));
      expect(r.family).toBeUndefined();
    });
  }

  it('maxBias, the exact powers, any first key, float64 tables; affine rows of other slopes are no match', () => {
    const cases: { heads: number; keys: number; o: AlibiIdentified; f64?: boolean }[] = [
      { heads: 16, keys: 200, o: { preset: 'mpt', maxBias: 16, offset: -199 } },
      { heads: 24, keys: 128, o: { preset: 'bloom', offset: 0 } },
      { heads: 40, keys: 100, o: { preset: 'bloom', pow: 'exact', offset: 0 } },
      { heads: 8, keys: 64, o: { preset: 'bloom', offset: 7 } },
      { heads: 32, keys: 64, o: { preset: 'mpt', offset: -63 }, f64: true },
    ];
    for (const { heads, keys, o, f64 } of cases) {
      const table = alibiModel(pe(), o, heads, keys, f64 === true);
      const r = pe().identify(f64 ? table : Float32Array.from(table), { dim: keys });
      expect(r.kind, JSON.stringify(o)).toBe('alibi');
      expect(r.maxError).toBe(0);
      expect(r.options).toEqual(o);
    }
    // Slopes 1/h (affine rows, no preset's slopes): kind null, the nearest ALiBi a candidate.
    const table = new Float32Array(12 * 50);
    for (let h = 0; h < 12; h++) for (let k = 0; k < 50; k++) table[h * 50 + k] = fr(k / (h + 1));
    const r = pe().identify(table, { dim: 50 });
    expect(r.kind).toBeNull();
    expect(r.candidates[0].kind).toBe('alibi');
  });
});

describeBackends('identify: recovers parameters', (pe, backend) => {
  const rand = rng(backend === 'js' ? 7 : 5);
  it('1-D presets with any base / timescales, offsets, odd dims, pad rows, float32 angles', () => {
    const cases: Record<string, unknown>[] = [
      { preset: 'vaswani', base: 12345.5 },
      { preset: 'marian', base: 500 },
      { preset: 'tensor2tensor', maxTimescale: 1e5, offset: 7 },
      { preset: 'tensor2tensor', minTimescale: 0.5, maxTimescale: 5000 },
      { preset: 'whisper', offset: 3 },
      { preset: 'fairseq', paddingIdx: 1, offset: -2 },
      { preset: 'fairseq', paddingIdx: 0, offset: -1 },
      { preset: 'vaswani', offset: 11.5 },
      { preset: 'vaswani', offset: 123456 }, // beyond half a turn of the lowest frequency at dim 31
      { preset: 'marian', float32Angles: true },
      { preset: 'vaswani', float32Angles: true },
      { preset: 'vaswani', layout: 'halves', base: 2e4 },
    ];
    for (const o of cases) {
      for (const dim of [64, 31]) {
        if (o.preset === 'whisper' && dim % 2) continue;
        const rows = 200 + Math.floor(rand() * 300);
        const table = pe().sinusoidal({ length: rows, dim, ...o });
        const r = pe().identify(table, { dim });
        expect(r.kind, JSON.stringify({ o, dim })).toBe('sinusoidal');
        expectMatch(pe(), table, dim, r);
        if (o.float32Angles) expect(r.float32).toBe(true);
      }
    }
    // The estimated knobs themselves.
    const r1 = pe().identify(pe().sinusoidal({ length: 300, dim: 64, preset: 'marian', base: 500 }), { dim: 64 });
    expect(r1.options).toMatchObject({ preset: 'marian', base: 500 });
    const r2 = pe().identify(pe().sinusoidal({ length: 300, dim: 64, preset: 'tensor2tensor', maxTimescale: 1e5, offset: 7 }), { dim: 64 });
    expect(r2.options).toMatchObject({ maxTimescale: 1e5, offset: 7 });
    const r3 = pe().identify(pe().sinusoidal({ length: 300, dim: 32, preset: 'vaswani', offset: 11.5 }), { dim: 32 });
    expect(r3.options).toMatchObject({ preset: 'vaswani', offset: 11.5 });
  });

  it("the founding article's 'seed' encoding (2 columns, any omega)", () => {
    const table = pe().sinusoidal({ length: 200, dim: 64, preset: 'seed' }); // ω = 1/√64
    const r = pe().identify(table, { dim: 2 });
    expect(r.options).toEqual({ preset: 'seed', omega: 0.125 });
    expectMatch(pe(), table, 2, r);
  });

  it('float64 tables', () => {
    const table = pe().sinusoidal({ length: 100, dim: 48, preset: 'marian', dtype: 'float64' });
    const r = pe().identify(table, { dim: 48 });
    expect(r.options).toEqual({ preset: 'marian' });
    expect(r.maxError).toBeLessThanOrEqual(1e-12);
  });

  it('module tensors', () => {
    const t = pe().alloc(128 * 32);
    pe().sinusoidal({ length: 128, dim: 32, preset: 'whisper', out: t });
    const copy = t.array.slice();
    const r = pe().identify(t, { dim: 32 });
    expect(r.options).toMatchObject({ preset: 'whisper' });
    expect(Array.from(t.array)).toEqual(Array.from(copy));
    // A view taken from it: the regenerations may grow memory, identify reads its own copy.
    const r2 = pe().identify(t.array, { dim: 32 });
    expect(r2.options).toEqual(r.options);
    t.free();
  });

  it('all five 2-D presets, with and without the cls row, any temperature, non-square grids', () => {
    for (const preset of ['mae', 'mocov3', 'bigvision', 'timm', 'tensor2tensor'] as const) {
      for (const clsToken of [false, true]) {
        for (const temperature of [10000, 100, 777.7]) {
          const dim = preset === 'tensor2tensor' ? 66 : 64;
          const table = pe().sincos2d({ height: 12, width: 12, dim, preset, clsToken, temperature, float32Angles: preset !== 'mae' });
          const r = pe().identify(table, { dim });
          const what = JSON.stringify({ preset, clsToken, temperature });
          expect(r.kind, what).toBe('sincos2d');
          expectMatch(pe(), table, dim, r);
          expect((r.options as Record<string, unknown>).clsToken, what).toBe(clsToken);
          // The round temperature of the preset itself, not an equivalent one of another family
          // (with the preset's own cls convention: otherwise both need two knobs).
          if (temperature !== 10000 && clsToken === (preset === 'mocov3')) expect(r.options, what).toMatchObject({ preset, temperature });
        }
      }
      const table = pe().sincos2d({ height: 6, width: 10, dim: 32, preset: preset === 'tensor2tensor' ? 'mae' : preset });
      const r = pe().identify(table, { dim: 32, grid: [6, 10] });
      expect(r.kind).toBe('sincos2d');
      expect(r.options).toMatchObject({ height: 6, width: 10 });
      expectMatch(pe(), table, 32, r);
    }
  });

  it('rotary caches: sin caches with an offset, linear and llama3 scalings', () => {
    const cases: { o: RopeCacheOptions; kind: 'rope-cos' | 'rope-sin'; dim: number }[] = [
      { o: { base: 10000, layout: 'halves', rotaryDim: 64, offset: 100 }, kind: 'rope-sin', dim: 64 },
      { o: { base: 1e6, layout: 'interleaved', rotaryDim: 32, offset: 0 }, kind: 'rope-cos', dim: 32 },
      { o: { base: 10000, layout: 'halves', rotaryDim: 64, offset: 0, scaling: { type: 'linear', factor: 2 } }, kind: 'rope-cos', dim: 32 },
      {
        o: { base: 500000, layout: 'halves', rotaryDim: 128, offset: 0, scaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 } },
        kind: 'rope-cos', dim: 128,
      },
    ];
    for (const { o, kind, dim } of cases) {
      const table = Float32Array.from(ropeModel(pe(), o, kind, 2048, dim));
      const r = pe().identify(table, { dim });
      expect(r.kind, JSON.stringify(o)).toBe(kind);
      expectMatch(pe(), table, dim, r);
      expect(r.options).toMatchObject({ base: o.base, rotaryDim: o.rotaryDim, offset: o.offset });
    }
  });
  it('rotary caches: YaRN, dynamic NTK, an attention factor, LongRoPE and given frequencies (float32 and float64 chains)', () => {
    const lr = (k: number) => Array.from({ length: 32 }, (_, i) => 1 + i * k);
    const cases: { o: RopeCacheOptions; kind: 'rope-cos' | 'rope-sin'; dim: number; rows: number; family?: string }[] = [
      { o: { base: 500000, layout: 'interleaved', rotaryDim: 128, offset: 0, scaling: { type: 'yarn', factor: 8, originalMaxPositionEmbeddings: 8192, truncate: false } }, kind: 'rope-sin', dim: 128, rows: 1024, family: 'yarn' },
      { o: { base: 10000, layout: 'halves', rotaryDim: 64, offset: 100, scaling: { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 4096, mscale: 0.707, mscaleAllDim: 1 } }, kind: 'rope-cos', dim: 32, rows: 1500, family: 'yarn' },
      { o: { base: 10000, layout: 'halves', rotaryDim: 64, offset: 0, scaling: { type: 'dynamic', factor: 1.5, maxPositionEmbeddings: 1024 }, seqLen: 2000 }, kind: 'rope-cos', dim: 64, rows: 2000, family: 'dynamic' },
      { o: { base: 1e6, layout: 'halves', rotaryDim: 128, offset: 1000, scaling: { type: 'dynamic', factor: 8, maxPositionEmbeddings: 2048 }, seqLen: 3048 }, kind: 'rope-sin', dim: 128, rows: 2048, family: 'dynamic' },
      {
        o: { base: 10000, layout: 'halves', rotaryDim: 64, offset: 0, scaling: { type: 'longrope', shortFactor: lr(0.05), longFactor: lr(0.5), originalMaxPositionEmbeddings: 2048, factor: 16 } },
        kind: 'rope-cos', dim: 64, rows: 1024, family: 'longrope',
      },
      {
        o: { layout: 'halves', rotaryDim: 64, offset: 0, frequencies: Float32Array.from({ length: 32 }, (_, i) => 0.9 * 10000 ** (-i / 32) * (1 + 0.1 * Math.sin(i))), attentionFactor: 0.75 },
        kind: 'rope-cos', dim: 64, rows: 1024,
      },
    ];
    for (const { o, kind, dim, rows, family } of cases) {
      for (const float32Angles of [true, false]) {
        const what = JSON.stringify({ scaling: o.scaling?.type, float32Angles });
        const table = Float32Array.from(ropeModel(pe(), { ...o, float32Angles }, kind, rows, dim));
        const r = pe().identify(table, { dim });
        expect(r.kind, what).toBe(kind);
        expectMatch(pe(), table, dim, r);
        expect(r.options, what).toMatchObject({ layout: o.layout, rotaryDim: o.rotaryDim, offset: o.offset });
        const ro = r.options as RopeCacheOptions;
        if (family) expect(r.family?.name, what).toBe(family);
        if (family === 'dynamic') expect(ro).toMatchObject({ base: o.base, scaling: o.scaling, seqLen: o.seqLen });
        if (family === 'yarn') expect(ro.scaling, what).toMatchObject({ type: 'yarn', factor: (o.scaling as { factor: number }).factor });
        if (family === 'longrope') {
          // LongRoPE's amplitude √(1 + ln 16/ln 2048) and the short list, read back.
          expect(r.family!.longrope).toMatchObject({ factor: 16, originalMaxPositionEmbeddings: 2048, list: 'short' });
          expect(Array.from(r.family!.longrope!.factors.slice(0, 8)).map((v) => +v.toFixed(5))).toEqual(lr(0.05).slice(0, 8).map((v) => +v.toFixed(5)));
        }
        if (!family) {
          expect(ro.frequencies, what).toBeDefined();
          expect(Math.abs(ro.attentionFactor! - 0.75), what).toBeLessThanOrEqual(1e-7);
          expect(r.family, what).toBeUndefined();
        }
      }
    }
  });
});

describeBackends('identify: near misses and learned tables', (pe, backend) => {
  const rand = rng(backend === 'js' ? 11 : 3);
  it('noise of 1e-3: kind null, the right nearest candidate', () => {
    const table = pe().sinusoidal({ length: 256, dim: 64, preset: 'marian' });
    for (let i = 0; i < table.length; i++) table[i] += (rand() - 0.5) * 2e-3;
    const r = pe().identify(table, { dim: 64 });
    expect(r.kind).toBeNull();
    expect(r.options).toBeNull();
    expect(r.candidates[0].kind).toBe('sinusoidal');
    expect(r.candidates[0].options).toMatchObject({ preset: 'marian' });
    expect(r.candidates[0].maxError).toBeGreaterThan(1e-5);
    expect(r.candidates[0].maxError).toBeLessThan(3e-3);
    expect(r.maxError).toBe(r.candidates[0].maxError);
  });

  it('one sin/cos pair swapped: kind null, the right nearest candidate', () => {
    const table = pe().sinusoidal({ length: 256, dim: 64, preset: 'vaswani' });
    for (let r = 0; r < 256; r++) {
      const s = table[r * 64 + 10];
      table[r * 64 + 10] = table[r * 64 + 11];
      table[r * 64 + 11] = s;
    }
    const r = pe().identify(table, { dim: 64 });
    expect(r.kind).toBeNull();
    expect(r.candidates[0].options).toMatchObject({ preset: 'vaswani' });
    expect(r.candidates[0].options).not.toHaveProperty('base');
  });

  it('a learned (random) table: kind null, candidates filled', () => {
    const table = new Float32Array(100 * 48).map(() => rand() * 0.2 - 0.1);
    const r = pe().identify(table, { dim: 48 });
    expect(r.kind).toBeNull();
    expect(r.float32).toBe(false);
    expect(r.candidates.length).toBeGreaterThanOrEqual(3);
    for (const c of r.candidates) expect(c.maxError).toBeGreaterThan(0.05);
  });
});

describeBackends('similarity', (pe) => {
  function model(a: ArrayLike<number>, rows: number, dim: number, cosine: boolean): Float64Array {
    const out = new Float64Array(rows * rows);
    const norm = (i: number) => Math.sqrt(Array.from({ length: dim }, (_, k) => a[i * dim + k] ** 2).reduce((x, y) => x + y, 0));
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < rows; j++) {
        let s = 0;
        for (let k = 0; k < dim; k++) s += a[i * dim + k] * a[j * dim + k];
        if (cosine) s = norm(i) && norm(j) ? s / (norm(i) * norm(j)) : 0;
        out[i * rows + j] = s;
      }
    }
    return out;
  }

  it('dot and cosine against a float64 model (float32, float64, odd sizes, zero rows)', () => {
    const rand = rng(9);
    for (const [rows, dim] of [[1, 1], [7, 5], [70, 33], [131, 64]]) {
      for (const f64 of [false, true]) {
        const a = f64 ? new Float64Array(rows * dim) : new Float32Array(rows * dim);
        for (let i = 0; i < a.length; i++) a[i] = rand() * 2 - 1;
        if (rows > 3) a.fill(0, 2 * dim, 3 * dim);
        for (const metric of ['dot', 'cosine'] as const) {
          const s = pe().similarity(a, { dim, metric });
          expect(s).toBeInstanceOf(Float32Array);
          const m = model(a, rows, dim, metric === 'cosine');
          for (let i = 0; i < m.length; i++) {
            expect(Math.abs(s[i] - m[i])).toBeLessThanOrEqual(Math.abs(m[i]) * 2 ** -23 + 1e-12 * dim);
          }
        }
      }
    }
  });

  it('a sinusoidal table: row i · row j depends only on i − j; module tensors read in place', () => {
    const rows = 96;
    const dim = 128;
    const t = pe().alloc(rows * dim);
    pe().sinusoidal({ length: rows, dim, out: t });
    const s = pe().similarity(t, { dim });
    for (let i = 0; i < rows; i++) {
      expect(s[i * rows + i]).toBeCloseTo(dim / 2, 4);
      for (let j = 0; j + 1 < rows && i + 1 < rows; j++) {
        expect(Math.abs(s[(i + 1) * rows + j + 1] - s[i * rows + j])).toBeLessThan(1e-4);
      }
    }
    t.free();
  });
});
