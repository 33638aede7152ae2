// The conventions as data: one entry per preset, pointing at its section of
// docs/conventions.md. A preset only chooses the four knobs (schedule, layout, odd dim,
// position mapping); explicit options override each of them.

import type { Layout, OddPolicy, Preset, Schedule } from './types.js';

export interface PresetDef {
  readonly layout: Layout;
  readonly schedule: Schedule;
  readonly odd: OddPolicy;
  readonly base: number;
  readonly minTimescale: number;
  readonly maxTimescale: number;
  /**
   * 'timescale' divides ln(max/min) by max(n − 1, 1) (tensor2tensor) or by n − 1 without the guard
   * (fairseq, Whisper: there n = 1 is a division by zero, so such dims are rejected).
   */
  readonly guard: boolean;
  /** fairseq's pad row: positions start at paddingIdx + 1 and position paddingIdx is zero. */
  readonly paddingIdx: number | null;
  /** The founding article's two-column encoding [sin(pω), cos(pω)]. */
  readonly seed: boolean;
  /** Models and references this preset reproduces. */
  readonly matches: string;
  /** Sections of docs/conventions.md. */
  readonly spec: string;
}

const common = { base: 10000, minTimescale: 1, maxTimescale: 10000, guard: true, paddingIdx: null, seed: false } as const;

export const PRESETS: Readonly<Record<Preset, PresetDef>> = {
  vaswani: {
    ...common,
    layout: 'interleaved',
    schedule: 'paper',
    odd: 'sin',
    matches: 'Vaswani et al. 2017, PyTorch tutorial PositionalEncoding, HF DistilBERT/XLM/Flaubert, Keras SinePositionEncoding',
    spec: '§1, §4a, §5a',
  },
  marian: {
    ...common,
    layout: 'halves',
    schedule: 'paper',
    odd: 'sin',
    matches: 'HF Marian, Pegasus, RoFormer tables; GPT-NeoX sinusoidal, GPT-J table, CTRL, TF text tutorial (even dim)',
    spec: '§4b, §8a, §8b',
  },
  tensor2tensor: {
    ...common,
    layout: 'halves',
    schedule: 'timescale',
    odd: 'zero',
    matches: 'tensor2tensor get_timing_signal_1d / add_timing_signal_1d (start_index = offset)',
    spec: '§2',
  },
  whisper: {
    ...common,
    layout: 'halves',
    schedule: 'timescale',
    odd: 'error',
    guard: false,
    matches: 'OpenAI Whisper and HF Whisper encoder sinusoids()',
    spec: '§4c',
  },
  fairseq: {
    ...common,
    layout: 'halves',
    schedule: 'timescale',
    odd: 'zero',
    guard: false,
    paddingIdx: 1,
    matches: 'fairseq SinusoidalPositionalEmbedding + make_positions; HF M2M100, Speech2Text, FSMT',
    spec: '§3',
  },
  seed: {
    ...common,
    layout: 'interleaved',
    schedule: 'paper',
    odd: 'sin',
    seed: true,
    matches: 'the founding article: [sin(p·ω), cos(p·ω)], ω = 1/√dim, concatenated to the features',
    spec: '§11',
  },
};

export const PRESET_NAMES = Object.keys(PRESETS) as Preset[];
