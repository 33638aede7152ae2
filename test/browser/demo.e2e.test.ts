// The demo page (npm run demo) in headless Chromium, driven with playwright-core: it opens the
// page served by demo/serve.mjs, changes controls, and checks that the heatmap's pixels are
// exactly the colours of the table Node computes (same wasm-simd bytes, demo/colormap.ts), in
// the canvas and in a screenshot of it; runs the in-page benchmark; saves a screenshot
// (DEMO_SCREENSHOT=docs/screenshot.png, as `npm run demo:screenshot` does, refreshes the README's).
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../demo/serve.mjs';
import { colorOf, tablePixels } from '../../demo/colormap.js';
import { writeNpy, writeSafetensors } from '../../demo/tablefile.js';
import { illustrativeBiasWeights } from '../../demo/model.js';
import { init, type Posenc, type RopeAxes, type SinusoidalOptions } from '../../src/index.js';
import { chromiumLaunchOptions } from './chromium.js';

const SCREENSHOT = process.env.DEMO_SCREENSHOT ?? 'node_modules/.cache/posenc/demo.png';
/** A short benchmark, except when refreshing the README's screenshot. */
const QUERY = process.env.DEMO_SCREENSHOT ? '' : '?bench=quick';

let demo: Demo;
let browser: Browser;
let page: Page;
let pe: Posenc;
const pageErrors: string[] = [];

beforeAll(async () => {
  [demo, browser, pe] = await Promise.all([startDemo({ port: 0 }), chromium.launch(chromiumLaunchOptions()), init({ backend: 'wasm-simd' })]);
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** The heatmap canvas's RGBA bytes and size. */
async function canvasPixels(id: string) {
  return page.evaluate((id) => {
    const c = document.getElementById(id) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return { width: c.width, height: c.height, data: Array.from(d) };
  }, id);
}

/** Waits for a render after the one counted in `before`, with no redraw still pending. */
async function nextRender(before: number) {
  await page.waitForFunction((n) => Number(document.body.dataset.renders) > n && !document.body.dataset.pending, before, { timeout: 20_000 });
  return Number(await page.evaluate(() => document.body.dataset.renders));
}

const renders = async () => Number(await page.evaluate(() => document.body.dataset.renders ?? 0));

function expected(o: SinusoidalOptions & { length: number }) {
  const table = pe.sinusoidal(o) as Float32Array;
  return { cols: table.length / o.length, pixels: Array.from(tablePixels(table, o.length, table.length / o.length)) };
}

describe('demo page (npm run demo) in Chromium', () => {
  it('draws the default encoding: every pixel is the colour of vaswani 128 × 64', async () => {
    await page.goto(`${demo.url}${QUERY}`);
    await page.waitForFunction(() => Number(document.body.dataset.renders) >= 1, null, { timeout: 30_000 });
    expect(await page.textContent('#backend-name')).toBe('wasm-simd');
    const got = await canvasPixels('heatmap');
    const want = expected({ preset: 'vaswani', length: 128, dim: 64, base: 10000, offset: 0 });
    expect([got.width, got.height]).toEqual([64, 128]);
    expect(got.data.length).toBe(want.pixels.length);
    expect(got.data).toEqual(want.pixels);
    // Row 0 is sin 0, cos 0 = 0, 1 → near white, red.
    expect(got.data.slice(0, 8)).toEqual([...colorOf(0), 255, ...colorOf(1), 255]);
    expect(await page.textContent('#status')).toMatch(/vaswani · 128 positions × 64 columns · offset 0 · wasm-simd/);
  });

  it('changing the preset redraws the heatmap with the new table (marian halves)', async () => {
    const before = await canvasPixels('heatmap');
    const n = await renders();
    await page.selectOption('#preset', 'marian');
    await nextRender(n);
    const got = await canvasPixels('heatmap');
    const want = expected({ preset: 'marian', length: 128, dim: 64, base: 10000, offset: 0 });
    expect(got.data).toEqual(want.pixels);
    expect(got.data).not.toEqual(before.data);
    // halves: column 1 of row 0 is sin 0 (white) now, not cos 0 (red).
    expect(got.data.slice(4, 8)).toEqual([...colorOf(0), 255]);
  });

  it('offset, dim, base and backend controls redraw as expected', async () => {
    let n = await renders();
    await page.fill('#offset', '1000');
    n = await nextRender(n);
    expect((await canvasPixels('heatmap')).data).toEqual(expected({ preset: 'marian', length: 128, dim: 64, base: 10000, offset: 1000 }).pixels);
    await page.fill('#dim', '48');
    n = await nextRender(n);
    await page.fill('#base', '500');
    n = await nextRender(n);
    const got = await canvasPixels('heatmap');
    expect([got.width, got.height]).toEqual([48, 128]);
    expect(got.data).toEqual(expected({ preset: 'marian', length: 128, dim: 48, base: 500, offset: 1000 }).pixels);
    await page.selectOption('#backend', 'wasm');
    n = await nextRender(n);
    expect(await page.textContent('#backend-name')).toBe('wasm');
    expect((await canvasPixels('heatmap')).data).toEqual(got.data); // same bytes on the scalar build
  });

  it('shows posenc errors for bad input instead of a table (whisper, odd dim)', async () => {
    let n = await renders();
    await page.selectOption('#preset', 'whisper');
    n = await nextRender(n);
    await page.fill('#dim', '63');
    n = await nextRender(n);
    expect(await page.getAttribute('#status', 'class')).toContain('error');
    expect(await page.textContent('#status')).toMatch(/^RangeError: posenc\.sinusoidal: dim must be even/);
  });

  it('draws what a screenshot shows: scaled cells keep their colours (tensor2tensor, offset 5)', async () => {
    let n = await renders();
    await page.selectOption('#backend', 'auto');
    n = await nextRender(n);
    await page.selectOption('#preset', 'tensor2tensor');
    n = await nextRender(n);
    for (const [id, v] of [['dim', '64'], ['base', '10000'], ['offset', '5'], ['length', '96']]) {
      await page.fill(`#${id}`, v);
      n = await nextRender(n);
    }
    const table = pe.sinusoidal({ preset: 'tensor2tensor', length: 96, dim: 64, offset: 5 });
    expect((await canvasPixels('heatmap')).data).toEqual(Array.from(tablePixels(table, 96, 64)));
    // Decode a PNG screenshot of the canvas element in the page, sample the centre of cells.
    const png = (await page.locator('#heatmap').screenshot()).toString('base64');
    const cells: [number, number][] = [[0, 0], [0, 32], [1, 0], [10, 3], [50, 40], [95, 63], [95, 31], [17, 17]];
    const sampled = await page.evaluate(async ({ png, cells }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${png}`;
      await img.decode();
      const c = new OffscreenCanvas(img.width, img.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return {
        w: img.width,
        h: img.height,
        px: cells.map(([r, j]) => {
          // Inside the 1-px border, at the centre of the cell.
          const x = Math.floor(1 + ((j + 0.5) / 64) * (img.width - 2));
          const y = Math.floor(1 + ((r + 0.5) / 96) * (img.height - 2));
          return Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
        }),
      };
    }, { png, cells });
    expect(sampled.w).toBeGreaterThan(600);
    cells.forEach(([r, j], k) => {
      const want = colorOf(table[r * 64 + j]);
      sampled.px[k].forEach((v, ch) => expect(Math.abs(v - want[ch]), `cell (${r}, ${j}) channel ${ch}`).toBeLessThanOrEqual(2));
    });
  });

  it('draws the rotary view (pe.rope of ones) and follows its layout control', async () => {
    // Controls now: tensor2tensor, length 96, dim 64. rope: x = ones [1, 1, 96, 64].
    const ones = () => new Float32Array(96 * 64).fill(1);
    const halves = pe.rope(ones(), { shape: [1, 1, 96, 64], layout: 'halves' });
    expect(halves[64]).toBeCloseTo(Math.cos(1) - Math.sin(1), 6); // position 1, feature 0
    let got = await canvasPixels('rope-canvas');
    expect([got.width, got.height]).toEqual([64, 96]);
    expect(got.data).toEqual(Array.from(tablePixels(halves, 96, 64)));
    expect(await page.textContent('#rope-status')).toMatch(/^halves pairs · 96 positions × 64 features/);
    const n = await renders();
    await page.selectOption('#rope-layout', 'interleaved');
    await nextRender(n);
    got = await canvasPixels('rope-canvas');
    expect(got.data).toEqual(Array.from(tablePixels(pe.rope(ones(), { shape: [1, 1, 96, 64], layout: 'interleaved' }), 96, 64)));
    expect(got.data).not.toEqual(Array.from(tablePixels(halves, 96, 64)));
  });

  it('draws the 2-D grid view (a channel of pe.sincos2d) and follows its controls', async () => {
    const channelMap = (preset: 'mae' | 'bigvision', side: number, ch: number) => {
      const t = pe.sincos2d({ preset, dim: 64, height: side, width: side });
      return Float64Array.from({ length: side * side }, (_, k) => t[k * 64 + ch]);
    };
    let got = await canvasPixels('grid-canvas');
    expect([got.width, got.height]).toEqual([14, 14]);
    expect(got.data).toEqual(Array.from(tablePixels(channelMap('mae', 14, 1), 14, 14)));
    let n = await renders();
    await page.selectOption('#grid-preset', 'bigvision');
    n = await nextRender(n);
    await page.fill('#grid-channel', '40'); // a row channel: varies down the grid
    n = await nextRender(n);
    await page.fill('#grid-side', '8');
    n = await nextRender(n);
    got = await canvasPixels('grid-canvas');
    expect([got.width, got.height]).toEqual([8, 8]);
    const want = channelMap('bigvision', 8, 40);
    expect(got.data).toEqual(Array.from(tablePixels(want, 8, 8)));
    expect(want[8]).toBeCloseTo(Math.sin(1 * 10000 ** (-8 / 15)), 6); // row 1, column 0: sin(r·ω_8), ω_k = T^(−k/(K−1))
    expect(await page.textContent('#grid-status')).toMatch(/^bigvision: channel 40 of 64 over a 8 × 8 grid/);
    await page.fill('#grid-channel', '64');
    await nextRender(n);
    expect(await page.textContent('#grid-status')).toMatch(/channel must be an integer in \[0, 63\], got 64/);
    n = await renders();
    await page.fill('#grid-channel', '1');
    await page.fill('#grid-side', '14');
    await page.selectOption('#grid-preset', 'mae');
    await nextRender(n);
    expect((await canvasPixels('grid-canvas')).data).toEqual(Array.from(tablePixels(channelMap('mae', 14, 1), 14, 14)));
  });

  it('draws the multi-axis rotary panel: T/H/W positions of text + image + text, feature axes, rope of ones; follows its controls', async () => {
    const ones = (L: number) => new Float32Array(L * 128).fill(1);
    const scaled = (p: Int32Array) => Float64Array.from(p, (v) => (2 * v) / Math.max(...p) - 1);
    const check = async (variant: string, text: number, h: number, w: number, after: number, base: number, axes: RopeAxes, featureAxis: (f: number) => number) => {
      const { positions } = pe.mropePositions({ segments: [{ text }, { image: [1, h, w] }, { text: after }] });
      const L = text + (h / 2) * (w / 2) + after;
      expect(positions.length).toBe(3 * L);
      let got = await canvasPixels('mrope-positions');
      expect([got.width, got.height]).toEqual([L, 3]);
      expect(got.data).toEqual(Array.from(tablePixels(scaled(positions), 3, L)));
      got = await canvasPixels('mrope-axes');
      expect(got.data).toEqual(Array.from(tablePixels(Float64Array.from({ length: 128 }, (_, f) => featureAxis(f) - 1), 1, 128)));
      got = await canvasPixels('mrope-rotated');
      expect([got.width, got.height]).toEqual([128, L]);
      const rotated = pe.rope(ones(L), { shape: [1, 1, L, 128], base, positions, axes });
      expect(got.data).toEqual(Array.from(tablePixels(rotated, L, 128)));
      expect(await page.textContent('#mrope-status'), variant).toContain(`${L} tokens`);
      expect(await page.getAttribute('#mrope-status', 'class')).not.toContain('error');
      return { positions, rotated };
    };
    // Default: Qwen2-VL chunks, 6 text tokens, a 16 × 24-patch image (8 × 12 merged tokens), 10 text tokens.
    const chunk = (f: number) => ((f % 64) < 16 ? 0 : (f % 64) < 40 ? 1 : 2);
    const a = await check('qwen2-vl', 6, 16, 24, 10, 1e6, { sections: [16, 24, 24] }, chunk);
    // The image's first token sits at (6, 6, 6), its last at (6, 6 + 7, 6 + 11); text resumes at 18.
    expect([a.positions[6], a.positions[112 + 6], a.positions[224 + 6]]).toEqual([6, 6, 6]);
    expect([a.positions[101], a.positions[112 + 101], a.positions[224 + 101]]).toEqual([6, 13, 17]);
    expect(a.positions[102]).toBe(18);
    let n = await renders();
    await page.selectOption('#mrope-variant', 'qwen3-vl');
    n = await nextRender(n);
    const cycle = (f: number) => {
      const j = f % 64;
      return j % 3 === 1 && j < 60 ? 1 : j % 3 === 2 && j < 60 ? 2 : 0;
    };
    const b = await check('qwen3-vl', 6, 16, 24, 10, 5e6, { sections: [24, 20, 20], assign: 'cycle' }, cycle);
    expect(b.rotated).not.toEqual(a.rotated);
    await page.selectOption('#mrope-variant', 'per-axis');
    n = await nextRender(n);
    await page.fill('#mrope-height', '6');
    n = await nextRender(n);
    await check('per-axis', 6, 6, 24, 10, 1e4, { sections: [16, 24, 24], frequencies: 'per-axis' }, chunk);
    // A grid not divisible by the merge size: mropePositions' RangeError, no canvases.
    await page.fill('#mrope-width', '7');
    n = await nextRender(n);
    expect(await page.getAttribute('#mrope-status', 'class')).toContain('error');
    expect(await page.textContent('#mrope-status')).toMatch(/^RangeError: posenc\.mropePositions: .*a multiple of spatialMergeSize = 2/);
    expect(await page.isHidden('#mrope-rotated')).toBe(true);
    // Back to the defaults (the state the screenshot shows).
    for (const [id, v] of [['mrope-width', '24'], ['mrope-height', '16']]) {
      await page.fill(`#${id}`, v);
      n = await nextRender(n);
    }
    await page.selectOption('#mrope-variant', 'qwen2-vl');
    await nextRender(n);
    await check('qwen2-vl', 6, 16, 24, 10, 1e6, { sections: [16, 24, 24] }, chunk);
  });

  it('runs the in-page benchmark (tinybench): a bar and a ratio for wasm-simd, wasm and js', async () => {
    // Back to vaswani 128 × 64 first (the state the screenshot shows).
    let n = await renders();
    await page.selectOption('#preset', 'vaswani');
    n = await nextRender(n);
    for (const [id, v] of [['length', '128'], ['offset', '0']]) {
      await page.fill(`#${id}`, v);
      n = await nextRender(n);
    }
    await page.click('#bench-run');
    await page.waitForFunction(() => document.body.dataset.bench || document.querySelector('#bench-status.error'), null, { timeout: 60_000 });
    expect(await page.getAttribute('#bench-status', 'class')).not.toContain('error');
    const results = JSON.parse((await page.evaluate(() => document.body.dataset.bench))!);
    expect(Object.keys(results).sort()).toEqual(['add', 'sinusoidal']);
    for (const op of ['sinusoidal', 'add']) {
      expect(Object.keys(results[op]).sort()).toEqual(['js', 'wasm', 'wasm-simd']);
      for (const ops of Object.values(results[op]) as number[]) expect(ops).toBeGreaterThan(0);
      const rows = page.locator(`.op[data-op="${op}"] .bar-row`);
      expect(await rows.count()).toBe(3);
      expect(await rows.locator('.ratio').allTextContents()).toEqual([
        expect.stringMatching(/^×\d+\.\d vs js$/), expect.stringMatching(/^×\d+\.\d vs js$/), 'baseline',
      ]);
      const simd = results[op]['wasm-simd'];
      const js = results[op].js;
      expect(await rows.first().locator('.ratio').textContent()).toBe(`×${(simd / js).toFixed(1)} vs js`);
    }
  });

  it('inspects a table: .npy, .safetensors (a tensor chosen), pasted JSON; identify, the call, similarity', async () => {
    const inspected = async () => Number(await page.evaluate(() => document.body.dataset.inspected ?? 0));
    const waitInspect = async (before: number) => {
      await page.waitForFunction((n) => Number(document.body.dataset.inspected ?? 0) > n, before, { timeout: 30_000 });
      const raw = await page.evaluate(() => document.body.dataset.inspect ?? null);
      return raw === null ? null : JSON.parse(raw);
    };
    // .npy: a Marian table (float64 angles stored in float32).
    const marian = pe.sinusoidal({ length: 64, dim: 32, preset: 'marian' });
    let n = await inspected();
    await page.setInputFiles('#inspect-file', { name: 'embed_positions.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(writeNpy(marian, 64, 32)) });
    let got = await waitInspect(n);
    expect(got).toMatchObject({ kind: 'sinusoidal', options: { preset: 'marian' }, float32: false, rows: 64, cols: 32 });
    expect(await page.textContent('#inspect-call')).toBe("pe.sinusoidal({ length: 64, dim: 32, preset: 'marian' })");
    expect((await canvasPixels('inspect-heatmap')).data).toEqual(Array.from(tablePixels(marian, 64, 32)));
    const sim = await canvasPixels('inspect-similarity');
    expect([sim.width, sim.height]).toEqual([64, 64]);
    expect(sim.data).toEqual(Array.from(tablePixels(pe.similarity(marian, { dim: 32, metric: 'cosine' }), 64, 64)));
    expect(await page.locator('#inspect-candidates li').count()).toBeGreaterThan(0);
    // .safetensors with two tensors: the first is shown, then the other is chosen.
    const mae = pe.sincos2d({ height: 8, width: 8, dim: 64, clsToken: true });
    const cos = new Float32Array(256 * 32);
    for (let r = 0; r < 256; r++) for (let j = 0; j < 32; j++) cos[r * 32 + j] = Math.cos(r * 10000 ** (-(2 * (j % 16)) / 32));
    n = await inspected();
    await page.setInputFiles('#inspect-file', {
      name: 'model.safetensors', mimeType: 'application/octet-stream',
      buffer: Buffer.from(writeSafetensors({ 'vit.pos_embed': { data: mae, shape: [1, 65, 64] }, 'rotary.cos_cached': { data: cos, shape: [256, 32] } })),
    });
    got = await waitInspect(n);
    expect(got).toMatchObject({ kind: 'sincos2d', options: { preset: 'mae', height: 8, width: 8, clsToken: true }, rows: 65, cols: 64 });
    expect(await page.textContent('#inspect-call')).toBe("pe.sincos2d({ dim: 64, preset: 'mae', height: 8, width: 8, clsToken: true })");
    n = await inspected();
    await page.selectOption('#inspect-tensor', 'rotary.cos_cached');
    got = await waitInspect(n);
    expect(got).toMatchObject({ kind: 'rope-cos', options: { base: 10000, layout: 'halves', rotaryDim: 32, offset: 0 } });
    expect(await page.textContent('#inspect-call')).toContain('pe.rope(q, { shape: [batch, heads, length, headDim], base: 10000, layout: \'halves\', rotaryDim: 32, offset: 0');
    // Pasted JSON: a learned-looking table is no convention; bad JSON is an error.
    const rows = Array.from({ length: 12 }, (_, i) => Array.from({ length: 6 }, (_, j) => Math.sin(i * 7.1 + j * j * 3.3) * 0.05));
    await page.fill('#inspect-paste', JSON.stringify(rows));
    n = await inspected();
    await page.click('#inspect-paste-run');
    got = await waitInspect(n);
    expect(got).toMatchObject({ kind: null, rows: 12, cols: 6 });
    expect(await page.textContent('#inspect-kind')).toMatch(/^no match \(nearest: /);
    await page.fill('#inspect-paste', '[[1, 2], [3]]');
    n = await inspected();
    await page.click('#inspect-paste-run');
    expect(await waitInspect(n)).toBeNull();
    expect(await page.textContent('#inspect-status')).toMatch(/^RangeError: JSON: row 1 has 1 values, row 0 has 2/);
    // An example: Whisper's table with float32 angles.
    n = await inspected();
    await page.selectOption('#inspect-example', 'whisper');
    got = await waitInspect(n);
    expect(got).toMatchObject({ kind: 'sinusoidal', float32: true, options: { preset: 'whisper', float32Angles: true }, simRows: 250 });
  });

  it('Model panel: a config.json → describe() and the heatmap of its kind (rope layers, ALiBi, T5 bias); errors in the panel', async () => {
    const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/models/${name}.json`, 'utf8'));
    const modelStatus = async () => ({ text: await page.textContent('#model-status'), cls: await page.getAttribute('#model-status', 'class') });
    // rope (default example, Llama 3.1 8B): [cos | sin] of model.cosSin, 64 rows × 2·64.
    const llama = pe.model(fixture('meta-llama--Llama-3.1-8B-Instruct'));
    const ropeRows = (m: typeof llama, L: number, layer?: number) => {
      const { cos, sin } = m.cosSin({ length: L, layer });
      const h = cos.length / L;
      return Float32Array.from({ length: L * 2 * h }, (_, i) => {
        const r = Math.floor(i / (2 * h));
        const j = i % (2 * h);
        return j < h ? cos[r * h + j] : sin[r * h + j - h];
      });
    };
    expect(await page.inputValue('#model-example')).toBe('llama-3.1-8b');
    let got = await canvasPixels('model-heatmap');
    expect([got.width, got.height]).toEqual([128, 64]);
    expect(got.data).toEqual(Array.from(tablePixels(ropeRows(llama, 64), 64, 128)));
    expect(await page.textContent('#model-describe')).toBe(llama.describe());
    expect(await page.textContent('#model-describe')).toMatch(/^Llama \(model_type 'llama'\): rotary embedding/);
    expect((await modelStatus()).cls).not.toContain('error');
    expect(await page.isHidden('#model-layer-label')).toBe(true); // one layer type
    // Gemma 3: sliding and full layers differ; the layer select offers both.
    const gemma = pe.model(fixture('google--gemma-3-1b-it'));
    let n = await renders();
    await page.selectOption('#model-example', 'gemma-3-1b');
    n = await nextRender(n);
    expect(await page.isVisible('#model-layer-label')).toBe(true);
    expect(await page.locator('#model-layer option').allTextContents()).toEqual(['top-level scheme', 'layer 0: sliding_attention (rope)', 'layer 5: full_attention (rope)']);
    await page.selectOption('#model-layer', '0');
    n = await nextRender(n);
    got = await canvasPixels('model-heatmap');
    expect([got.width, got.height]).toEqual([256, 64]);
    const sliding = Array.from(tablePixels(ropeRows(gemma, 64, 0), 64, 256));
    expect(got.data).toEqual(sliding);
    await page.selectOption('#model-layer', '5');
    n = await nextRender(n);
    got = await canvasPixels('model-heatmap');
    expect(got.data).toEqual(Array.from(tablePixels(ropeRows(gemma, 64, 5), 64, 256)));
    expect(got.data).not.toEqual(sliding); // base 10⁴ vs 10⁶
    // alibi (BLOOM): [heads × keys] of model.alibi, scaled by its largest value.
    const bloom = pe.model(fixture('bigscience--bloom-3b'));
    await page.selectOption('#model-example', 'bloom-3b');
    n = await nextRender(n);
    const alibi = bloom.alibi({ keyLength: 64 });
    const top = Math.max(...alibi.map(Math.abs));
    got = await canvasPixels('model-heatmap');
    expect([got.width, got.height]).toEqual([64, 32]);
    expect(got.data).toEqual(Array.from(tablePixels(Float32Array.from(alibi, (v) => v / top), 32, 64)));
    expect(await page.textContent('#model-describe')).toBe(bloom.describe());
    expect(await page.isHidden('#model-layer-label')).toBe(true);
    expect(await page.getAttribute('#model-heatmap', 'data-kind')).toBe('alibi');
    // T5 (pasted into the textarea): one head of model.relativeBias with the illustrative weights.
    const t5config = fixture('google-t5--t5-small');
    await page.fill('#model-config', JSON.stringify(t5config));
    n = await nextRender(n);
    expect(await page.inputValue('#model-example')).toBe('');
    const t5 = pe.model(t5config);
    const weights = illustrativeBiasWeights(32, 8);
    let bias = t5.relativeBias(weights, { queryLength: 64, keyLength: 64 });
    got = await canvasPixels('model-heatmap');
    expect([got.width, got.height]).toEqual([64, 64]);
    expect(got.data).toEqual(Array.from(tablePixels(bias.subarray(0, 64 * 64), 64, 64)));
    expect(await page.textContent('#model-note')).toMatch(/illustrative/);
    expect(await page.textContent('#model-describe')).toMatch(/^T5 \(model_type 't5', decoder\): relative position bias, 32 buckets/);
    // The encoder part (bidirectional buckets), head 3.
    await page.selectOption('#model-part', 'encoder');
    n = await nextRender(n);
    await page.fill('#model-head', '3');
    n = await nextRender(n);
    bias = pe.model(t5config, { part: 'encoder' }).relativeBias(weights, { queryLength: 64, keyLength: 64 });
    expect((await canvasPixels('model-heatmap')).data).toEqual(Array.from(tablePixels(bias.subarray(3 * 4096, 4 * 4096), 64, 64)));
    // The other examples draw without an error: mrope, Llama 4 (a NoPE layer: cos 1, sin 0), learned rows, a sinusoidal table.
    await page.selectOption('#model-part', '');
    n = await nextRender(n);
    for (const [example, kind, shape] of [['qwen2-vl-2b', 'mrope', [128, 64]], ['llama-4', 'rope', [128, 64]], ['gpt2', 'learned', [64, 2]], ['opus-mt-en-zh', 'sinusoidal', [512, 64]]] as const) {
      await page.selectOption('#model-example', example);
      n = await nextRender(n);
      expect((await modelStatus()).cls, example).not.toContain('error');
      expect(await page.getAttribute('#model-heatmap', 'data-kind'), example).toBe(kind);
      got = await canvasPixels('model-heatmap');
      expect([got.width, got.height], example).toEqual(shape);
    }
    const marian = pe.model(fixture('Helsinki-NLP--opus-mt-en-zh'));
    expect(got.data).toEqual(Array.from(tablePixels(pe.sinusoidal({ length: 64, ...(marian.options as { preset: 'marian'; dim: number }) }), 64, 512)));
    await page.selectOption('#model-example', 'llama-4');
    n = await nextRender(n);
    expect(await page.locator('#model-layer option').allTextContents()).toEqual(['top-level scheme', 'layer 0: chunked_attention (rope)', 'layer 3: full_attention (NoPE)']);
    await page.selectOption('#model-layer', '3');
    n = await nextRender(n);
    expect((await canvasPixels('model-heatmap')).data).toEqual(Array.from(tablePixels(Float32Array.from({ length: 64 * 128 }, (_, i) => (i % 128 < 64 ? 1 : 0)), 64, 128)));
    expect(await page.textContent('#model-note')).toMatch(/NoPE/);
    // Malformed configs: posenc's typed error (or JSON's) in the panel, no heatmap, no page error.
    await page.selectOption('#model-part', '');
    n = await nextRender(n);
    await page.fill('#model-config', JSON.stringify({ model_type: 'llama', rope_theta: -1 }));
    n = await nextRender(n);
    let st = await modelStatus();
    expect(st.cls).toContain('error');
    expect(st.text).toBe('RangeError: posenc.model: config.rope_theta must be a finite number > 0, got -1');
    expect(await page.isHidden('#model-heatmap')).toBe(true);
    expect(await page.textContent('#model-describe')).toBe('');
    await page.fill('#model-config', '{"model_type": "llama", ');
    n = await nextRender(n);
    st = await modelStatus();
    expect(st.cls).toContain('error');
    expect(st.text).toMatch(/^SyntaxError: /);
    await page.fill('#model-config', JSON.stringify({ hidden_size: 64 }));
    n = await nextRender(n);
    expect((await modelStatus()).text).toMatch(/^RangeError: posenc\.model: config\.model_type is absent/);
    // A dropped file (the file input of the drop zone) loads like a paste: back to Llama 3.1 8B.
    await page.setInputFiles('#model-file', { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(fixture('meta-llama--Llama-3.1-8B-Instruct'))) });
    n = await nextRender(n);
    expect((await canvasPixels('model-heatmap')).data).toEqual(Array.from(tablePixels(ropeRows(llama, 64), 64, 128)));
    await page.selectOption('#model-example', 'llama-3.1-8b'); // the state the screenshot shows
    await nextRender(n);
    expect((await modelStatus()).cls).not.toContain('error');
    expect(pageErrors).toEqual([]);
  });

  it('saves a screenshot of the page', async () => {
    expect((await canvasPixels('heatmap')).data).toEqual(expected({ preset: 'vaswani', length: 128, dim: 64 }).pixels);
    await page.hover('#heatmap', { position: { x: 300, y: 120 } }); // a value in the hover line
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.waitForFunction(() => /^PE\[\d+\]\[\d+\] = -?\d\.\d{6}$/.test(document.getElementById('hover')!.textContent ?? ''));
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
    expect(pageErrors).toEqual([]);
  });
});
