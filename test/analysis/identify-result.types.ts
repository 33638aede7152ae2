// Type-level test, checked by `npm run typecheck` (tsc --strict) and never run: the README's uses
// of pe.identify's answer compile once `kind` narrows `options`. A wrong union (kind and options
// typed separately) makes tsc fail here.
import type { AlibiIdentified, FloatArray, IdentifyResult, Posenc, RopeCacheOptions, SinusoidalIdentified } from '../../src/index.js';

export function regenerate(pe: Posenc, table: Float32Array, x: Float32Array, q: Float32Array): FloatArray | null {
  const r = pe.identify(table, { dim: 512 });
  const rows = table.length / 512;
  if (r.kind === 'sinusoidal') {
    pe.add(x, { shape: [1, rows, 512], encoding: r.options, scale: Math.sqrt(512) });
    const s: SinusoidalIdentified = r.options;
    return pe.sinusoidal({ length: rows, dim: 512, ...s });
  }
  if (r.kind === 'sincos2d') return pe.sincos2d({ dim: 512, ...r.options });
  if (r.kind === 'rope-cos' || r.kind === 'rope-sin') {
    const o: RopeCacheOptions = r.options;
    return pe.rope(q, { shape: [1, 1, rows, o.rotaryDim], ...r.options }) as FloatArray;
  }
  if (r.kind === 'alibi') {
    // ALiBi rows [heads = rows, keyLength = 512]: the slopes of the preset, keys from offset.
    const { offset, ...slopeOptions }: AlibiIdentified = r.options;
    const slopes = pe.alibiSlopes(rows, slopeOptions);
    return pe.addAlibi(new Float32Array(rows * 512), { shape: [1, rows, 1, 512], slopes, keyPositions: Array.from({ length: 512 }, (_, k) => offset + k) });
  }
  // kind null: options null, the nearest conventions still there.
  const none: null = r.options;
  const c = r.candidates[0];
  if (c?.kind === 'sincos2d') pe.sincos2d({ dim: 512, ...c.options });
  return none;
}

export function fields(r: IdentifyResult): [number, boolean, number] {
  return [r.maxError, r.float32, r.candidates.length];
}
