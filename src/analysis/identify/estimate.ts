// Parameter estimation: frequencies from the phases of a few rows (or, for caches of one function,
// from v(r+k) + v(r−k) = 2·cos(kω)·v(r)), geometric fits of a schedule, and the first position.

import { TWO_PI, wrap } from './table.js';

// ---- frequency estimation ---------------------------------------------------------------------------------

/** Indices i0 < i1 < … at distances 1, 2, 4, … from the first, and a few near the end; `ok` filters. */
export function ladder(count: number, ok: (i: number) => boolean): { steps: number[]; finals: number[] } {
  let i0 = 0;
  while (i0 < count && !ok(i0)) i0++;
  const steps: number[] = [];
  if (i0 >= count) return { steps, finals: [] };
  steps.push(i0);
  for (let d = 1; i0 + d < count; d *= 2) {
    let i = i0 + d;
    while (i < count && !ok(i)) i++;
    if (i < count && i > steps[steps.length - 1]) steps.push(i);
  }
  const finals: number[] = [];
  const stride = Math.max(1, Math.floor(count / 64));
  for (let i = count - 1; i > i0 && finals.length < 8; i -= stride) if (ok(i)) finals.push(i);
  return { steps, finals };
}

/**
 * ω and the phase at steps[0] of a sinusoid given its phase at indices (unwrapped along the
 * ladder, then averaged over the final indices).
 */
export function phaseFreq(phase: (i: number) => number, steps: number[], finals: number[]): { w: number; phi0: number } {
  const i0 = steps[0];
  const t0 = phase(i0);
  if (steps.length < 2) return { w: 0, phi0: t0 };
  let w = wrap(phase(steps[1]) - t0) / (steps[1] - i0);
  const unwrapped = (i: number) => {
    const d = i - i0;
    const obs = phase(i) - t0;
    return obs + TWO_PI * Math.round((w * d - obs) / TWO_PI);
  };
  for (let k = 2; k < steps.length; k++) w = unwrapped(steps[k]) / (steps[k] - i0);
  let num = 0;
  let den = 0;
  for (const i of finals) {
    if (i - i0 < (steps[steps.length - 1] - i0) / 2) continue;
    num += unwrapped(i);
    den += i - i0;
  }
  if (den > 0) w = num / den;
  return { w, phi0: t0 };
}

/**
 * ω ∈ [0, π] of a column v(r) = A·cos(rω + φ) (any φ: cos and sin caches, any offset), from
 * v(r+k) + v(r−k) = 2cos(kω)·v(r) at k = 1, 8, 64, … (each k resolving the aliasing of the next).
 */
export function chebyshevFreq(v: (r: number) => number, rows: number): number {
  const cosK = (k: number) => {
    const centers = Math.min(48, rows - 2 * k);
    let num = 0;
    let den = 0;
    for (let c = 0; c < centers; c++) {
      const r = k + Math.floor((c * (rows - 1 - 2 * k)) / Math.max(1, centers - 1));
      const x = v(r);
      num += x * (v(r + k) + v(r - k));
      den += 2 * x * x;
    }
    return den > 0 ? Math.max(-1, Math.min(1, num / den)) : 1;
  };
  if (rows < 3) return 0;
  let w = Math.acos(cosK(1));
  const kmax = Math.floor((rows - 9) / 2);
  const refine = (k: number) => {
    const a = Math.acos(cosK(k));
    const pred = w * k;
    let best = a;
    let bestD = Infinity;
    for (const s of [a, -a]) {
      const m = Math.round((pred - s) / TWO_PI);
      const c = s + TWO_PI * m;
      if (Math.abs(c - pred) < bestD) {
        bestD = Math.abs(c - pred);
        best = c;
      }
    }
    w = Math.abs(best) / k;
  };
  let k = 8;
  for (; k < kmax; k *= 8) refine(k);
  if (kmax > 1) {
    // The last step at the k (near kmax) where cos(kω) is best conditioned.
    let bestK = kmax;
    let bestS = -1;
    for (let j = 0; j < 6; j++) {
      const kk = Math.max(2, Math.floor(kmax * (1 - j / 12)));
      const s = Math.abs(Math.sin(kk * w));
      if (s > bestS) {
        bestS = s;
        bestK = kk;
      }
    }
    refine(bestK);
  }
  return w;
}

/** ln ω_i ≈ c + i·s over the given indices, weighted by ω_i² (relative precision grows with ω). */
export function geomFit(w: ArrayLike<number>, idx: number[]): { c: number; s: number } | null {
  const pts = idx.filter((i) => w[i] > 0 && Number.isFinite(w[i]));
  if (pts.length === 0) return null;
  if (pts.length === 1) return { c: Math.log(w[pts[0]]), s: NaN };
  // Robust start: median step and intercept, then weighted least squares on the inliers.
  const steps: number[] = [];
  for (let k = 1; k < pts.length; k++) steps.push((Math.log(w[pts[k]]) - Math.log(w[pts[k - 1]])) / (pts[k] - pts[k - 1]));
  steps.sort((x, y) => x - y);
  let s = steps[Math.floor(steps.length / 2)];
  const icpt = pts.map((i) => Math.log(w[i]) - i * s).sort((x, y) => x - y);
  let c = icpt[Math.floor(icpt.length / 2)];
  for (let iter = 0; iter < 2; iter++) {
    let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const i of pts) {
      const y = Math.log(w[i]);
      if (Math.abs(y - (c + i * s)) > 0.05) continue;
      const q = w[i] * w[i];
      sw += q; sx += q * i; sy += q * y; sxx += q * i * i; sxy += q * i * y;
    }
    const det = sw * sxx - sx * sx;
    if (sw === 0 || Math.abs(det) < 1e-300) break;
    s = (sw * sxy - sx * sy) / det;
    c = (sy - s * sx) / sw;
  }
  return { c, s };
}

/** Max phase error at `span` of predicted frequencies against estimated ones. */
export function phaseDev(pred: (i: number) => number, est: ArrayLike<number>, idx: number[], span: number): number {
  let m = 0;
  for (const i of idx) m = Math.max(m, Math.abs(pred(i) - est[i]) * span);
  return m;
}

/**
 * The position P at index i0 from phases φ_i = P·ω_i (mod 2π): from the lowest frequency up, each
 * step choosing the turn count that agrees with the last estimate. Beyond half a turn of the lowest
 * frequency the start is ambiguous: then the turn counts of the lowest one are searched (up to
 * ±2000 turns) for the position that fits every phase.
 */
export function startFromPhases(w: ArrayLike<number>, phi: ArrayLike<number>, idx: number[]): number {
  const order = idx.filter((i) => w[i] > 0).sort((x, y) => w[x] - w[y]);
  if (order.length === 0) return 0;
  const lo = order[0];
  const refine = (P0: number) => {
    let P = P0;
    for (const i of order.slice(1)) {
      const m = Math.round((P * w[i] - phi[i]) / TWO_PI);
      P = (phi[i] + TWO_PI * m) / w[i];
    }
    return P;
  };
  const misfit = (P: number) => order.reduce((m, i) => Math.max(m, Math.abs(wrap(P * w[i] - phi[i]))), 0);
  let best = refine(wrap(phi[lo]) / w[lo]);
  let bestE = misfit(best);
  for (let turn = 1; turn <= 2000 && bestE > 0.1; turn++) {
    for (const t of [turn, -turn]) {
      const P = refine((wrap(phi[lo]) + TWO_PI * t) / w[lo]);
      const e = misfit(P);
      if (e < bestE) {
        bestE = e;
        best = P;
      }
    }
  }
  return best;
}

export function roundPosition(P: number): number {
  const r = Math.round(P);
  // (+ 0: a position just below 0 rounds to −0, which prints and compares as a different value)
  return Math.abs(P - r) < 1e-3 ? r + 0 : Number(P.toPrecision(9));
}
