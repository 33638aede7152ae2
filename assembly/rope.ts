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
 * Writes one table row [c_0 … c_{h−1} | s_0 … s_{h−1}] from the f64 scratch
 * [s_0 … s_{h−1} | c_0 … c_{h−1}] (gathered order), times af (f64: c and s are rounded once,
 * afterwards; 1 when the scratch holds them already): column i takes slot perm[i] (perm 0: slot
 * i). Both pairings use this compact row: ropeApply expands it for interleaved pairs. The
 * scratch is left as it was.
 */
@inline function emitRow(scratch: usize, h: i32, perm: usize, af: f64, row: usize, f64out: bool): void {
  for (let i = 0; i < h; i++) {
    const g = perm ? load<i32>(perm + (<usize>i << 2)) : i;
    const s = load<f64>(scratch + (<usize>g << 3)) * af;
    const c = load<f64>(scratch + (<usize>(h + g) << 3)) * af;
    if (f64out) {
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
 * [c_0 … c_{h−1} | s_0 … s_{h−1}] (2h elements per row, for both pairings).
 * Positions: positions[r] (f64) when non-zero, else start + (rowBase + r).
 * ctx: a sincos.ts context of the h frequencies laid out as halves over 2h columns (f64 angles),
 * used when a32 is 0; a32: an angles32.ts context (float32 angles), af then already a float32.
 * scratch: 2h f64.
 */
export function ropeTable(ctx: usize, a32: usize, h: i32, tab: usize, count: i32, start: f64, rowBase: i32, positions: usize, af: f64, f64out: bool, scratch: usize): void {
  const shift: usize = f64out ? 3 : 2;
  const stride = <usize>(2 * h);
  for (let r = 0; r < count; r++) {
    const p = positions ? load<f64>(positions + (<usize>r << 3)) : start + <f64>(rowBase + r);
    if (a32) a32Fill(a32, p, af, scratch);
    else genRow(ctx, p, scratch, true);
    emitRow(scratch, h, 0, a32 ? 1.0 : af, tab + ((<usize>r * stride) << shift), f64out);
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
export function ropeTableAxes(ctxs: usize, a32: bool, nAxes: i32, h: i32, perm: usize, tab: usize, count: i32, start: f64, rowBase: i32, positions: usize, posStride: i32, af: f64, f64out: bool, scratch: usize): void {
  const shift: usize = f64out ? 3 : 2;
  const stride = <usize>(2 * h);
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
    emitRow(scratch, h, perm, a32 ? 1.0 : af, tab + ((<usize>r * stride) << shift), f64out);
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

/**
 * Interleaved pairs (2i, 2i + 1) with the compact row [c_0 … c_{h−1} | s_0 … s_{h−1}]: each
 * vector of cos (sin) values is expanded with shuffles to [c_i, c_i, c_{i+1}, c_{i+1}]
 * ([−s_i, s_i, …]: the sign flipped by an exact xor), then o = x·C + swap(x)·S, the products and
 * sum of the halves kernel: fl(fl(a·c) − fl(b·s)), fl(fl(b·c) + fl(a·s)).
 */
function interleavedF32(x: usize, o: usize, t: usize, rd: i32): void {
  const hb = <usize>rd << 1; // h values of 4 bytes
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const neg = i32x4(0x80000000, 0, 0x80000000, 0);
    for (; j + 8 <= rd; j += 8) {
      const off = <usize>j << 2;
      const ci = v128.load(t + (off >> 1)), si = v128.load(t + hb + (off >> 1));
      const c0 = v128.shuffle<f32>(ci, ci, 0, 0, 1, 1), c1 = v128.shuffle<f32>(ci, ci, 2, 2, 3, 3);
      const s0 = v128.xor(v128.shuffle<f32>(si, si, 0, 0, 1, 1), neg), s1 = v128.xor(v128.shuffle<f32>(si, si, 2, 2, 3, 3), neg);
      const v0 = v128.load(x + off), v1 = v128.load(x + off, 16);
      const w0 = v128.shuffle<f32>(v0, v0, 1, 0, 3, 2), w1 = v128.shuffle<f32>(v1, v1, 1, 0, 3, 2);
      v128.store(o + off, f32x4.add(f32x4.mul(v0, c0), f32x4.mul(w0, s0)));
      v128.store(o + off, f32x4.add(f32x4.mul(v1, c1), f32x4.mul(w1, s1)), 16);
    }
  }
  for (; j < rd; j += 2) {
    const off = <usize>j << 2;
    const a = load<f32>(x + off), b = load<f32>(x + off + 4);
    const c = load<f32>(t + (off >> 1)), s = load<f32>(t + hb + (off >> 1));
    store<f32>(o + off, a * c - b * s);
    store<f32>(o + off + 4, b * c + a * s);
  }
}

function interleavedF64(x: usize, o: usize, t: usize, rd: i32): void {
  const hb = <usize>rd << 2; // h values of 8 bytes
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const neg = i64x2(0x8000000000000000, 0);
    for (; j + 4 <= rd; j += 4) {
      const off = <usize>j << 3;
      const ci = v128.load(t + (off >> 1)), si = v128.load(t + hb + (off >> 1));
      const c0 = v128.shuffle<f64>(ci, ci, 0, 0), c1 = v128.shuffle<f64>(ci, ci, 1, 1);
      const s0 = v128.xor(v128.shuffle<f64>(si, si, 0, 0), neg), s1 = v128.xor(v128.shuffle<f64>(si, si, 1, 1), neg);
      const v0 = v128.load(x + off), v1 = v128.load(x + off, 16);
      const w0 = v128.shuffle<f64>(v0, v0, 1, 0), w1 = v128.shuffle<f64>(v1, v1, 1, 0);
      v128.store(o + off, f64x2.add(f64x2.mul(v0, c0), f64x2.mul(w0, s0)));
      v128.store(o + off, f64x2.add(f64x2.mul(v1, c1), f64x2.mul(w1, s1)), 16);
    }
  }
  for (; j < rd; j += 2) {
    const off = <usize>j << 3;
    const a = load<f64>(x + off), b = load<f64>(x + off + 8);
    const c = load<f64>(t + (off >> 1)), s = load<f64>(t + hb + (off >> 1));
    store<f64>(o + off, a * c - b * s);
    store<f64>(o + off + 8, b * c + a * s);
  }
}

@inline function rotateRow(x: usize, o: usize, t: usize, rd: i32, interleaved: bool, f64out: bool): void {
  if (interleaved) {
    if (f64out) interleavedF64(x, o, t, rd);
    else interleavedF32(x, o, t, rd);
  } else if (f64out) halvesF64(x, o, t, rd >> 1);
  else halvesF32(x, o, t, rd >> 1);
}

// ---- n rows sharing one table row: every head of a position (decode steps, [b, l, h, d]) -------
// The cos/sin vectors are loaded once and kept in registers across the n rows, at byte strides
// xs and os: two loads per vector of pairs instead of four. Same operations per element as the
// one-row kernels, hence the same bits.

function halvesF32N(x: usize, o: usize, t: usize, h: i32, n: i32, xs: usize, os: usize): void {
  const hb = <usize>h << 2;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= h; i += 8) {
      const off = <usize>i << 2;
      const c0 = v128.load(t + off), s0 = v128.load(t + hb + off);
      const c1 = v128.load(t + off, 16), s1 = v128.load(t + hb + off, 16);
      let px = x + off, po = o + off;
      for (let k = 0; k < n; k++) {
        const a0 = v128.load(px), b0 = v128.load(px + hb);
        const a1 = v128.load(px, 16), b1 = v128.load(px + hb, 16);
        v128.store(po, f32x4.sub(f32x4.mul(a0, c0), f32x4.mul(b0, s0)));
        v128.store(po + hb, f32x4.add(f32x4.mul(b0, c0), f32x4.mul(a0, s0)));
        v128.store(po, f32x4.sub(f32x4.mul(a1, c1), f32x4.mul(b1, s1)), 16);
        v128.store(po + hb, f32x4.add(f32x4.mul(b1, c1), f32x4.mul(a1, s1)), 16);
        px += xs;
        po += os;
      }
    }
    for (; i + 4 <= h; i += 4) {
      const off = <usize>i << 2;
      const c = v128.load(t + off), s = v128.load(t + hb + off);
      let px = x + off, po = o + off;
      for (let k = 0; k < n; k++) {
        const a = v128.load(px), b = v128.load(px + hb);
        v128.store(po, f32x4.sub(f32x4.mul(a, c), f32x4.mul(b, s)));
        v128.store(po + hb, f32x4.add(f32x4.mul(b, c), f32x4.mul(a, s)));
        px += xs;
        po += os;
      }
    }
  }
  for (; i < h; i++) {
    const off = <usize>i << 2;
    const c = load<f32>(t + off), s = load<f32>(t + hb + off);
    let px = x + off, po = o + off;
    for (let k = 0; k < n; k++) {
      const a = load<f32>(px), b = load<f32>(px + hb);
      store<f32>(po, a * c - b * s);
      store<f32>(po + hb, b * c + a * s);
      px += xs;
      po += os;
    }
  }
}

function halvesF64N(x: usize, o: usize, t: usize, h: i32, n: i32, xs: usize, os: usize): void {
  const hb = <usize>h << 3;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= h; i += 2) {
      const off = <usize>i << 3;
      const c = v128.load(t + off), s = v128.load(t + hb + off);
      let px = x + off, po = o + off;
      for (let k = 0; k < n; k++) {
        const a = v128.load(px), b = v128.load(px + hb);
        v128.store(po, f64x2.sub(f64x2.mul(a, c), f64x2.mul(b, s)));
        v128.store(po + hb, f64x2.add(f64x2.mul(b, c), f64x2.mul(a, s)));
        px += xs;
        po += os;
      }
    }
  }
  for (; i < h; i++) {
    const off = <usize>i << 3;
    const c = load<f64>(t + off), s = load<f64>(t + hb + off);
    let px = x + off, po = o + off;
    for (let k = 0; k < n; k++) {
      const a = load<f64>(px), b = load<f64>(px + hb);
      store<f64>(po, a * c - b * s);
      store<f64>(po + hb, b * c + a * s);
      px += xs;
      po += os;
    }
  }
}

function interleavedF32N(x: usize, o: usize, t: usize, rd: i32, n: i32, xs: usize, os: usize): void {
  const hb = <usize>rd << 1;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const neg = i32x4(0x80000000, 0, 0x80000000, 0);
    for (; j + 8 <= rd; j += 8) {
      const off = <usize>j << 2;
      const ci = v128.load(t + (off >> 1)), si = v128.load(t + hb + (off >> 1));
      const c0 = v128.shuffle<f32>(ci, ci, 0, 0, 1, 1), c1 = v128.shuffle<f32>(ci, ci, 2, 2, 3, 3);
      const s0 = v128.xor(v128.shuffle<f32>(si, si, 0, 0, 1, 1), neg), s1 = v128.xor(v128.shuffle<f32>(si, si, 2, 2, 3, 3), neg);
      let px = x + off, po = o + off;
      for (let k = 0; k < n; k++) {
        const v0 = v128.load(px), v1 = v128.load(px, 16);
        const w0 = v128.shuffle<f32>(v0, v0, 1, 0, 3, 2), w1 = v128.shuffle<f32>(v1, v1, 1, 0, 3, 2);
        v128.store(po, f32x4.add(f32x4.mul(v0, c0), f32x4.mul(w0, s0)));
        v128.store(po, f32x4.add(f32x4.mul(v1, c1), f32x4.mul(w1, s1)), 16);
        px += xs;
        po += os;
      }
    }
  }
  for (; j < rd; j += 2) {
    const off = <usize>j << 2;
    const c = load<f32>(t + (off >> 1)), s = load<f32>(t + hb + (off >> 1));
    let px = x + off, po = o + off;
    for (let k = 0; k < n; k++) {
      const a = load<f32>(px), b = load<f32>(px, 4);
      store<f32>(po, a * c - b * s);
      store<f32>(po, b * c + a * s, 4);
      px += xs;
      po += os;
    }
  }
}

function interleavedF64N(x: usize, o: usize, t: usize, rd: i32, n: i32, xs: usize, os: usize): void {
  const hb = <usize>rd << 2;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const neg = i64x2(0x8000000000000000, 0);
    for (; j + 4 <= rd; j += 4) {
      const off = <usize>j << 3;
      const ci = v128.load(t + (off >> 1)), si = v128.load(t + hb + (off >> 1));
      const c0 = v128.shuffle<f64>(ci, ci, 0, 0), c1 = v128.shuffle<f64>(ci, ci, 1, 1);
      const s0 = v128.xor(v128.shuffle<f64>(si, si, 0, 0), neg), s1 = v128.xor(v128.shuffle<f64>(si, si, 1, 1), neg);
      let px = x + off, po = o + off;
      for (let k = 0; k < n; k++) {
        const v0 = v128.load(px), v1 = v128.load(px, 16);
        const w0 = v128.shuffle<f64>(v0, v0, 1, 0), w1 = v128.shuffle<f64>(v1, v1, 1, 0);
        v128.store(po, f64x2.add(f64x2.mul(v0, c0), f64x2.mul(w0, s0)));
        v128.store(po, f64x2.add(f64x2.mul(v1, c1), f64x2.mul(w1, s1)), 16);
        px += xs;
        po += os;
      }
    }
  }
  for (; j < rd; j += 2) {
    const off = <usize>j << 3;
    const c = load<f64>(t + (off >> 1)), s = load<f64>(t + hb + (off >> 1));
    let px = x + off, po = o + off;
    for (let k = 0; k < n; k++) {
      const a = load<f64>(px), b = load<f64>(px, 8);
      store<f64>(po, a * c - b * s);
      store<f64>(po, b * c + a * s, 8);
      px += xs;
      po += os;
    }
  }
}

@inline function rotateRows(x: usize, o: usize, t: usize, rd: i32, n: i32, xs: usize, os: usize, interleaved: bool, f64out: bool): void {
  if (interleaved) {
    if (f64out) interleavedF64N(x, o, t, rd, n, xs, os);
    else interleavedF32N(x, o, t, rd, n, xs, os);
  } else if (f64out) halvesF64N(x, o, t, rd >> 1, n, xs, os);
  else halvesF32N(x, o, t, rd >> 1, n, xs, os);
}

/** Bytes of one batch element below which its heads are walked inside each position (they stay in L1/L2). */
const HEADS_INSIDE_BYTES: usize = 256 * 1024;
/**
 * Heads rotated together per position otherwise ([b, h, l, d] beyond that size: prefill): each
 * table row is read once per pair of heads instead of once per head. Measured on
 * [1, 32, 2048, 128] (time / copy, CPU time, interleaved runs): groups of 1 head 1.04–1.35×,
 * 2 heads 0.92–1.16×, 4 heads 1.01–1.26×, 8 heads 2.3× (too many concurrent streams).
 */
const HEAD_GROUP: i32 = 2;

/**
 * Rotates the first `rd` features of every row x[b][h][l] (b < batch, h < heads, l < rows) into
 * out; features [rd, headDim) are copied unchanged (nothing to do when out is x).
 * Strides in elements: x row (b, h, l) starts at x + b·xBS + h·xHS + l·xLS (out: oBS, oHS, oLS).
 * Table rows are rd elements ([c | s], both pairings). Row of (b, l): tab + idx[b·idxBS + l]·rd
 * when idx (u32 row indices) is non-zero, else tab + (b·tBS + l)·rd (tBS = 0: shared by the batch).
 * Memory is walked nearly in order for large [b, h, l, d] (pairs of heads outermost, positions
 * inside: five streams, x and out of two heads and the table rows, that the hardware prefetches);
 * small tensors and [b, l, h, d] walk every head inside each position. Walking positions in blocks
 * with every head inside a block, to keep a block's rows in L1/L2, measured slower (blocks of
 * 64–512 positions: 1.3–1.4× the copy against 1.0–1.1× for [1, 32, 2048, 128]): 2·heads
 * interleaved streams defeat the prefetcher.
 */
export function ropeApply(tab: usize, tBS: i32, idx: usize, idxBS: i32, x: usize, out: usize, batch: i32, heads: i32, rows: i32, xBS: i32, xHS: i32, xLS: i32, oBS: i32, oHS: i32, oLS: i32, headDim: i32, rd: i32, interleaved: bool, f64out: bool): void {
  const shift: usize = f64out ? 3 : 2;
  const tStride = <usize>rd << shift;
  const rdBytes = <usize>rd << shift;
  const passBytes = <usize>(headDim - rd) << shift;
  // Heads inside each position (one table row for all of them) for [b, l, h, d] and for small
  // [b, h, l, d] (decode steps); else memory in order: heads outermost, positions inside.
  const headsInside = xLS >= xHS || ((<usize>heads * <usize>rows * <usize>headDim) << shift) <= HEADS_INSIDE_BYTES;
  const xHSb = <usize>xHS << shift;
  const oHSb = <usize>oHS << shift;
  for (let b = 0; b < batch; b++) {
    const xB = x + ((<usize>b * <usize>xBS) << shift);
    const oB = out + ((<usize>b * <usize>oBS) << shift);
    const tB = tab + <usize>b * <usize>tBS * tStride;
    const iB = idx + ((<usize>b * <usize>idxBS) << 2);
    if (headsInside) {
      for (let l = 0; l < rows; l++) {
        const xr = xB + ((<usize>l * <usize>xLS) << shift);
        const or = oB + ((<usize>l * <usize>oLS) << shift);
        const t = idx ? tab + <usize>load<u32>(iB + (<usize>l << 2)) * tStride : tB + <usize>l * tStride;
        if (rd > 0) rotateRows(xr, or, t, rd, heads, xHSb, oHSb, interleaved, f64out);
        if (passBytes && or != xr) {
          for (let h = 0; h < heads; h++) memory.copy(or + <usize>h * oHSb + rdBytes, xr + <usize>h * xHSb + rdBytes, passBytes);
        }
      }
      continue;
    }
    for (let h0 = 0; h0 < heads; h0 += HEAD_GROUP) {
      const g = min(HEAD_GROUP, heads - h0);
      for (let l = 0; l < rows; l++) {
        const xr = xB + ((<usize>h0 * <usize>xHS + <usize>l * <usize>xLS) << shift);
        const or = oB + ((<usize>h0 * <usize>oHS + <usize>l * <usize>oLS) << shift);
        const t = idx ? tab + <usize>load<u32>(iB + (<usize>l << 2)) * tStride : tB + <usize>l * tStride;
        if (rd > 0) {
          if (g == 1) rotateRow(xr, or, t, rd, interleaved, f64out);
          else rotateRows(xr, or, t, rd, g, xHSb, oHSb, interleaved, f64out);
        }
        if (passBytes && or != xr) {
          for (let h = 0; h < g; h++) memory.copy(or + <usize>h * oHSb + rdBytes, xr + <usize>h * xHSb + rdBytes, passBytes);
        }
      }
    }
  }
}
