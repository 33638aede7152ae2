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
