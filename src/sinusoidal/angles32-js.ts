// js twin of assembly/angles32.ts: rows with float32 angles (float32Angles), Math.sin/Math.cos of
// the float32 angle fl32(fl32(p)·ω32), each rounded to float32.

import { LAYOUT_HALVES, type SinEncoding, type TablePlan } from '../core/encoding.js';
import type { FloatArray } from '../core/types.js';

const fr = Math.fround;

/** Writes the float32-angle row of position p at out[o .. o + enc.width). */
export function encodeRowF32Angles(enc: SinEncoding, p: number, out: FloatArray, o: number): void {
  const w = enc.width;
  if (p === enc.padPos) {
    out.fill(0, o, o + w);
    return;
  }
  const freqs = enc.freqs;
  const n = freqs.length;
  const nCos = enc.nCos;
  const p32 = fr(p);
  const s0 = o + enc.sinBase;
  const halves = enc.layout === LAYOUT_HALVES;
  const c0 = halves ? o + enc.cosBase : s0 + 1;
  const step = halves ? 1 : 2;
  for (let i = 0; i < n; i++) {
    const a = fr(p32 * freqs[i]);
    out[s0 + step * i] = fr(Math.sin(a));
    if (i < nCos) out[c0 + step * i] = fr(Math.cos(a));
  }
  if (enc.zeroFrom < w) out.fill(0, o + enc.zeroFrom, o + w);
}

/** The js backend's table() for a float32-angle encoding. */
export function tableF32AnglesJs(plan: TablePlan, out: FloatArray): void {
  const { enc, rows, start, positions } = plan;
  for (let r = 0; r < rows; r++) encodeRowF32Angles(enc, positions ? positions[r] : start + r, out, r * enc.width);
}
