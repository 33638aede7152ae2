// Public types of the 2-D and 3-D sin-cos grids.

import type { Dtype, FloatArray, Frequencies, ModuleTensor } from '../core/types.js';

// ---- 2-D tables, positions, rotary (see the README's preset tables) ---------------------------------------

/**
 * 2-D sin-cos conventions (row r, column c of a row-major grid, K = dim/4, T = temperature):
 * 'mae' [sin cω, cos cω, sin rω, cos rω], ω_k = T^(−k/K) (MAE get_2d_sincos_pos_embed: its first
 * half encodes the column); 'mocov3' [sin rω, cos rω, sin cω, cos cω] (MoCo v3, timm with
 * interleave_sin_cos); 'bigvision' as 'mae' with ω_k = T^(−k/(K−1)) (big_vision posemb_sincos_2d);
 * 'timm' [sin rω, sin cω, cos rω, cos cω] (timm build_sincos2d_pos_embed); 'tensor2tensor'
 * [sin rω, cos rω, sin cω, cos cω, 0…], K = ⌊dim/4⌋, ω_k = e^(−k·ln(T)/(K−1)) (add_timing_signal_nd).
 */
export type Preset2d = 'mae' | 'mocov3' | 'bigvision' | 'timm' | 'tensor2tensor';

export interface Sincos2dOptions {
  /** Grid rows (patches along the image height). */
  height: number;
  /** Grid columns (patches along the image width). */
  width: number;
  /** Channels; a multiple of 4 (big_vision: ≥ 8; tensor2tensor: any ≥ 8, the last dim mod 4 zero). */
  dim: number;
  /** Default 'mae'. */
  preset?: Preset2d;
  /** Default 10000 (tensor2tensor: max_timescale). */
  temperature?: number;
  /** Prepend a zero row for the cls token (default: true for 'mocov3', which always has one; else false). */
  clsToken?: boolean;
  /** 'float32' (default) or 'float64'. */
  dtype?: Dtype;
  /** Reproduce a float32 reference (angles rounded to float32, as MoCo v3, timm and big_vision compute). */
  float32Angles?: boolean;
  /** The per-axis frequencies ω_k, k < K (shared by rows and columns), replacing temperature's schedule. */
  frequencies?: Frequencies;
  /** Where to write (exact size, matching dtype); returned instead of a new array. */
  out?: FloatArray | ModuleTensor;
}

/**
 * Options of `pe.frequencies`: those of `pe.sinusoidal` (1-D) or of `pe.sincos2d` (2-D; chosen
 * when height, width, temperature or clsToken is given, or the preset is a 2-D-only one), without
 * `out`. Sizes and positions are checked but do not change the frequencies.
 */
/** 3-D sin-cos conventions: 'cogvideox' = diffusers get_3d_sincos_pos_embed (CogVideoX). */
export type Preset3d = 'cogvideox';

export interface Sincos3dOptions {
  /** Grid frames (latent frames after temporal compression, CogVideoX: (frames − 1)/4 + 1). */
  frames: number;
  /** Grid rows (patches along the height). */
  height: number;
  /** Grid columns (patches along the width). */
  width: number;
  /** Channels, a multiple of 16: dim/4 encode the frame, 3·dim/4 the column and the row. */
  dim: number;
  /** Default 'cogvideox'. */
  preset?: Preset3d;
  /** Frame positions are f / temporalInterpolationScale (default 1), rounded to float32 as torch divides. */
  temporalInterpolationScale?: number;
  /** Row and column positions are r / spatialInterpolationScale (default 1; CogVideoX: 1.875), rounded to float32. */
  spatialInterpolationScale?: number;
  /** 'float32' (default) or 'float64'. */
  dtype?: Dtype;
  /** Where to write (exact size, matching dtype); returned instead of a new array. */
  out?: FloatArray | ModuleTensor;
}
