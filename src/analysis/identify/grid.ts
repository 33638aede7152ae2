// Hypotheses for 2-D sin-cos tables: the four block placements of the presets, grids with or
// without a cls row.

import { isFloat64Array } from '../../core/options.js';
import type { FloatArray } from '../../core/types.js';
import type { Preset2d } from '../../grid/index.js';
import { geomFit, ladder, phaseDev, phaseFreq } from './estimate.js';
import { sampleRows } from './regenerate.js';
import { unitCircleError } from './sinusoidal.js';
import { type Hypothesis, type IdentifyHost, type Table, at, knob, nices } from './table.js';

// ---- 2-D tables -------------------------------------------------------------------------------------------

export const PLACEMENTS: { presets: [Preset2d, 'K' | 'K-1'][]; r: [number, number]; c: [number, number] }[] = [
  { presets: [['mae', 'K'], ['bigvision', 'K-1']], c: [0, 1], r: [2, 3] },
  { presets: [['mocov3', 'K'], ['tensor2tensor', 'K-1']], r: [0, 1], c: [2, 3] },
  { presets: [['timm', 'K']], r: [0, 2], c: [1, 3] },
];

export function grids(t: Table, grid: [number, number] | null): { cls: boolean; H: number; W: number }[] {
  if (grid) return [{ cls: grid[0] * grid[1] + 1 === t.rows, H: grid[0], W: grid[1] }];
  const out: { cls: boolean; H: number; W: number }[] = [];
  for (const cls of t.zeroRow[0] && t.rows > 1 ? [true, false] : [false]) {
    const tokens = t.rows - (cls ? 1 : 0);
    const s = Math.round(Math.sqrt(tokens));
    if (s * s === tokens && s >= 2) out.push({ cls, H: s, W: s });
  }
  return out;
}

export function hypotheses2d(pe: IdentifyHost, t: Table, grid: [number, number] | null): Hypothesis[] {
  const hyps: Hypothesis[] = [];
  const dim = t.dim;
  if (dim < 4) return hyps;
  for (const { cls, H, W } of grids(t, grid)) {
    const first = cls ? 1 : 0;
    const tokens = H * W;
    const sampleTokens = sampleRows(tokens).map((n) => n + first);
    for (const pl of PLACEMENTS) {
      const presets = pl.presets.filter(([p]) => (p === 'tensor2tensor' ? dim >= 8 : dim % 4 === 0 && (p !== 'bigvision' || dim >= 8)));
      if (presets.length === 0) continue;
      const K = Math.floor(dim / 4);
      const pairsR: [number, number][] = [];
      const pairsC: [number, number][] = [];
      for (let k = 0; k < K; k++) {
        pairsR.push([pl.r[0] * K + k, pl.r[1] * K + k]);
        pairsC.push([pl.c[0] * K + k, pl.c[1] * K + k]);
      }
      if (unitCircleError(t, [...pairsR, ...pairsC], sampleTokens) > 0.05) continue;
      // Token (0, 1) has row angle 0: sin 0, cos 1 in every row-axis pair.
      if (W > 1 && pairsR.some(([s, c]) => Math.abs(at(t, first + 1, s)) > 0.05 || Math.abs(at(t, first + 1, c) - 1) > 0.05)) continue;
      const axisFreqs = (pairs: [number, number][], count: number, rowOf: (i: number) => number) => {
        const { steps, finals } = ladder(count, () => true);
        return pairs.map(([s, c]) => phaseFreq((i) => Math.atan2(at(t, rowOf(i), s), at(t, rowOf(i), c)), steps, finals).w);
      };
      const wc = W > 1 ? axisFreqs(pairsC, W, (c) => first + c) : null;
      const wr = H > 1 ? axisFreqs(pairsR, H, (r) => first + r * W) : null;
      const w = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        const a = wc ? (W - 1) ** 2 : 0;
        const b = wr ? (H - 1) ** 2 : 0;
        w[k] = ((wc ? wc[k] * a : 0) + (wr ? wr[k] * b : 0)) / (a + b);
      }
      const all = Array.from({ length: K }, (_, k) => k);
      const fit = geomFit(w, all);
      if (!fit) continue;
      const span = Math.max(H, W);
      const inliers = Number.isFinite(fit.s) ? all.filter((k) => w[k] > 0 && Math.abs(Math.log(w[k]) - (fit.c + k * fit.s)) < 0.02) : all;
      for (const [preset, den] of presets) {
        const d = den === 'K' ? K : K - 1;
        const Traw = Number.isFinite(fit.s) ? Math.exp(-fit.s * d) : 10000;
        for (const T of nices(Traw, (v) => phaseDev((k) => v ** (-k / d), w, inliers, span), 10000)) {
        const options: Record<string, unknown> = { preset, height: H, width: W };
        let knobs = 0;
        if (T !== 10000) { options.temperature = T; knobs += knob(T); }
        if (cls !== (preset === 'mocov3')) knobs++;
        options.clsToken = cls;
        const dtype = t.f64 ? 'float64' : 'float32';
        hyps.push({
          kind: 'sincos2d', options, knobs,
          gen(rows, f32) {
            const full = pe.sincos2d({ ...options, dim, dtype, ...(f32 ? { float32Angles: true } : {}) } as never) as FloatArray;
            return rows ? pick(full, rows, dim) : full;
          },
        });
        }
      }
    }
  }
  return hyps;
}

export function pick(full: FloatArray, rows: number[], dim: number): FloatArray {
  const out = isFloat64Array(full) ? new Float64Array(rows.length * dim) : new Float32Array(rows.length * dim);
  rows.forEach((r, k) => out.set(full.subarray(r * dim, (r + 1) * dim), k * dim));
  return out;
}
