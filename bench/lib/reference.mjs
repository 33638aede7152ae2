// Inputs and float64 references shared by the cases (computed once per case, never timed).

/** Deterministic uniform [-1, 1) floats (mulberry32), so every run times the same data. */
export function randomF32(n, seed = 1) {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** ω_i = 10000^(−2i/d) in float64 (docs/conventions.md §1), i < ⌈d/2⌉. */
export function vaswaniFreqs(dim, base = 10000) {
  const n = Math.ceil(dim / 2);
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = 1 / Math.pow(base, (2 * i) / dim);
  return f;
}

/** The vaswani table [length, dim] in float64: PE[p][2i] = sin(p·ω_i), PE[p][2i+1] = cos(p·ω_i). */
export function vaswaniTable64(length, dim, offset = 0) {
  const f = vaswaniFreqs(dim);
  const out = new Float64Array(length * dim);
  for (let p = 0; p < length; p++) {
    const o = p * dim;
    for (let i = 0; i < f.length; i++) {
      const a = (p + offset) * f[i];
      out[o + 2 * i] = Math.sin(a);
      if (2 * i + 1 < dim) out[o + 2 * i + 1] = Math.cos(a);
    }
  }
  return out;
}

/** scale·x + PE (broadcast over the batch), float64. */
export function addReference64(x, [b, l, d], scale, table64) {
  const out = new Float64Array(b * l * d);
  for (let i = 0; i < out.length; i++) out[i] = scale * x[i] + table64[i % (l * d)];
  return out;
}

/** [x | PE] along the last axis, float64. */
export function concatReference64(x, [b, l, d], table64, w) {
  const out = new Float64Array(b * l * (d + w));
  for (let bb = 0; bb < b; bb++) {
    for (let r = 0; r < l; r++) {
      const o = (bb * l + r) * (d + w);
      const xo = (bb * l + r) * d;
      for (let j = 0; j < d; j++) out[o + j] = x[xo + j];
      for (let j = 0; j < w; j++) out[o + d + j] = table64[r * w + j];
    }
  }
  return out;
}

/** Largest |a[i] − b[i]| (NaN anywhere, or a length mismatch, gives Infinity). */
export function maxAbsDiff(a, b) {
  if (!a || !b || a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Float32 copy of a float64 array (a precomputed table as a framework would hold it). */
export function toF32(a) {
  return Float32Array.from(a);
}
