export { init, initSync, type InitOptions } from './api/init.js';
export { Posenc } from './api/posenc.js';
export { PRESETS, type PresetDef } from './sinusoidal/presets.js';
export type {
  AddOptions, BackendChoice, BackendName, ConcatOptions, Dtype, Encoding, EncodingOptions,
  FloatArray, Layout, ModuleTensor, OddPolicy, Preset, Schedule, SinusoidalOptions, TableEncoding,
} from './api/types.js';
export type {
  IntLike, PositionsFromMaskOptions, PositionsFromTokensOptions, Preset2d, RopeFrequencies,
  RopeAxes, RopeFrequenciesOptions, RopeLayout, RopeOptions, RopeScaling, RopeStepOptions, Sincos2dOptions,
} from './api/types.js';
export type { MropeModel, MropePositions, MropePositionsOptions, MropeSegment, VisionPositionsOptions } from './api/types.js';
export type { Preset3d, Sincos3dOptions } from './api/types.js';
export type {
  AlibiIdentified, IdentifiedFamily, IdentifiedKind, IdentifyCandidate, IdentifyOptions, IdentifyResult, IdentifyResultBase, RopeCacheOptions, Sincos2dIdentified,
  SimilarityOptions, SinusoidalIdentified,
} from './api/types.js';
export type { Frequencies, FrequenciesOptions } from './api/types.js';
export type {
  ModelAddAlibiOptions, ModelAlibiOptions, ModelConfig, ModelCosSinOptions, ModelKind, ModelLayer, ModelOptions, ModelPart,
  ModelPlainOptions, ModelPositionIdsOptions, ModelPositions, ModelRelativeBiasOptions, ModelRopeOptions, ModelRowsOptions,
} from './api/types.js';
export type { AddAlibiOptions, AlibiPow, AlibiPreset, AlibiSlopesOptions, RelativeBiasOptions, RelativeBucketsOptions } from './api/types.js';
