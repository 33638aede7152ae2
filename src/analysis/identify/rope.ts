// Hypotheses for rotary cos/sin caches: pairing and rotary width from repeated columns, the
// offset, base and scaling (linear, Llama 3) from the estimated frequencies.

import type { RopeCacheOptions } from '../types.js';
import type { FloatArray } from '../../core/types.js';
import type { RopeScaling } from '../../rope/index.js';
import { chebyshevFreq, geomFit, phaseDev, roundPosition } from './estimate.js';
import { sampleRows } from './regenerate.js';
import { type Hypothesis, type IdentifyHost, LOOSE, TIGHT, TWO_PI, type Table, at, countDigits, nice, nices } from './table.js';

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

/** Offset P (position of row 0) of cos or sin columns with frequencies w (lowest first), and its fit. */
export function ropeOffset(t: Table, cols: number[], w: Float64Array, isSin: boolean): { P: number; err: number } {
  const order = cols.map((_, i) => i).filter((i) => w[i] > 0).sort((x, y) => w[x] - w[y]);
  if (order.length === 0 || t.rows < 2) return { P: 0, err: Infinity };
  const cands = (v: number) => {
    const c = Math.max(-1, Math.min(1, v));
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
      err = Math.max(err, Math.abs((isSin ? Math.sin(x) : Math.cos(x)) - at(t, r, cols[i])));
    }
  }
  return { P, err };
}

export const OLD_CONTEXTS = [8192, 4096, 2048, 16384, 32768, 65536, 131072, 1024];

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

export function hypothesesRope(pe: IdentifyHost, t: Table, sample: number[], allowHalf: boolean): Hypothesis[] {
  if (t.rows < 3) return [];
  const st = ropeStructure(t, sample);
  if (st.full === 'half' && !allowHalf) return [];
  const n = st.cols.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = chebyshevFreq((r) => at(t, r, st.cols[i]), t.rows);
  const span = t.rows + 1;
  // Unscaled schedule from the highest frequencies (Llama 3 keeps them; linear divides all).
  const headIdx = Array.from({ length: Math.max(2, Math.floor(n / 4)) }, (_, i) => i).filter((i) => i < n);
  const fit = geomFit(w, headIdx);
  if (!fit) return [];
  const D = st.rotaryDim;
  const slope = Number.isFinite(fit.s) ? fit.s : (-2 / D) * Math.log(10000);
  const factorRaw = 1 / Math.exp(fit.c);
  const linear = nice(factorRaw, (f) => Math.abs(1 / f - w[0]) * span <= LOOSE);
  const hyps: Hypothesis[] = [];
  for (const base of nices(Math.exp((-slope * D) / 2), (b) => phaseDev((i) => b ** (-2 * i / D) / linear, w, headIdx, span), 10000)) {
    hyps.push(...ropeHyps(pe, t, st, w, base, linear, span));
  }
  return hyps;
}

export function ropeHyps(pe: IdentifyHost, t: Table, st: ReturnType<typeof ropeStructure>, w: Float64Array, base: number, linear: number, span: number): Hypothesis[] {
  const n = st.cols.length;
  const D = st.rotaryDim;
  const unscaled = (i: number) => base ** (-2 * i / D);
  const all = Array.from({ length: n }, (_, i) => i);
  const scalings: (RopeScaling | undefined)[] = [];
  if (phaseDev((i) => unscaled(i) / linear, w, all, span) <= LOOSE * 10 || n < 4) {
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
  const off = [false, true].map((isSin) => ({ isSin, ...ropeOffset(t, st.cols, w, isSin) }));
  const hyps: Hypothesis[] = [];
  for (const { isSin, P } of off.sort((x, y) => x.err - y.err)) {
    const offset = roundPosition(P);
    for (const scaling of scalings) {
      const options: RopeCacheOptions = { base, layout: st.layout, rotaryDim: D, ...(scaling ? { scaling } : {}), offset };
      const knobs = (base !== 10000 ? 1 : 0) + (scaling ? 1 : 0) + (offset !== 0 ? 1 : 0) + (st.layout !== 'halves' ? 1 : 0);
      hyps.push({
        kind: isSin ? 'rope-sin' : 'rope-cos', options: options as unknown as Record<string, unknown>, knobs,
        gen: (rows, f32) => ropeCache(pe, t, options, st.full, isSin, rows, f32),
      });
    }
  }
  return hyps;
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
  const ro: Record<string, unknown> = { shape: [1, 1, count, D], base: o.base, rotaryDim: D, out: x };
  if (o.scaling) ro.scaling = o.scaling;
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
