// add (scale·x + PE, scale = √d) and concat ([x | PE], PE of width `width`) on [batch, length, dim]
// float32 tensors. posenc computes PE on the fly; peers add a PE table precomputed once (untimed).
import { allocImpl, copy2tImpl, copyImpl, posencImpls } from '../lib/impls.mjs';
import { addReference64, concatReference64, randomF32, toF32, vaswaniTable64 } from '../lib/reference.mjs';
import { onnxAddImpls, onnxConcatImpls } from '../peers/onnx.mjs';
import { tfjsAddImpls, tfjsConcatImpls } from '../peers/tfjs.mjs';

/** out[b·T + t] = fl(fl(x·s) + table[t]) for b < B, t < T: the plain-JS add of a cached table. */
function addTableLoop(x, table, out, s, B, T) {
  for (let bb = 0, o = 0; bb < B; bb++) {
    for (let t = 0; t < T; t++, o++) out[o] = Math.fround(x[o] * s) + table[t];
  }
}

const PEER_NOTE = 'peers add a PE table precomputed once in float64 → float32 (untimed); posenc generates PE rows on the first call and keeps them (the cold row: every call generates)';

export function addCase([b, l, d], { reps = 1, group = 'add', id = `add ${b}x${l}x${d}`, alloc = true } = {}) {
  const shape = [b, l, d];
  const n = b * l * d;
  const scale = Math.sqrt(d);
  return {
    id, group, title: `add float32 [${b}, ${l}, ${d}], scale √${d}`, shape,
    elements: n, bytes: n * 4, reps,
    tolerance: (scale + 1) * 2 ** -21,
    build(ctx) {
      const x = randomF32(n, 7);
      const table64 = vaswaniTable64(l, d);
      const table32 = toF32(table64);
      const call = (pe, xv, out) => pe.add(xv, { shape, scale, out });
      // posenc with the same precomputed table as the peers, held in module memory.
      const tableMode = {
        mode: 'table',
        make(pe) {
          const xt = pe.alloc(n);
          xt.array.set(x);
          const ot = pe.alloc(n);
          const tt = pe.alloc(l * d);
          pe.sinusoidal({ length: l, dim: d, out: tt });
          return {
            run: () => pe.add(xt, { shape, scale, encoding: tt, out: ot }),
            result: () => ot.array,
            dispose: () => { xt.free(); ot.free(); tt.free(); },
          };
        },
      };
      // The usual call in a model: x = scale·x + PE in place, in module memory (no second tensor to
      // stream through the cache). The check recomputes from the original x.
      const inPlace = {
        mode: 'inplace',
        make(pe) {
          const xt = pe.alloc(n);
          xt.array.set(x);
          return {
            run: () => pe.add(xt, { shape, scale, out: xt }),
            result: () => {
              xt.array.set(x);
              pe.add(xt, { shape, scale, out: xt });
              return xt.array;
            },
            dispose: () => xt.free(),
          };
        },
      };
      const spec = { shape, scale, x, table32 };
      // The plain-JS loop that adds a table computed once (what posenc's cached rows replace),
      // written as a function of its arrays (V8 keeps them in registers; a closure over them is
      // slower).
      const jsTableLoop = {
        key: 'js-table-loop', label: 'plain JS loop adding a cached table · into out', kind: 'ref', mode: 'into out',
        setup() {
          const out = new Float32Array(n);
          const s = Math.fround(scale);
          return { run: () => addTableLoop(x, table32, out, s, b, l * d), result: () => out };
        },
      };
      return {
        reference: addReference64(x, shape, scale, table64),
        impls: [
          ...posencImpls(ctx, { x, outLength: n, call, extra: [inPlace, tableMode], cold: true }),
          jsTableLoop,
          ...tfjsAddImpls(ctx.tfjs, spec),
          ...onnxAddImpls(ctx.onnx, spec),
          copyImpl(n),
          ...(alloc ? [allocImpl(n)] : []),
          ...(group === 'add' && ctx.ceiling ? [...ctx.ceiling, copy2tImpl(n)] : []),
        ],
        notes: [PEER_NOTE],
      };
    },
  };
}

export function concatCase([b, l, d], width = 128, { reps = 1, group = 'concat', id = `concat ${b}x${l}x${d}+${width}`, alloc = true } = {}) {
  const shape = [b, l, d];
  const n = b * l * d;
  const outN = b * l * (d + width);
  return {
    id, group, title: `concat float32 [${b}, ${l}, ${d}] + PE width ${width}`, shape,
    elements: outN, bytes: outN * 4, reps,
    tolerance: 2 ** -20,
    build(ctx) {
      const x = randomF32(n, 11);
      const table64 = vaswaniTable64(l, width);
      const table32 = toF32(table64);
      const call = (pe, xv, out) => pe.concat(xv, { shape, encoding: { dim: width }, out });
      const spec = { shape, width, x, table32 };
      return {
        reference: concatReference64(x, shape, table64, width),
        impls: [
          ...posencImpls(ctx, { x, outLength: outN, call, cold: true }),
          ...tfjsConcatImpls(ctx.tfjs, spec),
          ...onnxConcatImpls(ctx.onnx, spec),
          copyImpl(outN),
          ...(alloc ? [allocImpl(outN)] : []),
        ],
        notes: [PEER_NOTE],
      };
    },
  };
}

export function addCases({ quick }) {
  return (quick ? [[8, 512, 768]] : [[8, 512, 768], [4, 2048, 1024]]).map((s) => addCase(s));
}

export function concatCases({ quick }) {
  return (quick ? [[8, 512, 768]] : [[8, 512, 768], [4, 2048, 1024]]).map((s) => concatCase(s));
}
