// 2-D sin-cos tables (ViT family: MAE, MoCo v3, big_vision, timm). Token n = r·gridW + c of a
// row-major grid gets two 1-D encodings side by side, one of its column c and one of its row r.
// Each axis is a context whose layout (set by the planner) places its sin and cos columns where
// the preset wants them, e.g. MAE [sin c | cos c | sin r | cos r], timm [sin r | sin c | cos r | cos c];
// the contexts write only their own columns, so two calls fill a row.
import { genRow } from './sincos';
import { a32Row } from './angles32';

/**
 * Writes tokens n0 … n0 + count − 1 (no cls row) as rows of `dim` columns at `out`.
 * ctxR/ctxC: the row-axis and column-axis contexts: sincos.ts contexts (f64 angles) or, when
 * f32Angles, angles32.ts contexts. gridW ≥ 1.
 */
export function grid2dTable(ctxR: usize, ctxC: usize, f32Angles: bool, out: usize, n0: i32, count: i32, gridW: i32, dim: i32, f64out: bool): void {
  const rowBytes = <usize>dim << (f64out ? 3 : 2);
  let r = n0 / gridW;
  let c = n0 % gridW;
  for (let t = 0; t < count; t++) {
    const dst = out + <usize>t * rowBytes;
    if (f32Angles) {
      a32Row(ctxC, <f64>c, dst, f64out);
      a32Row(ctxR, <f64>r, dst, f64out);
    } else {
      genRow(ctxC, <f64>c, dst, f64out);
      genRow(ctxR, <f64>r, dst, f64out);
    }
    if (++c == gridW) {
      c = 0;
      r++;
    }
  }
}
