// Hypotheses for rotary cos/sin caches: pairing and rotary width from repeated columns, the
// amplitude (HF attention_scaling), the offset, base and scaling (linear, Llama 3, YaRN, dynamic
// NTK) from the estimated frequencies; and, where no closed form regenerates the cache, its own
// float32 frequencies (LongRoPE, torch's float32 pow an ulp off a closed form).

import type { IdentifiedFamily, RopeCacheOptions } from '../types.js';
import type { FloatArray } from '../../core/types.js';
import { yarnRange, type RopeScaling } from '../../rope/index.js';
import { chebyshevFreq, geomFit, phaseDev, roundPosition } from './estimate.js';
import { sampleRows } from './regenerate.js';
import { type Hypothesis, type IdentifyHost, LOOSE, MATCH, type Scored, TIGHT, TWO_PI, type Table, at, countDigits, fr, nice, nices } from './table.js';

// ---- rotary caches ----------------------------------------------------------------------------------------

export function ropeStructure(t: Table, sample: number[]): { layout: 'halves' | 'interleaved'; cols: number[]; rotaryDim: number; full: 'dup-halves' | 'dup-interleaved' | 'half' } {
  const D = t.dim;
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-6;
  if (D % 2 === 0) {
    const h = D / 2;
    if (sample.every((r) => Array.from({ length: h }, (_, j) => j).every((j) => close(at(t, r, j), at(t, r, j + h))))) {
      return { layout: 'halves', cols: Array.from({ length: h }, (_, j) => j), rotaryDim: D, full: 'dup-halves' };
    }
    if (sample.every((r) => Array.from({ length: h }, (_, j) => j).every((j) => close(at(t, r, 2 * j), at(t, r, 2 * j + 1))))) {
      return { layout: 'interleaved', cols: Array.from({ length: h }, (_, j) => 2 * j), rotaryDim: D, full: 'dup-interleaved' };
    }
  }
  return { layout: 'halves', cols: Array.from({ length: D }, (_, j) => j), rotaryDim: 2 * D, full: 'half' };
}

type Structure = ReturnType<typeof ropeStructure>;

/** An amplitude this close to 1 is 1 (float32 storage moves the estimate by ~1e-7). */
const UNIT_AMPLITUDE = 2e-6;

/**
 * The amplitude A of columns v(r) = A·cos(rω + φ) (HF's attention_scaling multiplies cos and sin):
 * A·sin(rω + φ) = (v(r)·cos kω − v(r+k))/sin kω, so A² = v(r)² + that², with k the step that turns
 * about a radian; the median over rows of the columns where k is small (ω best known).
 */
export function ropeAmplitude(t: Table, cols: number[], w: Float64Array): number {
  const near: number[] = [];
  const far: number[] = [];
  for (let i = 0; i < cols.length; i++) {
    const wi = w[i];
    if (!(wi > 0) || wi >= Math.PI) continue;
    const k = Math.max(1, Math.round(1.2 / wi));
    if (k >= t.rows) continue;
    const s = Math.sin(k * wi);
    const c = Math.cos(k * wi);
    if (Math.abs(s) < 0.3) continue;
    const count = Math.min(32, t.rows - k);
    for (let q = 0; q < count; q++) {
      const r = Math.floor((q * (t.rows - 1 - k)) / Math.max(1, count - 1));
      const v0 = at(t, r, cols[i]);
      const y = (v0 * c - at(t, r + k, cols[i])) / s;
      (k <= 8 ? near : far).push(Math.sqrt(v0 * v0 + y * y));
    }
  }
  const vals = near.length ? near : far;
  if (vals.length === 0) return 1;
  vals.sort((x, y) => x - y);
  return vals[vals.length >> 1];
}

/** Offset P (position of row 0) of cos or sin columns of amplitude A with frequencies w, and its fit. */
export function ropeOffset(t: Table, cols: number[], w: Float64Array, isSin: boolean, A = 1): { P: number; err: number } {
  const order = cols.map((_, i) => i).filter((i) => w[i] > 0).sort((x, y) => w[x] - w[y]);
  if (order.length === 0 || t.rows < 2) return { P: 0, err: Infinity };
  const cands = (v: number) => {
    const c = Math.max(-1, Math.min(1, v / A));
    return isSin ? [Math.asin(c), Math.PI - Math.asin(c)] : [Math.acos(c), -Math.acos(c)];
  };
  const i0 = order[0];
  const v0 = at(t, 0, cols[i0]);
  const v1 = at(t, 1, cols[i0]);
  const [a, b] = cands(v0);
  // cos falls while its angle is in (0, π); sin falls while it is in (π/2, 3π/2).
  let P = (isSin ? (v1 < v0 ? b : a) : v1 < v0 ? a : b) / w[i0];
  for (const i of order.slice(1)) {
    let best = P;
    let bestD = Infinity;
    for (const c of cands(at(t, 0, cols[i]))) {
      const m = Math.round((P * w[i] - c) / TWO_PI);
      const q = (c + TWO_PI * m) / w[i];
      if (Math.abs(q - P) < bestD) {
        bestD = Math.abs(q - P);
        best = q;
      }
    }
    P = best;
  }
  let err = 0;
  for (const r of sampleRows(t.rows)) {
    for (let i = 0; i < cols.length; i++) {
      const x = (P + r) * w[i];
      err = Math.max(err, Math.abs(A * (isSin ? Math.sin(x) : Math.cos(x)) - at(t, r, cols[i])));
    }
  }
  return { P, err };
}

export const OLD_CONTEXTS = [8192, 4096, 2048, 16384, 32768, 65536, 131072, 1024];
/** Pre-training contexts tried for YaRN and dynamic NTK, most common first. */
const CONTEXTS = [4096, 2048, 8192, 32768, 16384, 65536, 131072, 1024, 262144];
/** rope_theta values tried as the unscaled base of a dynamic NTK cache. */
const ROUND_BASES = [10000, 500000, 1000000, 5000000, 100000, 50000, 150000, 1000, 2000000, 10000000, 25000, 75000];

/** Llama 3 bounds from the smoothed band: s = (x·old − low)/(high − low), x = ω/2π (common scale: old). */
export function llama3Bounds(x: number[], s: number[]): { low: number; high: number; old: number } | null {
  if (x.length < 2) return null;
  const n = x.length;
  const mx = x.reduce((p, q) => p + q, 0) / n;
  const my = s.reduce((p, q) => p + q, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) { sxy += (x[i] - mx) * (s[i] - my); sxx += (x[i] - mx) ** 2; }
  if (sxx === 0) return null;
  const alpha = sxy / sxx;
  const beta = my - alpha * mx;
  let best: { low: number; high: number; old: number } | null = null;
  let bestScore = Infinity;
  for (const old of OLD_CONTEXTS) {
    const lowRaw = (-beta * old) / alpha;
    const highRaw = lowRaw + old / alpha;
    const low = nice(lowRaw, (v) => Math.abs(v - lowRaw) <= 1e-3 * Math.abs(lowRaw) + 1e-9);
    const high = nice(highRaw, (v) => Math.abs(v - highRaw) <= 1e-3 * Math.abs(highRaw) + 1e-9);
    const score = countDigits(low) + countDigits(high);
    if (low > 0 && high > low && score < bestScore) {
      bestScore = score;
      best = { low, high, old };
    }
  }
  return best;
}


const yarnDefaultAttention = (factor: number) => (factor <= 1 ? 1 : 0.1 * Math.log(factor) + 1);

interface YarnFit {
  factor: number;
  omp: number;
  betaFast: number;
  betaSlow: number;
  truncate: boolean;
  dev: number;
  extra: number;
}

/**
 * YaRN parameters from q_i = ω_i/ω_unscaled,i = 1 − ramp_i·(1 − 1/factor): for each pre-training
 * context, beta pair and truncation, the ramp of HF's correction range, the factor fitted to it
 * (least squares weighted by the phase each frequency adds up to) and rounded, and the phase
 * deviation of the predicted frequencies. The fits within the phase tolerance, fewest non-default
 * knobs first.
 */
export function yarnFits(w: Float64Array, D: number, base: number, span: number): YarnFit[] {
  const n = w.length;
  const unscaled = Array.from({ length: n }, (_, i) => base ** (-2 * i / D));
  const fits: YarnFit[] = [];
  const seen = new Set<string>();
  for (const truncate of [true, false]) {
    for (const betaFast of [32, 16, 64, 8, 4]) {
      for (const betaSlow of [1, 2, 0.5, 4]) {
        if (betaSlow >= betaFast) continue;
        for (const omp of CONTEXTS) {
          const [low, high] = yarnRange(D, base, omp, betaFast, betaSlow, truncate, Math.log);
          const ramp = (i: number) => Math.min(1, Math.max(0, (i - low) / (high - low)));
          let num = 0, den = 0;
          for (let i = 0; i < n; i++) {
            const r = ramp(i);
            const wt = (unscaled[i] * span) ** 2;
            num += wt * r * (1 - w[i] / unscaled[i]);
            den += wt * r * r;
          }
          if (!(den > 0)) continue;
          const c = num / den;
          if (!(c > 0 && c < 1)) continue;
          const raw = 1 / (1 - c);
          const factor = nice(raw, (v) => Math.abs(v - raw) <= 1e-4 * raw);
          if (!(factor > 1)) continue;
          const dev = phaseDev((i) => unscaled[i] * (1 - ramp(i) * (1 - 1 / factor)), w, Array.from({ length: n }, (_, i) => i), span);
          if (dev > LOOSE) continue;
          const key = `${low}|${high}|${factor}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const extra = (betaFast !== 32 ? 1 : 0) + (betaSlow !== 1 ? 1 : 0) + (truncate ? 0 : 1) + (countDigits(factor) > 3 ? 1 : 0);
          fits.push({ factor, omp, betaFast, betaSlow, truncate, dev, extra });
        }
      }
    }
  }
  return fits.sort((x, y) => x.extra - y.extra || x.dev - y.dev).slice(0, 2);
}

/** Weight of a base among a hypothesis's knobs: a long decimal (an estimate nothing explained) counts most. */
function baseKnob(base: number): number {
  return base === 10000 ? 0 : countDigits(base) > 6 ? 3 : 1;
}

/** What identify estimated of a rotary cache before the hypotheses: structure, frequencies, amplitude, offsets. */
export interface RopeEstimate {
  st: Structure;
  w: Float64Array;
  A: number;
  span: number;
  off: { isSin: boolean; P: number; err: number }[];
}

export function estimateRope(t: Table, sample: number[], allowHalf: boolean): RopeEstimate | null {
  if (t.rows < 3) return null;
  const st = ropeStructure(t, sample);
  if (st.full === 'half' && !allowHalf) return null;
  const n = st.cols.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = chebyshevFreq((r) => at(t, r, st.cols[i]), t.rows);
  let A = ropeAmplitude(t, st.cols, w);
  if (Math.abs(A - 1) <= UNIT_AMPLITUDE) A = 1;
  const off = [false, true].map((isSin) => ({ isSin, ...ropeOffset(t, st.cols, w, isSin, A) })).sort((x, y) => x.err - y.err);
  return { st, w, A, span: t.rows + 1, off };
}

export function hypothesesRope(pe: IdentifyHost, t: Table, est: RopeEstimate): Hypothesis[] {
  const { st, w, span } = est;
  const n = st.cols.length;
  // Unscaled schedule from the highest frequencies (Llama 3 and YaRN keep them; linear divides all).
  const headIdx = Array.from({ length: Math.max(2, Math.floor(n / 4)) }, (_, i) => i).filter((i) => i < n);
  const fit = geomFit(w, headIdx);
  if (!fit) return [];
  const D = st.rotaryDim;
  const slope = Number.isFinite(fit.s) ? fit.s : (-2 / D) * Math.log(10000);
  const factorRaw = 1 / Math.exp(fit.c);
  const linear = nice(factorRaw, (f) => Math.abs(1 / f - w[0]) * span <= LOOSE);
  const hyps: Hypothesis[] = [];
  const bRaw = Math.exp((-slope * D) / 2);
  const bases = nices(bRaw, (b) => phaseDev((i) => b ** (-2 * i / D) / linear, w, headIdx, span), 10000);
  for (const base of bases) hyps.push(...ropeHyps(pe, t, est, base, linear));
  if (linear === 1 && est.A === 1 && countDigits(bases[bases.length - 1]) > 5) hyps.push(...dynamicHyps(pe, t, est, bRaw, headIdx));
  return hyps;
}

/** The hypotheses of one schedule for both cache functions (cos, sin), best-fitting offset first. */
function cacheHyps(pe: IdentifyHost, t: Table, est: RopeEstimate, o: Omit<RopeCacheOptions, 'offset'>, knobs: number, family?: (o: RopeCacheOptions, err: number) => IdentifiedFamily): Hypothesis[] {
  const hyps: Hypothesis[] = [];
  for (const { isSin, P } of est.off) {
    const offset = roundPosition(P);
    const options: RopeCacheOptions = { ...o, offset };
    if (o.scaling?.type === 'dynamic') options.seqLen = offset + t.rows;
    hyps.push({
      kind: isSin ? 'rope-sin' : 'rope-cos', options: options as unknown as Record<string, unknown>,
      knobs: knobs + (offset !== 0 ? 1 : 0) + (est.st.layout !== 'halves' ? 1 : 0),
      gen: (rows, f32) => ropeCache(pe, t, options, est.st.full, isSin, rows, f32),
      ...(family ? { family: (err: number) => family(options, err) } : {}),
    });
  }
  return hyps;
}

function scalingFamily(pe: IdentifyHost, o: RopeCacheOptions, err: number): IdentifiedFamily {
  const s = o.scaling!;
  const base = o.base!;
  const A = pe.ropeFrequencies({ dim: o.rotaryDim, base, scaling: s, ...(o.seqLen !== undefined ? { seqLen: o.seqLen } : {}) }).attentionFactor;
  const f: IdentifiedFamily = { name: s.type as IdentifiedFamily['name'], base, scaling: s, maxError: err, attentionFactor: A, note: '' };
  if (o.seqLen !== undefined) f.seqLen = o.seqLen;
  const fit = err <= MATCH ? 'regenerates the cache' : `is off by ${err.toExponential(1)} (torch's float32 pow puts some frequencies an ulp off: options carry the cache's own)`;
  if (s.type === 'yarn') {
    const [low, high] = yarnRange(o.rotaryDim, base, s.originalMaxPositionEmbeddings!, s.betaFast ?? 32, s.betaSlow ?? 1, s.truncate ?? true, Math.log);
    f.note = `YaRN: factor ${s.factor}, originalMaxPositionEmbeddings ${s.originalMaxPositionEmbeddings}, ramp over pairs ${+low.toFixed(3)}…${+high.toFixed(3)}, attention factor ${+A.toPrecision(7)}; the closed form ${fit}`;
  } else if (s.type === 'dynamic') {
    f.note = `dynamic NTK: base ${base}, factor ${s.factor}, maxPositionEmbeddings ${s.maxPositionEmbeddings}, seqLen ${o.seqLen} (scaled base ${+(base * ((s.factor * o.seqLen!) / s.maxPositionEmbeddings - (s.factor - 1)) ** (o.rotaryDim / (o.rotaryDim - 2))).toPrecision(9)}); the closed form ${fit}`;
  } else if (s.type === 'llama3') {
    f.note = `Llama 3: factor ${s.factor}, lowFreqFactor ${s.lowFreqFactor}, highFreqFactor ${s.highFreqFactor}, originalMaxPositionEmbeddings ${s.originalMaxPositionEmbeddings}; the closed form ${fit}`;
  } else if (s.type === 'linear') {
    f.note = `linear (position interpolation): factor ${s.factor}; the closed form ${fit}`;
  }
  return f;
}

export function ropeHyps(pe: IdentifyHost, t: Table, est: RopeEstimate, base: number, linear: number): Hypothesis[] {
  const { st, w, span, A } = est;
  const n = st.cols.length;
  const D = st.rotaryDim;
  const unscaled = (i: number) => base ** (-2 * i / D);
  const all = Array.from({ length: n }, (_, i) => i);
  const scalings: (RopeScaling | undefined)[] = [];
  const plain = phaseDev((i) => unscaled(i) / linear, w, all, span) <= LOOSE * 10;
  if (plain || n < 4) {
    scalings.push(linear === 1 ? undefined : { type: 'linear', factor: linear });
  } else {
    const q = all.map((i) => w[i] / unscaled(i));
    // The divided band's best-measured member: its highest frequency, where q stops falling.
    let lo = n - 1;
    for (let i = 0; i + 2 < n; i++) {
      if (q[i] < 0.9 && Math.abs(q[i] - q[i + 1]) < 1e-4 && Math.abs(q[i + 1] - q[i + 2]) < 1e-3) {
        lo = i;
        break;
      }
    }
    const factor = nice(1 / q[lo], (f) => Math.abs(unscaled(lo) / f - w[lo]) * span <= TIGHT);
    const xs: number[] = [];
    const ss: number[] = [];
    for (const i of all) {
      // Medium band: off both the unscaled and the divided frequency by more than a negligible phase.
      const u = unscaled(i) * span;
      if (Math.abs(q[i] - 1) * u > 1e-3 && Math.abs(q[i] - 1 / factor) * u > 1e-3) {
        xs.push(unscaled(i) / TWO_PI);
        ss.push((q[i] - 1 / factor) / (1 - 1 / factor));
      }
    }
    const b = llama3Bounds(xs, ss);
    if (b) scalings.push({ type: 'llama3', factor, lowFreqFactor: b.low, highFreqFactor: b.high, originalMaxPositionEmbeddings: b.old });
    if (linear !== 1 || scalings.length === 0) scalings.push(linear === 1 ? undefined : { type: 'linear', factor: linear });
  }
  const hyps: Hypothesis[] = [];
  const common = { base, layout: st.layout, rotaryDim: D };
  for (const scaling of scalings) {
    hyps.push(...cacheHyps(pe, t, est, { ...common, ...(scaling ? { scaling } : {}) }, baseKnob(base) + (scaling ? 1 : 0),
      scaling ? (o, err) => scalingFamily(pe, o, err) : undefined));
  }
  // YaRN: a ramp between the kept and the divided frequencies (linear in the pair index), and the
  // attention factor its default 0.1·ln(factor) + 1 or given (mscale/mscaleAllDim, attentionFactor).
  if (linear === 1 && n >= 4 && (!plain || A !== 1)) {
    for (const y of yarnFits(w, D, base, span)) {
      const dflt = yarnDefaultAttention(y.factor);
      const scaling: RopeScaling = {
        type: 'yarn', factor: y.factor, originalMaxPositionEmbeddings: y.omp,
        ...(y.betaFast !== 32 ? { betaFast: y.betaFast } : {}), ...(y.betaSlow !== 1 ? { betaSlow: y.betaSlow } : {}),
        ...(y.truncate ? {} : { truncate: false }),
        ...(Math.abs(A - dflt) <= UNIT_AMPLITUDE ? {} : { attentionFactor: nice(A, (v) => Math.abs(v - A) <= UNIT_AMPLITUDE) }),
      };
      hyps.push(...cacheHyps(pe, t, est, { ...common, scaling }, baseKnob(base) + 1 + y.extra / 4, (o, err) => scalingFamily(pe, o, err)));
    }
  }
  return hyps;
}

/**
 * Dynamic NTK (HF _compute_dynamic_ntk_parameters): a default schedule of base
 * b' = b·(f·S/M − (f − 1))^(D/(D−2)), S = offset + rows. For round b and common M, the f that the
 * estimated b' implies, where it comes out round (2, 4, 1.5, …).
 */
function dynamicHyps(pe: IdentifyHost, t: Table, est: RopeEstimate, bRaw: number, headIdx: number[]): Hypothesis[] {
  const { st, w, span } = est;
  const D = st.rotaryDim;
  if (D < 4) return [];
  const S = roundPosition(est.off[0].P) + t.rows;
  const hyps: Hypothesis[] = [];
  const seen = new Set<number>();
  for (const b of ROUND_BASES) {
    const ratio = (bRaw / b) ** ((D - 2) / D);
    if (!(ratio > 1)) continue;
    for (const M of CONTEXTS) {
      if (!(S > M)) continue;
      const raw = (ratio - 1) / (S / M - 1);
      const factor = nice(raw, (v) => Math.abs(v - raw) <= 2e-3 * raw);
      if (!(factor > 1) || countDigits(factor) > 3) continue;
      const scaled = b * ((factor * S) / M - (factor - 1)) ** (D / (D - 2));
      if (phaseDev((i) => scaled ** (-2 * i / D), w, headIdx, span) > LOOSE) continue;
      const key = Math.fround(scaled);
      if (seen.has(key)) continue;
      seen.add(key);
      const scaling: RopeScaling = { type: 'dynamic', factor, maxPositionEmbeddings: M };
      hyps.push(...cacheHyps(pe, t, est, { base: b, layout: st.layout, rotaryDim: D, scaling }, baseKnob(b) + 1, (o, err) => scalingFamily(pe, o, err)));
      if (seen.size >= 3) return hyps;
    }
  }
  return hyps;
}

// ---- the cache's own frequencies ------------------------------------------------------------------------

const f32bits = new Float32Array(1);
const u32 = new Uint32Array(f32bits.buffer);
/** The float32 d ulps from the float32 x. */
function ulpStep(x: number, d: number): number {
  f32bits[0] = x;
  u32[0] += d;
  return f32bits[0];
}

/** ω refined by Gauss–Newton on v(r) = A·cos((P + r)ω) (or sin) over the given rows. */
function refineFreq(t: Table, col: number, w0: number, A: number, P: number, isSin: boolean, rows: number[]): number {
  let w = w0;
  for (let it = 0; it < 5; it++) {
    let num = 0;
    let den = 0;
    for (const r of rows) {
      const p = P + r;
      const a = p * w;
      const g = isSin ? Math.sin(a) : Math.cos(a);
      const dg = A * p * (isSin ? Math.cos(a) : -Math.sin(a));
      num += dg * (at(t, r, col) - A * g);
      den += dg * dg;
    }
    if (!(den > 0)) break;
    const step = num / den;
    w += step;
    if (Math.abs(step) <= 1e-15 * Math.abs(w)) break;
  }
  return w;
}

/**
 * LongRoPE (HF _compute_longrope_parameters): the amplitude is √(1 + ln f/ln omp) for a round
 * factor f and a common pre-training context omp, and the frequencies are 1/(ext_i·base^(2i/D))
 * with ext_i short decimals (a config's list) for a round base. The factors returned are the
 * float32 values that give the recovered frequencies exactly through pe.rope's own chain (each
 * the shortest decimal among those that do).
 */
function longropeFit(pe: IdentifyHost, A: number, freqs: Float32Array, D: number): { factor: number; omp: number; base: number; ext: Float64Array } | null {
  if (!(A > 1)) return null;
  let best: { factor: number; omp: number } | null = null;
  for (const omp of CONTEXTS) {
    const raw = Math.exp((A * A - 1) * Math.log(omp));
    const factor = nice(raw, (v) => Math.abs(Math.sqrt(1 + Math.log(v) / Math.log(omp)) - A) <= UNIT_AMPLITUDE);
    if (countDigits(factor) > 3 || !(factor > 1)) continue;
    if (!best || countDigits(factor) < countDigits(best.factor)) best = { factor, omp };
  }
  if (!best) return null;
  const n = freqs.length;
  let pick: { base: number; digits: number } | null = null;
  for (const base of ROUND_BASES) {
    let digits = 0;
    for (let i = 0; i < n; i++) {
      const raw = 1 / (freqs[i] * base ** ((2 * i) / D));
      digits += countDigits(nice(raw, (v) => Math.abs(v - raw) <= 4 * 2 ** -23 * raw));
    }
    if (!pick || digits < pick.digits) pick = { base, digits };
  }
  // Short decimals (a config's list, ~3 digits each) rather than the float32 noise of another base.
  if (!pick || pick.digits > 4.5 * n) return null;
  const { base } = pick;
  const first = new Float32Array(n);
  for (let i = 0; i < n; i++) first[i] = 1 / (freqs[i] * base ** ((2 * i) / D));
  const found: number[][] = Array.from({ length: n }, () => []);
  for (const d of [0, -1, 1, -2, 2, -3, 3]) {
    const trial = Array.from(first, (e) => ulpStep(e, d));
    const scaling: RopeScaling = { type: 'longrope', shortFactor: trial, longFactor: trial, originalMaxPositionEmbeddings: best.omp, factor: best.factor };
    const inv = pe.ropeFrequencies({ dim: D, base, scaling, float32Angles: true }).invFreq;
    for (let i = 0; i < n; i++) if (inv[i] === freqs[i]) found[i].push(trial[i]);
  }
  const ext = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const shortest = (x: number) => nice(x, (v) => fr(v) === x);
    const opts = found[i].length ? found[i].map(shortest) : [shortest(first[i])];
    ext[i] = opts.reduce((x, y) => (countDigits(y) < countDigits(x) ? y : x));
  }
  return { ...best, base, ext };
}

/**
 * The cache's own float32 frequencies (and amplitude): seeded by the nearest closed form's
 * float32 frequencies (an ulp off where torch's pow is) and by the estimates refined by
 * Gauss–Newton over the whole table, each the best of its neighbours (±3 ulps) against the last
 * rows. Returns that hypothesis, the float64 chain's (the refined frequencies as they are, with
 * float64 angles) and, for LongRoPE, its closed form ({ base, scaling: 'longrope' });
 * the recovered one's family is LongRoPE's given the closed form's error (the caller measures it).
 * Null when the columns are no sinusoids (a learned table).
 */
export function recoverRope(pe: IdentifyHost, t: Table, est: RopeEstimate, near: Scored | null): { rec: Hypothesis; rec64: Hypothesis; closed: Hypothesis | null } | null {
  const { st } = est;
  const n = st.cols.length;
  const D = st.rotaryDim;
  const nearO = near ? (near.h.options as unknown as RopeCacheOptions) : null;
  const isSin = near ? near.h.kind === 'rope-sin' : est.off[0].isSin;
  const P = nearO ? nearO.offset : roundPosition(est.off[0].P);
  if (!Number.isInteger(P)) return null;
  const A = est.A;
  // Gauss–Newton rows: spread over the table, and the last ones.
  const gnRows = new Set<number>();
  const count = Math.min(t.rows, 256);
  for (let k = 0; k < count; k++) gnRows.add(Math.floor((k * (t.rows - 1)) / Math.max(1, count - 1)));
  for (let r = Math.max(0, t.rows - 32); r < t.rows; r++) gnRows.add(r);
  const gn = [...gnRows];
  const refined = new Float64Array(n);
  let misfit = 0;
  for (let i = 0; i < n; i++) {
    refined[i] = refineFreq(t, st.cols[i], est.w[i], A, P, isSin, gn);
    for (const r of gn) {
      const a = (P + r) * refined[i];
      misfit = Math.max(misfit, Math.abs(at(t, r, st.cols[i]) - A * (isSin ? Math.sin(a) : Math.cos(a))));
    }
  }
  if (misfit > 1e-3) return null;
  // A float64 chain's (angles p·ω in float64): the refined frequencies themselves, with the
  // amplitude refined by least squares over the same rows.
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    for (const r of gn) {
      const a = (P + r) * refined[i];
      const g = isSin ? Math.sin(a) : Math.cos(a);
      num += g * at(t, r, st.cols[i]);
      den += g * g;
    }
  }
  const A64 = A === 1 || !(den > 0) ? 1 : num / den;
  const options64: RopeCacheOptions = { layout: st.layout, rotaryDim: D, offset: P, frequencies: refined.slice() };
  const rec64: Hypothesis = {
    kind: isSin ? 'rope-sin' : 'rope-cos', options: options64 as unknown as Record<string, unknown>, knobs: 5,
    gen: (rows2, f32) => ropeCache(pe, t, options64, st.full, isSin, rows2, f32),
  };
  const seeds: Float64Array[] = [refined];
  if (nearO && nearO.base !== undefined && near!.err < 1e-3) {
    seeds.push(pe.ropeFrequencies({ dim: D, base: nearO.base, ...(nearO.scaling ? { scaling: nearO.scaling } : {}), ...(nearO.seqLen !== undefined ? { seqLen: nearO.seqLen } : {}), float32Angles: true }).invFreq);
  }
  // The last rows, where an ulp of ω shows most.
  const rows: number[] = [];
  for (let r = t.rows - 1; r >= 0 && rows.length < 24; r -= Math.max(1, Math.floor(t.rows / 97))) rows.push(r);
  const colResid = (i: number, w: number, a32: number) => {
    let e = 0;
    for (const r of rows) {
      const a = fr(fr(P + r) * w);
      e += Math.abs(fr(fr(isSin ? Math.sin(a) : Math.cos(a)) * a32) - at(t, r, st.cols[i]));
    }
    return e;
  };
  const freqs = new Float32Array(n);
  const pickFreqs = (a32: number) => {
    for (let i = 0; i < n; i++) {
      let best = fr(refined[i]);
      let bestE = Infinity;
      for (const s of seeds) {
        const w0 = fr(s[i]);
        if (!(w0 > 0)) continue;
        for (let d = -3; d <= 3; d++) {
          const w = ulpStep(w0, d);
          const e = colResid(i, w, a32);
          if (e < bestE) {
            bestE = e;
            best = w;
          }
        }
      }
      freqs[i] = best;
    }
  };
  let a32 = fr(A);
  pickFreqs(a32);
  if (A !== 1) {
    let bestE = Infinity;
    let bestA = a32;
    for (let d = -4; d <= 4; d++) {
      const a = ulpStep(fr(A), d);
      let e = 0;
      for (let i = 0; i < n; i++) e += colResid(i, freqs[i], a);
      if (e < bestE) {
        bestE = e;
        bestA = a;
      }
    }
    if (bestA !== a32) {
      a32 = bestA;
      pickFreqs(a32);
    }
  }
  const lr = A !== 1 ? longropeFit(pe, a32, freqs, D) : null;
  const nearFamily = near?.h.family ? near.h.family(near.err) : null;
  // The attention factor: a closed form's own value where it rounds to the float32 one, else the
  // shortest decimal that does.
  const closedA = [nearFamily?.attentionFactor, lr ? Math.sqrt(1 + Math.log(lr.factor) / Math.log(lr.omp)) : undefined];
  const attentionFactor = a32 === 1 ? 1 : closedA.find((v) => v !== undefined && fr(v) === a32) ?? nice(a32, (v) => fr(v) === a32);
  if (A64 !== 1) {
    const close = (v: number) => Math.abs(v - A64) <= 1e-8 * A64;
    options64.attentionFactor = closedA.find((v) => v !== undefined && close(v)) ?? nice(A64, close);
  }
  const options: RopeCacheOptions = {
    layout: st.layout, rotaryDim: D, offset: P, frequencies: freqs, ...(a32 !== 1 ? { attentionFactor } : {}),
  };
  const rec: Hypothesis = {
    kind: isSin ? 'rope-sin' : 'rope-cos', options: options as unknown as Record<string, unknown>, knobs: 5, f32Only: true,
    gen: (rows2, f32) => ropeCache(pe, t, options, st.full, isSin, rows2, f32),
  };
  if (nearFamily && nearFamily.maxError < 1e-3) rec.family = rec64.family = () => nearFamily;
  if (!lr) return { rec, rec64, closed: null };
  const ext = Array.from(lr.ext);
  const closedO: RopeCacheOptions = {
    base: lr.base, layout: st.layout, rotaryDim: D, offset: P,
    scaling: { type: 'longrope', shortFactor: ext, longFactor: ext, originalMaxPositionEmbeddings: lr.omp, factor: lr.factor },
  };
  const list = P + t.rows > lr.omp ? 'long' : 'short';
  const family = (err: number): IdentifiedFamily => ({
    name: 'longrope', base: lr.base, scaling: closedO.scaling!, maxError: err, attentionFactor,
    longrope: { factor: lr.factor, originalMaxPositionEmbeddings: lr.omp, factors: lr.ext, list },
    note: `LongRoPE: attention factor ${+attentionFactor.toPrecision(7)} = √(1 + ln ${lr.factor} / ln ${lr.omp}), per-pair factors relative to base ${lr.base} (its ${list}_factor list: ${list === 'long' ? 'more' : 'no more'} than ${lr.omp} positions); the closed form with them ${err <= MATCH ? 'regenerates the cache' : `is off by ${err.toExponential(1)} (options carry the cache's own frequencies)`}`,
  });
  const closed: Hypothesis = {
    kind: rec.kind, options: closedO as unknown as Record<string, unknown>, knobs: 6,
    gen: (rows2, f32) => ropeCache(pe, t, closedO, st.full, isSin, rows2, f32),
    family,
  };
  return { rec, rec64, closed };
}

/**
 * A rotary cache regenerated by pe.rope itself: rotating x = [1…1 | 0…0] ('halves') gives
 * [cos θ_i … | sin θ_i …] per position, rearranged into the cache's columns.
 */
export function ropeCache(pe: IdentifyHost, t: Table, o: RopeCacheOptions, full: string, isSin: boolean, rows: number[] | null, f32: boolean): FloatArray {
  const D = o.rotaryDim;
  const h = D / 2;
  const count = rows ? rows.length : t.rows;
  const x = t.f64 ? new Float64Array(count * D) : new Float32Array(count * D);
  for (let r = 0; r < count; r++) x.fill(1, r * D, r * D + h);
  const ro: Record<string, unknown> = { shape: [1, 1, count, D], rotaryDim: D, out: x };
  if (o.frequencies) {
    ro.frequencies = o.frequencies;
    if (o.attentionFactor !== undefined) ro.attentionFactor = o.attentionFactor;
  } else {
    ro.base = o.base;
    if (o.scaling) ro.scaling = o.scaling;
    if (o.seqLen !== undefined) ro.seqLen = o.seqLen;
  }
  if (rows) ro.positions = rows.map((r) => o.offset + r);
  else ro.offset = o.offset;
  if (f32) ro.float32Angles = true;
  pe.rope(x, ro as never);
  const out = t.f64 ? new Float64Array(count * t.dim) : new Float32Array(count * t.dim);
  const src = isSin ? h : 0;
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < h; i++) {
      const v = x[r * D + src + i];
      if (full === 'dup-halves') { out[r * t.dim + i] = v; out[r * t.dim + h + i] = v; }
      else if (full === 'dup-interleaved') { out[r * t.dim + 2 * i] = v; out[r * t.dim + 2 * i + 1] = v; }
      else out[r * t.dim + i] = v;
    }
  }
  return out;
}
