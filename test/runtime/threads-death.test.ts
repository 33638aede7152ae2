// A worker thread that dies in the middle of a call (terminated, exited, an uncaught exception,
// out of memory) while the calling thread is blocked waiting for it: the call throws an Error
// that says so and what the output holds, the rows it names as lost are the only ones that
// differ from one thread's, and later calls run on one thread with the bits of one thread.
// POSENC_TEST_HOOK=die-<how>[:k] (test-only, read when the pool starts) makes worker 0 die
// holding the first chunk it takes (chunk k) in the first round it joins; the supervisor thread
// terminates it for 'die-terminate'. 'die-idle': it exits as it wakes for its first round.
import { afterEach, expect, it } from 'vitest';
import { init, type Posenc } from '../../src/index.js';
import { hookLog, poolRounds } from '../../src/runtime/threads.js';
import { firstByteDiff, randomOperand } from '../support/backends.js';

let key = 1000;
/** A fresh two-thread instance whose worker 0 follows `hook` (each instance its own init key). */
async function dying(hook: string): Promise<Posenc> {
  process.env.POSENC_TEST_HOOK = hook;
  try {
    const pe = await init({ backend: 'wasm-simd', threads: 2, cacheBytes: 2 ** 26 + key++ });
    expect(pe.threads).toBe(2);
    return pe;
  } finally {
    delete process.env.POSENC_TEST_HOOK;
  }
}

afterEach(() => {
  delete process.env.POSENC_TEST_HOOK;
});

const rounds = () => [...poolRounds.values()].reduce((a, b) => a + b, 0);
const one = () => init({ backend: 'wasm-simd', cacheBytes: 0 });

/** Rows [lo, hi) of a [rows, width] table equal (or not) a reference's, row by row. */
function rowsEqual(a: ArrayLike<number>, b: ArrayLike<number>, width: number, lo: number, hi: number): boolean {
  for (let i = lo * width; i < hi * width; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** After the death: one thread, nothing more on the pool, one thread's bits. */
async function laterCallsOnOneThread(pe: Posenc) {
  const ref = await one();
  expect(pe.threads).toBe(1);
  const before = rounds();
  for (let i = 0; i < 3; i++) {
    expect(firstByteDiff(pe.sinusoidal({ length: 2048, dim: 768, offset: i }), ref.sinusoidal({ length: 2048, dim: 768, offset: i }))).toBe(-1);
    const q = randomOperand(8 * 512 * 64, false, 40 + i) as Float32Array;
    expect(firstByteDiff(pe.rope(q, { shape: [1, 8, 512, 64] }), ref.rope(q, { shape: [1, 8, 512, 64] }))).toBe(-1);
  }
  expect(rounds()).toBe(before);
  expect(pe.threads).toBe(1);
}

it('terminated while holding a chunk of a table: the error names the rows not written; the others hold their results', async () => {
  const pe = await dying('die-terminate:2');
  const want = (await one()).sinusoidal({ length: 2048, dim: 768 });
  const out = pe.alloc(2048 * 768);
  // 8 chunks of 256 rows: worker 0 takes chunk 2 (rows 512–767) and is terminated holding it.
  expect(() => pe.sinusoidal({ length: 2048, dim: 768, out })).toThrowError(new Error(
    'posenc: a worker thread died during sinusoidalTable (its thread ended with exit code 1: terminated or exited). ' +
    'The call stopped before it finished: out holds results for rows 0–511 and 768–2047 of the table; rows 512–767 of the table may be partly written; no other row of out holds results. ' +
    'Later calls run on one thread (pe.threads is 1).'));
  expect(hookLog).toContain('die-terminate:2: worker 0 is dying');
  expect(rowsEqual(out.array, want, 768, 0, 512)).toBe(true);
  expect(rowsEqual(out.array, want, 768, 768, 2048)).toBe(true);
  expect(out.array.subarray(512 * 768, 768 * 768).every((v) => v === 0)).toBe(true); // it died before writing
  out.free();
  await laterCallsOnOneThread(pe);
});

it('an uncaught exception in a worker during an in-place add: the error says x is partly transformed and which rows', async () => {
  const pe = await dying('die-throw:1');
  const B = 2, L = 517, D = 192;
  const x0 = randomOperand(B * L * D, false, 7) as Float32Array;
  const want = (await one()).add(x0, { shape: [B, L, D], offset: 3 });
  const x = pe.alloc(x0.length);
  x.array.set(x0);
  let message = '';
  try {
    pe.add(x, { shape: [B, L, D], out: x, offset: 3 });
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    message = (e as Error).message;
  }
  // 8 chunks of positions (⌊517·c/8⌋): chunk 1 is positions 64–128 of both batch elements.
  expect(message).toBe(
    'posenc: a worker thread died during addSinusoidal (it threw an uncaught exception). ' +
    'The call stopped before it finished: x holds transformed values for positions 0–63 and 129–516 of batch elements 0–1; positions 64–128 of batch elements 0–1 may be partly transformed; no other row of x holds transformed values. ' +
    'x, updated in place, is partly transformed and cannot be recomputed from itself. Later calls run on one thread (pe.threads is 1).');
  for (let b = 0; b < B; b++) {
    const at = (l: number) => (b * L + l) * D;
    expect(rowsEqual(x.array.subarray(at(0)), want.subarray(at(0)), D, 0, 64), `batch ${b}, positions 0–63`).toBe(true);
    expect(rowsEqual(x.array.subarray(at(0)), want.subarray(at(0)), D, 129, L), `batch ${b}, positions 129–516`).toBe(true);
    expect(rowsEqual(x.array.subarray(at(0)), x0.subarray(at(0)), D, 64, 129), `batch ${b}, positions 64–128 untouched`).toBe(true);
  }
  x.free();
  await laterCallsOnOneThread(pe);
});

it('process.exit in a worker while it makes rotary rows: nothing of out was written', async () => {
  const pe = await dying('die-exit');
  const q0 = randomOperand(8 * 2048 * 64, false, 9) as Float32Array;
  const q = pe.alloc(q0.length);
  q.array.set(q0);
  const out = pe.alloc(q0.length);
  // The cos/sin rows of a block are made first (into scratch), split over the threads: the worker
  // dies there, before any rotation.
  expect(() => pe.rope(q, { shape: [1, 8, 2048, 64], out })).toThrowError(new Error(
    'posenc: a worker thread died during ropeTable (its thread ended with exit code 7: terminated or exited). ' +
    'The call stopped before it finished: out holds no results of the call. Later calls run on one thread (pe.threads is 1).'));
  expect(out.array.every((v) => v === 0)).toBe(true);
  expect(firstByteDiff(q.array, q0)).toBe(-1);
  q.free();
  out.free();
  await laterCallsOnOneThread(pe);
});

it('a worker out of memory while the rows an add needs are made: x and out are as they were', async () => {
  const pe = await dying('die-oom');
  const B = 2, L = 517, D = 192;
  const x = randomOperand(B * L * D, false, 11) as Float32Array;
  const ref = await one();
  // float32Angles rows are made at once, into the rows the instance keeps (without room for
  // them: into a temporary table, the same way), before x is read: the worker dies there.
  const out = new Float32Array(x.length).fill(-1);
  expect(() => pe.add(x, { shape: [B, L, D], encoding: { float32Angles: true }, out })).toThrowError(new Error(
    'posenc: a worker thread died during a32Table (it ran out of memory). ' +
    'The call stopped before it wrote anything: the thread died while the call made the encoding rows it adds; x and out are as they were. ' +
    'Later calls run on one thread (pe.threads is 1).'));
  expect(out.every((v) => v === -1)).toBe(true);
  expect(firstByteDiff(pe.add(x, { shape: [B, L, D], encoding: { float32Angles: true } }), ref.add(x, { shape: [B, L, D], encoding: { float32Angles: true } }))).toBe(-1);
  await laterCallsOnOneThread(pe);
});

it('a worker that dies idle: the threaded call that runs into the death throws before it writes anything', async () => {
  const pe = await dying('die-idle');
  const ref = await one();
  const want = ref.sinusoidal({ length: 2048, dim: 768 });
  // Worker 0 exits as it wakes for this call's (single) round: the calling thread does every chunk.
  const t = pe.alloc(2048 * 768);
  pe.sinusoidal({ length: 2048, dim: 768, out: t });
  expect(firstByteDiff(t.array, want)).toBe(-1);
  t.free();
  // The death is marked as the supervisor hears of it: pe.threads says so before any call.
  for (let i = 0; i < 500 && pe.threads === 2; i++) await new Promise((r) => setTimeout(r, 10));
  expect(pe.threads).toBe(1);
  const out = pe.alloc(2048 * 768);
  expect(() => pe.sinusoidal({ length: 2048, dim: 768, out })).toThrowError(new Error(
    'posenc: a worker thread died during sinusoidalTable (its thread ended with exit code 7: terminated or exited). ' +
    'The call stopped before this step began: out holds no results of the call. Later calls run on one thread (pe.threads is 1).'));
  expect(out.array.every((v) => v === 0)).toBe(true);
  out.free();
  await laterCallsOnOneThread(pe);
});
