// sin(p·ω_i) and cos(p·ω_i) for a whole row of frequencies, without one sin/cos call per element.
//
// A position p = t + f (t = floor p) is split as t = T + 256s + 16q + k with T a multiple of 4096
// and s, q, k in 0..15. Then, with the angle-addition formulas
//   sin(a + b) = sin a·cos b + cos a·sin b,   cos(a + b) = cos a·cos b − sin a·sin b,
//   B = S(T + f) ⊕ K3[s],   A = B ⊕ K2[q]   and   row = A ⊕ K1[k],
// where S, K3 = sincos(256s·ω), K2 = sincos(16q·ω), K1 = sincos(k·ω) are exact NativeMath
// evaluations cached per frequency context (exact sin/cos: n per 4096 rows). Every element is
// three angle additions away from exact values, so its error is a few f64 ulps (≈2^-50
// absolute), never accumulating with p; and because the split depends only
// on p, the bits of position p never depend on the table's length, offset, chunking or backend
// build (the SIMD and scalar paths perform the same f64 operations in the same order, no FMA).
// see: the angle-addition recurrences of Goertzel / "sincos tables" in FFT twiddle generation.
import { sincos, sincosSin, sincosCos } from './math';

// The layout of a context in module memory (byte offsets). The header is shared with the
// float32-angle contexts of angles32.ts, so ctxLayout, ctxOmega and ctxFree serve both. np = n rounded up to even, so the SIMD
// loops can read frequency pairs; the padding frequency is 0 and its values are never emitted.
export const H_N: usize = 0; // i32 n
const H_NP: usize = 4; // i32 np
const H_K1: usize = 8; // u32 bit k: K1[k] is computed
const H_K2: usize = 12; // u32 bit q: K2[q] is computed
const H_SEED_OK: usize = 16; // i32
const H_A_OK: usize = 20; // i32
const H_A_Q: usize = 24; // i32
const H_K3: usize = 28; // u32 bit s: K3[s] is computed
const H_SEED_T: usize = 32; // f64
const H_SEED_F: usize = 40; // f64
// The row layout this context emits (set once by ctxLayout).
export const H_LAYOUT: usize = 48; // i32 LAYOUT_*
export const H_SIN_BASE: usize = 52; // i32 column of sin_0
export const H_COS_BASE: usize = 56; // i32 column of cos_0 (halves)
export const H_N_COS: usize = 60; // i32 number of cos columns (n or n − 1)
export const H_DIM: usize = 64; // i32 row width
export const H_ZERO_FROM: usize = 68; // i32 columns [zeroFrom, dim) are zero
export const H_PAD_POS: usize = 72; // f64 the position whose whole row is zero (NaN: none)
const H_B_OK: usize = 80; // i32
const H_B_S: usize = 84; // i32
export const HEADER: usize = 96;

const TWO52: f64 = 4503599627370496.0;

/** Bytes a context for `n` frequencies needs. */
function ctxBytes(np: i32): usize {
  return HEADER + <usize>np * 8 * (1 + 64 + 4 + 34);
}

@inline function omegaPtr(ctx: usize): usize {
  return ctx + HEADER;
}
@inline function np_(ctx: usize): i32 {
  return load<i32>(ctx, H_NP);
}
@inline function k1s(ctx: usize, k: i32): usize {
  const np = <usize>np_(ctx);
  return ctx + HEADER + np * 8 * (1 + <usize>k);
}
@inline function k1c(ctx: usize, k: i32): usize {
  const np = <usize>np_(ctx);
  return ctx + HEADER + np * 8 * (17 + <usize>k);
}
@inline function k2s(ctx: usize, q: i32): usize {
  const np = <usize>np_(ctx);
  return ctx + HEADER + np * 8 * (33 + <usize>q);
}
@inline function k2c(ctx: usize, q: i32): usize {
  const np = <usize>np_(ctx);
  return ctx + HEADER + np * 8 * (49 + <usize>q);
}
@inline function seedS(ctx: usize): usize {
  return ctx + HEADER + <usize>np_(ctx) * 8 * 65;
}
@inline function seedC(ctx: usize): usize {
  return ctx + HEADER + <usize>np_(ctx) * 8 * 66;
}
/** A = S ⊕ K2[q], the sin half; the row's sin/cos follow from A ⊕ K1[k]. */
@inline export function aS(ctx: usize): usize {
  return ctx + HEADER + <usize>np_(ctx) * 8 * 67;
}
@inline export function aC(ctx: usize): usize {
  return ctx + HEADER + <usize>np_(ctx) * 8 * 68;
}
@inline function k3s(ctx: usize, s: i32): usize {
  return ctx + HEADER + <usize>np_(ctx) * 8 * (69 + <usize>s);
}
@inline function k3c(ctx: usize, s: i32): usize {
  return ctx + HEADER + <usize>np_(ctx) * 8 * (85 + <usize>s);
}
/** B = S ⊕ K3[s]: the angle of the 256-row block. */
@inline function bS(ctx: usize): usize {
  return ctx + HEADER + <usize>np_(ctx) * 8 * 101;
}
@inline function bC(ctx: usize): usize {
  return ctx + HEADER + <usize>np_(ctx) * 8 * 102;
}
@inline export function k1sPtr(ctx: usize, k: i32): usize {
  return k1s(ctx, k);
}
@inline export function k1cPtr(ctx: usize, k: i32): usize {
  return k1c(ctx, k);
}

/**
 * Creates a frequency context for `n` frequencies and returns its pointer; the caller writes the
 * frequencies (f64) at `ctxOmega(ctx)` before the first use. 0 if memory could not grow.
 */
export function ctxNew(n: i32): usize {
  const np = (n + 1) & ~1;
  const ctx = heap.alloc(ctxBytes(np));
  memory.fill(ctx, 0, HEADER + <usize>np * 8);
  store<i32>(ctx, n, H_N);
  store<i32>(ctx, np, H_NP);
  return ctx;
}

/** Where the frequencies of a context are stored (n f64, then zero padding). */
export function ctxOmega(ctx: usize): usize {
  return omegaPtr(ctx);
}

/** Releases a context. */
export function ctxFree(ctx: usize): void {
  heap.free(ctx);
}

function fillSinCos(ctx: usize, scaleOfOmega: f64, dstS: usize, dstC: usize): void {
  const np = np_(ctx);
  const om = omegaPtr(ctx);
  for (let i = 0; i < np; i++) {
    const off = <usize>i << 3;
    sincos(scaleOfOmega * load<f64>(om + off));
    store<f64>(dstS + off, sincosSin);
    store<f64>(dstC + off, sincosCos);
  }
}

/** (aS, aC) ← (xS, xC) ⊕ (yS, yC) over all np lanes. */
function addAngles(np: i32, xS: usize, xC: usize, yS: usize, yC: usize, aSp: usize, aCp: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < np; i += 2) {
      const off = <usize>i << 3;
      const s = v128.load(xS + off);
      const c = v128.load(xC + off);
      const ks = v128.load(yS + off);
      const kc = v128.load(yC + off);
      v128.store(aSp + off, f64x2.add(f64x2.mul(s, kc), f64x2.mul(c, ks)));
      v128.store(aCp + off, f64x2.sub(f64x2.mul(c, kc), f64x2.mul(s, ks)));
    }
  } else {
    for (; i < np; i++) {
      const off = <usize>i << 3;
      const s = load<f64>(xS + off);
      const c = load<f64>(xC + off);
      const ks = load<f64>(yS + off);
      const kc = load<f64>(yC + off);
      store<f64>(aSp + off, s * kc + c * ks);
      store<f64>(aCp + off, c * kc - s * ks);
    }
  }
}

/**
 * Makes A (= sincos of the angle of position p minus k) and K1[k] ready for position `p` and
 * returns k. Only what is missing is computed: consecutive positions reuse everything.
 */
@inline export function prepare(ctx: usize, p: f64): i32 {
  const t = Math.floor(p);
  const f = p - t;
  let T: f64;
  let r: i32;
  if (Math.abs(t) < TWO52) {
    T = Math.floor(t * (1.0 / 4096.0)) * 4096.0;
    r = <i32>(t - T);
  } else {
    T = t;
    r = 0;
  }
  const sb = r >> 8;
  const q = (r >> 4) & 15;
  const k = r & 15;
  if (!load<i32>(ctx, H_SEED_OK) || load<f64>(ctx, H_SEED_T) != T || load<f64>(ctx, H_SEED_F) != f) {
    fillSinCos(ctx, T + f, seedS(ctx), seedC(ctx));
    store<f64>(ctx, T, H_SEED_T);
    store<f64>(ctx, f, H_SEED_F);
    store<i32>(ctx, 1, H_SEED_OK);
    store<i32>(ctx, 0, H_B_OK);
    store<i32>(ctx, 0, H_A_OK);
  }
  if (!load<i32>(ctx, H_B_OK) || load<i32>(ctx, H_B_S) != sb) {
    const k3 = load<u32>(ctx, H_K3);
    if (!(k3 & (1 << sb))) {
      fillSinCos(ctx, <f64>(sb << 8), k3s(ctx, sb), k3c(ctx, sb));
      store<u32>(ctx, k3 | (1 << sb), H_K3);
    }
    addAngles(np_(ctx), seedS(ctx), seedC(ctx), k3s(ctx, sb), k3c(ctx, sb), bS(ctx), bC(ctx));
    store<i32>(ctx, sb, H_B_S);
    store<i32>(ctx, 1, H_B_OK);
    store<i32>(ctx, 0, H_A_OK);
  }
  const k2 = load<u32>(ctx, H_K2);
  if (!(k2 & (1 << q))) {
    fillSinCos(ctx, <f64>(q << 4), k2s(ctx, q), k2c(ctx, q));
    store<u32>(ctx, k2 | (1 << q), H_K2);
  }
  if (!load<i32>(ctx, H_A_OK) || load<i32>(ctx, H_A_Q) != q) {
    addAngles(np_(ctx), bS(ctx), bC(ctx), k2s(ctx, q), k2c(ctx, q), aS(ctx), aC(ctx));
    store<i32>(ctx, q, H_A_Q);
    store<i32>(ctx, 1, H_A_OK);
  }
  const k1 = load<u32>(ctx, H_K1);
  if (!(k1 & (1 << k))) {
    fillSinCos(ctx, <f64>k, k1s(ctx, k), k1c(ctx, k));
    store<u32>(ctx, k1 | (1 << k), H_K1);
  }
  return k;
}

// ---- emission: the row's values A ⊕ K1[k], rounded to the output dtype, in a layout ----------

@inline function rowSin(s: f64, c: f64, ks: f64, kc: f64): f64 {
  return s * kc + c * ks;
}
@inline function rowCos(s: f64, c: f64, ks: f64, kc: f64): f64 {
  return c * kc - s * ks;
}

/** Layout codes shared with src/backends/wasm.ts. */
export const LAYOUT_HALVES: i32 = 0;
export const LAYOUT_INTERLEAVED: i32 = 1;

/**
 * Writes the n sin and nCos cos values of the prepared position into `dst` (f32 or f64 elements):
 * halves: sin_i at sinBase+i and cos_i at cosBase+i; interleaved: sin_i at sinBase+2i and cos_i
 * at sinBase+2i+1 (cosBase unused).
 */
@inline function emit(ctx: usize, k: i32, dst: usize, f64out: bool, layout: i32, sinBase: i32, cosBase: i32, nCos: i32): void {
  const n = load<i32>(ctx, H_N);
  const as = aS(ctx);
  const ac = aC(ctx);
  const ks = k1s(ctx, k);
  const kc = k1c(ctx, k);
  let i = 0;
  if (f64out) {
    const sB = dst + (<usize>sinBase << 3);
    const cB = dst + (<usize>cosBase << 3);
    if (ASC_FEATURE_SIMD) {
      for (; i + 2 <= nCos; i += 2) {
        const off = <usize>i << 3;
        const s = v128.load(as + off), c = v128.load(ac + off);
        const y = v128.load(ks + off), x = v128.load(kc + off);
        const rs = f64x2.add(f64x2.mul(s, x), f64x2.mul(c, y));
        const rc = f64x2.sub(f64x2.mul(c, x), f64x2.mul(s, y));
        if (layout == LAYOUT_HALVES) {
          v128.store(sB + off, rs);
          v128.store(cB + off, rc);
        } else {
          v128.store(sB + (off << 1), v128.shuffle<f64>(rs, rc, 0, 2));
          v128.store(sB + (off << 1) + 16, v128.shuffle<f64>(rs, rc, 1, 3));
        }
      }
    }
    for (; i < n; i++) {
      const off = <usize>i << 3;
      const s = load<f64>(as + off), c = load<f64>(ac + off);
      const y = load<f64>(ks + off), x = load<f64>(kc + off);
      if (layout == LAYOUT_HALVES) {
        store<f64>(sB + off, rowSin(s, c, y, x));
        if (i < nCos) store<f64>(cB + off, rowCos(s, c, y, x));
      } else {
        store<f64>(sB + (off << 1), rowSin(s, c, y, x));
        if (i < nCos) store<f64>(sB + (off << 1) + 8, rowCos(s, c, y, x));
      }
    }
  } else {
    const sB = dst + (<usize>sinBase << 2);
    const cB = dst + (<usize>cosBase << 2);
    if (ASC_FEATURE_SIMD) {
      // Pointer-bumped, unrolled loops: the immediate offsets of v128.load/store replace
      // per-element address arithmetic (the loop is compute bound, not memory bound).
      let pas = as, pac = ac, pks = ks, pkc = kc;
      if (layout == LAYOUT_HALVES) {
        let ps = sB, pc = cB;
        for (; i + 4 <= nCos; i += 4) {
          const s0 = v128.load(pas), s1 = v128.load(pas, 16);
          const c0 = v128.load(pac), c1 = v128.load(pac, 16);
          const y0 = v128.load(pks), y1 = v128.load(pks, 16);
          const x0 = v128.load(pkc), x1 = v128.load(pkc, 16);
          const rs0 = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(s0, x0), f64x2.mul(c0, y0)));
          const rs1 = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(s1, x1), f64x2.mul(c1, y1)));
          const rc0 = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(c0, x0), f64x2.mul(s0, y0)));
          const rc1 = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(c1, x1), f64x2.mul(s1, y1)));
          v128.store(ps, v128.shuffle<f32>(rs0, rs1, 0, 1, 4, 5));
          v128.store(pc, v128.shuffle<f32>(rc0, rc1, 0, 1, 4, 5));
          pas += 32; pac += 32; pks += 32; pkc += 32; ps += 16; pc += 16;
        }
      } else {
        let po = sB;
        for (; i + 4 <= nCos; i += 4) {
          const s0 = v128.load(pas), s1 = v128.load(pas, 16);
          const c0 = v128.load(pac), c1 = v128.load(pac, 16);
          const y0 = v128.load(pks), y1 = v128.load(pks, 16);
          const x0 = v128.load(pkc), x1 = v128.load(pkc, 16);
          const rs0 = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(s0, x0), f64x2.mul(c0, y0)));
          const rc0 = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(c0, x0), f64x2.mul(s0, y0)));
          const rs1 = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(s1, x1), f64x2.mul(c1, y1)));
          const rc1 = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(c1, x1), f64x2.mul(s1, y1)));
          v128.store(po, v128.shuffle<f32>(rs0, rc0, 0, 4, 1, 5));
          v128.store(po, v128.shuffle<f32>(rs1, rc1, 0, 4, 1, 5), 16);
          pas += 32; pac += 32; pks += 32; pkc += 32; po += 32;
        }
        if (i + 2 <= nCos) {
          const s = v128.load(pas), c = v128.load(pac);
          const y = v128.load(pks), x = v128.load(pkc);
          const rs = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(s, x), f64x2.mul(c, y)));
          const rc = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(c, x), f64x2.mul(s, y)));
          v128.store(po, v128.shuffle<f32>(rs, rc, 0, 4, 1, 5));
          i += 2;
        }
      }
    }
    for (; i < n; i++) {
      const off = <usize>i << 3;
      const s = load<f64>(as + off), c = load<f64>(ac + off);
      const y = load<f64>(ks + off), x = load<f64>(kc + off);
      if (layout == LAYOUT_HALVES) {
        store<f32>(sB + (off >> 1), <f32>rowSin(s, c, y, x));
        if (i < nCos) store<f32>(cB + (off >> 1), <f32>rowCos(s, c, y, x));
      } else {
        store<f32>(sB + off, <f32>rowSin(s, c, y, x));
        if (i < nCos) store<f32>(sB + off + 4, <f32>rowCos(s, c, y, x));
      }
    }
  }
}

/**
 * Sets how a context lays out a row of `dim` columns: the sin/cos columns (see `emit`), zero
 * columns [zeroFrom, dim), and `padPos`, a position whose row is all zero (NaN for none).
 */
export function ctxLayout(ctx: usize, layout: i32, sinBase: i32, cosBase: i32, nCos: i32, dim: i32, zeroFrom: i32, padPos: f64): void {
  store<i32>(ctx, layout, H_LAYOUT);
  store<i32>(ctx, sinBase, H_SIN_BASE);
  store<i32>(ctx, cosBase, H_COS_BASE);
  store<i32>(ctx, nCos, H_N_COS);
  store<i32>(ctx, dim, H_DIM);
  store<i32>(ctx, zeroFrom, H_ZERO_FROM);
  store<f64>(ctx, padPos, H_PAD_POS);
}

/** Row width of a context's layout. */
export function rowDim(ctx: usize): i32 {
  return load<i32>(ctx, H_DIM);
}

/** Flips the sign of the n sin columns of a row (exact). */
function negateSines(ctx: usize, dst: usize, f64out: bool, layout: i32, sinBase: i32): void {
  const n = load<i32>(ctx, H_N);
  const step: usize = layout == LAYOUT_HALVES ? 1 : 2;
  for (let i = 0; i < n; i++) {
    const j = <usize>sinBase + <usize>i * step;
    if (f64out) store<f64>(dst + (j << 3), -load<f64>(dst + (j << 3)));
    else store<f32>(dst + (j << 2), -load<f32>(dst + (j << 2)));
  }
}

/** Writes the encoding of position `p` as one row of the context's layout at `dst`. */
export function genRow(ctx: usize, p: f64, dst: usize, f64out: bool): void {
  const dim = load<i32>(ctx, H_DIM);
  const shift: usize = f64out ? 3 : 2;
  if (p == load<f64>(ctx, H_PAD_POS)) {
    memory.fill(dst, 0, <usize>dim << shift);
    return;
  }
  // Negative positions are mirrored: sin(−x) = −sin x, cos(−x) = cos x. Splitting p < 0 directly
  // would round p − floor(p) (−1e-20 → 1) and T + f, losing the bound near zero.
  const neg = p < 0;
  const layout = load<i32>(ctx, H_LAYOUT);
  const sinBase = load<i32>(ctx, H_SIN_BASE);
  const k = prepare(ctx, neg ? -p : p);
  emit(ctx, k, dst, f64out, layout, sinBase, load<i32>(ctx, H_COS_BASE), load<i32>(ctx, H_N_COS));
  if (neg) negateSines(ctx, dst, f64out, layout, sinBase);
  const z = load<i32>(ctx, H_ZERO_FROM);
  if (z < dim) memory.fill(dst + (<usize>z << shift), 0, <usize>(dim - z) << shift);
}
