// The attention-bias family's interface to the rest of src/ (other families import only this file):
// the public types, the slopes and the bucket rule (what a model's plan derives its bias from).

export type * from './types.js';
export { planAlibiSlopes, MAX_HEADS, MAX_BIAS } from './slopes.js';
export { bucketFn, diagonalBuckets, type BucketRule } from './buckets.js';
