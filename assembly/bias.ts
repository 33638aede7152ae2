// Attention-bias positions (src/bias/): ALiBi added to attention scores, and T5 relative bias rows.
//
// alibiApply: out[r][k] = scale·scores[r][k] + slope_h·kp[k] for rows r of [batch, heads, q, k]
// (h = ⌊r/q⌋ mod heads), rounded as a framework rounds the two float32 (or float64) products and
// their sum: fl(fl(scale·s) + fl(slope·kp)). The same bits in the SIMD and scalar builds (no FMA).
//
// relBiasDiag / relBiasRows: T5's bias depends only on key − query, so each head's values are
// gathered once per distinct relative position (a "diagonal" row of queryLength + keyLength − 1
// values) and every row of the [heads, q, k] result is a contiguous slice of it.

/** out[0..n) = fl32(fl32(s·x) + fl32(m·kp)). */
function alibiRowF32(x: usize, kp: usize, out: usize, n: i32, s: f32, m: f32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f32x4.splat(s);
    const mv = f32x4.splat(m);
    let px = x, pk = kp, po = out;
    for (; j + 16 <= n; j += 16) {
      const a0 = f32x4.add(f32x4.mul(v128.load(px), sv), f32x4.mul(v128.load(pk), mv));
      const a1 = f32x4.add(f32x4.mul(v128.load(px, 16), sv), f32x4.mul(v128.load(pk, 16), mv));
      const a2 = f32x4.add(f32x4.mul(v128.load(px, 32), sv), f32x4.mul(v128.load(pk, 32), mv));
      const a3 = f32x4.add(f32x4.mul(v128.load(px, 48), sv), f32x4.mul(v128.load(pk, 48), mv));
      v128.store(po, a0);
      v128.store(po, a1, 16);
      v128.store(po, a2, 32);
      v128.store(po, a3, 48);
      px += 64; pk += 64; po += 64;
    }
    for (; j + 4 <= n; j += 4) {
      v128.store(po, f32x4.add(f32x4.mul(v128.load(px), sv), f32x4.mul(v128.load(pk), mv)));
      px += 16; pk += 16; po += 16;
    }
  }
  for (; j < n; j++) {
    const off = <usize>j << 2;
    store<f32>(out + off, load<f32>(x + off) * s + load<f32>(kp + off) * m);
  }
}

/** out[0..n) = fl(fl(s·x) + fl(m·kp)) in f64. */
function alibiRowF64(x: usize, kp: usize, out: usize, n: i32, s: f64, m: f64): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f64x2.splat(s);
    const mv = f64x2.splat(m);
    for (; j + 2 <= n; j += 2) {
      const off = <usize>j << 3;
      v128.store(out + off, f64x2.add(f64x2.mul(v128.load(x + off), sv), f64x2.mul(v128.load(kp + off), mv)));
    }
  }
  for (; j < n; j++) {
    const off = <usize>j << 3;
    store<f64>(out + off, load<f64>(x + off) * s + load<f64>(kp + off) * m);
  }
}

/**
 * Rows row0 … row0 + rows − 1 of scores [·, heads, qL, kL]: x and out point at row row0 (x may be
 * out), slopes[heads] and kp[kL] are in the scores' dtype (values already rounded to it).
 */
export function alibiApply(x: usize, out: usize, rows: i32, row0: i32, qL: i32, kL: i32, heads: i32, slopes: usize, kp: usize, scale: f64, f64out: bool): void {
  const shift: usize = f64out ? 3 : 2;
  const rowBytes = <usize>kL << shift;
  for (let i = 0; i < rows; i++) {
    const h = ((row0 + i) / qL) % heads;
    const o = <usize>i * rowBytes;
    if (f64out) alibiRowF64(x + o, kp, out + o, kL, scale, load<f64>(slopes + (<usize>h << 3)));
    else alibiRowF32(x + o, kp, out + o, kL, <f32>scale, load<f32>(slopes + (<usize>h << 2)));
  }
}

/** diag[h·n + j] = weights[buckets[j]·heads + h] (f32; weights [numBuckets, heads], buckets i32[n]). */
export function relBiasDiag(weights: usize, heads: i32, buckets: usize, n: i32, diag: usize): void {
  for (let h = 0; h < heads; h++) {
    const d = diag + ((<usize>h * <usize>n) << 2);
    for (let j = 0; j < n; j++) {
      const b = load<i32>(buckets + (<usize>j << 2));
      store<f32>(d + (<usize>j << 2), load<f32>(weights + ((<usize>b * <usize>heads + <usize>h) << 2)));
    }
  }
}

/**
 * Rows row0 … row0 + rows − 1 of the bias [heads, qL, kL] (out points at row row0): row r = h·qL + q
 * is diag[h][qL − 1 − q … qL − 1 − q + kL), diag of n = qL + kL − 1 values per head.
 */
export function relBiasRows(diag: usize, n: i32, out: usize, rows: i32, row0: i32, qL: i32, kL: i32): void {
  const rowBytes = <usize>kL << 2;
  for (let i = 0; i < rows; i++) {
    const r = row0 + i;
    const h = r / qL;
    const q = r - h * qL;
    memory.copy(out + <usize>i * rowBytes, diag + ((<usize>h * <usize>n + <usize>(qL - 1 - q)) << 2), rowBytes);
  }
}
