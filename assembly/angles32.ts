// Encodings computed with float32 angles, the way PyTorch (and TensorFlow/JAX in float32) compute
// them: the option `float32Angles`. The frequencies ω32 arrive already rounded to float32 (the
// planner derives them with the reference's own float32 chain); here every element is
//   θ32 = fl32(fl32(p)·ω32),   sin32 = fl32(sin θ32),   cos32 = fl32(cos θ32)
// with sin/cos evaluated in f64 by NativeMath and rounded once, so each value is the correctly
// rounded float32 of the true sin/cos of the float32 angle (a float32 libm such as PyTorch's may
// differ from it by 1 ulp). The product of two float32 values is exact in f64, so rounding it to
// float32 is exactly a float32 multiplication. No angle-addition tables: the angle itself carries
// the float32 error that users want to reproduce.
import { sincos, sincosSin, sincosCos } from './math';

// Header of an f32-angle context (byte offsets); the frequencies (f64 holding float32 values) follow.
const A_N: usize = 0; // i32 n
const A_NCOS: usize = 4; // i32 cos columns (n or n − 1)
const A_LAYOUT: usize = 8; // i32 LAYOUT_* of sincos.ts (0 halves, 1 interleaved)
const A_SIN: usize = 12; // i32 column of sin_0
const A_COS: usize = 16; // i32 column of cos_0 (halves)
const A_DIM: usize = 20; // i32 row width
const A_ZERO: usize = 24; // i32 columns [zeroFrom, dim) are zero
const A_PAD: usize = 32; // f64 the position whose row is all zero (NaN: none)
const A_HEADER: usize = 48;

/** The float32 angle fl32(p32·ω32) as f64 (p32 and w32 hold float32 values). */
@inline export function angle32(p32: f64, w32: f64): f64 {
  return <f64><f32>(p32 * w32);
}

/** A context for `n` float32 frequencies (written by the caller at `a32Freqs`). */
export function a32New(n: i32): usize {
  const ctx = heap.alloc(A_HEADER + <usize>max(n, 1) * 8);
  memory.fill(ctx, 0, A_HEADER + <usize>max(n, 1) * 8);
  store<i32>(ctx, n, A_N);
  store<i32>(ctx, n, A_NCOS);
  store<i32>(ctx, n, A_DIM);
  store<f64>(ctx, NaN, A_PAD);
  return ctx;
}

/** Where the frequencies of an f32-angle context are stored (n f64 values, each a float32). */
export function a32Freqs(ctx: usize): usize {
  return ctx + A_HEADER;
}

export function a32N(ctx: usize): i32 {
  return load<i32>(ctx, A_N);
}

/** Same meaning as sincos.ts ctxLayout. */
export function a32Layout(ctx: usize, layout: i32, sinBase: i32, cosBase: i32, nCos: i32, dim: i32, zeroFrom: i32, padPos: f64): void {
  store<i32>(ctx, layout, A_LAYOUT);
  store<i32>(ctx, sinBase, A_SIN);
  store<i32>(ctx, cosBase, A_COS);
  store<i32>(ctx, nCos, A_NCOS);
  store<i32>(ctx, dim, A_DIM);
  store<i32>(ctx, zeroFrom, A_ZERO);
  store<f64>(ctx, padPos, A_PAD);
}

export function a32Free(ctx: usize): void {
  heap.free(ctx);
}

@inline function put(dst: usize, col: i32, v: f32, f64out: bool): void {
  if (f64out) store<f64>(dst + (<usize>col << 3), <f64>v);
  else store<f32>(dst + (<usize>col << 2), v);
}

/** Writes the row of position p in the context's layout (only its own columns, plus the zero ones). */
export function a32Row(ctx: usize, p: f64, dst: usize, f64out: bool): void {
  const dim = load<i32>(ctx, A_DIM);
  const shift: usize = f64out ? 3 : 2;
  if (p == load<f64>(ctx, A_PAD)) {
    memory.fill(dst, 0, <usize>dim << shift);
    return;
  }
  const n = load<i32>(ctx, A_N);
  const nCos = load<i32>(ctx, A_NCOS);
  const sinBase = load<i32>(ctx, A_SIN);
  const cosBase = load<i32>(ctx, A_COS);
  const halves = load<i32>(ctx, A_LAYOUT) == 0;
  const om = ctx + A_HEADER;
  const p32 = <f64><f32>p;
  for (let i = 0; i < n; i++) {
    sincos(angle32(p32, load<f64>(om + (<usize>i << 3))));
    const s = <f32>sincosSin;
    const c = <f32>sincosCos;
    if (halves) {
      put(dst, sinBase + i, s, f64out);
      if (i < nCos) put(dst, cosBase + i, c, f64out);
    } else {
      put(dst, sinBase + 2 * i, s, f64out);
      if (i < nCos) put(dst, sinBase + 2 * i + 1, c, f64out);
    }
  }
  const z = load<i32>(ctx, A_ZERO);
  if (z < dim) memory.fill(dst + (<usize>z << shift), 0, <usize>(dim - z) << shift);
}

/** `rows` rows at `out`: positions[r] when non-zero, else start + (rowBase + r) (as sinusoidalTable). */
export function a32Table(ctx: usize, out: usize, rows: i32, start: f64, rowBase: i32, positions: usize, f64out: bool): void {
  const rowBytes = <usize>load<i32>(ctx, A_DIM) << (f64out ? 3 : 2);
  for (let r = 0; r < rows; r++) {
    const p = positions ? load<f64>(positions + (<usize>r << 3)) : start + <f64>(rowBase + r);
    a32Row(ctx, p, out + <usize>r * rowBytes, f64out);
  }
}
