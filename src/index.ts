export { init, initSync, type InitOptions } from './init.js';
export { Posenc } from './posenc.js';
export { PRESETS, type PresetDef } from './presets.js';
export type {
  AddOptions, BackendChoice, BackendName, ConcatOptions, Dtype, Encoding, EncodingOptions,
  FloatArray, Layout, ModuleTensor, OddPolicy, Preset, Schedule, SinusoidalOptions, TableEncoding,
} from './types.js';
export type {
  IntLike, PositionsFromMaskOptions, PositionsFromTokensOptions, Preset2d, RopeFrequencies,
  RopeAxes, RopeFrequenciesOptions, RopeLayout, RopeOptions, RopeScaling, RopeStepOptions, Sincos2dOptions,
} from './types.js';
export type { MropeModel, MropePositions, MropePositionsOptions, MropeSegment, VisionPositionsOptions } from './types.js';
export type { Preset3d, Sincos3dOptions } from './types.js';
export type {
  IdentifiedKind, IdentifyCandidate, IdentifyOptions, IdentifyResult, IdentifyResultBase, RopeCacheOptions, Sincos2dIdentified,
  SimilarityOptions, SinusoidalIdentified,
} from './types.js';
export type { Frequencies, FrequenciesOptions } from './types.js';
