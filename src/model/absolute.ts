// Families without rotary: learned and sinusoidal tables added to the embeddings, ALiBi and T5's
// relative bias added to the scores. Each is read into what posenc needs to reproduce it, plus the
// rule by which the reference derives position ids (model.positions).

import type { SinusoidalOptions } from '../sinusoidal/types.js';
import { ConfigReader, MAX_HEAD_DIM, MAX_HEADS, MAX_LAYERS, MAX_POSITIONS, configRangeError } from './config.js';
import type { ModelKind, ModelPart } from './types.js';

/** How the reference derives position ids (see positions.ts). */
export type PositionRule =
  /** offset + pastLength + k; the attention mask does not change them (BERT, BART, Marian, encoders). */
  | { kind: 'arange'; offset: number }
  /** pastLength + k, or with a mask HF generation's cumsum(mask) − 1 with padded slots at 1 (decoder-only models). */
  | { kind: 'generate'; offset: number }
  /** Whisper generation: cumsum(mask) − 1 clamped at 0. */
  | { kind: 'whisper' }
  /** OPT: cumsum(mask)·mask − 1, then + 2. */
  | { kind: 'opt' }
  /**
   * RoBERTa / fairseq: pad + pastLength + (non-pad tokens so far), pad tokens at pad. `all` (FSMT):
   * the reference counts over every id, past ones included (make_positions on the whole sequence).
   */
  | { kind: 'tokens'; pad: number; all?: boolean };

export interface AbsoluteSpec {
  kind: ModelKind;
  heads: number;
  headDim: number;
  layers: number;
  rule: PositionRule;
  tableRows: number | null;
  maxPositions: number | null;
  embedScale: number;
  /** Sinusoidal: pe.sinusoidal options (without length). */
  sinusoidal: Readonly<Omit<SinusoidalOptions, 'length'>> | null;
  /** Learned: offset of row 0 (BART 2, RoBERTa pad + 1). */
  learnedOffset: number | null;
  alibi: { variant: 'bloom' | 'falcon' | 'mpt'; maxSeqLen: number | null; biasMax: number; softmaxScale: number | null } | null;
  bias: { numBuckets: number; maxDistance: number; perLayer: boolean } | null;
  notes: string[];
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => ({ int: true, min, max });

function intOf(c: ConfigReader, keys: readonly string[], min: number, max: number, why: string): number {
  return c.num(c.firstKey(keys), int(min, max), why);
}

function headsAndDim(c: ConfigReader, headKeys: readonly string[], widthKeys: readonly string[]): { heads: number; headDim: number; width: number } {
  const heads = intOf(c, headKeys, 1, MAX_HEADS, 'attention heads');
  const wk = c.firstKey(widthKeys);
  const width = c.num(wk, int(1, MAX_HEAD_DIM * MAX_HEADS), 'the model width');
  const headDim = Math.floor(width / heads);
  if (headDim < 1) throw configRangeError(c.key(wk), `≥ the heads (${heads})`, width);
  return { heads, headDim, width };
}

function embedScale(c: ConfigReader, width: number): number {
  return c.optBool('scale_embedding') ? Math.sqrt(width) : 1;
}

const base = (kind: ModelKind, heads: number, headDim: number, layers: number, rule: PositionRule): AbsoluteSpec => ({
  kind, heads, headDim, layers, rule, tableRows: null, maxPositions: null, embedScale: 1,
  sinusoidal: null, learnedOffset: null, alibi: null, bias: null, notes: [],
});

/** The side of an encoder-decoder config: heads, layers. */
function side(c: ConfigReader, part: ModelPart): { heads: number; headDim: number; width: number; layers: number } {
  const p = part === 'encoder' ? 'encoder' : 'decoder';
  const hd = headsAndDim(c, [`${p}_attention_heads`, 'num_attention_heads'], ['d_model', 'hidden_size']);
  const layers = intOf(c, [`${p}_layers`, 'num_hidden_layers'], 1, MAX_LAYERS, `${p} layers`);
  return { ...hd, layers };
}

function positionEmbeddingType(c: ConfigReader): void {
  const t = c.optStr('position_embedding_type');
  if (t !== undefined && t !== 'absolute') {
    throw configRangeError(c.key('position_embedding_type'), "'absolute' (posenc reproduces the absolute learned table; 'relative_key' and 'relative_key_query' are learned distance embeddings it does not compute)", t);
  }
}

function fairseqDim(c: ConfigReader, dim: number): void {
  if (dim < 4) throw configRangeError(c.key('d_model'), 'an integer ≥ 4 (fairseq sinusoids divide by dim/2 − 1)', dim);
}

/** Reads a non-rotary family (or falcon with alibi) of the selected part. */
export function readAbsolute(c: ConfigReader, family: string, part: ModelPart): AbsoluteSpec {
  switch (family) {
    case 'gpt2':
    case 'gpt_bigcode': {
      const hd = headsAndDim(c, ['n_head', 'num_attention_heads'], ['n_embd', 'hidden_size']);
      const s = base('learned', hd.heads, hd.headDim, intOf(c, ['n_layer', 'num_hidden_layers'], 1, MAX_LAYERS, 'layers'), { kind: 'generate', offset: 0 });
      s.tableRows = s.maxPositions = intOf(c, ['n_positions', 'max_position_embeddings'], 1, MAX_POSITIONS, 'table rows');
      s.learnedOffset = 0;
      return s;
    }
    case 'opt': {
      const hd = headsAndDim(c, ['num_attention_heads'], ['hidden_size']);
      const s = base('learned', hd.heads, hd.headDim, intOf(c, ['num_hidden_layers'], 1, MAX_LAYERS, 'layers'), { kind: 'opt' });
      s.maxPositions = c.num('max_position_embeddings', int(1, MAX_POSITIONS - 2));
      s.tableRows = s.maxPositions + 2;
      s.learnedOffset = 2;
      return s;
    }
    case 'bart':
    case 'mbart': {
      const sd = side(c, part);
      const s = base('learned', sd.heads, sd.headDim, sd.layers, { kind: 'arange', offset: 2 });
      s.maxPositions = c.num('max_position_embeddings', int(1, MAX_POSITIONS - 2));
      s.tableRows = s.maxPositions + 2;
      s.learnedOffset = 2;
      s.embedScale = embedScale(c, sd.width);
      return s;
    }
    case 'bert':
    case 'roberta':
    case 'xlm-roberta': {
      positionEmbeddingType(c);
      const hd = headsAndDim(c, ['num_attention_heads'], ['hidden_size']);
      const pad = family === 'bert' ? null : c.num('pad_token_id', int(0, MAX_POSITIONS), 'padding_idx of the position table');
      const s = base('learned', hd.heads, hd.headDim, intOf(c, ['num_hidden_layers'], 1, MAX_LAYERS, 'layers'), pad === null ? { kind: 'arange', offset: 0 } : { kind: 'tokens', pad });
      s.tableRows = s.maxPositions = c.num('max_position_embeddings', int(1, MAX_POSITIONS));
      s.learnedOffset = pad === null ? 0 : pad + 1;
      return s;
    }
    case 'distilbert': {
      const hd = headsAndDim(c, ['n_heads', 'num_attention_heads'], ['dim', 'hidden_size']);
      const sin = c.optBool('sinusoidal_pos_embds') ?? false;
      const s = base(sin ? 'sinusoidal' : 'learned', hd.heads, hd.headDim, intOf(c, ['n_layers', 'num_hidden_layers'], 1, MAX_LAYERS, 'layers'), { kind: 'arange', offset: 0 });
      s.tableRows = s.maxPositions = c.num('max_position_embeddings', int(1, MAX_POSITIONS));
      if (sin) s.sinusoidal = { preset: 'vaswani', dim: hd.width };
      else s.learnedOffset = 0;
      return s;
    }
    case 'whisper': {
      const sd = side(c, part);
      if (part === 'encoder') {
        const s = base('sinusoidal', sd.heads, sd.headDim, sd.layers, { kind: 'arange', offset: 0 });
        if (sd.width % 2 || sd.width < 4) throw configRangeError(c.key('d_model'), 'an even integer ≥ 4 (Whisper sinusoids split it into sin and cos halves)', sd.width);
        s.tableRows = s.maxPositions = c.num('max_source_positions', int(1, MAX_POSITIONS));
        s.sinusoidal = { preset: 'whisper', dim: sd.width, float32Angles: true };
        return s;
      }
      const s = base('learned', sd.heads, sd.headDim, sd.layers, { kind: 'whisper' });
      s.tableRows = s.maxPositions = c.num('max_target_positions', int(1, MAX_POSITIONS));
      s.learnedOffset = 0;
      s.embedScale = embedScale(c, sd.width);
      return s;
    }
    case 'marian':
    case 'pegasus': {
      const sd = side(c, part);
      const s = base('sinusoidal', sd.heads, sd.headDim, sd.layers, { kind: 'arange', offset: 0 });
      s.tableRows = s.maxPositions = c.num('max_position_embeddings', int(1, MAX_POSITIONS));
      s.sinusoidal = { preset: 'marian', dim: sd.width };
      s.embedScale = embedScale(c, sd.width);
      return s;
    }
    case 'm2m_100':
    case 'fsmt':
    case 'speech_to_text': {
      const sd = side(c, part);
      fairseqDim(c, sd.width);
      const pad = c.num('pad_token_id', int(0, MAX_POSITIONS), 'padding_idx of the sinusoidal table');
      const s = base('sinusoidal', sd.heads, sd.headDim, sd.layers, family === 'fsmt' ? { kind: 'tokens', pad, all: true } : { kind: 'tokens', pad });
      if (family === 'speech_to_text') {
        s.maxPositions = c.num(part === 'encoder' ? 'max_source_positions' : 'max_target_positions', int(1, MAX_POSITIONS - 2));
        s.tableRows = s.maxPositions + 2;
      } else {
        s.maxPositions = c.num('max_position_embeddings', int(1, MAX_POSITIONS - pad - 2));
        s.tableRows = family === 'fsmt' ? s.maxPositions + pad + 1 : s.maxPositions + 2;
      }
      s.sinusoidal = { preset: 'fairseq', dim: sd.width, paddingIdx: pad, float32Angles: true };
      s.embedScale = embedScale(c, sd.width);
      if (family === 'speech_to_text' && part === 'encoder') {
        s.notes.push('Speech2Text encoder: positions from the feature attention mask (padding_mask = mask.ne(1) as tokens with padding_idx); pass attentionMask to model.positions.');
      }
      return s;
    }
    case 'bloom': {
      const hd = headsAndDim(c, ['n_head', 'num_attention_heads'], ['hidden_size', 'n_embed']);
      const s = base('alibi', hd.heads, hd.headDim, intOf(c, ['n_layer', 'num_hidden_layers'], 1, MAX_LAYERS, 'layers'), { kind: 'generate', offset: 0 });
      s.alibi = { variant: 'bloom', maxSeqLen: null, biasMax: 8, softmaxScale: null };
      return s;
    }
    case 'falcon': {
      const hd = headsAndDim(c, ['num_attention_heads', 'n_head'], ['hidden_size', 'n_embed']);
      const s = base('alibi', hd.heads, hd.headDim, intOf(c, ['num_hidden_layers', 'n_layer'], 1, MAX_LAYERS, 'layers'), { kind: 'generate', offset: 0 });
      s.alibi = { variant: 'falcon', maxSeqLen: null, biasMax: 8, softmaxScale: null };
      return s;
    }
    case 'mpt': {
      const hd = headsAndDim(c, ['n_heads'], ['d_model']);
      const s = base('alibi', hd.heads, hd.headDim, intOf(c, ['n_layers'], 1, MAX_LAYERS, 'layers'), { kind: 'generate', offset: 0 });
      const ac = c.optObj('attn_config');
      const on = ac?.optBool('alibi');
      const biasMax = ac?.optNum('alibi_bias_max', { min: 0, open: true }) ?? 8;
      const softmaxScale = ac?.optNum('softmax_scale', { min: 0, open: true }) ?? null;
      const maxSeqLen = c.num('max_seq_len', int(1, MAX_POSITIONS));
      s.maxPositions = maxSeqLen;
      s.alibi = { variant: 'mpt', maxSeqLen, biasMax, softmaxScale };
      if (on === false) s.notes.push("attn_config.alibi is false, but HF's MptModel builds the ALiBi tensor regardless (build_mpt_alibi_tensor in every forward); posenc follows the reference.");
      if (c.optBool('learned_pos_emb')) s.notes.push("learned_pos_emb: HF's MPT port has no learned position table (MosaicML's own code adds wpe); posenc follows HF.");
      return s;
    }
    case 't5':
    case 'mt5':
    case 'umt5':
    case 'switch_transformers': {
      const heads = c.num('num_heads', int(1, MAX_HEADS));
      const headDim = c.num('d_kv', int(1, MAX_HEAD_DIM));
      const layers = part === 'decoder'
        ? c.optNum('num_decoder_layers', int(1, MAX_LAYERS)) ?? c.num('num_layers', int(1, MAX_LAYERS))
        : c.num('num_layers', int(1, MAX_LAYERS));
      const s = base('relative-bias', heads, headDim, layers, { kind: 'arange', offset: 0 });
      const numBuckets = c.num('relative_attention_num_buckets', int(4, MAX_HEAD_DIM));
      const maxDistance = c.num('relative_attention_max_distance', int(1, MAX_POSITIONS));
      // The causal (decoder) rule has the most exact buckets, numBuckets/2: T5 divides by log(maxDistance / that).
      const exact = numBuckets >> 1;
      if (maxDistance <= exact) throw configRangeError(c.key('relative_attention_max_distance'), `> relative_attention_num_buckets/2 = ${exact} (T5 divides by log(max_distance / ${exact}))`, maxDistance);
      s.bias = { numBuckets, maxDistance, perLayer: family === 'umt5' };
      return s;
    }
  }
  throw configRangeError(c.key('model_type'), 'a supported model_type', family);
}
