// The "Inspect a table" panel: a checkpoint's position table or rotary cache (.npy,
// .safetensors, pasted JSON) → heatmap, pe.identify's answer with the call that regenerates the
// table (to copy), its candidates, and the cosine-similarity matrix of its rows (pe.similarity).
import type { IdentifyResult, Posenc } from 'posenc';
import { parseJsonTable, parseNpy, parseSafetensors, safetensorsIndex, type Table2d } from './tablefile.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** At most this many rows enter the similarity matrix (every k-th row beyond it). */
const SIM_ROWS = 256;

/** A JS literal of an option value (float32 frequencies with 9 digits: they read back exactly). */
function literal(v: unknown): string {
  if (v instanceof Float32Array || v instanceof Float64Array) {
    const name = v instanceof Float32Array ? 'Float32Array' : 'Float64Array';
    return `${name}.of(${Array.from(v, (x) => (v instanceof Float32Array ? Number(x.toPrecision(9)) : x)).join(', ')})`;
  }
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (v && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${literal(x)}`).join(', ')} }`;
  return String(v);
}

/** The call that regenerates the table, as code to paste. */
export function callOf(r: IdentifyResult, rows: number, dim: number): string {
  if (!r.kind || !r.options) return '// no convention regenerates this table within 1e-5 (see the candidates)';
  const o = Object.entries(r.options).map(([k, v]) => `${k}: ${literal(v)}`).join(', ');
  if (r.kind === 'sinusoidal') return `pe.sinusoidal({ length: ${rows}, dim: ${dim}, ${o} })`;
  if (r.kind === 'sincos2d') return `pe.sincos2d({ dim: ${dim}, ${o} })`;
  if (r.kind === 'alibi') {
    const { offset, ...slopeOptions } = r.options;
    const keys = offset === 0 ? '' : `, keyPositions: Array.from({ length: ${dim} }, (_, k) => ${offset} + k)`;
    return `// ALiBi bias rows [${rows} heads, ${dim} keys]\nconst slopes = pe.alibiSlopes(${rows}, ${literal(slopeOptions)});\npe.addAlibi(scores, { shape: [batch, ${rows}, queryLength, ${dim}], slopes${keys} })`;
  }
  const family = r.family ? `// ${r.family.note}\n` : '';
  return `// ${r.kind === 'rope-cos' ? 'cos' : 'sin'} cache [${rows}, ${dim}] of\n${family}pe.rope(q, { shape: [batch, heads, length, headDim], ${o} })`;
}

export interface InspectHooks {
  pe(): Promise<Posenc>;
  draw(canvas: HTMLCanvasElement, values: ArrayLike<number>, rows: number, cols: number): void;
}

export function setupInspect(hooks: InspectHooks): void {
  let buffer: ArrayBuffer | null = null;
  const status = (text: string, error = false) => {
    const el = $('inspect-status');
    el.textContent = text;
    el.classList.toggle('error', error);
  };
  const message = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

  async function show(t: Table2d, source: string): Promise<void> {
    const pe = await hooks.pe();
    hooks.draw($<HTMLCanvasElement>('inspect-heatmap'), t.data, t.rows, t.cols);
    const t0 = performance.now();
    const r = pe.identify(t.data, { dim: t.cols });
    const ms = performance.now() - t0;
    $('inspect-kind').textContent = r.kind
      ? `${r.kind} · max error ${r.maxError.toExponential(2)} · float32 angles: ${r.float32 ? 'yes' : 'no'}`
      : `no match (nearest: ${r.candidates[0]?.kind ?? '—'}, max error ${r.maxError.toExponential(2)})`;
    $('inspect-call').textContent = callOf(r, t.rows, t.cols);
    const list = $('inspect-candidates');
    list.replaceChildren(...r.candidates.map((c) => {
      const li = document.createElement('li');
      const opts = Object.entries(c.options).map(([k, v]) => `${k}: ${ArrayBuffer.isView(v) ? `[${(v as Float32Array).length} frequencies]` : literal(v)}`).join(', ');
      li.textContent = `${c.kind} { ${opts} } — max error ${c.maxError.toExponential(2)}`;
      return li;
    }));
    // Similarity of (a sample of) the rows.
    const step = Math.ceil(t.rows / SIM_ROWS);
    const n = Math.ceil(t.rows / step);
    const sub = new Float32Array(n * t.cols);
    for (let i = 0; i < n; i++) sub.set(t.data.subarray(i * step * t.cols, (i * step + 1) * t.cols), i * t.cols);
    const sim = pe.similarity(sub, { dim: t.cols, metric: 'cosine' });
    hooks.draw($<HTMLCanvasElement>('inspect-similarity'), sim, n, n);
    $('inspect-sim-note').textContent = `cosine similarity of ${n === t.rows ? 'all' : `every ${step}th of the`} ${t.rows} rows (row i × row j)`;
    status(`${source}: ${t.rows} × ${t.cols} · identify ${ms.toFixed(1)} ms on ${pe.backend}`);
    document.body.dataset.inspect = JSON.stringify({ kind: r.kind, options: r.options, maxError: r.maxError, float32: r.float32, rows: t.rows, cols: t.cols, simRows: n });
  }

  const run = (f: () => Table2d | Promise<Table2d>, source: string) => {
    document.body.dataset.inspecting = '1';
    void (async () => {
      try {
        await show(await f(), source);
      } catch (e) {
        delete document.body.dataset.inspect;
        status(message(e), true);
      } finally {
        delete document.body.dataset.inspecting;
        document.body.dataset.inspected = String(Number(document.body.dataset.inspected ?? 0) + 1);
      }
    })();
  };

  $<HTMLInputElement>('inspect-file').addEventListener('change', (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const select = $<HTMLSelectElement>('inspect-tensor');
    run(async () => {
      buffer = await file.arrayBuffer();
      if (file.name.endsWith('.safetensors')) {
        const tensors = safetensorsIndex(buffer);
        select.replaceChildren(...tensors.map((t) => new Option(`${t.name} [${t.shape.join(', ')}] ${t.dtype}`, t.name)));
        select.hidden = false;
        return parseSafetensors(buffer, tensors[0].name);
      }
      select.hidden = true;
      if (file.name.endsWith('.json')) return parseJsonTable(new TextDecoder().decode(buffer));
      return parseNpy(buffer);
    }, file.name);
  });
  $<HTMLSelectElement>('inspect-tensor').addEventListener('change', (ev) => {
    const name = (ev.target as HTMLSelectElement).value;
    if (buffer) run(() => parseSafetensors(buffer!, name), name);
  });
  $('inspect-paste-run').addEventListener('click', () => run(() => parseJsonTable($<HTMLTextAreaElement>('inspect-paste').value), 'pasted JSON'));
  $('inspect-copy').addEventListener('click', () => {
    void navigator.clipboard?.writeText($('inspect-call').textContent ?? '').then(() => status('call copied to the clipboard'), () => status('copy: select the text instead (no clipboard access)'));
  });
  $<HTMLSelectElement>('inspect-example').addEventListener('change', (ev) => {
    const v = (ev.target as HTMLSelectElement).value;
    if (!v) return;
    run(async () => {
      const pe = await hooks.pe();
      const examples: Record<string, () => Table2d> = {
        whisper: () => ({ data: pe.sinusoidal({ length: 1500, dim: 384, preset: 'whisper', float32Angles: true }), rows: 1500, cols: 384 }),
        fairseq: () => ({ data: pe.sinusoidal({ length: 1026, dim: 512, preset: 'fairseq', offset: -2 }), rows: 1026, cols: 512 }),
        mae: () => ({ data: pe.sincos2d({ height: 14, width: 14, dim: 768, clsToken: true }), rows: 197, cols: 768 }),
        learned: () => {
          let s = 12345;
          const data = new Float32Array(512 * 64).map(() => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.04);
          return { data, rows: 512, cols: 64 };
        },
      };
      return examples[v]();
    }, `example: ${v}`);
  });
}
