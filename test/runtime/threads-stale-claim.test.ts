// A worker delayed between reading a chunk claim and taking it (the schedule that oversubscribed
// cores produce now and then) must never take a chunk of a call that is over or not yet set up.
// POSENC_TEST_HOOK=stale-claim (read when the pool starts, test-only) makes it happen every time:
// worker 0 reads its claim in the pool's first round and stalls; the caller does that round's
// chunks alone and returns; at the start of the next call the worker gets its compareExchange in,
// before the caller writes the new chunks. Before claims were tagged with the call's generation,
// the worker then took chunk 0 again with the previous call's arguments (an in-place add applied
// twice) and the new call's chunk 0 was never computed, or its completion was wiped and the call
// threw "a worker thread stopped responding".
import { afterAll, beforeAll, expect, it } from 'vitest';
import { init, type Posenc } from '../../src/index.js';
import { hookLog } from '../../src/runtime/threads.js';
import { firstByteDiff, randomOperand } from '../support/backends.js';

const B = 2, L = 517, D = 192;
let pe: Posenc;
let one: Posenc;

beforeAll(async () => {
  process.env.POSENC_TEST_HOOK = 'stale-claim';
  try {
    pe = await init({ backend: 'wasm-simd', threads: 2, cacheBytes: 0 });
  } finally {
    delete process.env.POSENC_TEST_HOOK;
  }
  one = await init({ backend: 'wasm-simd', cacheBytes: 0 });
});

afterAll(() => {
  delete process.env.POSENC_TEST_HOOK;
});

it('a worker stalled between reading and taking a claim never takes a chunk of another call', () => {
  expect(pe.threads).toBe(2);
  const x = randomOperand(B * L * D, false, 19) as Float32Array;
  const wantAdd = one.add(x, { shape: [B, L, D], offset: 5 });
  const wantTable = one.sinusoidal({ length: 2048, dim: 768 });

  // Call 1 (the stall happens here): add in place on a module tensor.
  const xt = pe.alloc(x.length);
  xt.array.set(x);
  pe.add(xt, { shape: [B, L, D], out: xt, offset: 5 });
  // Call 2 (the stalled worker tries its claim as it starts): a table into a module tensor.
  const table = pe.alloc(2048 * 768);
  pe.sinusoidal({ length: 2048, dim: 768, out: table });

  // The schedule happened: the worker stalled in call 1 and tried its claim as call 2 began.
  expect(hookLog).toEqual(['stale-claim: worker 0 stalled before its compareExchange', 'stale-claim: worker 0 tried its compareExchange as the next call began']);
  expect(firstByteDiff(table.array, wantTable), 'call 2').toBe(-1);
  expect(firstByteDiff(xt.array, wantAdd), 'call 1, re-checked after call 2').toBe(-1);
  // Later calls: the worker is back in the pool and nothing was lost.
  for (let i = 0; i < 20; i++) {
    expect(firstByteDiff(pe.sinusoidal({ length: 512 + i, dim: 768, offset: 1000 * i }), one.sinusoidal({ length: 512 + i, dim: 768, offset: 1000 * i })), `call ${i + 3}`).toBe(-1);
  }
  expect(firstByteDiff(xt.array, wantAdd), 'call 1, re-checked at the end').toBe(-1);
  expect(firstByteDiff(table.array, wantTable), 'call 2, re-checked at the end').toBe(-1);
  expect(pe.threads).toBe(2);
  xt.free();
  table.free();
});
