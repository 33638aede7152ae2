// The float32 arithmetic PyTorch's CPU kernels apply to the slopes of ALiBi (conventions §15),
// reproduced in JavaScript so that every backend gives the same bits:
//
// - powExact32(b, k): the float32 power of a float32 base to an integer exponent, correctly
//   rounded (exact BigInt arithmetic). This is what torch's scalar loop computes (std::pow on
//   floats: glibc powf, correctly rounded on every slope we checked).
// - sleefPowf(x, y): SLEEF 3.5's powf_u10 for AVX2 (Sleef_powf8_u10avx2), step by step: the
//   double-float logarithm logkf, its product with y, the double-float exp expkf, every float32
//   operation rounded as the vector unit rounds it, with fused multiply-adds where SLEEF's AVX2
//   build uses them (ENABLE_FMA_SP). ATen's vectorized pow (Vectorized<float>::pow) calls it on
//   x86-64 CPUs with AVX2. It is within 1 ulp of the exact power, not always equal to it.
// - torchPow32(bases, exps): torch.pow over a 1-D float32 tensor as ATen's cpu_kernel_vec runs it
//   at AVX2 capability: the first ⌊n/16⌋·16 elements (whole blocks of two 8-lane vectors) through
//   SLEEF, the remaining n mod 16 through the scalar loop.
// see: pytorch aten/src/ATen/native/cpu/PowKernel.cpp pow_tensor_tensor_kernel and
//      aten/src/ATen/native/cpu/Loops.h vectorized_loop; shibatch/sleef src/libm/sleefsimdsp.c
//      xpowf, logkf, expkf and src/libm/df.h (the FMA_SP variants), release 3.5.1.

const fr = Math.fround;

// ---- exact float32 fused multiply-add ----------------------------------------------------------

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the low 32-bit word of a float64 in U32 (1 on big-endian hosts). */
const LO = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/**
 * fl32(a·b + c) for float32 a, b, c, rounded once (an FMA instruction). a·b is exact in float64;
 * the sum is rounded to float64 with its error found exactly (TwoSum) and, when inexact, moved
 * to the neighbour with an odd last bit (round to odd): rounding that to float32 is then the
 * correctly rounded float32 of the exact a·b + c (53 ≥ 24 + 2 bits).
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  if (!Number.isFinite(s)) return fr(s);
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (err === 0) return fr(s);
  F64[0] = s;
  if ((U32[LO] & 1) === 0) {
    // One float64 ulp towards the exact sum (away from zero when err has s's sign).
    if (s > 0 === err > 0) {
      if (U32[LO] === 0xffffffff) {
        U32[LO] = 0;
        U32[HI]++;
      } else U32[LO]++;
    } else if (U32[LO] === 0) {
      U32[LO] = 0xffffffff;
      U32[HI]--;
    } else U32[LO]--;
  }
  return fr(F64[0]);
}

// ---- SLEEF powf_u10 (AVX2 build), one lane ----------------------------------------------------

interface F2 {
  x: number;
  y: number;
}

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

function bitsOf(f: number): number {
  F32[0] = f;
  return I32[0];
}
function fromBits(i: number): number {
  I32[0] = i;
  return F32[0];
}

// df.h, ENABLE_FMA_SP variants (fmapn(x, y, z) = x·y − z, fmanp(x, y, z) = −x·y + z).
const fmapn = (x: number, y: number, z: number) => fma32(x, y, -z);
const fmanp = (x: number, y: number, z: number) => fma32(-x, y, z);
const add = (a: number, b: number) => fr(a + b);
const sub = (a: number, b: number) => fr(a - b);
const mul = (a: number, b: number) => fr(a * b);

function dfadd2FF(x: number, y: number): F2 {
  const s = add(x, y);
  const v = sub(s, x);
  return { x: s, y: add(sub(x, sub(s, v)), sub(y, v)) };
}
function dfadd2F2F(x: F2, y: number): F2 {
  const s = add(x.x, y);
  const v = sub(s, x.x);
  const t = add(sub(x.x, sub(s, v)), sub(y, v));
  return { x: s, y: add(t, x.y) };
}
function dfadd2F2F2(x: F2, y: F2): F2 {
  const s = add(x.x, y.x);
  const v = sub(s, x.x);
  const t = add(sub(x.x, sub(s, v)), sub(y.x, v));
  return { x: s, y: add(t, add(x.y, y.y)) };
}
function dfaddF2F2(x: F2, y: F2): F2 {
  const s = add(x.x, y.x);
  return { x: s, y: add(add(add(sub(x.x, s), y.x), x.y), y.y) };
}
function dfaddFF2(x: number, y: F2): F2 {
  const s = add(x, y.x);
  return { x: s, y: add(add(sub(x, s), y.x), y.y) };
}
function dfnormalize(t: F2): F2 {
  const s = add(t.x, t.y);
  return { x: s, y: add(sub(t.x, s), t.y) };
}
function dfscale(d: F2, s: number): F2 {
  return { x: mul(d.x, s), y: mul(d.y, s) };
}
function dfdiv(n: F2, d: F2): F2 {
  const t = fr(1 / d.x);
  const s = mul(n.x, t);
  const u = fmapn(t, n.x, s);
  const v = fmanp(d.y, t, fmanp(d.x, t, 1));
  return { x: s, y: fma32(s, v, fma32(n.y, t, u)) };
}
function dfsqu(x: F2): F2 {
  const s = mul(x.x, x.x);
  return { x: s, y: fma32(add(x.x, x.x), x.y, fmapn(x.x, x.x, s)) };
}
function dfmulF2F2(x: F2, y: F2): F2 {
  const s = mul(x.x, y.x);
  return { x: s, y: fma32(x.x, y.y, fma32(x.y, y.x, fmapn(x.x, y.x, s))) };
}
function dfmulF2F(x: F2, y: number): F2 {
  const s = mul(x.x, y);
  return { x: s, y: fma32(x.y, y, fmapn(x.x, y, s)) };
}

// Constants as SLEEF writes them, rounded to float32 as vcast_vf_f does.
const R075 = fr(1 / 0.75);
const FLT_MIN = 2 ** -126;
const L2U = fr(0.693145751953125);
const L2L = fr(1.428606765330187045e-06);
const R_LN2 = fr(1.442695040888963407359924681001892137426645954152985934135449406931);
const LN2HI = fr(0.69314718246459960938);
const LN2LO = fr(-1.904654323148236017e-09);
const LOG_C = [fr(0.240320354700088500976562), fr(0.285112679004669189453125), fr(0.400007992982864379882812)];
const LOG_CX = fr(0.66666662693023681640625);
const LOG_CY = fr(3.69183861259614332084311e-09);
const EXP_C = [
  fr(0.00136324646882712841033936), fr(0.00836596917361021041870117), fr(0.0416710823774337768554688),
  fr(0.166665524244308471679688), fr(0.499999850988388061523438),
];

/** ilogb of a normal float32: its biased exponent − 127 (vilogb2k_vi2_vf). */
const ilogb2k = (d: number) => ((bitsOf(d) >>> 23) & 0xff) - 0x7f;
/** d·2^q by adding q to the exponent field (vldexp3_vf_vf_vi2). */
const ldexp3 = (d: number, q: number) => fromBits((bitsOf(d) + (q << 23)) | 0);

/** vldexp_vf_vf_vi2: x·2^q in steps that stay finite. */
function ldexp(x: number, q: number): number {
  let m = q >> 31;
  m = (((m + q) >> 6) - m) << 4;
  q = q - (m << 2);
  m += 0x7f;
  m = m > 0 ? m : 0;
  m = m > 0xff ? 0xff : m;
  let u = fromBits(m << 23);
  x = mul(mul(mul(mul(x, u), u), u), u);
  u = fromBits((q + 0x7f) << 23);
  return mul(x, u);
}

/** logkf: ln d as a double-float, for d > 0 finite. */
function logkf(d: number): F2 {
  const o = d < FLT_MIN;
  if (o) d = mul(d, fr(2 ** 32) * fr(2 ** 32));
  let e = ilogb2k(mul(d, R075));
  const m = ldexp3(d, -e);
  if (o) e -= 64;
  const x = dfdiv(dfadd2FF(-1, m), dfadd2FF(1, m));
  const x2 = dfsqu(x);
  let t = LOG_C[0];
  t = fma32(t, x2.x, LOG_C[1]);
  t = fma32(t, x2.x, LOG_C[2]);
  const c: F2 = { x: LOG_CX, y: LOG_CY };
  let s = dfmulF2F({ x: LN2HI, y: LN2LO }, fr(e));
  s = dfaddF2F2(s, dfscale(x, 2));
  s = dfaddF2F2(s, dfmulF2F2(dfmulF2F2(x2, x), dfadd2F2F2(dfmulF2F(x2, t), c)));
  return s;
}

/** Round half to even, as cvtps2dq does in the default rounding mode. */
function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** expkf: e^(d.x + d.y) for a double-float argument. */
function expkf(d: F2): number {
  let u = mul(add(d.x, d.y), R_LN2);
  const q = rint(u);
  let s = dfadd2F2F(d, mul(q, -L2U));
  s = dfadd2F2F(s, mul(q, -L2L));
  s = dfnormalize(s);
  u = EXP_C[0];
  for (let i = 1; i < EXP_C.length; i++) u = fma32(u, s.x, EXP_C[i]);
  let t = dfaddF2F2(s, dfmulF2F(dfsqu(s), u));
  t = dfaddFF2(1, t);
  u = add(t.x, t.y);
  u = ldexp(u, q);
  return d.x < -104 ? 0 : u;
}

/**
 * SLEEF's powf_u10 (AVX2 build) for x > 0 finite and y finite: expkf(logkf(x)·y), 1 when y = 0
 * or x = 1. (The sign and infinity cases of xpowf never arise for slopes.)
 */
export function sleefPowf(x: number, y: number): number {
  x = fr(x);
  y = fr(y);
  if (y === 0 || x === 1) return 1;
  const r = expkf(dfmulF2F(logkf(x), y));
  return Number.isNaN(r) ? Infinity : r;
}

// ---- the exact power ---------------------------------------------------------------------------

/** v·2^e (v > 0 an integer) rounded to the nearest float32, ties to even; subnormals and overflow included. */
function roundToF32(v: bigint, e: number): number {
  const bits = v.toString(2).length;
  // The float32 exponent of the value: 2^(bits − 1 + e) ≤ value < 2^(bits + e).
  const top = bits - 1 + e;
  // Keep 24 significant bits (fewer below 2^−126).
  const keep = top >= -126 ? 24 : Math.max(0, 24 - (-126 - top));
  const drop = bits - keep;
  let q: bigint;
  if (drop <= 0) q = v << BigInt(-drop);
  else {
    const d = BigInt(drop);
    q = v >> d;
    const rem = v - (q << d);
    const half = 1n << (d - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  // q·2^(e + drop) is exact in float64 (≤ 25 significant bits): round once more only on overflow.
  return fr(Number(q) * 2 ** (e + Math.max(drop, 0) + Math.min(drop, 0)));
}

/** [M, E] with b = M·2^E, M an odd integer (b a positive finite float32). */
function splitF32(b: number): [bigint, number] {
  if (!(b > 0 && b < Infinity)) throw new RangeError(`powExact32: base ${b} is not a positive finite float32`);
  let e = 0;
  let m = b;
  // float32 values have at most 24 significant bits: scale to an integer.
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  }
  let M = BigInt(m);
  while ((M & 1n) === 0n) {
    M >>= 1n;
    e++;
  }
  return [M, e];
}

/**
 * b^k for a positive float32 b and integers k ≥ 0, each correctly rounded to float32: `ks` in
 * increasing order (the powers are built by repeated exact multiplication).
 */
export function powExact32(b: number, ks: readonly number[]): number[] {
  const [M, E] = splitF32(fr(b));
  const out: number[] = [];
  let k = 0;
  let p = 1n;
  for (const kk of ks) {
    if (kk - k > 64) {
      p *= M ** BigInt(kk - k);
      k = kk;
    }
    while (k < kk) {
      p *= M;
      k++;
    }
    out.push(kk === 0 ? 1 : roundToF32(p, E * kk));
  }
  return out;
}

/**
 * torch.pow(base, exponents) over a 1-D float32 tensor of n exponents at AVX2 capability: elements
 * i < ⌊n/16⌋·16 through SLEEF, the others through the scalar loop, here correctly rounded: exactly
 * for integer exponents, else fl32 of the float64 power (`exact`: every element correctly rounded).
 * `base` and the exponents are float32 values.
 */
export function torchPow32(base: number, exps: readonly number[], exact: boolean, pow: (x: number, y: number) => number): number[] {
  const n = exps.length;
  const vec = exact ? 0 : Math.floor(n / 16) * 16;
  const out = new Array<number>(n);
  for (let i = 0; i < vec; i++) out[i] = sleefPowf(base, exps[i]);
  const ints: [number, number][] = [];
  for (let i = vec; i < n; i++) {
    const k = exps[i];
    if (Number.isInteger(k) && k >= 0) ints.push([k, i]);
    else out[i] = fr(pow(base, k));
  }
  ints.sort((a, b) => a[0] - b[0]);
  const vals = powExact32(base, ints.map((s) => s[0]));
  ints.forEach(([, i], j) => (out[i] = vals[j]));
  return out;
}
