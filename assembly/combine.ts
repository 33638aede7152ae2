// Fused kernels that combine an encoding with embeddings x of shape [batch, rows, dim]:
//   add:    out = scale·x + PE (rounded as the framework does it: fl(fl(scale·x) + PE))
//   concat: out = [x | PE] along the feature axis.
// The encoding is generated row by row (never materialised as a table) or streamed from a table.
// Batch strides are in elements, so the same kernels serve whole tensors and chunk windows.
import { genRow, rowDim } from './sincos';

/** out[0..n) = fl(fl(s·x) + pe) in f32. */
function addRowF32(x: usize, pe: usize, out: usize, n: i32, s: f32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f32x4.splat(s);
    let px = x, pp = pe, po = out;
    for (; j + 16 <= n; j += 16) {
      const a0 = f32x4.add(f32x4.mul(v128.load(px), sv), v128.load(pp));
      const a1 = f32x4.add(f32x4.mul(v128.load(px, 16), sv), v128.load(pp, 16));
      const a2 = f32x4.add(f32x4.mul(v128.load(px, 32), sv), v128.load(pp, 32));
      const a3 = f32x4.add(f32x4.mul(v128.load(px, 48), sv), v128.load(pp, 48));
      v128.store(po, a0);
      v128.store(po, a1, 16);
      v128.store(po, a2, 32);
      v128.store(po, a3, 48);
      px += 64; pp += 64; po += 64;
    }
    for (; j + 4 <= n; j += 4) {
      v128.store(po, f32x4.add(f32x4.mul(v128.load(px), sv), v128.load(pp)));
      px += 16; pp += 16; po += 16;
    }
  }
  for (; j < n; j++) {
    const off = <usize>j << 2;
    store<f32>(out + off, load<f32>(x + off) * s + load<f32>(pe + off));
  }
}

/** Two batch elements against one encoding run: pe is read once for both (bits as addRowF32). */
function addRowF32Pair(x0: usize, x1: usize, pe: usize, o0: usize, o1: usize, n: i32, s: f32): void {
  let j = 0;
  const sv = f32x4.splat(s);
  for (; j + 16 <= n; j += 16) {
    const p0 = v128.load(pe), p1 = v128.load(pe, 16), p2 = v128.load(pe, 32), p3 = v128.load(pe, 48);
    v128.store(o0, f32x4.add(f32x4.mul(v128.load(x0), sv), p0));
    v128.store(o0, f32x4.add(f32x4.mul(v128.load(x0, 16), sv), p1), 16);
    v128.store(o0, f32x4.add(f32x4.mul(v128.load(x0, 32), sv), p2), 32);
    v128.store(o0, f32x4.add(f32x4.mul(v128.load(x0, 48), sv), p3), 48);
    v128.store(o1, f32x4.add(f32x4.mul(v128.load(x1), sv), p0));
    v128.store(o1, f32x4.add(f32x4.mul(v128.load(x1, 16), sv), p1), 16);
    v128.store(o1, f32x4.add(f32x4.mul(v128.load(x1, 32), sv), p2), 32);
    v128.store(o1, f32x4.add(f32x4.mul(v128.load(x1, 48), sv), p3), 48);
    x0 += 64; x1 += 64; pe += 64; o0 += 64; o1 += 64;
  }
  for (; j < n; j++) {
    const p = load<f32>(pe);
    store<f32>(o0, load<f32>(x0) * s + p);
    store<f32>(o1, load<f32>(x1) * s + p);
    x0 += 4; x1 += 4; pe += 4; o0 += 4; o1 += 4;
  }
}

/** out[0..n) = fl(fl(s·x) + pe) in f64. */
function addRowF64(x: usize, pe: usize, out: usize, n: i32, s: f64): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f64x2.splat(s);
    for (; j + 2 <= n; j += 2) {
      const off = <usize>j << 3;
      v128.store(out + off, f64x2.add(f64x2.mul(v128.load(x + off), sv), v128.load(pe + off)));
    }
  }
  for (; j < n; j++) {
    const off = <usize>j << 3;
    store<f64>(out + off, load<f64>(x + off) * s + load<f64>(pe + off));
  }
}

/** out[0..n) = fl(fl(s·x) + 0): a zero encoding row, rounded as addRow rounds. */
function addZeroRow(x: usize, out: usize, n: i32, s: f64, f64out: bool): void {
  if (f64out) {
    for (let j = 0; j < n; j++) {
      const off = <usize>j << 3;
      store<f64>(out + off, load<f64>(x + off) * s + 0.0);
    }
  } else {
    const s32 = <f32>s;
    for (let j = 0; j < n; j++) {
      const off = <usize>j << 2;
      store<f32>(out + off, load<f32>(x + off) * s32 + <f32>0.0);
    }
  }
}

@inline function addRow(x: usize, pe: usize, out: usize, n: i32, s: f64, f64out: bool): void {
  if (f64out) addRowF64(x, pe, out, n, s);
  else addRowF32(x, pe, out, n, <f32>s);
}

@inline function position(positions: usize, posBS: i32, b: i32, r: i32, start: f64, rowBase: i32): f64 {
  return positions ? load<f64>(positions + ((<usize>b * <usize>posBS + <usize>r) << 3)) : start + <f64>(rowBase + r);
}

/**
 * out = scale·x + PE for x[b][r] (b < batch, r < rows, dim = the context's row width).
 * xBS/oBS: batch strides in elements. Positions: start + (rowBase + r), or positions[b·posBS + r]
 * (posBS = 0: one list for the whole batch). `pe`: scratch for one row.
 */
export function addSinusoidal(ctx: usize, x: usize, out: usize, batch: i32, rows: i32, xBS: i32, oBS: i32, start: f64, rowBase: i32, positions: usize, posBS: i32, scale: f64, f64out: bool, pe: usize): void {
  const dim = rowDim(ctx);
  const shift: usize = f64out ? 3 : 2;
  const rowBytes = <usize>dim << shift;
  if (posBS == 0) {
    for (let r = 0; r < rows; r++) {
      genRow(ctx, position(positions, 0, 0, r, start, rowBase), pe, f64out);
      for (let b = 0; b < batch; b++) {
        addRow(x + ((<usize>b * <usize>xBS) << shift) + <usize>r * rowBytes, pe, out + ((<usize>b * <usize>oBS) << shift) + <usize>r * rowBytes, dim, scale, f64out);
      }
    }
  } else {
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < rows; r++) {
        genRow(ctx, position(positions, posBS, b, r, start, rowBase), pe, f64out);
        addRow(x + ((<usize>b * <usize>xBS) << shift) + <usize>r * rowBytes, pe, out + ((<usize>b * <usize>oBS) << shift) + <usize>r * rowBytes, dim, scale, f64out);
      }
    }
  }
}

/**
 * out[b][r] = [x[b][r] (dimIn) | PE(position) (the context's width)]; strides as addSinusoidal.
 */
export function concatSinusoidal(ctx: usize, x: usize, out: usize, batch: i32, rows: i32, dimIn: i32, xBS: i32, oBS: i32, start: f64, rowBase: i32, positions: usize, posBS: i32, f64out: bool): void {
  const width = rowDim(ctx);
  const shift: usize = f64out ? 3 : 2;
  const inBytes = <usize>dimIn << shift;
  const outBytes = <usize>(dimIn + width) << shift;
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < batch; b++) {
      const o = out + ((<usize>b * <usize>oBS) << shift) + <usize>r * outBytes;
      memory.copy(o, x + ((<usize>b * <usize>xBS) << shift) + <usize>r * inBytes, inBytes);
      if (b == 0 || posBS != 0) {
        genRow(ctx, position(positions, posBS, b, r, start, rowBase), o + inBytes, f64out);
      } else {
        memory.copy(o + inBytes, out + <usize>r * outBytes + inBytes, outBytes - inBytes);
      }
    }
  }
}

/**
 * out = scale·x + table[b·tableBS + row] with row = rowIdx[b·idxBS + r] (i32) when rowIdx is
 * non-zero, else rowStart + r. The table has `dim` columns; every index was validated by the
 * caller, and −1 means a zero row (outOfRange: 'zero'). tableBS (rows) lets a caller pass rows it
 * gathered per batch.
 */
export function addTable(table: usize, tableBS: i32, x: usize, out: usize, batch: i32, rows: i32, dim: i32, xBS: i32, oBS: i32, rowStart: i32, rowIdx: usize, idxBS: i32, scale: f64, f64out: bool): void {
  const shift: usize = f64out ? 3 : 2;
  const rowBytes = <usize>dim << shift;
  if (!rowIdx) {
    // Consecutive table rows: each batch element is one run of rows·dim elements (the same
    // element-wise operations, without a call per row). In f32 SIMD two batch elements share one
    // pass over the table: re-reading a table larger than L2 once per element made add [8, 512, 768]
    // 1.6–1.9× the copy; pairs make it ~1.4×. (Blocking the table in L1/L2 chunks across all
    // elements, or four elements per pass, measured slower: too many streams for the prefetchers.)
    let b = 0;
    if (ASC_FEATURE_SIMD && !f64out && tableBS == 0) {
      const tb = table + <usize>rowStart * rowBytes;
      for (; b + 2 <= batch; b += 2) {
        addRowF32Pair(x + ((<usize>b * <usize>xBS) << 2), x + ((<usize>(b + 1) * <usize>xBS) << 2), tb, out + ((<usize>b * <usize>oBS) << 2), out + ((<usize>(b + 1) * <usize>oBS) << 2), rows * dim, <f32>scale);
      }
    }
    for (; b < batch; b++) {
      addRow(x + ((<usize>b * <usize>xBS) << shift), table + (<usize>b * <usize>tableBS + <usize>rowStart) * rowBytes, out + ((<usize>b * <usize>oBS) << shift), rows * dim, scale, f64out);
    }
    return;
  }
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) {
      const row = rowIdx ? load<i32>(rowIdx + ((<usize>b * <usize>idxBS + <usize>r) << 2)) : rowStart + r;
      if (row < 0) {
        // A position outside the table under outOfRange: 'zero': PE = 0.
        addZeroRow(x + ((<usize>b * <usize>xBS) << shift) + <usize>r * rowBytes, out + ((<usize>b * <usize>oBS) << shift) + <usize>r * rowBytes, dim, scale, f64out);
        continue;
      }
      addRow(x + ((<usize>b * <usize>xBS) << shift) + <usize>r * rowBytes, table + (<usize>b * <usize>tableBS + <usize>row) * rowBytes, out + ((<usize>b * <usize>oBS) << shift) + <usize>r * rowBytes, dim, scale, f64out);
    }
  }
}

/** out[b][r] = [x[b][r] (dimIn) | table[b·tableBS + row] (width)]; rows as addTable. */
export function concatTable(table: usize, tableBS: i32, width: i32, x: usize, out: usize, batch: i32, rows: i32, dimIn: i32, xBS: i32, oBS: i32, rowStart: i32, rowIdx: usize, idxBS: i32, f64out: bool): void {
  const shift: usize = f64out ? 3 : 2;
  const inBytes = <usize>dimIn << shift;
  const wBytes = <usize>width << shift;
  const outBytes = inBytes + wBytes;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) {
      const row = rowIdx ? load<i32>(rowIdx + ((<usize>b * <usize>idxBS + <usize>r) << 2)) : rowStart + r;
      const o = out + ((<usize>b * <usize>oBS) << shift) + <usize>r * outBytes;
      memory.copy(o, x + ((<usize>b * <usize>xBS) << shift) + <usize>r * inBytes, inBytes);
      if (row < 0) memory.fill(o + inBytes, 0, wBytes); // outOfRange: 'zero'
      else memory.copy(o + inBytes, table + (<usize>b * <usize>tableBS + <usize>row) * wBytes, wBytes);
    }
  }
}
