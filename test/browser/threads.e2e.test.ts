// Worker threads in Chromium (init({ threads })), driven with playwright-core: the package
// (src/ bundled by esbuild) is served twice, once cross-origin isolated (COOP/COEP headers, as
// the demo server sends them) and once without. Isolated, init({ threads: 2 }) runs two threads
// on the main thread of the page, which cannot block: it spins until the worker is done, and the
// results are the bits of one thread, also beside busy Web Workers that oversubscribe the cores.
// Not isolated, the same call gives one thread, no error.
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromiumLaunchOptions } from './chromium.js';

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

let server: Server;
let url: string;
let browser: Browser;

beforeAll(async () => {
  const bundle = await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  const js = bundle.outputFiles[0].contents;
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const headers = path.startsWith('/isolated/') ? ISOLATION : {};
    if (path.endsWith('/posenc.js')) res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(js);
    else if (path.endsWith('/')) res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end('<!doctype html><title>posenc threads</title><script type="module">import * as m from "./posenc.js"; window.posenc = m;</script>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((ok) => server?.close(ok));
});

/** Runs in the page: threads in use and whether each call matches one thread's bits. */
async function probe(dir: string) {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url + dir);
  await page.waitForFunction(() => 'posenc' in window);
  const result = await page.evaluate(async () => {
    const m = (window as unknown as { posenc: any }).posenc;
    const same = (a: Float32Array | Float64Array, b: Float32Array | Float64Array) => {
      const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      return x.length === y.length && x.every((v, i) => v === y[i]);
    };
    const x = Float32Array.from({ length: 2 * 517 * 192 }, (_, i) => Math.sin(i * 0.37));
    const q = Float32Array.from({ length: 2 * 8 * 517 * 64 }, (_, i) => Math.cos(i * 0.11));
    let blocks = true;
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    } catch {
      blocks = false; // the page's main thread may not block: the pool spins here
    }
    const out: Record<string, unknown> = { isolated: crossOriginIsolated, blocks, checks: {} as Record<string, boolean> };
    for (const backend of ['wasm-simd', 'wasm']) {
      const one = await m.init({ backend });
      const two = await m.init({ backend, threads: 2 });
      out[`${backend} threads`] = two.threads;
      const calls: [string, (pe: any) => Float32Array | Float64Array][] = [
        ['table', (pe) => pe.sinusoidal({ length: 4099, dim: 256, offset: 3 })],
        ['add', (pe) => pe.add(x, { shape: [2, 517, 192], scale: 2 })],
        ['rope', (pe) => pe.rope(q, { shape: [2, 8, 517, 64], layout: 'interleaved' })],
        ['rope module tensor', (pe) => {
          const t = pe.alloc(q.length);
          t.array.set(q);
          pe.rope(t, { shape: [2, 8, 517, 64], out: t });
          const r = t.array.slice();
          t.free();
          return r;
        }],
      ];
      for (const [name, call] of calls) {
        const want = call(one);
        // Three calls: generated on the fly, put in the cache, read from it.
        (out.checks as Record<string, boolean>)[`${backend} ${name}`] = [0, 1, 2].every(() => same(call(two), want));
      }
    }
    out['auto threads'] = (await m.init({ threads: 'auto' })).threads;
    out.cores = navigator.hardwareConcurrency;
    return out;
  });
  await page.close();
  return { ...(result as Record<string, unknown>), errors } as Record<string, unknown> & { errors: string[] };
}

it('a cross-origin-isolated page runs two threads with the bits of one', async () => {
  const r = await probe('isolated/');
  expect(r.errors).toEqual([]);
  expect(r.isolated).toBe(true);
  expect(r.blocks).toBe(false);
  expect(r['wasm-simd threads']).toBe(2);
  expect(r['wasm threads']).toBe(2);
  expect(r['auto threads']).toBe(Math.min(64, r.cores as number));
  for (const [name, ok] of Object.entries(r.checks as Record<string, boolean>)) expect(ok, name).toBe(true);
});

// Issue #19: with more busy threads than cores, a worker is often descheduled between any two of
// its instructions. Busy Web Workers (one more than the cores) spin beside the page while it runs
// threaded calls that go to the pool (module tensors, in place and not; fused and kept rows): each
// result must have one thread's bits, results kept in module memory must be unchanged after later
// calls, no call may throw and pe.threads stays 2.
it('a cross-origin-isolated page with busy Web Workers competing for the cores runs threaded calls without error', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url + 'isolated/');
  await page.waitForFunction(() => 'posenc' in window);
  const r = await page.evaluate(async () => {
    const m = (window as unknown as { posenc: any }).posenc;
    const busyUrl = URL.createObjectURL(new Blob(['for (;;) {}'], { type: 'text/javascript' }));
    const busy = Array.from({ length: navigator.hardwareConcurrency + 1 }, () => new Worker(busyUrl));
    const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const same = (a: ArrayBufferView, b: ArrayBufferView) => {
      const x = bytes(a), y = bytes(b);
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
      return true;
    };
    const one = await m.init({ backend: 'wasm-simd', cacheBytes: 0 });
    const fused = await m.init({ backend: 'wasm-simd', threads: 2, cacheBytes: 0 });
    const cached = await m.init({ backend: 'wasm-simd', threads: 2 });
    const x = Float32Array.from({ length: 2 * 128 * 512 }, (_, i) => Math.sin(i * 0.37));
    const q = Float32Array.from({ length: 4 * 512 * 64 }, (_, i) => Math.cos(i * 0.11));
    const kept: { t: any; want: Uint8Array | null }[] = [];
    /** A call writing a module tensor of pe (kept), from `input` each time. */
    const resident = (pe: any, length: number, input: Float32Array | null, call: (t: any) => void) => {
      const t = pe.alloc(length);
      kept.push({ t, want: null });
      return () => {
        if (input) t.array.set(input);
        call(t);
        return t.array as Float32Array;
      };
    };
    const copy = (pe: any, a: Float32Array) => {
      const t = pe.alloc(a.length);
      t.array.set(a);
      return t;
    };
    const xc = copy(cached, x);
    const qf = copy(fused, q);
    const cases: [string, () => Float32Array, Float32Array][] = [
      ['table 133×768', () => fused.sinusoidal({ length: 133, dim: 768, offset: 1000 }), one.sinusoidal({ length: 133, dim: 768, offset: 1000 })],
      ['table into a module tensor', resident(fused, 512 * 768, null, (t) => fused.sinusoidal({ length: 512, dim: 768, out: t })), one.sinusoidal({ length: 512, dim: 768 })],
      ['add fused in place', resident(fused, x.length, x, (t) => fused.add(t, { shape: [2, 128, 512], out: t, offset: 3 })), one.add(x, { shape: [2, 128, 512], offset: 3 })],
      ['add kept rows', resident(cached, x.length, null, (t) => cached.add(xc, { shape: [2, 128, 512], offset: 9, out: t })), one.add(x, { shape: [2, 128, 512], offset: 9 })],
      ['rope', resident(fused, q.length, null, (t) => fused.rope(qf, { shape: [1, 4, 512, 64], offset: 3, out: t })), one.rope(q, { shape: [1, 4, 512, 64], offset: 3 })],
      ['rope kept rows in place', resident(cached, q.length, q, (t) => cached.rope(t, { shape: [1, 4, 512, 64], out: t, offset: 77 })), one.rope(q, { shape: [1, 4, 512, 64], offset: 77 })],
    ];
    const out = { calls: 0, wrong: [] as string[], changed: 0, error: '', threads: [0, 0], busy: busy.length, seconds: 0 };
    const t0 = performance.now();
    try {
      for (let round = 0; round < 200; round++) {
        for (const [name, call, want] of cases) {
          out.calls++;
          if (!same(call(), want)) out.wrong.push(`${name}, call ${out.calls}`);
        }
        for (const k of kept) {
          if (k.want === null) k.want = bytes(k.t.array).slice();
          else if (!same(k.t.array, k.want)) out.changed++;
        }
        if (fused.threads !== 2 || cached.threads !== 2) break;
      }
    } catch (e) {
      out.error = String(e);
    }
    out.seconds = (performance.now() - t0) / 1000;
    out.threads = [fused.threads, cached.threads];
    busy.forEach((w) => w.terminate());
    return out;
  });
  await page.close();
  console.log(`threads.e2e under load: ${r.calls} calls in ${r.seconds.toFixed(1)} s beside ${r.busy} busy workers`);
  expect(errors).toEqual([]);
  expect(r.error).toBe('');
  expect(r.wrong).toEqual([]);
  expect(r.changed).toBe(0);
  expect(r.threads).toEqual([2, 2]);
  expect(r.calls).toBe(1200);
});

// A worker whose loop ends with an uncaught exception marks its death in shared memory before it
// goes: the page's main thread, spinning on the call, sees it, and the call throws. The test-only
// schedule (window.POSENC_TEST_HOOK, read when the pool starts) makes worker 0 throw holding
// chunk 2 (rows 512–767) of the first call.
it('a worker that dies in the middle of a call: the page gets a clear error, then one thread', async () => {
  const page = await browser.newPage();
  await page.goto(url + 'isolated/');
  await page.waitForFunction(() => 'posenc' in window);
  const r = await page.evaluate(async () => {
    const w = window as unknown as { posenc: any; POSENC_TEST_HOOK?: string };
    const m = w.posenc;
    w.POSENC_TEST_HOOK = 'die-throw:2';
    const pe = await m.init({ backend: 'wasm-simd', threads: 2, cacheBytes: 12345 });
    delete w.POSENC_TEST_HOOK;
    const one = await m.init({ backend: 'wasm-simd', cacheBytes: 0 });
    const want: Float32Array = one.sinusoidal({ length: 2048, dim: 768 });
    const threadsBefore = pe.threads;
    const out = pe.alloc(2048 * 768);
    let message = '';
    try {
      pe.sinusoidal({ length: 2048, dim: 768, out });
    } catch (e) {
      message = (e as Error).message;
    }
    const rows = (lo: number, hi: number, f: (i: number) => boolean) => {
      for (let i = lo * 768; i < hi * 768; i++) if (!f(i)) return false;
      return true;
    };
    const a = out.array as Float32Array;
    const kept = rows(0, 512, (i) => Object.is(a[i], want[i])) && rows(768, 2048, (i) => Object.is(a[i], want[i]));
    const untouched = rows(512, 768, (i) => a[i] === 0);
    const later = pe.sinusoidal({ length: 2048, dim: 768, offset: 5 }) as Float32Array;
    const wantLater = one.sinusoidal({ length: 2048, dim: 768, offset: 5 }) as Float32Array;
    return { threadsBefore, message, kept, untouched, laterSame: later.every((v, i) => Object.is(v, wantLater[i])), threadsAfter: pe.threads };
  });
  await page.close();
  expect(r.threadsBefore).toBe(2);
  expect(r.message).toBe(
    'posenc: a worker thread died during sinusoidalTable (it threw an uncaught exception). ' +
    'The call stopped before it finished: out holds results for rows 0–511 and 768–2047 of the table; rows 512–767 of the table may be partly written; no other row of out holds results. ' +
    'Later calls run on one thread (pe.threads is 1).');
  expect(r.kept).toBe(true);
  expect(r.untouched).toBe(true);
  expect(r.laterSame).toBe(true);
  expect(r.threadsAfter).toBe(1);
});

it('a page that is not cross-origin isolated gets one thread, without an error', async () => {
  const r = await probe('plain/');
  expect(r.errors).toEqual([]);
  expect(r.isolated).toBe(false);
  expect(r['wasm-simd threads']).toBe(1);
  expect(r['wasm threads']).toBe(1);
  expect(r['auto threads']).toBe(1);
  for (const [name, ok] of Object.entries(r.checks as Record<string, boolean>)) expect(ok, name).toBe(true);
});
