// Several instances in worker_threads computing at once give the bytes of one instance alone.
// Each worker loads posenc itself (a bundle of src/, see support/bundle.ts), initialises its own
// instance (initSync or init; every backend), waits at a barrier so that all of them compute at
// the same time, runs the cases of support/determinism.ts twice (with cache churn in between)
// and writes one result into its own slice of a SharedArrayBuffer. The input x of some cases is
// one SharedArrayBuffer read by every worker at once.
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSync } from '../../src/index.js';
import type { BackendName } from '../../src/api/types.js';
import { bundlePosenc, type Bundle } from '../support/bundle.js';
import { fillRandom, hashAll, hashBytes, SHARED_LENGTH, SHARED_SEED, SHARED_SHAPE } from '../support/determinism.js';

const WORKERS = Number(process.env.POSENC_WORKERS ?? 4);
const BACKEND_OF: BackendName[] = ['wasm-simd', 'wasm', 'js'];

const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
const m = await import(workerData.url);
const { backend, sync, index, shape } = workerData;
const pe = sync ? m.initSync({ backend }) : await m.init({ backend });
const flags = new Int32Array(workerData.flags);
Atomics.add(flags, 0, 1);
Atomics.notify(flags, 0);
Atomics.wait(flags, 1, 0); // the barrier: every worker starts computing at once
const x = new Float32Array(workerData.x);
const start = performance.timeOrigin + performance.now();
const rounds = [];
for (let round = 0; round < 2; round++) {
  rounds.push(m.hashAll(pe, { x }));
  m.churn(pe, index * 10 + round);
}
// This worker's slice of the shared output, written through a view at a non-zero byteOffset.
const n = x.length;
const out = new Float32Array(workerData.out, index * n * 4, n);
pe.add(x, { shape, scale: 2, offset: 11, out });
const end = performance.timeOrigin + performance.now();
parentPort.postMessage({ backend: pe.backend, rounds, start, end });
`;

interface Report {
  backend: BackendName;
  rounds: Record<string, string>[];
  start: number;
  end: number;
}

describe('worker_threads', () => {
  let bundle: Bundle;
  let workerFile: string;
  beforeAll(async () => {
    bundle = await bundlePosenc();
    workerFile = bundle.write('worker.mjs', WORKER_SOURCE);
  });
  afterAll(() => bundle?.dispose());

  it(`${WORKERS} workers (every backend, init and initSync) computing at once give the bytes of one instance alone`, async () => {
    expect(WORKERS).toBeGreaterThanOrEqual(3);
    const sab = new SharedArrayBuffer(SHARED_LENGTH * 4);
    const x = fillRandom(new Float32Array(sab), SHARED_SEED);
    const x0 = hashBytes(x);
    // The reference: one instance per backend in this thread, alone, on the same shared input.
    const alone: Record<string, Record<string, string>> = {};
    for (const backend of BACKEND_OF) alone[backend] = hashAll(initSync({ backend }), { x });
    // A private copy of the input gives the same bytes as the shared one.
    expect(hashAll(initSync({ backend: 'wasm-simd' }))).toEqual(alone['wasm-simd']);
    // The two binaries agree bit for bit on every case; the js twin has its own bits.
    expect(alone.wasm).toEqual(alone['wasm-simd']);

    const flags = new Int32Array(new SharedArrayBuffer(8));
    const out = new SharedArrayBuffer(WORKERS * SHARED_LENGTH * 4);
    const workers: Worker[] = [];
    const reports: Promise<Report>[] = [];
    for (let index = 0; index < WORKERS; index++) {
      const w = new Worker(workerFile, {
        workerData: { url: bundle.url, backend: BACKEND_OF[index % 3], sync: index % 2 === 0, index, shape: [...SHARED_SHAPE], flags: flags.buffer, x: sab, out },
      });
      workers.push(w);
      reports.push(new Promise<Report>((res, rej) => {
        w.once('message', res);
        w.once('error', rej);
        w.once('exit', (code) => rej(new Error(`worker ${index} exited with ${code} before reporting`)));
      }));
    }
    try {
      // Wait until every worker is initialised, then release them together.
      const deadline = Date.now() + 30_000;
      while (Atomics.load(flags, 0) < WORKERS) {
        if (Date.now() > deadline) throw new Error(`only ${Atomics.load(flags, 0)} of ${WORKERS} workers started`);
        await new Promise((r) => setTimeout(r, 5));
      }
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 1);
      // This thread computes at the same time as the workers, on the same shared input.
      const during = hashAll(initSync({ backend: 'wasm-simd' }), { x });
      const got = await Promise.all(reports);

      expect(during).toEqual(alone['wasm-simd']);
      for (const [i, r] of got.entries()) {
        expect(r.backend).toBe(BACKEND_OF[i % 3]);
        expect(r.rounds).toHaveLength(2);
        for (const round of r.rounds) expect(round, `worker ${i} (${r.backend})`).toEqual(alone[r.backend]);
        // Its slice of the shared output holds the bytes of the same computation alone.
        expect(hashBytes(new Float32Array(out, i * SHARED_LENGTH * 4, SHARED_LENGTH)), `worker ${i} output slice`).toBe(alone[r.backend]['add shared x']);
      }
      // They did overlap in time (all released by one barrier): some pair of windows intersects.
      const overlaps = got.some((a, i) => got.some((b, j) => i !== j && a.start < b.end && b.start < a.end));
      expect(overlaps).toBe(true);
      // Read concurrently by everyone, written by no one.
      expect(hashBytes(x)).toBe(x0);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });

  it('a worker terminated mid-computation does not disturb the others', async () => {
    const sab = new SharedArrayBuffer(SHARED_LENGTH * 4);
    const x = fillRandom(new Float32Array(sab), SHARED_SEED);
    const alone = hashAll(initSync({ backend: 'wasm-simd' }), { x });
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const out = new SharedArrayBuffer(2 * SHARED_LENGTH * 4);
    const mk = (index: number) =>
      new Worker(workerFile, { workerData: { url: bundle.url, backend: 'wasm-simd', sync: true, index, shape: [...SHARED_SHAPE], flags: flags.buffer, x: sab, out } });
    const victim = mk(0);
    const survivor = mk(1);
    victim.on('error', () => {});
    const report = new Promise<Report>((res, rej) => {
      survivor.once('message', res);
      survivor.once('error', rej);
    });
    try {
      while (Atomics.load(flags, 0) < 2) await new Promise((r) => setTimeout(r, 5));
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 1);
      await new Promise((r) => setTimeout(r, 20));
      await victim.terminate();
      const r = await report;
      for (const round of r.rounds) expect(round).toEqual(alone);
      expect(hashBytes(new Float32Array(out, SHARED_LENGTH * 4, SHARED_LENGTH))).toBe(alone['add shared x']);
    } finally {
      await Promise.all([victim.terminate(), survivor.terminate()]);
    }
  });
});
