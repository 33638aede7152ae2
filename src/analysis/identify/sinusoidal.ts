// Hypotheses for 1-D sinusoidal tables: structures (layout, odd column, pad row), schedules estimated
// from them, the preset calls with the fewest knobs, and torch float32 frequencies recovered.

import { PRESETS } from '../../sinusoidal/index.js';
import type { FloatArray } from '../../core/types.js';
import type { Preset } from '../../sinusoidal/index.js';
import { geomFit, ladder, phaseDev, phaseFreq, roundPosition, startFromPhases } from './estimate.js';
import { type Hypothesis, type IdentifyHost, LOOSE, MATCH, type Scored, TIGHT, type Table, at, bitsKey, optionsKey, fr, knob, nice, nices, scratch } from './table.js';

// ---- 1-D sinusoidal tables --------------------------------------------------------------------------------

export type Sched = { type: 'paper'; base: number } | { type: 'timescale'; min: number; max: number };

export interface Structure1d {
  layout: 'interleaved' | 'halves';
  odd: 'sin' | 'zero' | null;
  /** (sin column, cos column) of frequency i. */
  pairs: [number, number][];
  /** The extra sin column (odd 'sin'), −1 for none. */
  extra: number;
}

export function structures1d(dim: number): Structure1d[] {
  const half = Math.floor(dim / 2);
  const out: Structure1d[] = [];
  for (const layout of ['interleaved', 'halves'] as const) {
    for (const odd of dim % 2 ? (['sin', 'zero'] as const) : [null]) {
      const n = odd === 'sin' ? Math.ceil(dim / 2) : half;
      const pairs: [number, number][] = [];
      for (let i = 0; i < half; i++) pairs.push(layout === 'halves' ? [i, n + i] : [2 * i, 2 * i + 1]);
      const extra = odd === 'sin' ? (layout === 'halves' ? n - 1 : dim - 1) : -1;
      out.push({ layout, odd, pairs, extra });
    }
  }
  return out;
}

export function unitCircleError(t: Table, pairs: [number, number][], rows: number[]): number {
  let m = 0;
  for (const r of rows) {
    for (const [s, c] of pairs) {
      const u = at(t, r, s) ** 2 + at(t, r, c) ** 2 - 1;
      if (!(Math.abs(u) <= m)) m = Math.abs(u);
    }
  }
  return m;
}

export function structureOk(t: Table, st: Structure1d, rows: number[]): boolean {
  if (st.pairs.length === 0 || unitCircleError(t, st.pairs, rows) > 0.05) return false;
  if (st.odd === 'zero') return rows.every((r) => Math.abs(at(t, r, t.dim - 1)) < 1e-3);
  if (st.odd === 'sin') return rows.some((r) => Math.abs(at(t, r, st.extra)) > 1e-3);
  return true;
}

export interface Estimate1d {
  w: Float64Array;
  phi: Float64Array;
  /** Row the phases refer to. */
  r0: number;
  /** Position of row 0. */
  start: number;
  /** Indices of the frequencies that follow the fitted schedule. */
  inliers: number[];
  fit: { c: number; s: number } | null;
  span: number;
}

export function estimate1d(t: Table, st: Structure1d): Estimate1d {
  const valid = (r: number) => !t.zeroRow[r];
  const { steps, finals } = ladder(t.rows, valid);
  const n = st.pairs.length;
  const w = new Float64Array(n);
  const phi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [s, c] = st.pairs[i];
    const e = phaseFreq((r) => Math.atan2(at(t, r, s), at(t, r, c)), steps, finals);
    w[i] = e.w;
    phi[i] = e.phi0;
  }
  const all = Array.from({ length: n }, (_, i) => i);
  const fit = geomFit(w, all);
  const inliers = fit && Number.isFinite(fit.s)
    ? all.filter((i) => w[i] > 0 && Math.abs(Math.log(w[i]) - (fit.c + i * fit.s)) < 0.02)
    : all.filter((i) => w[i] > 0);
  const r0 = steps.length ? steps[0] : 0;
  const P = startFromPhases(w, phi, inliers);
  const start = roundPosition(P - r0);
  return { w, phi, r0, start, inliers, fit, span: Math.max(Math.abs(start), Math.abs(start + t.rows)) + 1 };
}

/** The preset calls (fewest knobs each) that describe a 1-D structure with a schedule. */
export function presetCalls(t: Table, st: Structure1d, sched: Sched, start: number, padPos: number | null): { options: Record<string, unknown>; knobs: number }[] {
  const out: { options: Record<string, unknown>; knobs: number }[] = [];
  const dim = t.dim;
  const half = Math.floor(dim / 2);
  for (const preset of ['vaswani', 'marian', 'whisper', 'fairseq', 'tensor2tensor'] as Preset[]) {
    const def = PRESETS[preset];
    const o: Record<string, unknown> = { preset };
    let knobs = 0;
    if (def.layout !== st.layout) { o.layout = st.layout; knobs++; }
    if (def.schedule !== sched.type) { o.schedule = sched.type; knobs++; }
    if (sched.type === 'paper') {
      if (sched.base !== def.base) { o.base = sched.base; knobs += knob(sched.base); }
    } else {
      if (!def.guard && half < 2) continue;
      if (sched.min !== def.minTimescale) { o.minTimescale = sched.min; knobs += knob(sched.min); }
      if (sched.max !== def.maxTimescale) { o.maxTimescale = sched.max; knobs += knob(sched.max); }
    }
    if (st.odd !== null && st.odd !== def.odd) { o.odd = st.odd; knobs++; }
    let pad: number | null = def.paddingIdx;
    if (padPos !== null) {
      if (!Number.isInteger(padPos) || padPos < 0) continue;
      if (pad !== padPos) { o.paddingIdx = padPos; knobs++; pad = padPos; }
    } else if (pad !== null && Number.isInteger(start) && pad >= start && pad < start + t.rows) {
      o.paddingIdx = null;
      knobs++;
      pad = null;
    }
    const offset = start - (pad === null ? 0 : pad + 1);
    if (offset !== 0) { o.offset = offset; knobs++; }
    out.push({ options: o, knobs });
  }
  return out;
}

export function sinusoidalHyp(pe: IdentifyHost, t: Table, options: Record<string, unknown>, knobs: number, f32Only = false, structure?: string): Hypothesis {
  const dtype = t.f64 ? 'float64' : 'float32';
  // One structure (layout, odd column, positions, pad row) and the same frequencies: one table.
  const key = structure === undefined ? undefined : (f32: boolean) => {
    try {
      return `${structure}|${f32 ? 'f32' : 'f64'}|${bitsKey(pe.frequencies({ ...options, dim: t.dim, ...(f32 ? { float32Angles: true } : {}) } as never))}`;
    } catch {
      return `${optionsKey('sinusoidal', options)}|${f32}`;
    }
  };
  return {
    kind: 'sinusoidal', options, knobs, f32Only, key,
    gen(rows, f32) {
      const o: Record<string, unknown> = { ...options, dim: t.dim, dtype };
      if (f32) o.float32Angles = true;
      if (rows) {
        // Formula positions of the sample rows (the pad position stays zero through `positions`).
        const def = PRESETS[(options.preset as Preset) ?? 'vaswani'];
        const pad = options.paddingIdx === undefined ? def.paddingIdx : (options.paddingIdx as number | null);
        const first = (pad === null ? 0 : pad + 1) + ((options.offset as number) ?? 0);
        delete o.offset;
        o.positions = rows.map((r) => first + r);
      } else {
        o.length = t.rows;
        o.out = scratch(t);
      }
      return pe.sinusoidal(o as never) as FloatArray;
    },
  };
}

export function hypotheses1d(pe: IdentifyHost, t: Table, sample: number[]): { hyps: Hypothesis[]; recover: (best: Scored) => Hypothesis | null } {
  const hyps: Hypothesis[] = [];
  const validSample = sample.filter((r) => !t.zeroRow[r]);
  const zeros: number[] = [];
  for (let r = 0; r < t.rows; r++) if (t.zeroRow[r]) zeros.push(r);
  const structures = new Map<Hypothesis, { st: Structure1d; est: Estimate1d }>();
  for (const st of structures1d(t.dim)) {
    if (validSample.length === 0 || !structureOk(t, st, validSample)) continue;
    const est = estimate1d(t, st);
    const { w, fit, inliers, start, span } = est;
    if (!fit) continue;
    const n = st.pairs.length;
    const half = Math.floor(t.dim / 2);
    const padPos = zeros.length === 1 && t.rows > 1 ? start + zeros[0] : null;
    const scheds: Sched[] = [];
    const w0 = Math.exp(fit.c);
    const dev = (pred: (i: number) => number) => phaseDev(pred, w, inliers, span);
    const slope = Number.isFinite(fit.s) ? fit.s : -(2 / t.dim) * Math.log(10000);
    if (Math.abs(w0 - 1) * span <= LOOSE) {
      const bases = n === 1 ? [10000] : nices(Math.exp((-slope * t.dim) / 2), (b) => dev((i) => b ** ((-2 * i) / t.dim)), 10000);
      for (const base of bases) scheds.push({ type: 'paper', base });
    }
    if (half >= 2) {
      for (const min of nices(w0, (m) => Math.abs(m - w0) * span, 1)) {
        const maxs = nices(min * Math.exp(-slope * (half - 1)), (M) => dev((i) => min * Math.exp((-i * Math.log(M / min)) / (half - 1))), 10000);
        for (const max of maxs) scheds.push({ type: 'timescale', min, max });
      }
    }
    if (t.dim === 2) {
      const omega = nice(w[0], (v) => Math.abs(v - w[0]) * span <= TIGHT);
      const h = sinusoidalHyp(pe, t, { preset: 'seed', omega, ...(start !== 0 ? { offset: start } : {}) }, start !== 0 ? 2 : 1);
      hyps.push(h);
      structures.set(h, { st, est });
    }
    for (const sched of scheds) {
      for (const { options, knobs } of presetCalls(t, st, sched, start, padPos)) {
        const h = sinusoidalHyp(pe, t, options, knobs, false, JSON.stringify([st.layout, st.odd, start, padPos]));
        hyps.push(h);
        structures.set(h, { st, est });
      }
    }
  }
  const recover = (best: Scored): Hypothesis | null => {
    const s = structures.get(best.h);
    if (!s || best.err <= MATCH || best.h.options.preset === 'seed') return null;
    return recoverFrequencies(pe, t, s.st, s.est, best.h);
  };
  return { hyps, recover };
}

/**
 * The table's own float32 frequencies (torch's float32 exp/pow, off the closed form by an ulp
 * here and there): each estimate rounded to float32, then the best of its neighbours (±2 ulps)
 * against the last rows, where an ulp of ω shows most.
 */
export function recoverFrequencies(pe: IdentifyHost, t: Table, st: Structure1d, est: Estimate1d, h: Hypothesis): Hypothesis | null {
  const { start } = est;
  if (!Number.isInteger(start)) return null;
  const n = st.pairs.length + (st.extra >= 0 ? 1 : 0);
  const rows: number[] = [];
  for (let r = t.rows - 1; r >= 0 && rows.length < 24; r -= Math.max(1, Math.floor(t.rows / 97))) if (!t.zeroRow[r]) rows.push(r);
  const freqs = new Float32Array(n);
  const f32bits = new Float32Array(1);
  const u32 = new Uint32Array(f32bits.buffer);
  const resid = (w: number, cols: [number, 's' | 'c'][]) => {
    let e = 0;
    for (const r of rows) {
      const a = fr(fr(start + r) * w);
      for (const [col, f] of cols) e += Math.abs(fr(f === 's' ? Math.sin(a) : Math.cos(a)) - at(t, r, col));
    }
    return e;
  };
  const refine = (w0: number, cols: [number, 's' | 'c'][], reach: number) => {
    f32bits[0] = w0;
    const base = u32[0];
    let best = fr(w0);
    let bestE = Infinity;
    for (let d = -reach; d <= reach; d++) {
      u32[0] = base + d;
      const w = f32bits[0];
      const e = resid(w, cols);
      if (e < bestE) {
        bestE = e;
        best = w;
      }
    }
    return best;
  };
  for (let i = 0; i < st.pairs.length; i++) freqs[i] = refine(est.w[i], [[st.pairs[i][0], 's'], [st.pairs[i][1], 'c']], 2);
  if (st.extra >= 0) {
    const i = n - 1;
    const guess = est.fit ? Math.exp(est.fit.c + i * est.fit.s) : est.w[i - 1];
    freqs[i] = refine(guess, [[st.extra, 's']], 16);
  }
  const options: Record<string, unknown> = { ...h.options };
  for (const k of ['base', 'schedule', 'minTimescale', 'maxTimescale']) delete options[k];
  options.frequencies = freqs;
  return sinusoidalHyp(pe, t, options, h.knobs + 1, true);
}
