// 3-D sin-cos tables (video grids: diffusers get_3d_sincos_pos_embed, CogVideoX). A token's row is
// three 1-D encodings side by side, [time | column | row], each a row of a per-axis table that
// sinusoidalTable wrote once (frames + height + width rows in all). Positions of scaled grids are
// fractional (f/1.875, …), so generating them per token would redo exact sin/cos at every token;
// copying rows of the per-axis tables makes the table a memory-bound concatenation instead.

/**
 * Writes tokens n0 … n0 + count − 1 of a frame-major, row-major grid of gridH × gridW tokens per
 * frame at `out`, each `wT + 2·wS` elements (f32, or f64 when f64out): columns [0, wT) from row f of
 * tabT, [wT, wT + wS) from row c of tabC, [wT + wS, wT + 2wS) from row r of tabR.
 */
export function grid3dTable(tabT: usize, tabC: usize, tabR: usize, out: usize, n0: i32, count: i32, gridH: i32, gridW: i32, wT: i32, wS: i32, f64out: bool): void {
  const shift: usize = f64out ? 3 : 2;
  const tBytes = <usize>wT << shift;
  const sBytes = <usize>wS << shift;
  const rowBytes = tBytes + 2 * sBytes;
  const perFrame = gridH * gridW;
  let f = n0 / perFrame;
  let rem = n0 % perFrame;
  let r = rem / gridW;
  let c = rem % gridW;
  let dst = out;
  for (let t = 0; t < count; t++) {
    memory.copy(dst, tabT + <usize>f * tBytes, tBytes);
    memory.copy(dst + tBytes, tabC + <usize>c * sBytes, sBytes);
    memory.copy(dst + tBytes + sBytes, tabR + <usize>r * sBytes, sBytes);
    dst += rowBytes;
    if (++c == gridW) {
      c = 0;
      if (++r == gridH) {
        r = 0;
        f++;
      }
    }
  }
}
