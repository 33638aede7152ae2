// Benchmark cases of 3-D video grids, in the case format of ./cases/index.mjs:
// pe.sincos3d for CogVideoX-2b's latent grid (13 frames × 30 × 45 patches, dim 1920, spatial
// scale 1.875: a 135 MB float32 table). posenc's rows (module tensor, into a given Float32Array,
// new array, scalar wasm, the js backend) with the copy and allocation references.
import { allocImpl, copyImpl, posencImpls } from './lib/impls.mjs';

/** Float64 model of diffusers get_3d_sincos_pos_embed (float32 positions, float64 angles). */
function grid3dReference64(F, H, W, D, ts, ss) {
  const axis = (K, n, s) => {
    const w = Float64Array.from({ length: K }, (_, k) => 1 / Math.pow(10000, k / K));
    const v = new Float64Array(n * 2 * K);
    for (let i = 0; i < n; i++) {
      const p = Math.fround(i / Math.fround(s));
      for (let k = 0; k < K; k++) {
        v[i * 2 * K + k] = Math.sin(p * w[k]);
        v[i * 2 * K + K + k] = Math.cos(p * w[k]);
      }
    }
    return v;
  };
  const [Kt, Ks] = [D / 8, (3 * D) / 16];
  const [t, r, c] = [axis(Kt, F, ts), axis(Ks, H, ss), axis(Ks, W, ss)];
  const out = new Float64Array(F * H * W * D);
  for (let f = 0, o = 0; f < F; f++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++, o += D) {
        out.set(t.subarray(f * 2 * Kt, (f + 1) * 2 * Kt), o);
        out.set(c.subarray(x * 2 * Ks, (x + 1) * 2 * Ks), o + 2 * Kt);
        out.set(r.subarray(y * 2 * Ks, (y + 1) * 2 * Ks), o + 2 * Kt + 2 * Ks);
      }
    }
  }
  return out;
}

export function grid3dCase(F, H, W, D, { ts = 1, ss = 1.875, reps = 1 } = {}) {
  const n = F * H * W * D;
  return {
    id: `sincos3d cogvideox ${F}x${H}x${W}x${D}`, group: 'sincos3d',
    title: `sincos3d cogvideox float32 ${F}×${H}×${W} grid, dim ${D}, spatial scale ${ss}`, shape: [F * H * W, D],
    elements: n, bytes: n * 4, reps,
    tolerance: 2 ** -22,
    build(ctx) {
      const call = (pe, _x, out) => pe.sincos3d({ frames: F, height: H, width: W, dim: D, temporalInterpolationScale: ts, spatialInterpolationScale: ss, out });
      return {
        reference: grid3dReference64(F, H, W, D, ts, ss),
        impls: [...posencImpls(ctx, { x: null, outLength: n, call }), copyImpl(n), allocImpl(n)],
        notes: ['each frame, row and column encoded once, then rows concatenated'],
      };
    },
  };
}

export function grid3dCases({ quick }) {
  return [quick ? grid3dCase(4, 30, 45, 1920) : grid3dCase(13, 30, 45, 1920)];
}
