// Public types of the position builders (tokens, masks, vision-language positions).

/** Token ids or a 0/1 attention mask: a typed array or an array of numbers (or booleans for a mask). */
export type IntLike = ArrayLike<number> | BigInt64Array | BigUint64Array | readonly boolean[];

export interface PositionsFromTokensOptions {
  /** [batch, length] of tokens, row-major. */
  shape: readonly number[];
  /** Token id of padding (fairseq/RoBERTa: 1). Required. */
  paddingIdx: number;
  /** Non-pad tokens before these ones (HF create_position_ids_from_input_ids' past_key_values_length; default 0). */
  pastLength?: number;
}

export interface PositionsFromMaskOptions {
  /** [batch, length] of the mask, row-major (HF: past + current tokens). */
  shape: readonly number[];
  /** Leading columns to drop from the result (HF: positions[:, past_key_values_length:]; default 0). */
  pastLength?: number;
  /** Position given to masked (0) entries before the offset (default 1 as HF generate; OPT: −1). */
  padPosition?: number;
  /** Added to every position (OPT/BART learned tables: 2; default 0). */
  offset?: number;
}

// ---- multimodal positions and video grids (see the README's sections on them) ---------------------

/** A piece of a vision-language sequence, in tokens (text) or in the processor's patches (grid_thw, before merging). */
export type MropeSegment =
  /** n text tokens, the vision start/end marker tokens included. */
  | { text: number }
  /** An image of t × h × w patches (t is 1 for Qwen2-VL's processors). */
  | { image: ArrayLike<number> }
  /** A video of t × h × w patches; secondsPerGrid: seconds per temporal patch (HF second_per_grid_ts, default 1), for model 'qwen2.5-vl' only (a TypeError with 'qwen2-vl'). */
  | { video: ArrayLike<number>; secondsPerGrid?: number };

/** 'qwen2-vl': frame i of a video at i; 'qwen2.5-vl': frame i at ⌊i·secondsPerGrid·tokensPerSecond⌋, image frames at 0. */
export type MropeModel = 'qwen2-vl' | 'qwen2.5-vl';

export interface MropePositionsOptions {
  /** The sequence in order: text, images and videos. */
  segments: readonly MropeSegment[];
  /** Default 'qwen2-vl'. */
  model?: MropeModel;
  /** Patches merged per side into one token (HF vision_config.spatial_merge_size, default 2). */
  spatialMergeSize?: number;
  /** 'qwen2.5-vl' only: HF vision_config.tokens_per_second (default 2, as the released checkpoints). */
  tokensPerSecond?: number;
}

export interface MropePositions {
  /** Axis-major [3, L]: L temporal positions, then L height positions, then L width positions (HF position_ids[:, 0, :]). */
  positions: Int32Array;
  /** HF rope_deltas: max position + 1 − L; generated token k (0-based) sits at L + k + delta on every axis. */
  delta: number;
}

export interface VisionPositionsOptions {
  /** Patch rows of the image (the processor's grid h). */
  height: number;
  /** Patch columns (grid w). */
  width: number;
  /** Default 2; 1 = plain row-major patches. */
  spatialMergeSize?: number;
}
