// The demo's "Model" panel: a checkpoint's config.json (pasted, dropped, or one of the bundled
// examples) → pe.model(config): its describe() text and a heatmap of what the model computes for
// positions: the cos/sin rows of model.cosSin for rope kinds (one layer type at a time: Gemma
// sliding/full, Llama 4 NoPE), the ALiBi bias [heads × keys], the T5 relative bias [queries × keys]
// of one head (illustrative weights: the checkpoint's are not in config.json), the sinusoidal table,
// or the rows of the learned table the tokens read. main.ts calls renderModel on every redraw.
import type { ModelConfig, ModelPart, ModelPositions, Posenc } from '../src/index.js';

/** The control ids of this panel (main.ts redraws when one changes). */
export const MODEL_CONTROLS = ['model-config', 'model-part', 'model-layer', 'model-length', 'model-expand', 'model-head'];

export interface ModelViewOptions {
  /** pe.model's part; '' = the default part. */
  part: ModelPart | '';
  /** Layer index, or null: the model's top-level scheme. */
  layer: number | null;
  /** Positions (rope rows, keys, queries and keys, table rows). */
  length: number;
  /** Rope kinds: model.cosSin's expand. */
  expand: boolean;
  /** Relative bias: the head shown. */
  head: number;
}

/** What the heatmap shows: `values` [rows × cols] in the colour map's [−1, 1]. */
export interface ModelView {
  model: ModelPositions;
  values: Float32Array | Float64Array;
  rows: number;
  cols: number;
  /** A line under the heatmap: what the rows, columns and colours are. */
  caption: string;
  /** The legend's ends. */
  legend: [string, string];
  /** A remark (illustrative weights, NoPE layer), or ''. */
  note: string;
}

/**
 * Deterministic stand-in for a T5 layer's relative_attention_bias.weight [numBuckets, heads]
 * (float32 in [−1, 1]): config.json does not carry the trained values.
 */
export function illustrativeBiasWeights(numBuckets: number, heads: number): Float32Array {
  return Float32Array.from({ length: numBuckets * heads }, (_, i) => {
    const b = Math.floor(i / heads);
    const h = i % heads;
    return Math.cos(0.45 * b + 1.3 * h) * (1 - b / (2 * numBuckets));
  });
}

/** Layers whose (type, kind) differs from every earlier layer's: the choices of the layer select. */
export function distinctLayers(model: ModelPositions): { index: number; label: string }[] {
  const seen = new Set<string>();
  const out: { index: number; label: string }[] = [];
  for (const l of model.layers) {
    const key = `${l.type}|${l.kind}|${l.invFreq ? Array.from(l.invFreq.subarray(0, 2)).join(',') : ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ index: l.index, label: `layer ${l.index}: ${l.type} (${l.kind === 'none' ? 'NoPE' : l.kind})` });
  }
  return out;
}

const maxAbs = (v: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
};
const fmt = (x: number) => (Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 0.01) ? x.toExponential(2) : String(Number(x.toFixed(3))));

/** Parses the config text (a JSON object) and computes the panel's view. Throws posenc's errors. */
export function modelView(pe: Posenc, config: ModelConfig, o: ModelViewOptions): ModelView {
  const model = pe.model(config, o.part ? { part: o.part } : undefined);
  const L = o.length;
  if (!Number.isInteger(L) || L < 1 || L > 4096) throw new RangeError(`length must be an integer in [1, 4096], got ${L}`);
  const layer = o.layer === null ? undefined : o.layer;
  const layerKind = layer === undefined ? model.kind : model.layers[layer]?.kind;
  const at = layer === undefined ? 'the top-level scheme' : `layer ${layer} (${model.layers[layer]?.type})`;
  switch (model.kind) {
    case 'rope':
    case 'mrope': {
      const { cos, sin } = model.cosSin({ length: L, layer, expand: o.expand });
      const half = cos.length / L;
      const values = new Float32Array(L * 2 * half);
      for (let r = 0; r < L; r++) {
        values.set(cos.subarray(r * half, (r + 1) * half), r * 2 * half);
        values.set(sin.subarray(r * half, (r + 1) * half), r * 2 * half + half);
      }
      const factor = layer === undefined ? model.attentionFactor : model.layers[layer].attentionFactor;
      return {
        model, values, rows: L, cols: 2 * half,
        caption: `model.cosSin({ length: ${L}${layer === undefined ? '' : `, layer: ${layer}`}${o.expand ? ', expand: true' : ''} }) of ${at}: rows positions 0…${L - 1} ↓, columns [cos | sin] × ${half} →${factor !== 1 ? ` (× attention factor ${fmt(factor)})` : ''}`,
        legend: ['−1', '+1'],
        note: layerKind === 'none' ? 'A NoPE layer: no rotation (cos 1, sin 0).' : '',
      };
    }
    case 'alibi': {
      const bias = model.alibi({ keyLength: L }); // [heads, 1, L] (batch 1)
      const m = maxAbs(bias) || 1;
      const values = Float32Array.from(bias, (v) => v / m);
      return {
        model, values, rows: model.heads, cols: L,
        caption: `model.alibi({ keyLength: ${L} }): rows heads 0…${model.heads - 1} ↓, columns keys →; the bias added to every query's scores, scaled by 1/${fmt(m)}`,
        legend: [`−${fmt(m)}`, `+${fmt(m)}`],
        note: '',
      };
    }
    case 'relative-bias': {
      const buckets = Number(/(\d+) buckets/.exec(model.describe())?.[1] ?? 32);
      const head = o.head;
      if (!Number.isInteger(head) || head < 0 || head >= model.heads) throw new RangeError(`head must be an integer in [0, ${model.heads - 1}], got ${head}`);
      const bias = model.relativeBias(illustrativeBiasWeights(buckets, model.heads), { queryLength: L, keyLength: L });
      return {
        model, values: bias.slice(head * L * L, (head + 1) * L * L), rows: L, cols: L,
        caption: `model.relativeBias(weights, { queryLength: ${L}, keyLength: ${L} }), head ${head} of ${model.heads}: rows queries ↓, columns keys →; ${buckets} buckets`,
        legend: ['−1', '+1'],
        note: `The weights are illustrative (a deterministic [${buckets}, ${model.heads}] pattern): a checkpoint's relative_attention_bias.weight is not in config.json. The bucket pattern is the model's.`,
      };
    }
    case 'sinusoidal': {
      const table = pe.sinusoidal({ length: L, ...(model.options as object) } as Parameters<Posenc['sinusoidal']>[0]);
      const cols = table.length / L;
      return {
        model, values: table, rows: L, cols,
        caption: `pe.sinusoidal({ length: ${L}, ...model.options }): rows 0…${L - 1} of the [${model.tableRows ?? '∞'}, ${cols}] table ↓, columns →${model.embedScale !== 1 ? `; token embeddings × ${fmt(model.embedScale)}` : ''}`,
        legend: ['−1', '+1'],
        note: '',
      };
    }
    case 'learned': {
      // Two sequences of L tokens: row 0 left-padded by a quarter, row 1 without padding.
      const pad = Math.floor(L / 4);
      const mask = Array.from({ length: 2 * L }, (_, i) => (i < pad ? 0 : 1));
      let ids: Int32Array;
      try {
        ids = model.positions({ shape: [2, L], attentionMask: mask });
      } catch (e) {
        // RoBERTa-style positions come from the token ids: pad_token_id where the mask is 0.
        const padId = Number((config as Record<string, unknown>).pad_token_id ?? 1);
        try {
          ids = model.positions({ shape: [2, L], inputIds: mask.map((m) => (m ? padId + 4 : padId)) });
        } catch {
          throw e;
        }
      }
      const top = Math.max(1, ...ids);
      return {
        model, values: Float32Array.from(ids, (p) => (2 * p) / top - 1), rows: 2, cols: L,
        caption: `model.positions({ shape: [2, ${L}] }): the rows of the trained [${model.tableRows}, d] table each token reads; row 0 left-padded by ${pad} (ids ${Array.from(ids.subarray(0, Math.min(L, pad + 3))).join(', ')}, …), row 1 ids ${Array.from(ids.subarray(L, L + Math.min(L, 3))).join(', ')}, … ${ids[2 * L - 1]}`,
        legend: ['0', String(top)],
        note: 'A learned table: its values are trained weights (not in config.json); the heatmap shows the row ids.',
      };
    }
    default:
      throw new RangeError(`${model.modelType}: kind '${model.kind}', no positional information to draw`);
  }
}

export interface ModelHooks {
  draw(canvas: HTMLCanvasElement, values: ArrayLike<number>, rows: number, cols: number): void;
  status(id: string, text: string, error?: boolean): void;
  message(e: unknown): string;
}

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Examples: name → [label, config]. Wires the example select, the file input and the drop zone (they fill the textarea). */
export function setupModel(examples: Record<string, [string, ModelConfig]>, defaultExample: string): void {
  const select = el<HTMLSelectElement>('model-example');
  const text = el<HTMLTextAreaElement>('model-config');
  for (const [name, [label]] of Object.entries(examples)) select.add(new Option(label, name));
  const load = (content: string, example: string) => {
    text.value = content;
    select.value = example;
    text.dispatchEvent(new Event('input'));
  };
  select.addEventListener('change', () => {
    const e = examples[select.value];
    if (e) load(JSON.stringify(e[1], null, 2), select.value);
  });
  text.addEventListener('input', () => {
    if (select.value && text.value !== JSON.stringify(examples[select.value]?.[1], null, 2)) select.value = '';
  });
  const readFile = async (file: File | undefined) => {
    if (file) load(await file.text(), '');
  };
  el<HTMLInputElement>('model-file').addEventListener('change', (ev) => void readFile((ev.target as HTMLInputElement).files?.[0]));
  const drop = el('model-drop');
  for (const target of [drop, text]) {
    target.addEventListener('dragover', (ev) => {
      ev.preventDefault();
      drop.classList.add('over');
    });
    target.addEventListener('dragleave', () => drop.classList.remove('over'));
    target.addEventListener('drop', (ev) => {
      ev.preventDefault();
      drop.classList.remove('over');
      void readFile(ev.dataTransfer?.files[0]);
    });
  }
  text.value = JSON.stringify(examples[defaultExample][1], null, 2);
  select.value = defaultExample;
}

let lastConfig = '';

export function renderModel(pe: Posenc, hooks: ModelHooks): void {
  const canvas = el<HTMLCanvasElement>('model-heatmap');
  const describe = el('model-describe');
  const layerSelect = el<HTMLSelectElement>('model-layer');
  const fail = (e: unknown) => {
    canvas.hidden = true;
    describe.textContent = '';
    el('model-note').textContent = '';
    el('model-caption').textContent = '';
    hooks.status('model-status', hooks.message(e), true);
  };
  const raw = el<HTMLTextAreaElement>('model-config').value;
  if (raw.trim() === '') {
    canvas.hidden = true;
    describe.textContent = '';
    hooks.status('model-status', 'Paste or drop a config.json, or choose an example.');
    return;
  }
  let config: ModelConfig;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError(`config.json must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
    config = parsed as ModelConfig;
  } catch (e) {
    fail(e);
    return;
  }
  const part = el<HTMLSelectElement>('model-part').value as ModelPart | '';
  const key = `${part}\n${raw}`;
  try {
    if (key !== lastConfig) {
      // A new config: its layer choices (kept when the same layer index is offered).
      const model = pe.model(config, part ? { part } : undefined);
      const choices = distinctLayers(model);
      const keep = layerSelect.value;
      layerSelect.replaceChildren(new Option('top-level scheme', ''), ...choices.map((c) => new Option(c.label, String(c.index))));
      layerSelect.value = choices.some((c) => String(c.index) === keep) ? keep : '';
      el('model-layer-label').hidden = choices.length < 2;
      el('model-expand-label').hidden = model.kind !== 'rope' && model.kind !== 'mrope';
      el('model-head-label').hidden = model.kind !== 'relative-bias';
      lastConfig = key;
    }
    const num = (id: string) => Number(el<HTMLInputElement>(id).value);
    const v = modelView(pe, config, {
      part,
      layer: layerSelect.value === '' || el('model-layer-label').hidden ? null : Number(layerSelect.value),
      length: num('model-length'),
      expand: el<HTMLInputElement>('model-expand').checked,
      head: num('model-head'),
    });
    hooks.draw(canvas, v.values, v.rows, v.cols);
    canvas.hidden = false;
    canvas.dataset.kind = v.model.kind;
    describe.textContent = v.model.describe();
    el('model-caption').textContent = v.caption;
    el('model-legend-low').textContent = v.legend[0];
    el('model-legend-high').textContent = v.legend[1];
    el('model-note').textContent = v.note;
    const m = v.model;
    const filled = Object.keys(m.filledDefaults);
    hooks.status('model-status', `${m.modelType} · ${m.kind} · ${m.heads} heads × ${m.headDim}${m.rotaryDim ? ` · ${m.rotaryDim} rotated, ${m.layout}` : ''} · ${m.layers.length} layers${m.maxPositions ? ` · max positions ${m.maxPositions}` : ''}${filled.length ? ` · defaults filled in: ${filled.join(', ')}` : ''}`);
  } catch (e) {
    lastConfig = '';
    fail(e);
  }
}
