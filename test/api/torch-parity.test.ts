// The torch parity bound (README "Matching a checkpoint exactly"), checked without torch: test/fixtures/torch-float32.json holds, per family, torch's
// own float32 frequencies and a few rows of torch's float32 output (the first rows, the last, and
// the row where posenc's derived ω are furthest from torch), written by
// `npm run parity -- --fixture test/fixtures/torch-float32.json` from torch computing each model's
// code path in its own order (scripts/parity/torch_refs.py). Given torch's ω with float32Angles,
// posenc must be within 2^-22 of torch's table (fused add: + 1 ulp of the sum; rotary:
// attentionFactor·2^-21 + 1 ulp of the output) on every backend; given them without
// float32Angles, within the exactness bound of a float64 reference built from the same ω.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Preset } from '../../src/index.js';
import { describeBackends, ulp32 } from '../support/backends.js';

interface FixtureCase {
  name: string;
  family: string;
  kind: 'table' | 'add' | 'rope';
  freqs: number[];
  /** Stored rows: table positions; add: flat (batch, token) rows; rope: flat (head, token) rows. */
  rows: number[];
  width: number;
  ref: string;
  preset?: Preset;
  shape?: number[];
  paddingIdx?: number;
  scale?: number;
  tokens?: number[];
  positions?: number[];
  attentionFactor?: number;
  x?: string;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch-float32.json', import.meta.url), 'utf8')) as { torch: string; cases: FixtureCase[] };
const f32 = (b64: string) => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

function within(got: ArrayLike<number>, want: ArrayLike<number>, tol: (i: number) => number, what: string): number {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= tol(i))) throw new Error(`${what}[${i}]: posenc ${got[i]} vs torch ${want[i]} (|Δ| ${d} > ${tol(i)})`);
    worst = Math.max(worst, d);
  }
  return worst;
}

it('the fixture covers the families of the issue', () => {
  expect(fixture.cases.map((c) => c.name)).toEqual(['whisper-384', 'whisper-1280', 'fairseq-512', 'fairseq-511', 'examples-512', 'fairseq-add', 'hf-dynamic', 'hf-default', 'hf-llama3']);
});

describeBackends(`torch ${fixture.torch} float32 tables, given torch's frequencies`, (pe) => {
  for (const c of fixture.cases) {
    it(`${c.family}`, () => {
      const ref = f32(c.ref);
      const W = c.width;
      if (c.kind === 'table') {
        const got = pe().sinusoidal({ preset: c.preset, dim: W, positions: c.rows, float32Angles: true, frequencies: c.freqs });
        within(got, ref, () => 2 ** -22, c.name);
        // Without float32Angles: the float64 bound around sin/cos(p·ω) of the same ω.
        const exact = pe().sinusoidal({ preset: c.preset, dim: W, positions: c.rows, frequencies: c.freqs, dtype: 'float64' });
        const n = c.freqs.length;
        const h = Math.floor(W / 2);
        c.rows.forEach((p, k) => {
          for (let i = 0; i < n; i++) {
            const a = p * c.freqs[i];
            const pad = c.preset === 'fairseq' && p === 1;
            const [s, co] = c.preset === 'vaswani' ? [2 * i, 2 * i + 1] : [i, n + i];
            expect(Math.abs(exact[k * W + s] - (pad ? 0 : Math.sin(a)))).toBeLessThanOrEqual(1e-12 + Math.abs(a) * 2 ** -49);
            if (i < h) expect(Math.abs(exact[k * W + co] - (pad ? 0 : Math.cos(a)))).toBeLessThanOrEqual(1e-12 + Math.abs(a) * 2 ** -49);
          }
        });
        return;
      }
      const x = f32(c.x!);
      const n = c.rows.length;
      if (c.kind === 'add') {
        const [B, L] = c.shape!;
        const all = pe().positionsFromTokens(c.tokens!, { shape: [B, L], paddingIdx: c.paddingIdx! });
        const positions = c.rows.map((r) => all[r]);
        expect(positions).toContain(c.paddingIdx); // pad tokens are among the stored rows
        const got = pe().add(x, { shape: [1, n, W], encoding: { preset: c.preset, float32Angles: true, frequencies: c.freqs }, positions, scale: c.scale });
        within(got, ref, (i) => 2 ** -22 + ulp32(ref[i]), c.name);
        return;
      }
      const L = c.positions!.length;
      const positions = c.rows.map((r) => c.positions![r % L]);
      const af = c.attentionFactor!;
      const got = pe().rope(x, { shape: [1, 1, n, W], positions, float32Angles: true, frequencies: c.freqs, attentionFactor: af });
      within(got, ref, (i) => af * 2 ** -21 + ulp32(ref[i]), c.name);
    });
  }
});
