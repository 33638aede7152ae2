// 1-D sinusoidal tables: row r holds the encoding of position start + r, or of positions[r].
import { genRow, rowDim } from './sincos';

/**
 * Writes `rows` rows of the context's layout at `out` (f32, or f64 when f64out).
 * Positions: `positions` (f64[rows]) when non-zero, else start + (rowBase + r); rowBase lets a
 * chunked caller get exactly the bits of one whole call.
 */
export function sinusoidalTable(ctx: usize, out: usize, rows: i32, start: f64, rowBase: i32, positions: usize, f64out: bool): void {
  const rowBytes = <usize>rowDim(ctx) << (f64out ? 3 : 2);
  for (let r = 0; r < rows; r++) {
    const p = positions ? load<f64>(positions + (<usize>r << 3)) : start + <f64>(rowBase + r);
    genRow(ctx, p, out + <usize>r * rowBytes, f64out);
  }
}
