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
import {
  HEADER, H_COS_BASE, H_DIM, H_LAYOUT, H_N, H_N_COS, H_PAD_POS, H_SIN_BASE, H_ZERO_FROM, LAYOUT_HALVES,
} from './sincos';

// An f32-angle context is the header of a sincos.ts context (set by ctxLayout; its frequencies,
// f64 holding float32 values, at ctxOmega) without the angle-addition tables.
/** The float32 angle fl32(p32·ω32) as f64 (p32 and w32 hold float32 values). */
@inline export function angle32(p32: f64, w32: f64): f64 {
  return <f64><f32>(p32 * w32);
}

/** A context for `n` float32 frequencies (written by the caller at `ctxOmega`; freed by ctxFree). */
export function a32New(n: i32): usize {
  const bytes = HEADER + <usize>max(n, 1) * 8;
  const ctx = heap.alloc(bytes);
  memory.fill(ctx, 0, bytes);
  store<i32>(ctx, n, H_N);
  return ctx;
}

/** Where an f32-angle context keeps its frequencies (as ctxOmega). */
@inline export function a32Freqs(ctx: usize): usize {
  return ctx + HEADER;
}

@inline function put(dst: usize, col: i32, v: f32, f64out: bool): void {
  if (f64out) store<f64>(dst + (<usize>col << 3), <f64>v);
  else store<f32>(dst + (<usize>col << 2), v);
}

/** Writes the row of position p in the context's layout (only its own columns, plus the zero ones). */
export function a32Row(ctx: usize, p: f64, dst: usize, f64out: bool): void {
  const dim = load<i32>(ctx, H_DIM);
  const shift: usize = f64out ? 3 : 2;
  if (p == load<f64>(ctx, H_PAD_POS)) {
    memory.fill(dst, 0, <usize>dim << shift);
    return;
  }
  const n = load<i32>(ctx, H_N);
  const nCos = load<i32>(ctx, H_N_COS);
  const sinBase = load<i32>(ctx, H_SIN_BASE);
  const cosBase = load<i32>(ctx, H_COS_BASE);
  const halves = load<i32>(ctx, H_LAYOUT) == LAYOUT_HALVES;
  const om = a32Freqs(ctx);
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
  const z = load<i32>(ctx, H_ZERO_FROM);
  if (z < dim) memory.fill(dst + (<usize>z << shift), 0, <usize>(dim - z) << shift);
}

/** `rows` rows at `out`: positions[r] when non-zero, else start + (rowBase + r) (as sinusoidalTable). */
export function a32Table(ctx: usize, out: usize, rows: i32, start: f64, rowBase: i32, positions: usize, f64out: bool): void {
  const rowBytes = <usize>load<i32>(ctx, H_DIM) << (f64out ? 3 : 2);
  for (let r = 0; r < rows; r++) {
    const p = positions ? load<f64>(positions + (<usize>r << 3)) : start + <f64>(rowBase + r);
    a32Row(ctx, p, out + <usize>r * rowBytes, f64out);
  }
}
