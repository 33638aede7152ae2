// The demo's colours: a diverging map, -1 → blue, 0 → near white, +1 → red (values outside
// [-1, 1] are clamped). Pure functions, shared by the page and by its browser test, which
// recomputes in Node the colour every heatmap pixel must have.

const LOW = [33, 102, 172];
const MID = [247, 247, 247];
const HIGH = [178, 24, 43];

/** [r, g, b] (integers 0..255) of a value. */
export function colorOf(v: number): [number, number, number] {
  const t = Number.isNaN(v) ? 0 : Math.max(-1, Math.min(1, v));
  const [a, b, u] = t < 0 ? [MID, LOW, -t] : [MID, HIGH, t];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * u)) as [number, number, number];
}

/**
 * RGBA pixels of a row-major table of `rows` × `cols` values: one pixel per value, row r at
 * pixel row r (positions go down, columns go right), fully opaque.
 */
export function tablePixels(values: ArrayLike<number>, rows: number, cols: number): Uint8ClampedArray<ArrayBuffer> {
  const px = new Uint8ClampedArray(rows * cols * 4);
  for (let i = 0; i < rows * cols; i++) {
    const [r, g, b] = colorOf(values[i]);
    px[4 * i] = r;
    px[4 * i + 1] = g;
    px[4 * i + 2] = b;
    px[4 * i + 3] = 255;
  }
  return px;
}
