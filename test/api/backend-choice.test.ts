// init({ backend: 'auto' }) picks by what the engine supports, with nothing asked of the user:
// SIMD WebAssembly where WebAssembly.validate accepts the SIMD binary, else scalar WebAssembly,
// else (WebAssembly missing, as in some locked-down browsers) the js backend. Each case is forced
// here on a freshly evaluated copy of the library (vi.resetModules), and once more in a real
// engine without WebAssembly (node --no-expose-wasm on the built bundle).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { base64 as simdBase64 } from '../../src/runtime/wasm/simd.js';

type Lib = typeof import('../../src/index.js');

const fresh = async (): Promise<Lib> => {
  vi.resetModules();
  return import('../../src/index.js');
};

const SIMD_BYTES = Uint8Array.from(atob(simdBase64), (c) => c.charCodeAt(0));

function isSimdBinary(source: unknown): boolean {
  const b = source instanceof Uint8Array ? source : source instanceof ArrayBuffer ? new Uint8Array(source) : null;
  return !!b && b.length === SIMD_BYTES.length && b.every((v, i) => v === SIMD_BYTES[i]);
}

const SIN1 = 0.8414709848;
const realWebAssembly = globalThis.WebAssembly;

afterEach(() => {
  vi.restoreAllMocks();
  globalThis.WebAssembly = realWebAssembly;
  vi.resetModules();
});

describe('backend choice', () => {
  it("picks 'wasm-simd' where WebAssembly.validate accepts the SIMD binary (this Node)", async () => {
    const validate = vi.spyOn(WebAssembly, 'validate');
    const lib = await fresh();
    const pe = await lib.init();
    expect(pe.backend).toBe('wasm-simd');
    expect(validate.mock.calls.some(([bytes]) => isSimdBinary(bytes))).toBe(true);
    expect(lib.initSync().backend).toBe('wasm-simd');
    expect(pe.sinusoidal({ dim: 8, length: 2 })[8]).toBeCloseTo(SIN1, 6);
  });

  it("falls back to scalar 'wasm' where SIMD does not validate", async () => {
    const validate = WebAssembly.validate.bind(WebAssembly);
    const spy = vi.spyOn(WebAssembly, 'validate').mockImplementation((bytes) => !isSimdBinary(bytes) && validate(bytes));
    const lib = await fresh();
    const pe = await lib.init();
    expect(pe.backend).toBe('wasm');
    expect(spy.mock.calls.some(([bytes]) => isSimdBinary(bytes))).toBe(true);
    expect(lib.initSync().backend).toBe('wasm');
    expect(pe.sinusoidal({ dim: 8, length: 8, dtype: 'float64' })[7 * 8 + 7]).toBeCloseTo(0.9999755001, 9);
    expect(pe.add(new Float32Array(16).fill(1), { shape: [2, 8], scale: 2 })[8]).toBeCloseTo(2 + SIN1, 6);
    await expect(lib.init({ backend: 'wasm-simd' })).rejects.toThrow(/'wasm-simd' is not supported by this engine/);
    expect(() => lib.initSync({ backend: 'wasm-simd' })).toThrow(/'wasm-simd' is not supported/);
  });

  it("falls back to 'js' where no binary validates", async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const lib = await fresh();
    expect((await lib.init()).backend).toBe('js');
    await expect(lib.init({ backend: 'wasm' })).rejects.toThrow(/'wasm' is not supported by this engine/);
  });

  it("falls back to 'js' where WebAssembly is missing (locked-down browsers), with no error", async () => {
    delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    expect(typeof WebAssembly).toBe('undefined');
    const lib = await fresh();
    const pe = await lib.init();
    expect(pe.backend).toBe('js');
    expect(lib.initSync()).toBe(pe);
    expect(pe.sinusoidal({ dim: 8, length: 2 })[8]).toBeCloseTo(SIN1, 6);
    expect(pe.concat(new Float64Array(2), { shape: [2, 1], encoding: { dim: 2 } })[4]).toBeCloseTo(SIN1, 9);
    const t = pe.alloc(16, 'float64');
    pe.sinusoidal({ dim: 8, length: 2, dtype: 'float64', out: t });
    expect(t.array[8]).toBeCloseTo(SIN1, 9);
    t.free();
    await expect(lib.init({ backend: 'wasm-simd' })).rejects.toThrow(/not supported by this engine/);
    expect(() => lib.initSync({ backend: 'wasm' })).toThrow(/not supported by this engine \(no WebAssembly\)/);
  });

  it("uses 'js' in a real engine without WebAssembly (node --no-expose-wasm, built CJS and ESM bundles)", () => {
    for (const f of ['dist/cjs/index.js', 'dist/esm/index.js']) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
    const script = (load: string) => `
      if (typeof WebAssembly !== 'undefined') throw new Error('WebAssembly is still exposed');
      ${load}.then(async ({ init, initSync }) => {
        const pe = await init();
        const t = pe.sinusoidal({ dim: 8, length: 8 });
        console.log(JSON.stringify([pe.backend, initSync().backend, t[8], t[7 * 8 + 7]]));
      }).catch((e) => { console.error(e); process.exit(1); });`;
    const run = (args: string[]) =>
      JSON.parse(execFileSync(process.execPath, ['--no-expose-wasm', ...args], { encoding: 'utf8', timeout: 30_000 }));
    const cjs = run(['-e', script(`Promise.resolve(require('./dist/cjs/index.js'))`)]);
    const esm = run(['--input-type=module', '-e', script(`import('./dist/esm/index.js')`)]);
    for (const [backend, syncBackend, sin1, cos007] of [cjs, esm]) {
      expect(backend).toBe('js');
      expect(syncBackend).toBe('js');
      expect(sin1).toBeCloseTo(SIN1, 6);
      expect(cos007).toBeCloseTo(0.9999755001, 6);
    }
  });
});
