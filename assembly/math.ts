// The scalar math the plans use to derive frequencies (pow, exp, log) and the exact sin/cos of
// one angle. Exported so that frequency schedules are computed by the same code in every engine:
// JS's Math.pow/exp/log are implementation-defined and differ between engines in the last bit.
// see: musl/src/math/{pow,exp,log,sin,cos}.c through AssemblyScript's NativeMath

export function mathPow(x: f64, y: f64): f64 {
  return NativeMath.pow(x, y);
}

export function mathExp(x: f64): f64 {
  return NativeMath.exp(x);
}

export function mathLog(x: f64): f64 {
  return NativeMath.log(x);
}

export function mathSin(x: f64): f64 {
  return NativeMath.sin(x);
}

export function mathCos(x: f64): f64 {
  return NativeMath.cos(x);
}

/** sin of the last `sincos` call. */
export let sincosSin: f64 = 0;
/** cos of the last `sincos` call. */
export let sincosCos: f64 = 0;

/**
 * sin and cos of one angle, exact to NativeMath's ≤ 1 ulp for every finite x.
 * NativeMath.sincos alone treats |x| ≥ 2^1017 as non-finite and returns (0, 0): it tests the
 * high word against 0x7F800000 (float32's exponent mask) where sin/cos test 0x7FF00000.
 */
// see: musl/src/math/sincos.c
@inline export function sincos(x: f64): void {
  if (Math.abs(x) < 1.0e300) {
    NativeMath.sincos(x);
    sincosSin = NativeMath.sincos_sin;
    sincosCos = NativeMath.sincos_cos;
  } else {
    sincosSin = NativeMath.sin(x);
    sincosCos = NativeMath.cos(x);
  }
}
