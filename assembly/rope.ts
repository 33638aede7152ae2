// Rotary position embedding (RoPE): pairs of features rotated by the angle p·ω_i.
//   halves (GPT-NeoX, HF Llama):   pairs (i, i + d/2);   interleaved (GPT-J, RoFormer, Meta): (2i, 2i + 1)
//   x'_a = x_a·c − x_b·s,   x'_b = x_b·c + x_a·s,   c = cos(θ)·af, s = sin(θ)·af
// Rounding (the same in both builds and in the js twin): c and s are computed in f64 (θ, cos, sin
// and the product by the attention factor af) and rounded once to x's dtype; the products and the
// sum are then computed in x's dtype: fl(fl(x_a·c) − fl(x_b·s)), which is what Hugging Face
// computes for a float32 model (cos/sin cast to the activation dtype, then q·cos + rotate(q)·sin).
// With float32Angles the cos/sin rows follow PyTorch's float32 path instead (see angles32.ts).
//
// The work is split in two kernels so that a cos/sin row is computed once per position and
// reused across every head (and every batch element when positions are shared):
//   ropeTable: the rows of a block of positions;   ropeApply: rotates [batch, heads, rows] rows.
// Multi-axis rotary (M-RoPE, per-axis 2-D/3-D rotary) only changes the table: ropeTableAxes takes
// each pair's position from its axis, one frequency context per axis (so each axis's values come
// from the same angle-addition rows as 1-D rotary), and ropeApply is shared.
import { sincos, sincosSin, sincosCos } from './math';
import { genRow } from './sincos';
import { a32Freqs, angle32 } from './angles32';
import { H_COS_BASE, H_N, H_SIN_BASE } from './sincos';

/** The columns of one axis (a float32-angle context) at position p: sin at sinBase + i, cos at cosBase + i of the f64 scratch, times af. */
@inline function a32Fill(ctx: usize, p: f64, af: f64, scratch: usize): void {
  const n = load<i32>(ctx, H_N);
  const sb = scratch + (<usize>load<i32>(ctx, H_SIN_BASE) << 3);
  const cb = scratch + (<usize>load<i32>(ctx, H_COS_BASE) << 3);
  const om = a32Freqs(ctx);
  const p32 = <f64><f32>p;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    sincos(angle32(p32, load<f64>(om + off)));
    // fl32(fl32(cos θ32)·af32): the product of two float32 values, rounded once to float32.
    store<f64>(sb + off, <f64><f32>(<f64><f32>sincosSin * af));
    store<f64>(cb + off, <f64><f32>(<f64><f32>sincosCos * af));
  }
}

/**
 * Writes one table row from the f64 scratch [s_0 … s_{h−1} | c_0 … c_{h−1}] (gathered order),
 * times af (f64: c and s are rounded once, afterwards; 1 when the scratch holds them already):
 * column i takes slot perm[i] (perm 0: slot i). The scratch is left as it was.
 */
@inline function emitRow(scratch: usize, h: i32, perm: usize, af: f64, row: usize, interleaved: bool, f64out: bool): void {
  for (let i = 0; i < h; i++) {
    const g = perm ? load<i32>(perm + (<usize>i << 2)) : i;
    const s = load<f64>(scratch + (<usize>g << 3)) * af;
    const c = load<f64>(scratch + (<usize>(h + g) << 3)) * af;
    if (interleaved) {
      const j = <usize>(2 * i);
      const sj = <usize>(2 * h) + j;
      if (f64out) {
        store<f64>(row + (j << 3), c);
        store<f64>(row + ((j + 1) << 3), c);
        store<f64>(row + (sj << 3), -s);
        store<f64>(row + ((sj + 1) << 3), s);
      } else {
        store<f32>(row + (j << 2), <f32>c);
        store<f32>(row + ((j + 1) << 2), <f32>c);
        store<f32>(row + (sj << 2), -<f32>s);
        store<f32>(row + ((sj + 1) << 2), <f32>s);
      }
    } else if (f64out) {
      store<f64>(row + (<usize>i << 3), c);
      store<f64>(row + (<usize>(h + i) << 3), s);
    } else {
      store<f32>(row + (<usize>i << 2), <f32>c);
      store<f32>(row + (<usize>(h + i) << 2), <f32>s);
    }
  }
}

/**
 * Writes the cos/sin rows of `count` positions into `tab` (elements of x's dtype):
 *   halves: [c_0 … c_{h−1} | s_0 … s_{h−1}] (2h elements per row);
 *   interleaved: [c_0, c_0, c_1, c_1, … | −s_0, s_0, −s_1, s_1, …] (4h elements per row).
 * Positions: positions[r] (f64) when non-zero, else start + (rowBase + r).
 * ctx: a sincos.ts context of the h frequencies laid out as halves over 2h columns (f64 angles),
 * used when a32 is 0; a32: an angles32.ts context (float32 angles), af then already a float32.
 * scratch: 2h f64.
 */
export function ropeTable(ctx: usize, a32: usize, h: i32, tab: usize, count: i32, start: f64, rowBase: i32, positions: usize, af: f64, interleaved: bool, f64out: bool, scratch: usize): void {
  const shift: usize = f64out ? 3 : 2;
  const stride = <usize>(interleaved ? 4 * h : 2 * h);
  for (let r = 0; r < count; r++) {
    const p = positions ? load<f64>(positions + (<usize>r << 3)) : start + <f64>(rowBase + r);
    if (a32) a32Fill(a32, p, af, scratch);
    else genRow(ctx, p, scratch, true);
    emitRow(scratch, h, 0, a32 ? 1.0 : af, tab + ((<usize>r * stride) << shift), interleaved, f64out);
  }
}

/**
 * ropeTable for multi-axis rotary: pair j takes the position of its axis. ctxs: nAxes context
 * pointers (u32), one per axis (float32-angle contexts when a32), each laid out over the 2h
 * scratch columns at its gathered slots (sinBase = slot, cosBase = h + slot); perm: h i32, the
 * gathered slot of column j (0: the identity). Positions of axis a, row r:
 * positions[a·posStride + r] when positions is non-zero, else start + (rowBase + r) for every axis.
 * Every value has the bits the 1-D kernel gives for that frequency at that position. An axis
 * whose position is the previous row's keeps its scratch columns (inside an image, time and
 * height stay the same for whole rows of tokens).
 */
export function ropeTableAxes(ctxs: usize, a32: bool, nAxes: i32, h: i32, perm: usize, tab: usize, count: i32, start: f64, rowBase: i32, positions: usize, posStride: i32, af: f64, interleaved: bool, f64out: bool, scratch: usize): void {
  const shift: usize = f64out ? 3 : 2;
  const stride = <usize>(interleaved ? 4 * h : 2 * h);
  for (let r = 0; r < count; r++) {
    for (let a = 0; a < nAxes; a++) {
      const ctx = <usize>load<u32>(ctxs + (<usize>a << 2));
      let p: f64;
      if (positions) {
        const at = positions + ((<usize>a * <usize>posStride + <usize>r) << 3);
        p = load<f64>(at);
        if (r > 0 && load<f64>(at - 8) == p) continue;
      } else p = start + <f64>(rowBase + r);
      if (a32) a32Fill(ctx, p, af, scratch);
      else genRow(ctx, p, scratch, true);
    }
    emitRow(scratch, h, perm, a32 ? 1.0 : af, tab + ((<usize>r * stride) << shift), interleaved, f64out);
  }
}

// ---- one row: x (read) → o (written; may be x) with the table row t -----------------------------

function halvesF32(x: usize, o: usize, t: usize, h: i32): void {
  const hb = <usize>h << 2;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= h; i += 4) {
      const off = <usize>i << 2;
      const a = v128.load(x + off), b = v128.load(x + hb + off);
      const c = v128.load(t + off), s = v128.load(t + hb + off);
      v128.store(o + off, f32x4.sub(f32x4.mul(a, c), f32x4.mul(b, s)));
      v128.store(o + hb + off, f32x4.add(f32x4.mul(b, c), f32x4.mul(a, s)));
    }
  }
  for (; i < h; i++) {
    const off = <usize>i << 2;
    const a = load<f32>(x + off), b = load<f32>(x + hb + off);
    const c = load<f32>(t + off), s = load<f32>(t + hb + off);
    store<f32>(o + off, a * c - b * s);
    store<f32>(o + hb + off, b * c + a * s);
  }
}

function halvesF64(x: usize, o: usize, t: usize, h: i32): void {
  const hb = <usize>h << 3;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= h; i += 2) {
      const off = <usize>i << 3;
      const a = v128.load(x + off), b = v128.load(x + hb + off);
      const c = v128.load(t + off), s = v128.load(t + hb + off);
      v128.store(o + off, f64x2.sub(f64x2.mul(a, c), f64x2.mul(b, s)));
      v128.store(o + hb + off, f64x2.add(f64x2.mul(b, c), f64x2.mul(a, s)));
    }
  }
  for (; i < h; i++) {
    const off = <usize>i << 3;
    const a = load<f64>(x + off), b = load<f64>(x + hb + off);
    const c = load<f64>(t + off), s = load<f64>(t + hb + off);
    store<f64>(o + off, a * c - b * s);
    store<f64>(o + hb + off, b * c + a * s);
  }
}

/** Interleaved pairs with the expanded row [c0, c0, … | −s0, s0, …]: o = x·C + swap(x)·S. */
function interleavedF32(x: usize, o: usize, t: usize, rd: i32): void {
  const sb = <usize>rd << 2;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 4 <= rd; j += 4) {
      const off = <usize>j << 2;
      const v = v128.load(x + off);
      const w = v128.shuffle<f32>(v, v, 1, 0, 3, 2);
      v128.store(o + off, f32x4.add(f32x4.mul(v, v128.load(t + off)), f32x4.mul(w, v128.load(t + sb + off))));
    }
  }
  for (; j < rd; j += 2) {
    const off = <usize>j << 2;
    const a = load<f32>(x + off), b = load<f32>(x + off + 4);
    store<f32>(o + off, a * load<f32>(t + off) + b * load<f32>(t + sb + off));
    store<f32>(o + off + 4, b * load<f32>(t + off + 4) + a * load<f32>(t + sb + off + 4));
  }
}

function interleavedF64(x: usize, o: usize, t: usize, rd: i32): void {
  const sb = <usize>rd << 3;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 2 <= rd; j += 2) {
      const off = <usize>j << 3;
      const v = v128.load(x + off);
      const w = v128.shuffle<f64>(v, v, 1, 0);
      v128.store(o + off, f64x2.add(f64x2.mul(v, v128.load(t + off)), f64x2.mul(w, v128.load(t + sb + off))));
    }
  }
  for (; j < rd; j += 2) {
    const off = <usize>j << 3;
    const a = load<f64>(x + off), b = load<f64>(x + off + 8);
    store<f64>(o + off, a * load<f64>(t + off) + b * load<f64>(t + sb + off));
    store<f64>(o + off + 8, b * load<f64>(t + off + 8) + a * load<f64>(t + sb + off + 8));
  }
}

@inline function rotateRow(x: usize, o: usize, t: usize, rd: i32, interleaved: bool, f64out: bool): void {
  if (interleaved) {
    if (f64out) interleavedF64(x, o, t, rd);
    else interleavedF32(x, o, t, rd);
  } else if (f64out) halvesF64(x, o, t, rd >> 1);
  else halvesF32(x, o, t, rd >> 1);
}

/**
 * Rotates the first `rd` features of every row x[b][h][l] (b < batch, h < heads, l < rows) into
 * out; features [rd, headDim) are copied unchanged (nothing to do when out is x).
 * Strides in elements: x row (b, h, l) starts at x + b·xBS + h·xHS + l·xLS (out: oBS, oHS, oLS).
 * Table row of (b, l): tab + (b·tBS + l)·(rd or 2rd) elements (tBS = 0: shared by the batch).
 */
export function ropeApply(tab: usize, tBS: i32, x: usize, out: usize, batch: i32, heads: i32, rows: i32, xBS: i32, xHS: i32, xLS: i32, oBS: i32, oHS: i32, oLS: i32, headDim: i32, rd: i32, interleaved: bool, f64out: bool): void {
  const shift: usize = f64out ? 3 : 2;
  const tStride = <usize>(interleaved ? 2 * rd : rd);
  const rdBytes = <usize>rd << shift;
  const passBytes = <usize>(headDim - rd) << shift;
  // Walk memory in order: heads outermost for [b, h, l, d], positions outermost for [b, l, h, d].
  const headsOuter = xHS >= xLS;
  const nu = headsOuter ? heads : rows;
  const nv = headsOuter ? rows : heads;
  for (let b = 0; b < batch; b++) {
    const xB = x + ((<usize>b * <usize>xBS) << shift);
    const oB = out + ((<usize>b * <usize>oBS) << shift);
    const tB = tab + ((<usize>b * <usize>tBS * tStride) << shift);
    for (let u = 0; u < nu; u++) {
      for (let v = 0; v < nv; v++) {
        const h = headsOuter ? u : v;
        const l = headsOuter ? v : u;
        const xr = xB + ((<usize>h * <usize>xHS + <usize>l * <usize>xLS) << shift);
        const or = oB + ((<usize>h * <usize>oHS + <usize>l * <usize>oLS) << shift);
        if (rd > 0) rotateRow(xr, or, tB + ((<usize>l * tStride) << shift), rd, interleaved, f64out);
        if (passBytes && or != xr) memory.copy(or + rdBytes, xr + rdBytes, passBytes);
      }
    }
  }
}
