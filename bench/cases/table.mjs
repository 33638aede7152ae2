// Sinusoidal tables (vaswani, float32): posenc's three memory modes, its scalar and js backends,
// tfjs (wasm, cpu), onnxruntime-web, numpy (child process), the copy and the allocation.
import { allocImpl, copyImpl, posencImpls } from '../lib/impls.mjs';
import { vaswaniFreqs, vaswaniTable64 } from '../lib/reference.mjs';
import { onnxTableImpls } from '../peers/onnx.mjs';
import { numpyTableImpls } from '../peers/numpy.mjs';
import { tfjsTableImpls } from '../peers/tfjs.mjs';

/** One table case. `reps`: calls per sample (tiny sizes); `peers: false` leaves the peers out. */
export function tableCase(length, dim, { reps = 1, group = 'table', id = `table ${length}x${dim}`, alloc = true } = {}) {
  return {
    id, group, title: `table float32 ${length}×${dim}`, shape: [length, dim],
    elements: length * dim, bytes: length * dim * 4, reps,
    // Peers round p·ω in float32: the angle's error grows with the largest position.
    tolerance: 4 * length * 2 ** -24 + 2 ** -20,
    numpyShape: [length, dim],
    build(ctx) {
      const spec = { length, dim, freqs32: Float32Array.from(vaswaniFreqs(dim)) };
      const call = (pe, _x, out) => pe.sinusoidal({ length, dim, out });
      return {
        reference: vaswaniTable64(length, dim),
        impls: [
          ...posencImpls(ctx, { x: null, outLength: length * dim, call }),
          ...tfjsTableImpls(ctx.tfjs, spec),
          ...onnxTableImpls(ctx.onnx, spec),
          ...numpyTableImpls(ctx.numpy, spec),
          copyImpl(length * dim),
          ...(alloc ? [allocImpl(length * dim)] : []),
          ...(group === 'table' ? ctx.ceiling ?? [] : []),
        ],
        notes: ['peers compute p·ω in float32 (as their users do); posenc computes the angle exactly'],
      };
    },
  };
}

export function tableCases({ quick }) {
  const shapes = quick ? [[512, 512], [2048, 768]] : [[128, 64], [512, 512], [2048, 768], [8192, 1024]];
  return shapes.map(([l, d]) => tableCase(l, d));
}
