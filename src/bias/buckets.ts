// T5 relative position buckets (conventions §16), exactly as HF T5Attention._relative_position_bucket
// computes them for relative_position = key − (query + queryOffset):
//   bidirectional: n = ⌊numBuckets/2⌋, keys after the query (rel > 0) add n, r = |rel|;
//   causal: n = numBuckets, r = max(−rel, 0);
//   me = ⌊n/2⌋; r < me → bucket r; else me + trunc(fl32(fl32(ln32(fl32(fl32(r)/me)) / fl32(ln(maxDistance/me)))·(n − me))),
//   at most n − 1.
// ln32 is the float32 logarithm (torch.log of a float32 tensor), the divisor a Python double
// rounded to float32 as torch divides a float32 tensor by it, the quotient truncated toward zero
// (.to(torch.long)). The float32 steps decide which bucket a distance near a boundary falls in:
// they are kept here one by one (ln32 = fl32 of the float64 logarithm, the correctly rounded
// float32 value: scripts/bias-vectors.py checks every distance up to 10^5 against torch).
// see: transformers src/transformers/models/t5/modeling_t5.py T5Attention._relative_position_bucket, compute_bias

import type { MathLib } from '../core/encoding.js';

const fr = Math.fround;

/** The bucket rule of one (numBuckets, maxDistance, bidirectional), validated. */
export interface BucketRule {
  readonly bidirectional: boolean;
  readonly numBuckets: number;
  readonly maxDistance: number;
}

/** bucket(rel) for one rule: the float32 chain of HF _relative_position_bucket. */
export function bucketFn(rule: BucketRule, math: MathLib): (rel: number) => number {
  const { bidirectional, numBuckets, maxDistance } = rule;
  const n = bidirectional ? Math.floor(numBuckets / 2) : numBuckets;
  const me = Math.floor(n / 2);
  const L = fr(math.log(maxDistance / me));
  const span = n - me;
  // From 2·maxDistance on the quotient exceeds 1 by far more than float32 rounding: the last bucket.
  const far = 2 * maxDistance;
  return (rel: number) => {
    let b = 0;
    let r: number;
    if (bidirectional) {
      if (rel > 0) b = n;
      r = Math.abs(rel);
    } else r = rel < 0 ? -rel : 0;
    if (r < me) return b + r;
    if (r >= far) return b + n - 1;
    const x = fr(fr(r) / me);
    const q = fr(fr(fr(math.log(x)) / L) * span);
    return b + Math.min(me + Math.trunc(q), n - 1);
  };
}

/**
 * The bucket of every relative position of a [queryLength, keyLength] grid, one per diagonal:
 * diag[j] is the bucket of key k and query q with k − q = j − (queryLength − 1), so row q of the
 * grid is diag[queryLength − 1 − q … queryLength − 1 − q + keyLength).
 */
export function diagonalBuckets(rule: BucketRule, queryLength: number, keyLength: number, queryOffset: number, math: MathLib): Int32Array {
  if (queryLength === 0 || keyLength === 0) return new Int32Array(0);
  const f = bucketFn(rule, math);
  const d = new Int32Array(queryLength + keyLength - 1);
  const first = -(queryLength - 1) - queryOffset;
  for (let j = 0; j < d.length; j++) d[j] = f(first + j);
  return d;
}

/** Row q of the grid from its diagonal buckets, for every q: out[q·keyLength + k] = diag[k − q + queryLength − 1]. */
export function fillGrid(diag: Int32Array, queryLength: number, keyLength: number, out: Int32Array): void {
  for (let q = 0; q < queryLength; q++) {
    const s = queryLength - 1 - q;
    out.set(diag.subarray(s, s + keyLength), q * keyLength);
  }
}
