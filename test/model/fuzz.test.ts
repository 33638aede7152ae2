// Fuzzed configs: every corpus config with random keys deleted, set to values of the wrong type,
// NaN, ±Infinity, huge or negative numbers, nested one level deeper or moved into text_config /
// rope_scaling. pe.model must either throw a posenc TypeError/RangeError naming a config key or an
// option, or return a plan that holds together: the options reproduce the frequencies, every number
// is finite and in range, the methods run, and a mutated key it reports is the value it used.
// Runs: POSENC_FC_RUNS (default 400), POSENC_FC_SEED to replay.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initSync, type ModelPositions, type Posenc } from '../../src/index.js';
import { config, corpus } from './fixture.js';

const CONFIGS = corpus().map(({ file }) => ({ file, cfg: config(file) }));
const ENC_DEC = new Set(['whisper', 't5', 'mt5', 'umt5', 'switch_transformers', 'bart', 'mbart', 'marian', 'pegasus', 'm2m_100', 'speech_to_text', 'fsmt']);

/** Keys whose values decide positions somewhere in the table (mutation targets besides the config's own). */
const KEYS = [
  'model_type', 'hidden_size', 'num_attention_heads', 'num_hidden_layers', 'head_dim', 'rope_theta', 'rope_scaling', 'rope_parameters',
  'max_position_embeddings', 'partial_rotary_factor', 'rotary_pct', 'rotary_emb_base', 'rotary_dim', 'n_positions', 'n_embd', 'n_head',
  'qk_rope_head_dim', 'rope_interleave', 'rope_local_base_freq', 'sliding_window_pattern', 'layer_types', 'no_rope_layers', 'alibi',
  'relative_attention_num_buckets', 'relative_attention_max_distance', 'pad_token_id', 'scale_embedding', 'd_model', 'text_config',
  'original_max_position_embeddings', 'factor', 'type', 'rope_type', 'long_factor', 'short_factor', 'mrope_section', 'low_freq_factor',
  'high_freq_factor', 'attention_factor', 'mscale', 'mscale_all_dim', 'beta_fast', 'truncate', 'sinusoidal_pos_embds', 'position_embedding_type',
];

const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -4, max: 300 }),
  fc.constantFrom(0, -0, 0.5, 1.5, 2, 64, 128, 4096, 1e4, 1e6, NaN, Infinity, -Infinity, 1e300, -1e300, 2 ** 53, 2 ** 31, Number.MIN_VALUE),
  fc.constantFrom('3', '', 'llama', 'yarn', 'linear', 'dynamic', 'longrope', 'llama3', 'su', 'mrope', 'default', 'absolute', 'full_attention'),
  fc.constantFrom(null, true, false),
  fc.constantFrom([], [1], [16, 24, 24], [1, 2, 3], ['full_attention'], [NaN], [1e300, 1], { type: 'linear', factor: 2 }, { rope_type: 'yarn', factor: 4 }, {}, { a: { b: 1 } }),
);

type Mutation =
  | { kind: 'set'; key: string; value: unknown; where: 'top' | 'text' | 'rope' }
  | { kind: 'delete'; key: string; where: 'top' | 'text' | 'rope' }
  | { kind: 'nest'; key: string };

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? `__${x}` : x)), (_k, x) => (typeof x === 'string' && x.startsWith('__') ? Number(x.slice(2)) : x)) as T;
}

function target(cfg: Record<string, unknown>, where: 'top' | 'text' | 'rope'): Record<string, unknown> | null {
  const base = where === 'top' ? cfg : (cfg.text_config as Record<string, unknown> | undefined) ?? cfg;
  if (where !== 'rope') return typeof base === 'object' && base !== null ? base : null;
  const r = (base.rope_parameters ?? base.rope_scaling) as Record<string, unknown> | undefined;
  return typeof r === 'object' && r !== null && !Array.isArray(r) ? r : null;
}

function apply(cfg: Record<string, unknown>, m: Mutation): void {
  if (m.kind === 'nest') {
    if (m.key in cfg) cfg[m.key] = { value: cfg[m.key] };
    return;
  }
  const t = target(cfg, m.where);
  if (!t) return;
  if (m.kind === 'set') t[m.key] = m.value;
  else delete t[m.key];
}

/** The plan holds together; returns a description of what was checked. */
function checkPlan(pe: Posenc, md: ModelPositions): void {
  const kinds = ['rope', 'mrope', 'learned', 'sinusoidal', 'alibi', 'relative-bias', 'none'];
  expect(kinds).toContain(md.kind);
  expect(Number.isInteger(md.heads) && md.heads >= 1).toBe(true);
  expect(Number.isInteger(md.headDim) && md.headDim >= 1).toBe(true);
  expect(md.layers.length).toBeGreaterThanOrEqual(1);
  expect(Number.isFinite(md.softmaxScale) && md.softmaxScale > 0).toBe(true);
  expect(typeof md.describe()).toBe('string');
  if (md.kind !== 'rope' && md.kind !== 'mrope') {
    const ids = md.positions({ shape: [1, 3] });
    expect(ids.length % 3).toBe(0);
    if (md.kind === 'alibi') {
      const a = md.alibi({ keyLength: 3 });
      expect(a.length % (3 * md.heads)).toBe(0);
      for (const v of a) expect(Number.isFinite(v)).toBe(true);
    }
    return;
  }
  expect(md.rotaryDim % 2).toBe(0);
  expect(md.rotaryDim >= 2 && md.rotaryDim <= md.headDim).toBe(true);
  expect(Number.isFinite(md.attentionFactor) && md.attentionFactor > 0).toBe(true);
  const seen = new Set<unknown>();
  for (const l of md.layers) {
    if (l.kind === 'none' || seen.has(l.options)) continue;
    seen.add(l.options);
    const inv = l.invFreq!;
    expect(inv.length).toBe(md.rotaryDim / 2);
    for (const w of inv) expect(Number.isFinite(w) && w > 0).toBe(true);
    if (l.options) {
      const o = l.options as { base: number; scaling?: never; axes?: { frequencies?: string } };
      if (o.axes?.frequencies !== 'per-axis') {
        const r = pe.ropeFrequencies({ dim: md.rotaryDim, base: o.base, scaling: o.scaling, float32Angles: true });
        expect(Array.from(inv)).toEqual(Array.from(r.invFreq));
        expect(l.attentionFactor).toBe(r.attentionFactor);
      }
    }
  }
  // The methods run and give finite values (small shapes; a far position).
  const axes = md.kind === 'mrope' ? ((md.options as { axes?: { sections: number[] } } | null)?.axes?.sections.length ?? 3) : 1;
  const pos = Array.from({ length: 2 * axes }, (_, i) => (i % 2 ? 4097 : 3));
  const { cos, sin } = md.cosSin({ positions: pos });
  for (const v of cos) expect(Number.isFinite(v)).toBe(true);
  for (const v of sin) expect(Number.isFinite(v)).toBe(true);
  const x = Float32Array.from({ length: 2 * md.headDim }, (_, i) => ((i * 7) % 11) / 11 - 0.5);
  const y = md.rope(x, { shape: [1, 1, 2, md.headDim], positions: pos });
  for (const v of y) expect(Number.isFinite(v)).toBe(true);
  for (const v of md.queryScale({ length: 2, offset: 100000 })) expect(Number.isFinite(v) && v > 0).toBe(true);
}

describe('fuzzed configs', () => {
  it('give a typed error naming a config key or an option, or a consistent plan', { timeout: 120_000 }, () => {
    const pe = initSync({ backend: 'wasm-simd' });
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom(...KEYS), value: valueArb, where: fc.constantFrom('top' as const, 'text' as const, 'rope' as const) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...KEYS), where: fc.constantFrom('top' as const, 'text' as const, 'rope' as const) }),
      fc.record({ kind: fc.constant('nest' as const), key: fc.constantFrom(...KEYS) }),
    );
    let planned = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: CONFIGS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (ci, muts) => {
        const cfg = clone(CONFIGS[ci].cfg);
        for (const m of muts) apply(cfg, m);
        const type = (cfg.text_config as { model_type?: unknown } | undefined)?.model_type ?? cfg.model_type;
        const options = typeof type === 'string' && ENC_DEC.has(type) ? { part: 'decoder' as const } : undefined;
        let md: ModelPositions;
        try {
          md = pe.model(cfg, options);
        } catch (e) {
          if (!(e instanceof TypeError || e instanceof RangeError) || !/^posenc\.model(\.\w+)?: /.test(e.message) || !/config|options/.test(e.message)) {
            throw new Error(`${CONFIGS[ci].file} ${JSON.stringify(muts)}: ${String(e)}`);
          }
          refused++;
          return;
        }
        planned++;
        try {
          checkPlan(pe, md);
          // A top-level rope_theta it accepted is the base it uses (llama-style families read it directly).
          const set = muts.filter((m): m is Extract<Mutation, { kind: 'set' }> => m.kind === 'set' && m.key === 'rope_theta' && m.where === 'top' && !('text_config' in cfg));
          const last = set[set.length - 1];
          if (last && ['llama', 'mistral', 'qwen2', 'qwen3', 'olmo2'].includes(md.modelType) && !(cfg as { rope_parameters?: { rope_theta?: unknown } }).rope_parameters?.rope_theta && typeof last.value === 'number' && md.options) {
            expect((md.options as { base: number }).base).toBe(last.value);
          }
          // Deterministic: the same config gives the same plan.
          const again = pe.model(cfg, options);
          expect(again.describe()).toBe(md.describe());
          if (md.invFreq) expect(Array.from(again.invFreq!)).toEqual(Array.from(md.invFreq));
        } catch (e) {
          throw new Error(`${CONFIGS[ci].file} ${JSON.stringify(muts)}: ${String(e)}`);
        }
      }),
      { numRuns: Number(process.env.POSENC_FC_RUNS ?? 0) || 400, ...(process.env.POSENC_FC_SEED ? { seed: Number(process.env.POSENC_FC_SEED) } : {}) },
    );
    // Both outcomes occur (the fuzzer is not only producing errors).
    expect(planned).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });
});
