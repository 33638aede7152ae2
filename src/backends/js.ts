// The js twin: the same kernels in plain JavaScript, written as the fastest plain JS a competent
// engineer would write (frequencies hoisted, monomorphic loops, no per-element allocation). It is
// the fallback where WebAssembly is missing and the baseline of every benchmark. It uses Math.sin
// and Math.cos directly per element.

import { LAYOUT_HALVES, type CombinePlan, type SinEncoding, type TablePlan } from '../plan.js';
import { Tensor, type TensorStorage } from '../tensor.js';
import type { Dtype, FloatArray } from '../types.js';
import type { Backend, Operand } from './types.js';
import { tableF32AnglesJs } from './angles32-js.js';
import { sincos2dJs } from './grid2d-js.js';
import { sincos3dJs } from './grid3d-js.js';
import { ropeJs, ropeRowsJs } from './rope-js.js';
import { gramJs } from './gram-js.js';

function arr(v: Operand): FloatArray {
  return v instanceof Tensor ? v.array : v;
}

/** Writes the encoding of position p as one row at out[o .. o + enc.width). */
function encodeRow(enc: SinEncoding, p: number, out: FloatArray, o: number): void {
  const w = enc.width;
  if (p === enc.padPos) {
    out.fill(0, o, o + w);
    return;
  }
  const freqs = enc.freqs;
  const n = freqs.length;
  const nCos = enc.nCos;
  if (enc.layout === LAYOUT_HALVES) {
    const s0 = o + enc.sinBase;
    const c0 = o + enc.cosBase;
    for (let i = 0; i < n; i++) {
      const a = p * freqs[i];
      out[s0 + i] = Math.sin(a);
      if (i < nCos) out[c0 + i] = Math.cos(a);
    }
  } else {
    const s0 = o + enc.sinBase;
    for (let i = 0; i < n; i++) {
      const a = p * freqs[i];
      out[s0 + 2 * i] = Math.sin(a);
      if (i < nCos) out[s0 + 2 * i + 1] = Math.cos(a);
    }
  }
  if (enc.zeroFrom < w) out.fill(0, o + enc.zeroFrom, o + w);
}

class JsStorage implements TensorStorage {
  #arrays = new Map<number, FloatArray>();
  #next = 1;
  create(length: number, dtype: Dtype): number {
    const id = this.#next++;
    this.#arrays.set(id, dtype === 'float64' ? new Float64Array(length) : new Float32Array(length));
    return id;
  }
  view(ptr: number): FloatArray {
    return this.#arrays.get(ptr)!;
  }
  release(ptr: number): void {
    this.#arrays.delete(ptr);
  }
}

export function createJsBackend(): Backend {
  const storage = new JsStorage();
  return {
    name: 'js',
    threads: 1,
    math: Math,

    table(plan: TablePlan, outOp: Operand): void {
      const out = arr(outOp);
      if (plan.enc.f32Angles) return tableF32AnglesJs(plan, out);
      const { enc, rows, start, positions } = plan;
      const w = enc.width;
      for (let r = 0; r < rows; r++) {
        encodeRow(enc, positions ? positions[r] : start + r, out, r * w);
      }
    },

    combine(plan: CombinePlan, xOp: Operand, outOp: Operand): void {
      const x = arr(xOp);
      const out = arr(outOp);
      const { batch, length, dimIn, width, f64, src } = plan;
      const outW = plan.op === 'add' ? dimIn : dimIn + width;
      // One encoding row per position, reused across the batch unless positions differ per batch.
      const pe = f64 ? new Float64Array(width) : new Float32Array(width);
      const s = f64 ? plan.scale : Math.fround(plan.scale);
      const perBatch = src.perBatch;
      let zeroRow: FloatArray | undefined;
      for (let b = 0; b < (perBatch ? batch : 1); b++) {
        for (let r = 0; r < length; r++) {
          let row: FloatArray;
          let ro = 0;
          if (src.kind === 'sinusoidal') {
            const p = src.positions ? src.positions[b * (perBatch ? length : 0) + r] : src.start + r;
            encodeRow(src.enc, p, pe, 0);
            row = pe;
          } else {
            const ri = src.rowIdx ? src.rowIdx[b * (perBatch ? length : 0) + r] : src.rowStart + r;
            // −1: a position outside the table under outOfRange 'zero' (a zero row).
            row = ri < 0 ? (zeroRow ??= f64 ? new Float64Array(width) : new Float32Array(width)) : arr(src.table);
            ro = ri < 0 ? 0 : ri * width;
          }
          const b0 = perBatch ? b : 0;
          const b1 = perBatch ? b + 1 : batch;
          for (let bb = b0; bb < b1; bb++) {
            const xo = (bb * length + r) * dimIn;
            const oo = (bb * length + r) * outW;
            if (plan.op === 'add') {
              if (f64) {
                for (let j = 0; j < dimIn; j++) out[oo + j] = x[xo + j] * s + row[ro + j];
              } else {
                for (let j = 0; j < dimIn; j++) out[oo + j] = Math.fround(x[xo + j] * s) + row[ro + j];
              }
            } else {
              for (let j = 0; j < dimIn; j++) out[oo + j] = x[xo + j];
              for (let j = 0; j < width; j++) out[oo + dimIn + j] = row[ro + j];
            }
          }
        }
      }
    },

    alloc(length: number, dtype: Dtype): Tensor {
      return new Tensor(storage, storage.create(length, dtype), length, dtype);
    },

    memoryBytes: () => 0,

    sincos2d: (plan, out) => sincos2dJs(plan, arr(out)),
    sincos3d: (plan, out) => sincos3dJs(plan, arr(out)),
    rope: (plan, x, out, rows) => ropeJs(plan, arr(x), arr(out), rows ? { table: arr(rows.table) as Float64Array, start: rows.start, idx: rows.idx } : null),
    ropeRowsShape: (plan) => ({ length: (plan.perBatch ? plan.batch : 1) * plan.length * plan.rotaryDim, dtype: 'float64' }),
    ropeRows: (plan, rows) => ropeRowsJs(plan, arr(rows) as Float64Array),
    gram: (plan, table, out) => gramJs(plan, arr(table), out),
  };
}
