// Multimodal positions: mropePositions against Hugging Face get_rope_index and
// visionPositions against Qwen2-VL's rot_pos_emb. The vectors were computed with torch from
// input_ids built of text, <|vision_start|>, <|image_pad|> and <|video_pad|> tokens, running the
// HF algorithm (transformers models/qwen2_vl and qwen2_5_vl, modeling_*.py) in its own order:
// Qwen2.5-VL's time index is (arange(t) · second_per_grid_t · tokens_per_second).long() with
// second_per_grid_ts a float32 tensor, as the processor makes it. The versions that first cast
// second_per_grid_t to int64 agree with it on every case with an integer secondsPerGrid.
import { expect, it } from 'vitest';
import type { MropePositionsOptions } from '../../src/api/types.js';
import { describeBackends } from '../support/backends.js';

/** [name, options, HF position_ids[:, 0, :] flattened (3·L), HF rope_deltas]. */
const HF: [string, MropePositionsOptions, number[], number][] = [
  ["text only", { segments: [{text: 7}], model: 'qwen2-vl', spatialMergeSize: 2 },
    [0,1,2,3,4,5,6,0,1,2,3,4,5,6,0,1,2,3,4,5,6], 0],
  ["text + image 4x6 + text", { segments: [{text: 3}, {image: [1, 4, 6]}, {text: 4}], model: 'qwen2-vl', spatialMergeSize: 2 },
    [0,1,2,3,3,3,3,3,3,6,7,8,9,0,1,2,3,3,3,4,4,4,6,7,8,9,0,1,2,3,4,5,3,4,5,6,7,8,9], -3],
  ["non-square image 6x4, merge 2", { segments: [{text: 2}, {image: [1, 6, 4]}, {text: 2}], model: 'qwen2-vl', spatialMergeSize: 2 },
    [0,1,2,2,2,2,2,2,5,6,0,1,2,2,3,3,4,4,5,6,0,1,2,3,2,3,2,3,5,6], -3],
  ["two images + video (qwen2-vl)", { segments: [{text: 5}, {image: [1, 4, 4]}, {text: 3}, {image: [1, 2, 8]}, {text: 2}, {video: [3, 4, 2]}, {text: 6}], model: 'qwen2-vl', spatialMergeSize: 2 },
    [0,1,2,3,4,5,5,5,5,7,8,9,10,10,10,10,14,15,16,16,17,17,18,18,19,20,21,22,23,24,0,1,2,3,4,5,5,6,6,7,8,9,10,10,10,10,14,15,16,17,16,17,16,17,19,20,21,22,23,24,0,1,2,3,4,5,6,5,6,7,8,9,10,11,12,13,14,15,16,16,16,16,16,16,19,20,21,22,23,24], -5],
  ["image with t=2 (qwen2-vl)", { segments: [{text: 1}, {image: [2, 2, 4]}, {text: 1}], model: 'qwen2-vl', spatialMergeSize: 2 },
    [0,1,1,2,2,3,0,1,1,1,1,3,0,1,2,1,2,3], -2],
  ["merge 1", { segments: [{text: 2}, {image: [1, 3, 5]}, {text: 3}], model: 'qwen2-vl', spatialMergeSize: 1 },
    [0,1,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,7,8,9,0,1,2,2,2,2,2,3,3,3,3,3,4,4,4,4,4,7,8,9,0,1,2,3,4,5,6,2,3,4,5,6,2,3,4,5,6,7,8,9], -10],
  ["video spg 1 (qwen2.5-vl)", { segments: [{text: 4}, {video: [4, 4, 4], secondsPerGrid: 1.0}, {text: 3}], model: 'qwen2.5-vl', spatialMergeSize: 2, tokensPerSecond: 2 },
    [0,1,2,3,4,4,4,4,6,6,6,6,8,8,8,8,10,10,10,10,11,12,13,0,1,2,3,4,4,5,5,4,4,5,5,4,4,5,5,4,4,5,5,11,12,13,0,1,2,3,4,5,4,5,4,5,4,5,4,5,4,5,4,5,4,5,11,12,13], -9],
  ["video spg 0.5, tps 2", { segments: [{text: 2}, {video: [5, 2, 4], secondsPerGrid: 0.5}, {text: 2}], model: 'qwen2.5-vl', spatialMergeSize: 2, tokensPerSecond: 2 },
    [0,1,2,2,3,3,4,4,5,5,6,6,7,8,0,1,2,2,2,2,2,2,2,2,2,2,7,8,0,1,2,3,2,3,2,3,2,3,2,3,7,8], -5],
  ["video spg 2/3 (fps 3), tps 2", { segments: [{text: 2}, {video: [7, 2, 2], secondsPerGrid: 2 / 3}, {text: 1}], model: 'qwen2.5-vl', spatialMergeSize: 2, tokensPerSecond: 2 },
    [0,1,2,3,4,6,7,8,10,11,0,1,2,2,2,2,2,2,2,11,0,1,2,2,2,2,2,2,2,11], 2],
  ["video spg 0.25, tps 25 (HF docstring)", { segments: [{text: 3}, {video: [3, 4, 4], secondsPerGrid: 0.25}, {text: 5}], model: 'qwen2.5-vl', spatialMergeSize: 2, tokensPerSecond: 25 },
    [0,1,2,3,3,3,3,9,9,9,9,15,15,15,15,16,17,18,19,20,0,1,2,3,3,4,4,3,3,4,4,3,3,4,4,16,17,18,19,20,0,1,2,3,4,3,4,3,4,3,4,3,4,3,4,16,17,18,19,20], 1],
  ["mix: image, video spg 2, image (qwen2.5-vl)", { segments: [{text: 6}, {image: [1, 6, 8]}, {text: 2}, {video: [3, 4, 6], secondsPerGrid: 2.0}, {text: 4}, {image: [1, 2, 2]}, {text: 3}], model: 'qwen2.5-vl', spatialMergeSize: 2, tokensPerSecond: 2 },
    [0,1,2,3,4,5,6,6,6,6,6,6,6,6,6,6,6,6,10,11,12,12,12,12,12,12,16,16,16,16,16,16,20,20,20,20,20,20,21,22,23,24,25,26,27,28,0,1,2,3,4,5,6,6,6,6,7,7,7,7,8,8,8,8,10,11,12,12,12,13,13,13,12,12,12,13,13,13,12,12,12,13,13,13,21,22,23,24,25,26,27,28,0,1,2,3,4,5,6,7,8,9,6,7,8,9,6,7,8,9,10,11,12,13,14,12,13,14,12,13,14,12,13,14,12,13,14,12,13,14,21,22,23,24,25,26,27,28], -17],
  ["image with t=2 (qwen2.5-vl: time 0)", { segments: [{text: 1}, {image: [2, 2, 4]}, {text: 1}], model: 'qwen2.5-vl', spatialMergeSize: 2, tokensPerSecond: 2 },
    [0,1,1,1,1,3,0,1,1,1,1,3,0,1,2,1,2,3], -2],
  ["video default spg (qwen2.5-vl)", { segments: [{text: 2}, {video: [3, 2, 2]}, {text: 2}], model: 'qwen2.5-vl', spatialMergeSize: 2, tokensPerSecond: 2 },
    [0,1,2,4,6,7,8,0,1,2,2,2,7,8,0,1,2,2,2,7,8], 2],
  // Qwen3-VL (get_rope_index splits video_grid_thw into frames of t = 1, timestamp tokens between them):
  ["Qwen3-VL: a 2-frame video split per frame, timestamps as text", { segments: [{text: 5}, {video: [1, 4, 6]}, {text: 4}, {video: [1, 4, 6]}, {text: 3}], model: 'qwen2-vl', spatialMergeSize: 2 },
    [0,1,2,3,4,5,5,5,5,5,5,8,9,10,11,12,12,12,12,12,12,15,16,17,0,1,2,3,4,5,5,5,6,6,6,8,9,10,11,12,12,12,13,13,13,15,16,17,0,1,2,3,4,5,6,7,5,6,7,8,9,10,11,12,13,14,12,13,14,15,16,17], -6],
  ["ends with a video", { segments: [{text: 3}, {video: [2, 4, 2], secondsPerGrid: 1.5}], model: 'qwen2.5-vl', spatialMergeSize: 2, tokensPerSecond: 2 },
    [0,1,2,3,3,6,6,0,1,2,3,4,3,4,0,1,2,3,3,3,3], 0],
];

/** [height, width, spatialMergeSize, HF rot_pos_emb pos_ids (t = 1), transposed to axis-major: rows, then columns]. */
const ROT_POS: [number, number, number, number[]][] = [
  [4, 6, 2, [0,0,1,1,0,0,1,1,0,0,1,1,2,2,3,3,2,2,3,3,2,2,3,3,0,1,0,1,2,3,2,3,4,5,4,5,0,1,0,1,2,3,2,3,4,5,4,5]],
  [6, 4, 2, [0,0,1,1,0,0,1,1,2,2,3,3,2,2,3,3,4,4,5,5,4,4,5,5,0,1,0,1,2,3,2,3,0,1,0,1,2,3,2,3,0,1,0,1,2,3,2,3]],
  [2, 2, 2, [0,0,1,1,0,1,0,1]],
  [3, 5, 1, [0,0,0,0,0,1,1,1,1,1,2,2,2,2,2,0,1,2,3,4,0,1,2,3,4,0,1,2,3,4]],
  [8, 4, 2, [0,0,1,1,0,0,1,1,2,2,3,3,2,2,3,3,4,4,5,5,4,4,5,5,6,6,7,7,6,6,7,7,0,1,0,1,2,3,2,3,0,1,0,1,2,3,2,3,0,1,0,1,2,3,2,3,0,1,0,1,2,3,2,3]],
  [6, 9, 3, [0,0,0,1,1,1,2,2,2,0,0,0,1,1,1,2,2,2,0,0,0,1,1,1,2,2,2,3,3,3,4,4,4,5,5,5,3,3,3,4,4,4,5,5,5,3,3,3,4,4,4,5,5,5,0,1,2,0,1,2,0,1,2,3,4,5,3,4,5,3,4,5,6,7,8,6,7,8,6,7,8,0,1,2,0,1,2,0,1,2,3,4,5,3,4,5,3,4,5,6,7,8,6,7,8,6,7,8]],
];

describeBackends('mropePositions / visionPositions', (get) => {
  it('equal HF get_rope_index: text, images, videos, non-square grids, merge sizes, secondsPerGrid ≠ 1', () => {
    for (const [name, options, want, delta] of HF) {
      const r = get().mropePositions(options);
      expect(r.positions, name).toBeInstanceOf(Int32Array);
      expect(Array.from(r.positions), name).toEqual(want);
      expect(r.delta, name).toBe(delta);
    }
  });

  it('defaults: model qwen2-vl, spatialMergeSize 2, tokensPerSecond 2, secondsPerGrid 1', () => {
    const pe = get();
    const segs = [{ text: 2 }, { image: [1, 4, 4] }, { text: 1 }];
    expect(pe.mropePositions({ segments: segs })).toEqual(pe.mropePositions({ segments: segs, model: 'qwen2-vl', spatialMergeSize: 2 }));
    const vid = [{ text: 1 }, { video: [4, 2, 2] }];
    const a = pe.mropePositions({ segments: vid, model: 'qwen2.5-vl' });
    expect(a).toEqual(pe.mropePositions({ segments: [{ text: 1 }, { video: [4, 2, 2], secondsPerGrid: 1 }], model: 'qwen2.5-vl', tokensPerSecond: 2 }));
    expect(Array.from(a.positions.subarray(0, 5))).toEqual([0, 1, 3, 5, 7]); // frames at 1 + 2i
    // Qwen2-VL's get_rope_index has no seconds per grid (frames at 1 + i): secondsPerGrid there is a TypeError.
    expect(Array.from(pe.mropePositions({ segments: [{ text: 1 }, { video: [4, 2, 2] }] }).positions.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(() => pe.mropePositions({ segments: [{ text: 1 }, { video: [4, 2, 2], secondsPerGrid: 3 }] })).toThrow(/options\.segments\[1\]\.secondsPerGrid applies to model 'qwen2\.5-vl' only/);
  });

  it('the time index of fractional secondsPerGrid equals HF\'s (arange(t)·second_per_grid_t·tokens_per_second).long(); typed grids', () => {
    const pe = get();
    // [secondsPerGrid, tokensPerSecond, HF position_ids[:, 0, :] flattened, rope_deltas] of text 3 +
    // video [6, 2, 2] + text 2: scripts/vl-time-vectors.py (torch, second_per_grid_ts float32 as
    // the processor makes it; the float64 product gives the same integers here).
    const cases: [number, number, number[], number][] = [
      [0.5, 2, [0,1,2,3,4,5,6,7,8,9,10,0,1,2,3,3,3,3,3,3,9,10,0,1,2,3,3,3,3,3,3,9,10], 0],
      [0.75, 2, [0,1,2,3,4,6,7,9,10,11,12,0,1,2,3,3,3,3,3,3,11,12,0,1,2,3,3,3,3,3,3,11,12], 2],
      [1 / 3, 2, [0,1,2,3,3,4,5,5,6,7,8,0,1,2,3,3,3,3,3,3,7,8,0,1,2,3,3,3,3,3,3,7,8], -2],
      [2 / 3, 3, [0,1,2,3,5,7,9,11,13,14,15,0,1,2,3,3,3,3,3,3,14,15,0,1,2,3,3,3,3,3,3,14,15], 5],
      [0.4, 25, [0,1,2,3,13,23,33,43,53,54,55,0,1,2,3,3,3,3,3,3,54,55,0,1,2,3,3,3,3,3,3,54,55], 45],
      [1.5, 1, [0,1,2,3,4,6,7,9,10,11,12,0,1,2,3,3,3,3,3,3,11,12,0,1,2,3,3,3,3,3,3,11,12], 2],
    ];
    for (const [spg, tps, want, delta] of cases) {
      const r = pe.mropePositions({ segments: [{ text: 3 }, { video: Int32Array.of(6, 2, 2), secondsPerGrid: spg }, { text: 2 }], model: 'qwen2.5-vl', tokensPerSecond: tps });
      expect(Array.from(r.positions), `${spg}, ${tps}`).toEqual(want);
      expect(r.delta, `${spg}, ${tps}`).toBe(delta);
    }
  });

  it('segments HF cannot express: leading or adjacent vision blocks, empty text; delta continues generation', () => {
    const pe = get();
    const r = pe.mropePositions({ segments: [{ image: [1, 2, 4] }, { image: [1, 2, 2] }, { text: 0 }, { text: 2 }] });
    // block 1 at 0: (0, 0, 0), (0, 0, 1); block 2 at 2: (2, 2, 2); text at 3, 4.
    expect(Array.from(r.positions)).toEqual([0, 0, 2, 3, 4, 0, 0, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(r.delta).toBe(0);
    const empty = pe.mropePositions({ segments: [] });
    expect(empty.positions.length).toBe(0);
    expect(empty.delta).toBe(0);
    // generated token k sits at L + k + delta = max + 1 + k
    const { positions, delta } = pe.mropePositions({ segments: [{ text: 1 }, { image: [1, 8, 8] }] });
    expect(positions.length / 3 + delta).toBe(Math.max(...positions) + 1);
  });

  it('visionPositions equal HF rot_pos_emb pos_ids (merge-block order), row-major for merge 1', () => {
    const pe = get();
    for (const [h, w, m, want] of ROT_POS) {
      const got = pe.visionPositions({ height: h, width: w, spatialMergeSize: m });
      expect(got).toBeInstanceOf(Int32Array);
      expect(Array.from(got), `${h}×${w} merge ${m}`).toEqual(want);
    }
    const rm = pe.visionPositions({ height: 3, width: 4, spatialMergeSize: 1 });
    expect(Array.from(rm)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    expect(Array.from(pe.visionPositions({ height: 2, width: 4 }))).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 2, 3, 2, 3]);
    expect(pe.visionPositions({ height: 0, width: 4 }).length).toBe(0);
  });
});
