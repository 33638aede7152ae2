// js twin of assembly/grid3d.ts: sin/cos of each frame, row and column position computed once
// (Math.sin/Math.cos in float64, rounded once on store), then laid out token by token.

import type { Grid3dPlan } from './grid3d.js';
import type { FloatArray } from '../core/types.js';
import { axisValues } from './grid2d-js.js';

export function sincos3dJs(plan: Grid3dPlan, out: FloatArray): void {
  const { frames: F, height: H, width: W, dim, axisT, axisS } = plan;
  if (plan.rows === 0) return;
  const Kt = axisT.freqs.length;
  const Ks = axisS.freqs.length;
  const vt = axisValues(axisT, F, plan.posT);
  const vr = axisValues(axisS, H, plan.posR);
  const vc = axisValues(axisS, W, plan.posC);
  // Columns: [sin t | cos t | sin c | cos c | sin r | cos r].
  const cS = 2 * Kt;
  const rS = 2 * Kt + 2 * Ks;
  for (let f = 0, o = 0; f < F; f++) {
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++, o += dim) {
        for (let k = 0; k < Kt; k++) {
          out[o + k] = vt.s[f * Kt + k];
          out[o + Kt + k] = vt.c[f * Kt + k];
        }
        for (let k = 0; k < Ks; k++) {
          out[o + cS + k] = vc.s[c * Ks + k];
          out[o + cS + Ks + k] = vc.c[c * Ks + k];
          out[o + rS + k] = vr.s[r * Ks + k];
          out[o + rS + Ks + k] = vr.c[r * Ks + k];
        }
      }
    }
  }
}
