// Reading a checkpoint's table in the page: .npy (NumPy's format: magic, a Python-literal
// header, raw data), .safetensors (a JSON header of named tensors, then raw data) and pasted
// JSON. Both binary formats are a few lines to read; doing it here keeps the demo free of
// dependencies. Pure functions (Node runs them in the demo's browser test to build its inputs).

export interface Table2d {
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

/** Drops leading 1s ([1, N, D] position embeddings of ViTs); the rest must be [rows, cols]. */
function as2d(shape: number[], what: string): [number, number] {
  const s = shape.slice();
  while (s.length > 2 && s[0] === 1) s.shift();
  if (s.length === 1) s.unshift(1);
  if (s.length !== 2) throw new RangeError(`${what}: a 2-D tensor [rows, dim] is needed, got shape [${shape.join(', ')}]`);
  return [s[0], s[1]];
}

function f16(h: number): number {
  const e = (h >> 10) & 31;
  const m = h & 1023;
  const v = e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1 + m / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

/** Little-endian floats of a dtype code ('f4', 'f8', 'f2', 'bf16') → Float32Array/Float64Array. */
function floats(bytes: Uint8Array, code: string, count: number, what: string): Float32Array | Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = code === 'f8' ? 8 : code === 'f4' ? 4 : 2;
  if (bytes.byteLength < count * size) throw new RangeError(`${what}: the data is shorter than its shape says`);
  if (code === 'f8') return Float64Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, true));
  if (code === 'f4') return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
  if (code === 'f2') return Float32Array.from({ length: count }, (_, i) => f16(view.getUint16(2 * i, true)));
  // bfloat16: the high half of a float32.
  const out = new Float32Array(count);
  const u = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) u[i] = view.getUint16(2 * i, true) << 16;
  return out;
}

/** A .npy file (versions 1–3; little-endian float16/32/64; C or Fortran order). */
export function parseNpy(buf: ArrayBuffer): Table2d {
  const b = new Uint8Array(buf);
  if (b.length < 10 || b[0] !== 0x93 || String.fromCharCode(...b.slice(1, 6)) !== 'NUMPY') throw new TypeError('.npy: not a NumPy file (no \\x93NUMPY magic)');
  const major = b[6];
  const view = new DataView(buf);
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(b.slice(start, start + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new TypeError('.npy: unreadable header');
  const codes: Record<string, string> = { '<f4': 'f4', '<f8': 'f8', '<f2': 'f2', '|f4': 'f4' };
  const code = codes[descr];
  if (!code) throw new TypeError(`.npy: dtype ${descr} is not supported (little-endian float16, float32 or float64)`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const [rows, cols] = as2d(shape, '.npy');
  let data = floats(b.subarray(start + hlen), code, rows * cols, '.npy');
  if (fortran) {
    const t = data instanceof Float64Array ? new Float64Array(data.length) : new Float32Array(data.length);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[r * cols + c] = data[c * rows + r];
    data = t;
  }
  return { data, rows, cols };
}

/** The tensors of a .safetensors file: name → shape and dtype (2-D-able float tensors are readable). */
export function safetensorsIndex(buf: ArrayBuffer): { name: string; shape: number[]; dtype: string }[] {
  const n = Number(new DataView(buf).getBigUint64(0, true));
  if (!(n > 0 && 8 + n <= buf.byteLength)) throw new TypeError('.safetensors: not a safetensors file (bad header length)');
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, n))) as Record<string, { dtype: string; shape: number[] }>;
  return Object.entries(header).filter(([k]) => k !== '__metadata__').map(([name, v]) => ({ name, shape: v.shape, dtype: v.dtype }));
}

/** One tensor of a .safetensors file (F16, BF16, F32 or F64). */
export function parseSafetensors(buf: ArrayBuffer, name: string): Table2d {
  const n = Number(new DataView(buf).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const t = header[name];
  if (!t || name === '__metadata__') throw new RangeError(`.safetensors: no tensor named ${JSON.stringify(name)}`);
  const codes: Record<string, string> = { F32: 'f4', F64: 'f8', F16: 'f2', BF16: 'bf16' };
  const code = codes[t.dtype];
  if (!code) throw new TypeError(`.safetensors: ${name} has dtype ${t.dtype} (F16, BF16, F32 or F64 are readable)`);
  const [rows, cols] = as2d(t.shape, name);
  const bytes = new Uint8Array(buf, 8 + n + t.data_offsets[0], t.data_offsets[1] - t.data_offsets[0]);
  return { data: floats(bytes, code, rows * cols, name), rows, cols };
}

/** Pasted JSON: [[...], [...]] (rows), or [[[...], ...]] with a leading 1. */
export function parseJsonTable(text: string): Table2d {
  let v = JSON.parse(text) as unknown;
  while (Array.isArray(v) && v.length === 1 && Array.isArray(v[0]) && Array.isArray(v[0][0])) v = v[0];
  if (!Array.isArray(v) || v.length === 0 || !v.every((r) => Array.isArray(r))) throw new TypeError('JSON: an array of rows ([[…], […], …]) is needed');
  const rows = v.length;
  const cols = (v[0] as unknown[]).length;
  const data = new Float64Array(rows * cols);
  (v as unknown[][]).forEach((r, i) => {
    if (r.length !== cols) throw new RangeError(`JSON: row ${i} has ${r.length} values, row 0 has ${cols}`);
    r.forEach((x, j) => {
      if (typeof x !== 'number') throw new TypeError(`JSON: value [${i}][${j}] is not a number`);
      data[i * cols + j] = x;
    });
  });
  return { data: Float32Array.from(data), rows, cols };
}

/** A .npy file of a float32 table (used by the browser test to make its inputs). */
export function writeNpy(data: Float32Array, rows: number, cols: number): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, ...'NUMPY'.split('').map((c) => c.charCodeAt(0)), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** A .safetensors file of float32 tensors (browser test inputs). */
export function writeSafetensors(tensors: Record<string, { data: Float32Array; shape: number[] }>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let off = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [off, off + t.data.byteLength] };
    off += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
