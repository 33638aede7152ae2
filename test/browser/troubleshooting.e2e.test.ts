// The browser cases of the README's Troubleshooting section, in headless Chromium: a page whose
// Content Security Policy lacks 'wasm-unsafe-eval' cannot compile WebAssembly (init() rejects with
// a CompileError; the 'js' backend still works; adding 'wasm-unsafe-eval' fixes it), and
// initSync() as the first call on the main thread (posenc's binaries are under Chromium's limit
// for synchronous compilation). The built ES module (dist/esm) is served from a fake origin
// through playwright's request routing, with the CSP as a response header.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from './chromium.js';

const ORIGIN = 'http://posenc.test';
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/esm/index.js')) throw new Error('dist/ is missing: run `npm run build` first');
  browser = await chromium.launch(chromiumLaunchOptions());
});
afterAll(async () => {
  await browser?.close();
});

/** Runs `call` (an expression giving a Posenc) in a module script under `csp`; returns what happened. */
async function inPage(csp: string | null, call: string): Promise<{ ok: boolean; backend?: string; sin1?: number; error?: string; message?: string }> {
  const page = await browser.newPage();
  try {
    const headers: Record<string, string> = csp ? { 'Content-Security-Policy': csp } : {};
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/') {
        const body = `<!doctype html><script type="module">
          import * as posenc from '/index.js';
          try {
            const pe = ${call};
            window.result = { ok: true, backend: pe.backend, sin1: pe.sinusoidal({ length: 2, dim: 4 })[4] };
          } catch (e) {
            window.result = { ok: false, error: e.constructor.name, message: e.message };
          }
        </script>`;
        return route.fulfill({ status: 200, contentType: 'text/html', headers, body });
      }
      const file = join('dist/esm', path);
      if (!existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ status: 200, contentType: 'text/javascript', headers, body: readFileSync(file) });
    });
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, null, { timeout: 30_000 });
    return await page.evaluate(() => (window as unknown as { result: { ok: boolean } }).result);
  } finally {
    await page.close();
  }
}

const SIN1 = Math.fround(Math.sin(1));

describe('README Troubleshooting, in Chromium', () => {
  it("CSP without 'wasm-unsafe-eval': init() rejects with a CompileError naming the policy", async () => {
    const r = await inPage("script-src 'self' 'unsafe-inline'", 'await posenc.init()');
    expect(r.ok).toBe(false);
    expect(r.error).toBe('CompileError');
    expect(r.message).toMatch(/Content Security Policy/i);
  });

  it("the same CSP: init({ backend: 'js' }) works", async () => {
    const r = await inPage("script-src 'self' 'unsafe-inline'", "await posenc.init({ backend: 'js' })");
    expect(r).toEqual({ ok: true, backend: 'js', sin1: SIN1 });
  });

  it("CSP with 'wasm-unsafe-eval': init() picks wasm-simd", async () => {
    const r = await inPage("script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'", 'await posenc.init()');
    expect(r).toEqual({ ok: true, backend: 'wasm-simd', sin1: SIN1 });
  });

  it('initSync() as the first call on the main thread: under the synchronous-compile limit here', async () => {
    const r = await inPage(null, 'posenc.initSync()');
    expect(r).toEqual({ ok: true, backend: 'wasm-simd', sin1: SIN1 });
  });
});
