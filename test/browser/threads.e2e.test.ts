// Worker threads in Chromium (init({ threads })), driven with playwright-core: the package
// (src/ bundled by esbuild) is served twice, once cross-origin isolated (COOP/COEP headers, as
// the demo server sends them) and once without. Isolated, init({ threads: 2 }) runs two threads
// on the main thread of the page, which cannot block: it spins until the worker is done, and the
// results are the bits of one thread. Not isolated, the same call gives one thread, no error.
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

it('a page that is not cross-origin isolated gets one thread, without an error', async () => {
  const r = await probe('plain/');
  expect(r.errors).toEqual([]);
  expect(r.isolated).toBe(false);
  expect(r['wasm-simd threads']).toBe(1);
  expect(r['wasm threads']).toBe(1);
  expect(r['auto threads']).toBe(1);
  for (const [name, ok] of Object.entries(r.checks as Record<string, boolean>)) expect(ok, name).toBe(true);
});
