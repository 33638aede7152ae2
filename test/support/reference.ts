// Float64 references written straight from the formulas of docs/conventions.md (§0–§4, §11),
// independent of the library's plans and kernels.

export interface RefOptions {
  preset?: 'vaswani' | 'marian' | 'tensor2tensor' | 'whisper' | 'fairseq' | 'seed';
  base?: number;
  minTimescale?: number;
  maxTimescale?: number;
  paddingIdx?: number | null;
  omega?: number;
}

/** One reference row: values and the |angle| of each column (for the accuracy bound). */
export function refRow(dim: number, p: number, o: RefOptions = {}): { v: number[]; angle: number[] } {
  const preset = o.preset ?? 'vaswani';
  const v: number[] = [];
  const angle: number[] = [];
  const put = (fn: (a: number) => number, a: number) => {
    v.push(fn(a));
    angle.push(Math.abs(a));
  };
  const zero = () => {
    v.push(0);
    angle.push(0);
  };
  if (preset === 'seed') {
    const w = o.omega ?? 1 / Math.sqrt(dim);
    put(Math.sin, p * w);
    put(Math.cos, p * w);
    return { v, angle };
  }
  const base = o.base ?? 10000;
  if (preset === 'vaswani') {
    for (let j = 0; j < dim; j++) {
      const a = p / Math.pow(base, (2 * Math.floor(j / 2)) / dim);
      put(j % 2 === 0 ? Math.sin : Math.cos, a);
    }
    return { v, angle };
  }
  if (preset === 'marian') {
    const s = Math.ceil(dim / 2);
    for (let j = 0; j < dim; j++) {
      const i = j < s ? j : j - s;
      put(j < s ? Math.sin : Math.cos, p / Math.pow(base, (2 * i) / dim));
    }
    return { v, angle };
  }
  // timescale family
  const minTs = o.minTimescale ?? 1;
  const maxTs = o.maxTimescale ?? 10000;
  const n = Math.floor(dim / 2);
  const guard = preset === 'tensor2tensor';
  const inc = Math.log(maxTs / minTs) / (guard ? Math.max(n - 1, 1) : n - 1);
  const pad = preset === 'fairseq' ? (o.paddingIdx === undefined ? 1 : o.paddingIdx) : null;
  if (pad !== null && p === pad) {
    for (let j = 0; j < dim; j++) zero();
    return { v, angle };
  }
  for (let j = 0; j < dim; j++) {
    if (j < n) put(Math.sin, p * minTs * Math.exp(-j * inc));
    else if (j < 2 * n) put(Math.cos, p * minTs * Math.exp(-(j - n) * inc));
    else zero();
  }
  return { v, angle };
}

/** ulp of |x| in float32. */
export function ulp32(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** The accuracy bound of the core issue for one element. */
export function bound(ref: number, angle: number, f64: boolean): number {
  return (f64 ? 1e-12 : ulp32(ref)) + angle * 2 ** -49;
}

/**
 * Largest (|got − ref| / bound) over a table whose row r encodes position positions[r]:
 * ≤ 1 means every element meets the bound.
 */
export function worstRatio(got: ArrayLike<number>, dim: number, positions: ArrayLike<number>, o: RefOptions, f64: boolean): number {
  let worst = 0;
  const width = o.preset === 'seed' ? 2 : dim;
  for (let r = 0; r < positions.length; r++) {
    const { v, angle } = refRow(dim, positions[r], o);
    for (let j = 0; j < width; j++) {
      const e = Math.abs(got[r * width + j] - v[j]) / bound(v[j], angle[j], f64);
      if (Number.isNaN(e)) return Infinity;
      if (e > worst) worst = e;
    }
  }
  return worst;
}
