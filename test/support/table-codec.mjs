// Compact storage of the identify() corpus (test/fixtures/identify/): a table is stored as the
// difference, in float32 bit patterns, between the upstream table and a prediction from its
// per-column model (frequency, sin/cos/zero, axis), so that tables of a few MB take a few kB.
// The prediction only has to be deterministic: the same function encodes (scripts/
// identify-fixtures.mjs) and decodes (tests), and the decoded table's sha256 is checked against
// the one the python script computed from torch's own bytes.

/** The predicted float32 table of a model (see scripts/identify-corpus.py). */
export function predict(meta) {
  const { rows, cols, model } = meta;
  if (model.alibi) {
    // ALiBi bias rows: row h is slope_h · (start + j) in float32.
    const { slopes, start } = model.alibi;
    const out = new Float32Array(rows * cols);
    for (let h = 0; h < rows; h++) for (let j = 0; j < cols; j++) out[h * cols + j] = Math.fround(slopes[h]) * (start + j);
    return out;
  }
  const { freqs, cols: colModel, start, padRows, clsRows, gridWidth, f32 } = model;
  const fr = Math.fround;
  // Optional: every value times a float32 amplitude (HF's attention_scaling of a rotary cache).
  const amp = model.amp === undefined ? null : fr(model.amp);
  const out = new Float32Array(rows * cols);
  const pad = new Set(padRows);
  for (let r = clsRows; r < rows; r++) {
    if (pad.has(r)) continue;
    const t = r - clsRows;
    for (let j = 0; j < cols; j++) {
      const [axis, i, fn] = colModel[j];
      if (fn === 'z') continue;
      const p = axis === 0 ? t + start : axis === 1 ? t % gridWidth : Math.floor(t / gridWidth);
      const a = f32 ? fr(fr(p) * fr(freqs[i])) : p * freqs[i];
      const v = fn === 's' ? Math.sin(a) : Math.cos(a);
      out[r * cols + j] = amp === null ? v : fr(v) * amp;
    }
  }
  return out;
}

/** Differences of bit patterns (int32, wrapping), stored in the narrowest signed type that holds them. */
export function encode(meta, table) {
  const pred = new Int32Array(predict(meta).buffer);
  const bits = new Int32Array(table.buffer, table.byteOffset, table.length);
  const d = new Int32Array(bits.length);
  let max = 0;
  for (let i = 0; i < d.length; i++) {
    d[i] = (bits[i] - pred[i]) | 0;
    max = Math.max(max, Math.abs(d[i]));
  }
  const Type = max < 128 ? Int8Array : max < 32768 ? Int16Array : Int32Array;
  const arr = Type.from(d);
  return { type: Type.name, bytes: new Uint8Array(arr.buffer) };
}

/** Inverse of encode. */
export function decode(meta, type, bytes) {
  const pred = new Int32Array(predict(meta).buffer);
  const copy = bytes.slice();
  const d = type === 'Int8Array' ? new Int8Array(copy.buffer) : type === 'Int16Array' ? new Int16Array(copy.buffer) : new Int32Array(copy.buffer);
  const bits = new Int32Array(pred.length);
  for (let i = 0; i < bits.length; i++) bits[i] = (pred[i] + d[i]) | 0;
  return new Float32Array(bits.buffer);
}
