// Order statistics and formatting of benchmark samples (milliseconds).

/** Quantile q ∈ [0, 1] of an ascending array, linear interpolation (type 7, as numpy's default). */
export function quantile(sorted, q) {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** median, p25, p75, min, n of a sample list (not necessarily sorted). */
export function summarize(samples) {
  const s = Float64Array.from(samples).sort();
  return { median: quantile(s, 0.5), p25: quantile(s, 0.25), p75: quantile(s, 0.75), min: s[0], n: s.length };
}

export function median(values) {
  return summarize(values).median;
}

/** A duration in ms, with a unit chosen for 3 significant digits. */
export function fmtTime(ms) {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toPrecision(3)} µs`;
  return `${(ms * 1e6).toPrecision(3)} ns`;
}

/** p25–p75 as a compact range in the unit of the median. */
export function fmtSpread(p25, p75, ref = p25) {
  if (!Number.isFinite(p25) || !Number.isFinite(p75)) return '—';
  const [k, unit] = ref >= 1000 ? [1e-3, 's'] : ref >= 1 ? [1, 'ms'] : ref >= 1e-3 ? [1e3, 'µs'] : [1e6, 'ns'];
  const f = (v) => {
    const x = v * k;
    return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
  };
  return `${f(p25)}–${f(p75)} ${unit}`;
}

export function fmtRatio(r) {
  if (!Number.isFinite(r)) return '—';
  if (r >= 100) return `${r.toFixed(0)}×`;
  if (r >= 10) return `${r.toFixed(1)}×`;
  return `${r.toFixed(2)}×`;
}

export function fmtErr(e) {
  if (e === null || e === undefined || Number.isNaN(e)) return '—';
  if (e === 0) return '0';
  return e.toExponential(1);
}

export function fmtGBs(g) {
  if (!Number.isFinite(g)) return '—';
  return g >= 10 ? g.toFixed(1) : g >= 0.1 ? g.toFixed(2) : g.toPrecision(2);
}

export function fmtBytes(b) {
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (b >= 2 ** 10) return `${(b / 2 ** 10).toFixed(1)} KiB`;
  return `${b} B`;
}
