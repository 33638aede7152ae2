// The demo page (npm run demo): posenc's encodings drawn as heatmaps, and a benchmark of its
// backends run in this page with tinybench. Served by demo/serve.mjs, which bundles this file
// with esbuild ('posenc' → the repository's src/).
import {
  init, type BackendChoice, type BackendName, type FloatArray, type Posenc, type Preset, type Preset2d, type RopeLayout,
} from 'posenc';
import { Bench } from 'tinybench';
import { tablePixels } from './colormap.js';
import { MROPE_CONTROLS, renderMrope } from './mrope.js';
import { setupInspect } from './inspect.js';
import { MODEL_CONTROLS, renderModel, setupModel } from './model.js';
import { MODEL_EXAMPLES } from './model-examples.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
/** ?bench=quick: a short benchmark (the browser test uses it). */
const QUICK = params.get('bench') === 'quick';

// ---------------------------------------------------------------------------------------------
// Rotary (pe.rope) and 2-D grids (pe.sincos2d) came after posenc's first tables; the views show a note on a
// build without them.
function hasMethod(pe: Posenc, name: 'rope' | 'sincos2d'): boolean {
  return typeof (pe as unknown as Record<string, unknown>)[name] === 'function';
}

/** rope of ones, x: [1 batch, 1 head, length, dim]; row p shows how position p rotates each pair. */
function ropeOnes(pe: Posenc, layout: RopeLayout, length: number, dim: number): Float32Array {
  return pe.rope(new Float32Array(length * dim).fill(1), { shape: [1, 1, length, dim], layout });
}

/** Channel `channel` of the 2-D table of a side × side grid, as a side × side map. */
function gridChannel(pe: Posenc, preset: Preset2d, dim: number, side: number, channel: number): Float32Array {
  const table = pe.sincos2d({ preset, dim, height: side, width: side, clsToken: false });
  if (!Number.isInteger(channel) || channel < 0 || channel >= dim) throw new RangeError(`channel must be an integer in [0, ${dim - 1}], got ${channel}`);
  const map = new Float32Array(side * side);
  for (let t = 0; t < side * side; t++) map[t] = table[t * dim + channel];
  return map;
}
// ---------------------------------------------------------------------------------------------

const TIMESCALE_PRESETS = new Set<Preset>(['tensor2tensor', 'whisper', 'fairseq']);

interface Controls {
  preset: Preset;
  length: number;
  dim: number;
  base: number;
  offset: number;
  backend: BackendChoice;
}

function readControls(): Controls {
  const num = (id: string) => ($<HTMLInputElement>(id).value.trim() === '' ? NaN : Number($<HTMLInputElement>(id).value));
  return {
    preset: $<HTMLSelectElement>('preset').value as Preset,
    length: num('length'),
    dim: num('dim'),
    base: num('base'),
    offset: num('offset'),
    backend: $<HTMLSelectElement>('backend').value as BackendChoice,
  };
}

/**
 * The encoding's options. "Base" is the paper schedule's base (vaswani, marian), the largest
 * timescale of the timescale presets (its lowest frequency is 1/base in both), and does not
 * apply to 'seed' (one frequency, 1/√dim).
 */
function encodingOf(c: Controls) {
  const o: { preset: Preset; base?: number; maxTimescale?: number } = { preset: c.preset };
  if (TIMESCALE_PRESETS.has(c.preset)) o.maxTimescale = c.base;
  else if (c.preset !== 'seed') o.base = c.base;
  return o;
}

function syncBaseControl(preset: Preset): void {
  const base = $<HTMLInputElement>('base');
  base.disabled = preset === 'seed';
  $('base-label').textContent = TIMESCALE_PRESETS.has(preset) ? 'Max timescale' : preset === 'seed' ? 'Base (n/a: ω = 1/√dim)' : 'Base';
}

/** Draws a row-major table, one canvas pixel per value (the CSS scales it, pixelated). */
function draw(canvas: HTMLCanvasElement, values: ArrayLike<number>, rows: number, cols: number): void {
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.putImageData(new ImageData(tablePixels(values, rows, cols), cols, rows), 0, 0);
  canvas.dataset.shape = `${rows}x${cols}`;
}

function showStatus(id: string, text: string, error = false): void {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle('error', error);
}

const message = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

let current: { table: FloatArray; rows: number; cols: number } | null = null;
let renders = 0;
let seq = 0;

async function render(): Promise<void> {
  const mine = ++seq;
  const c = readControls();
  syncBaseControl(c.preset);
  let pe: Posenc;
  try {
    pe = await init({ backend: c.backend });
  } catch (e) {
    showStatus('status', message(e), true);
    return;
  }
  if (mine !== seq) return; // a newer change is being drawn
  $('backend-name').textContent = pe.backend;
  const heatmap = $<HTMLCanvasElement>('heatmap');
  try {
    const t0 = performance.now();
    const table = pe.sinusoidal({ ...encodingOf(c), length: c.length, dim: c.dim, offset: c.offset });
    const ms = performance.now() - t0;
    const cols = table.length / c.length;
    draw(heatmap, table, c.length, cols);
    current = { table, rows: c.length, cols };
    showStatus('status', `${c.preset} · ${c.length} positions × ${cols} columns · offset ${c.offset} · ${pe.backend} · ${ms.toFixed(2)} ms`);
  } catch (e) {
    current = null;
    showStatus('status', message(e), true);
  }
  heatmap.dataset.options = JSON.stringify(c);
  renderGrid(pe, c);
  renderRope(pe, c);
  renderMrope(pe, { draw, status: showStatus, message });
  renderModel(pe, { draw, status: showStatus, message });
  document.body.dataset.renders = String(++renders);
}

function renderGrid(pe: Posenc, c: Controls): void {
  const canvas = $<HTMLCanvasElement>('grid-canvas');
  if (!hasMethod(pe, 'sincos2d')) {
    canvas.hidden = true;
    showStatus('grid-status', 'pe.sincos2d is not in this build of posenc (it has no 2-D grids).');
    return;
  }
  canvas.hidden = false;
  try {
    const side = Number($<HTMLInputElement>('grid-side').value);
    const channel = Number($<HTMLInputElement>('grid-channel').value);
    const preset = $<HTMLSelectElement>('grid-preset').value as Preset2d;
    draw(canvas, gridChannel(pe, preset, c.dim, side, channel), side, side);
    showStatus('grid-status', `${preset}: channel ${channel} of ${c.dim} over a ${side} × ${side} grid of patches (rows down, columns right)`);
  } catch (e) {
    showStatus('grid-status', message(e), true);
  }
}

function renderRope(pe: Posenc, c: Controls): void {
  const canvas = $<HTMLCanvasElement>('rope-canvas');
  if (!hasMethod(pe, 'rope')) {
    canvas.hidden = true;
    showStatus('rope-status', 'pe.rope is not in this build of posenc (it has no rotary embeddings).');
    return;
  }
  canvas.hidden = false;
  try {
    const layout = $<HTMLSelectElement>('rope-layout').value as RopeLayout;
    draw(canvas, ropeOnes(pe, layout, c.length, c.dim), c.length, c.dim);
    showStatus('rope-status', `${layout} pairs · ${c.length} positions × ${c.dim} features (base 10000)`);
  } catch (e) {
    showStatus('rope-status', message(e), true);
  }
}

// Hover: the value under the pointer.
$('heatmap').addEventListener('mousemove', (ev) => {
  if (!current) return;
  const el = ev.currentTarget as HTMLCanvasElement;
  const j = Math.min(current.cols - 1, Math.floor((ev.offsetX / el.clientWidth) * current.cols));
  const r = Math.min(current.rows - 1, Math.floor((ev.offsetY / el.clientHeight) * current.rows));
  $('hover').textContent = `PE[${r}][${j}] = ${current.table[r * current.cols + j].toFixed(6)}`;
});

let queued = false;
/** Redraws once per frame, however many controls changed; body[data-pending] until drawn. */
function schedule(): void {
  document.body.dataset.pending = '1';
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    void render().finally(() => {
      if (!queued) delete document.body.dataset.pending;
    });
  });
}
for (const id of ['preset', 'length', 'dim', 'base', 'offset', 'backend', 'grid-preset', 'grid-side', 'grid-channel', 'rope-layout', ...MROPE_CONTROLS, ...MODEL_CONTROLS]) {
  $(id).addEventListener('input', schedule);
  $(id).addEventListener('change', schedule);
}

// ---------------------------------------------------------------------------------------------
// Benchmark: each backend on the same work, in this page's engine.

const BACKENDS: BackendName[] = ['wasm-simd', 'wasm', 'js'];

async function runBench(): Promise<void> {
  const button = $<HTMLButtonElement>('bench-run');
  button.disabled = true;
  const chart = $('bench-chart');
  try {
    const c = readControls();
    const length = Number($<HTMLInputElement>('bench-length').value);
    const dim = Number($<HTMLInputElement>('bench-dim').value);
    const enc = { ...encodingOf(c), dim };
    const pes: Partial<Record<BackendName, Posenc>> = {};
    for (const b of BACKENDS) {
      try {
        pes[b] = await init({ backend: b });
      } catch {
        // not supported by this browser: no bar
      }
    }
    const available = BACKENDS.filter((b) => pes[b]);
    const bench = new Bench({ time: QUICK ? 60 : 500, warmupTime: QUICK ? 10 : 100, iterations: QUICK ? 4 : 10, throws: true });
    for (const b of available) {
      const pe = pes[b]!;
      const out = new Float32Array(length * pe.sinusoidal({ ...enc, length: 1 }).length);
      const x = new Float32Array(length * dim).fill(0.5);
      bench.add(`sinusoidal|${b}`, () => {
        pe.sinusoidal({ ...enc, length, out });
      });
      if (c.preset === 'seed') {
        // 'seed' is concatenated, never added (2 columns).
        const y = new Float32Array(length * (dim + 2));
        bench.add(`concat|${b}`, () => {
          pe.concat(x, { shape: [1, length, dim], encoding: { preset: 'seed' }, out: y });
        });
      } else {
        bench.add(`add|${b}`, () => {
          pe.add(x, { shape: [1, length, dim], encoding: enc, out: x });
        });
      }
    }
    showStatus('bench-status', `running (${available.length} backends, ${length} × ${dim})…`);
    await new Promise((r) => setTimeout(r, 20)); // let the status paint before the page is busy
    await bench.run();
    const results: Record<string, Record<string, number>> = {};
    for (const task of bench.tasks) {
      const [op, b] = task.name.split('|');
      const r = task.result;
      if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state === 'errored' ? r.error.message : r.state}`);
      (results[op] ??= {})[b] = 1000 / r.period;
    }
    drawChart(chart, results, length * dim, available);
    document.body.dataset.bench = JSON.stringify(results);
    showStatus('bench-status', `${length} × ${dim}, ${c.preset}; ${navigator.userAgent.match(/Chrom(e|ium)\/[\d.]+|Firefox\/[\d.]+|Version\/[\d.]+ Safari/)?.[0] ?? 'this browser'}`);
  } catch (e) {
    showStatus('bench-status', message(e), true);
  } finally {
    button.disabled = false;
  }
}

function drawChart(chart: HTMLElement, results: Record<string, Record<string, number>>, values: number, backends: BackendName[]): void {
  chart.replaceChildren();
  const labels: Record<string, string> = {
    sinusoidal: 'sinusoidal table (length × dim)', add: 'add into x (in place)', concat: 'concat [x | PE]',
  };
  for (const [op, byBackend] of Object.entries(results)) {
    const max = Math.max(...Object.values(byBackend));
    const js = byBackend.js;
    const box = document.createElement('div');
    box.className = 'op';
    box.dataset.op = op;
    const h = document.createElement('h3');
    h.textContent = labels[op] ?? op;
    box.append(h);
    for (const b of backends) {
      const ops = byBackend[b];
      const row = document.createElement('div');
      row.className = 'bar-row';
      row.dataset.backend = b;
      row.dataset.ops = String(ops);
      const name = document.createElement('span');
      name.textContent = b;
      const track = document.createElement('div');
      track.className = 'track';
      const fill = document.createElement('div');
      fill.className = 'fill';
      fill.style.width = `${Math.max(1, (100 * ops) / max).toFixed(1)}%`;
      track.append(fill);
      const text = document.createElement('span');
      const ratio = document.createElement('span');
      ratio.className = 'ratio';
      ratio.textContent = js ? (b === 'js' ? 'baseline' : `×${(ops / js).toFixed(1)} vs js`) : '';
      text.append(`${ops.toFixed(ops < 100 ? 1 : 0)} ops/s · ${((ops * values) / 1e6).toFixed(0)} M values/s · `, ratio);
      row.append(name, track, text);
      box.append(row);
    }
    chart.append(box);
  }
}

$('bench-run').addEventListener('click', () => void runBench());

// "Inspect a table" (demo/inspect.ts): the backend chosen above, this page's heatmap drawing.
setupInspect({ pe: () => init({ backend: readControls().backend }), draw });

// The Model panel (demo/model.ts): examples, file and drop zone fill its textarea; render() draws it.
setupModel(MODEL_EXAMPLES, 'llama-3.1-8b');

void render();
