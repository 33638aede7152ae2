// examples/vite: a plain Vite app that imports 'posenc' (the package's self-reference, so
// dist/esm as users get it), built with the `vite build` CLI, no config file and no wasm plugin,
// then opened in headless Chromium: it must compute a table. The same built page is opened three
// ways: as is (wasm-simd), where SIMD does not validate (wasm), and where V8 runs without a JIT
// (--js-flags=--jitless: no WebAssembly at all, as in locked-down browsers; the js backend).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { base64 as simdBase64 } from '../../src/runtime/wasm/simd.js';
import { chromiumLaunchOptions } from './chromium.js';
import { serveStatic } from './static-server.js';

let out: string;
let server: Awaited<ReturnType<typeof serveStatic>>;
let buildLog: string;

beforeAll(() => {
  if (!existsSync('dist/esm/index.js')) throw new Error('dist/ is missing: run `npm run build` first (the example imports the built package)');
  out = mkdtempSync(join(tmpdir(), 'posenc-vite-'));
  buildLog = execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'examples/vite', '--outDir', out, '--emptyOutDir'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
});

afterAll(async () => {
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

interface PageResult {
  backend: string;
  table: number[];
  webAssembly: string;
  error?: string;
}

async function open(args: string[] = [], initScript?: [(arg: string) => void, string]): Promise<PageResult> {
  const browser = await chromium.launch(chromiumLaunchOptions(args));
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    if (initScript) await page.addInitScript(initScript[0], initScript[1]);
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.result || document.body.dataset.error, null, { timeout: 30_000 });
    const r = await page.evaluate(() => ({
      ...(JSON.parse(document.body.dataset.result ?? '{}') as { backend: string; table: number[] }),
      error: document.body.dataset.error,
      webAssembly: typeof WebAssembly,
      shown: document.getElementById('backend')!.textContent,
    }));
    expect(errors).toEqual([]);
    expect(r.error).toBeUndefined();
    expect(r.shown).toBe(r.backend);
    return r;
  } finally {
    await browser.close();
  }
}

/** Makes WebAssembly.validate refuse posenc's SIMD binary: an engine without SIMD. */
function refuseSimd(b64: string) {
  const simd = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const validate = WebAssembly.validate.bind(WebAssembly);
  WebAssembly.validate = (src: BufferSource) => {
    const b = src instanceof Uint8Array ? src : ArrayBuffer.isView(src) ? new Uint8Array(src.buffer, src.byteOffset, src.byteLength) : new Uint8Array(src);
    const same = b.length === simd.length && b.every((v, i) => v === simd[i]);
    return !same && validate(src);
  };
}

describe('examples/vite built with `vite build`, opened in Chromium', () => {
  let want: Float32Array;

  it('builds with no configuration: one page, one script with the wasm inlined', async () => {
    expect(buildLog).toMatch(/built in/);
    for (const dir of ['examples/vite', '.']) {
      for (const ext of ['js', 'mjs', 'ts', 'mts']) expect(existsSync(join(dir, `vite.config.${ext}`)), `${dir}/vite.config.${ext}`).toBe(false);
    }
    const assets = readdirSync(join(out, 'assets'));
    expect(assets.filter((f) => !f.endsWith('.js'))).toEqual([]); // no .wasm file to serve
    expect(assets).toHaveLength(1);
    const js = readFileSync(join(out, 'assets', assets[0]), 'utf8');
    expect(js).toContain(simdBase64.slice(0, 200)); // the SIMD binary, as base64 inside the bundle
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    server = await serveStatic(out);
    want = (await init({ backend: 'wasm-simd' })).sinusoidal({ preset: 'vaswani', length: 8, dim: 8 });
    expect(want[8]).toBeCloseTo(0.8414709848, 6);
  });

  it("computes the table with 'wasm-simd', the same float32 bytes as Node", async () => {
    const r = await open();
    expect(r.webAssembly).toBe('object');
    expect(r.backend).toBe('wasm-simd');
    expect(r.table).toEqual(Array.from(want));
    expect(r.table[7 * 8 + 6]).toBeCloseTo(0.0069999428, 6);
    expect(server.requests.filter((p) => p.endsWith('.wasm'))).toEqual([]);
  });

  it("falls back to scalar 'wasm' where SIMD does not validate, same bytes", async () => {
    const r = await open([], [refuseSimd, simdBase64]);
    expect(r.backend).toBe('wasm');
    expect(r.table).toEqual(Array.from(want));
  });

  it("falls back to 'js' where WebAssembly is missing (V8 --jitless), same values", async () => {
    const r = await open(['--js-flags=--jitless']);
    expect(r.webAssembly).toBe('undefined');
    expect(r.backend).toBe('js');
    expect(r.table).toHaveLength(64);
    r.table.forEach((v, i) => expect(Math.abs(v - want[i]), `table[${i}]`).toBeLessThanOrEqual(2 ** -23));
  });
});

describe('dist/esm/index.js with no bundler, from a <script type="module"> (the README\'s browser snippet)', () => {
  it('computes a table in Chromium', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posenc-plain-'));
    const plain = await (async () => {
      mkdirSync(join(dir, 'node_modules/posenc/dist/esm'), { recursive: true });
      cpSync('dist/esm/index.js', join(dir, 'node_modules/posenc/dist/esm/index.js'));
      writeFileSync(join(dir, 'index.html'), `<!doctype html><html><body><p id="backend"></p><script type="module">
  import { init } from './node_modules/posenc/dist/esm/index.js';
  const pe = await init();
  document.getElementById('backend').textContent = pe.backend;
  document.body.dataset.result = JSON.stringify({ backend: pe.backend, table: Array.from(pe.sinusoidal({ length: 8, dim: 8 })) });
</script></body></html>`);
      return serveStatic(dir);
    })();
    const saved = server;
    try {
      server = plain;
      const r = await open();
      expect(r.backend).toBe('wasm-simd');
      const want = (await init({ backend: 'wasm-simd' })).sinusoidal({ length: 8, dim: 8 });
      expect(r.table).toEqual(Array.from(want));
      expect(plain.requests.filter((p) => p !== '/favicon.ico').sort()).toEqual(['/', '/node_modules/posenc/dist/esm/index.js']);
    } finally {
      server = saved;
      await plain.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
