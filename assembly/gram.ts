// Gram matrices of table rows (posenc.similarity): dot products of every pair of rows, summed in
// f64 whatever the table's dtype (a float32 sum of 768 products would lose the small differences
// between neighbouring positions that the similarity matrix is meant to show), rounded once to
// f32. The driver tiles the rows into blocks that fit the scratch window; within a block pair a
// 2×2 register tile reads each loaded row vector twice.

/** Sum of a[k]·b[k], k < dim, in f64 (a, b rows of f32 or f64). */
function dot1(a: usize, b: usize, dim: i32, f64in: bool): f64 {
  let s: f64 = 0;
  if (f64in) {
    for (let k = 0; k < dim; k++) s += load<f64>(a + (<usize>k << 3)) * load<f64>(b + (<usize>k << 3));
  } else {
    for (let k = 0; k < dim; k++) s += <f64>load<f32>(a + (<usize>k << 2)) * <f64>load<f32>(b + (<usize>k << 2));
  }
  return s;
}

/**
 * The 2×2 tile (a0, a1) × (b0, b1): writes s00, s01, s10, s11 to `acc` (4 f64). SIMD: two f64
 * lanes per accumulator (lane sums added at the end).
 */
function dot2x2(a0: usize, a1: usize, b0: usize, b1: usize, dim: i32, f64in: bool, acc: usize): void {
  let k = 0;
  let s00: f64 = 0, s01: f64 = 0, s10: f64 = 0, s11: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let v00 = f64x2.splat(0), v01 = f64x2.splat(0), v10 = f64x2.splat(0), v11 = f64x2.splat(0);
    if (f64in) {
      for (; k + 2 <= dim; k += 2) {
        const o = <usize>k << 3;
        const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o), y0 = v128.load(b0 + o), y1 = v128.load(b1 + o);
        v00 = f64x2.add(v00, f64x2.mul(x0, y0));
        v01 = f64x2.add(v01, f64x2.mul(x0, y1));
        v10 = f64x2.add(v10, f64x2.mul(x1, y0));
        v11 = f64x2.add(v11, f64x2.mul(x1, y1));
      }
    } else {
      for (; k + 4 <= dim; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o), y0 = v128.load(b0 + o), y1 = v128.load(b1 + o);
        const x0l = f64x2.promote_low_f32x4(x0), x0h = f64x2.promote_low_f32x4(v128.shuffle<f32>(x0, x0, 2, 3, 0, 1));
        const x1l = f64x2.promote_low_f32x4(x1), x1h = f64x2.promote_low_f32x4(v128.shuffle<f32>(x1, x1, 2, 3, 0, 1));
        const y0l = f64x2.promote_low_f32x4(y0), y0h = f64x2.promote_low_f32x4(v128.shuffle<f32>(y0, y0, 2, 3, 0, 1));
        const y1l = f64x2.promote_low_f32x4(y1), y1h = f64x2.promote_low_f32x4(v128.shuffle<f32>(y1, y1, 2, 3, 0, 1));
        v00 = f64x2.add(v00, f64x2.add(f64x2.mul(x0l, y0l), f64x2.mul(x0h, y0h)));
        v01 = f64x2.add(v01, f64x2.add(f64x2.mul(x0l, y1l), f64x2.mul(x0h, y1h)));
        v10 = f64x2.add(v10, f64x2.add(f64x2.mul(x1l, y0l), f64x2.mul(x1h, y0h)));
        v11 = f64x2.add(v11, f64x2.add(f64x2.mul(x1l, y1l), f64x2.mul(x1h, y1h)));
      }
    }
    s00 = f64x2.extract_lane(v00, 0) + f64x2.extract_lane(v00, 1);
    s01 = f64x2.extract_lane(v01, 0) + f64x2.extract_lane(v01, 1);
    s10 = f64x2.extract_lane(v10, 0) + f64x2.extract_lane(v10, 1);
    s11 = f64x2.extract_lane(v11, 0) + f64x2.extract_lane(v11, 1);
  }
  const sh: usize = f64in ? 3 : 2;
  for (; k < dim; k++) {
    const o = <usize>k << sh;
    const x0: f64 = f64in ? load<f64>(a0 + o) : <f64>load<f32>(a0 + o);
    const x1: f64 = f64in ? load<f64>(a1 + o) : <f64>load<f32>(a1 + o);
    const y0: f64 = f64in ? load<f64>(b0 + o) : <f64>load<f32>(b0 + o);
    const y1: f64 = f64in ? load<f64>(b1 + o) : <f64>load<f32>(b1 + o);
    s00 += x0 * y0;
    s01 += x0 * y1;
    s10 += x1 * y0;
    s11 += x1 * y1;
  }
  store<f64>(acc, s00);
  store<f64>(acc, s01, 8);
  store<f64>(acc, s10, 16);
  store<f64>(acc, s11, 24);
}

/** inv[i] = 1/‖row i‖ (0 for a zero row), i < n: the scale of cosine similarity. */
export function gramInvNorms(a: usize, n: i32, dim: i32, f64in: bool, inv: usize): void {
  const rowBytes = <usize>dim << (f64in ? 3 : 2);
  for (let i = 0; i < n; i++) {
    const row = a + <usize>i * rowBytes;
    const s = dot1(row, row, dim, f64in);
    store<f64>(inv + (<usize>i << 3), s > 0 ? 1 / Math.sqrt(s) : 0);
  }
}

/**
 * out[i·ldo + j] = f32(Σ_k a[i][k]·b[j][k] · sa[i]·sb[j]) for i < na, j < nb; a and b are blocks
 * of rows (`dim` wide, f32 or f64), sa/sb their scales (inverse norms) or 0 for none (dot).
 * `acc`: 32 bytes of scratch.
 */
export function gramBlock(a: usize, na: i32, b: usize, nb: i32, dim: i32, f64in: bool, sa: usize, sb: usize, out: usize, ldo: i32, acc: usize): void {
  const rowBytes = <usize>dim << (f64in ? 3 : 2);
  for (let i = 0; i < na; i += 2) {
    const two = i + 1 < na;
    const a0 = a + <usize>i * rowBytes;
    const a1 = two ? a0 + rowBytes : a0;
    const fa0: f64 = sa ? load<f64>(sa + (<usize>i << 3)) : 1;
    const fa1: f64 = sa && two ? load<f64>(sa + (<usize>(i + 1) << 3)) : 1;
    for (let j = 0; j < nb; j += 2) {
      const twoJ = j + 1 < nb;
      const b0 = b + <usize>j * rowBytes;
      const b1 = twoJ ? b0 + rowBytes : b0;
      dot2x2(a0, a1, b0, b1, dim, f64in, acc);
      const fb0: f64 = sb ? load<f64>(sb + (<usize>j << 3)) : 1;
      const fb1: f64 = sb && twoJ ? load<f64>(sb + (<usize>(j + 1) << 3)) : 1;
      const o0 = out + ((<usize>i * <usize>ldo + <usize>j) << 2);
      store<f32>(o0, <f32>(load<f64>(acc) * fa0 * fb0));
      if (twoJ) store<f32>(o0 + 4, <f32>(load<f64>(acc, 8) * fa0 * fb1));
      if (two) {
        const o1 = o0 + (<usize>ldo << 2);
        store<f32>(o1, <f32>(load<f64>(acc, 16) * fa1 * fb0));
        if (twoJ) store<f32>(o1 + 4, <f32>(load<f64>(acc, 24) * fa1 * fb1));
      }
    }
  }
}
