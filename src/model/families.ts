// The model families pe.model knows: per model_type, the scheme, the defaults HF's configuration
// class fills in for the keys that decide positions, and the reference code (transformers file and
// function) whose float32 computation posenc reproduces. Aliases map wrapper and legacy names.

import type { ModelKind } from './types.js';

/** Rotary details of a family (how the reference derives dims and applies the rotation). */
export interface RopeTraits {
  /** Pairing of the weights. */
  layout: 'halves' | 'interleaved';
  /**
   * How the reference applies it: 'plain' = pe.rope with `layout`; 'deinterleave' = DeepSeek-V3
   * (rope_interleave): pairs (2i, 2i+1) turned and returned in halves order.
   */
  apply?: 'plain' | 'deinterleave';
  /** Where the base comes from: 'rope_theta' (default), GPT-NeoX 'rotary_emb_base', or fixed 10000 (GPT-J, CodeGen). */
  base?: 'rope_theta' | 'rotary_emb_base' | 'fixed';
  /** Rotary dim: int(head_dim·partial_rotary_factor) (default), GPT-NeoX rotary_pct, GPT-J/CodeGen rotary_dim, DeepSeek qk_rope_head_dim. */
  dim?: 'partial' | 'rotary_pct' | 'rotary_dim' | 'qk_rope';
  /** Layer kinds: Gemma 2 (alternating, one rope), Gemma 3 (local base on sliding layers), Llama 4 (NoPE layers). */
  layers?: 'gemma2' | 'gemma3' | 'llama4';
  /** Multi-axis: Qwen2-VL chunks, Qwen3-VL cycle. */
  mrope?: 'chunks' | 'cycle';
  /** The reference's apply function, for describe(). */
  applyRef: string;
}

export interface Family {
  kind: ModelKind;
  /** Display name. */
  name: string;
  /** Reference file and function (under transformers/src/transformers/). */
  ref: string;
  /** HF configuration-class defaults of the keys pe.model reads. */
  defaults: Readonly<Record<string, unknown>>;
  rope?: RopeTraits;
  /** Encoder-decoder families: which parts exist. */
  encoderDecoder?: boolean;
}

const HALVES: RopeTraits = { layout: 'halves', applyRef: 'apply_rotary_pos_emb (rotate_half)' };
const llamaRef = (m: string, cls: string) => `models/${m}/modeling_${m}.py ${cls}RotaryEmbedding.forward, apply_rotary_pos_emb; modeling_rope_utils.py`;
const llamaLike = (m: string, cls: string, name: string, defaults: Record<string, unknown>): Family => ({
  kind: 'rope', name, ref: llamaRef(m, cls), defaults, rope: HALVES,
});
const dims = (hidden: number, heads: number, layers: number, maxPos: number, theta: number, more: Record<string, unknown> = {}) => ({
  hidden_size: hidden, num_attention_heads: heads, num_hidden_layers: layers, max_position_embeddings: maxPos, rope_theta: theta, ...more,
});

export const FAMILIES: Readonly<Record<string, Family>> = {
  llama: llamaLike('llama', 'Llama', 'Llama', dims(4096, 32, 32, 2048, 10000)),
  mistral: llamaLike('mistral', 'Mistral', 'Mistral', dims(4096, 32, 32, 4096 * 32, 10000)),
  ministral: llamaLike('ministral', 'Ministral', 'Ministral', dims(4096, 32, 32, 4096 * 32, 10000)),
  mixtral: llamaLike('mixtral', 'Mixtral', 'Mixtral', dims(4096, 32, 32, 4096 * 32, 1e6)),
  qwen2: llamaLike('qwen2', 'Qwen2', 'Qwen2', dims(4096, 32, 32, 32768, 10000)),
  qwen2_moe: llamaLike('qwen2_moe', 'Qwen2Moe', 'Qwen2-MoE', dims(2048, 16, 24, 32768, 10000)),
  qwen3: llamaLike('qwen3', 'Qwen3', 'Qwen3', dims(4096, 32, 32, 32768, 10000, { head_dim: 128 })),
  qwen3_moe: llamaLike('qwen3_moe', 'Qwen3Moe', 'Qwen3-MoE', dims(2048, 32, 24, 32768, 10000)),
  olmo: llamaLike('olmo', 'Olmo', 'OLMo', dims(4096, 32, 32, 2048, 10000)),
  olmo2: llamaLike('olmo2', 'Olmo2', 'OLMo 2', dims(4096, 32, 32, 2048, 10000)),
  internlm2: {
    kind: 'rope', name: 'InternLM2', rope: HALVES, defaults: dims(4096, 32, 32, 2048, 10000),
    ref: "the checkpoint's remote modeling_internlm2.py InternLM2RotaryEmbedding (HF generic modeling_rope_utils.py for dynamic NTK)",
  },
  gemma: llamaLike('gemma', 'Gemma', 'Gemma', dims(3072, 16, 28, 8192, 10000, { head_dim: 256 })),
  gemma2: {
    kind: 'rope', name: 'Gemma 2', ref: llamaRef('gemma2', 'Gemma2'), rope: { ...HALVES, layers: 'gemma2' },
    defaults: dims(2304, 8, 26, 8192, 10000, { head_dim: 256 }),
  },
  gemma3_text: {
    kind: 'rope', name: 'Gemma 3', ref: 'models/gemma3/modeling_gemma3.py Gemma3RotaryEmbedding (rotary_emb, rotary_emb_local), apply_rotary_pos_emb',
    rope: { ...HALVES, layers: 'gemma3' },
    defaults: dims(2304, 8, 26, 131072, 1e6, { head_dim: 256, rope_local_base_freq: 10000, sliding_window_pattern: 6 }),
  },
  stablelm: {
    ...llamaLike('stablelm', 'StableLm', 'StableLM', dims(2560, 32, 32, 4096, 10000, { partial_rotary_factor: 0.25 })),
    rope: { ...HALVES, applyRef: 'apply_rotary_pos_emb on q[..., :rotary_ndims] (partial)' },
  },
  phi: {
    ...llamaLike('phi', 'Phi', 'Phi', dims(2048, 32, 24, 2048, 10000, { partial_rotary_factor: 0.5 })),
    rope: { ...HALVES, applyRef: 'apply_rotary_pos_emb on q[..., :rotary_ndims] (partial)' },
  },
  phi3: {
    kind: 'rope', name: 'Phi-3', ref: 'models/phi3/modeling_phi3.py Phi3RotaryEmbedding.forward, apply_rotary_pos_emb; modeling_rope_utils.py _compute_longrope_parameters',
    rope: { ...HALVES, applyRef: 'apply_rotary_pos_emb (partial: q[..., :rotary_dim])' },
    defaults: dims(3072, 32, 32, 4096, 10000, { original_max_position_embeddings: 4096, partial_rotary_factor: 1.0 }),
  },
  gpt_neox: {
    kind: 'rope', name: 'GPT-NeoX', ref: 'models/gpt_neox/modeling_gpt_neox.py GPTNeoXRotaryEmbedding.forward, apply_rotary_pos_emb',
    rope: { ...HALVES, base: 'rotary_emb_base', dim: 'rotary_pct', applyRef: 'apply_rotary_pos_emb on q[..., :rotary_ndims] (partial)' },
    defaults: { hidden_size: 6144, num_attention_heads: 64, num_hidden_layers: 44, max_position_embeddings: 2048, rotary_pct: 0.25, rotary_emb_base: 10000 },
  },
  falcon: {
    kind: 'rope', name: 'Falcon', ref: 'models/falcon/modeling_falcon.py FalconRotaryEmbedding.forward, apply_rotary_pos_emb (alibi: build_alibi_tensor)',
    rope: HALVES, defaults: { ...dims(4544, 71, 32, 2048, 10000), alibi: false },
  },
  gpt_oss: {
    kind: 'rope', name: 'gpt-oss', ref: 'models/gpt_oss/modeling_gpt_oss.py GptOssRotaryEmbedding.forward, _apply_rotary_emb; modeling_rope_utils.py _compute_yarn_parameters',
    rope: { ...HALVES, applyRef: '_apply_rotary_emb (chunk into halves: a·cos − b·sin, b·cos + a·sin)' },
    defaults: dims(2880, 64, 36, 131072, 150000, {
      head_dim: 64,
      rope_scaling: { rope_type: 'yarn', factor: 32, beta_fast: 32, beta_slow: 1, truncate: false, original_max_position_embeddings: 4096 },
    }),
  },
  ministral3: {
    kind: 'rope', name: 'Ministral 3', ref: 'models/ministral3/modeling_ministral3.py Ministral3RotaryEmbedding.forward, apply_rotary_pos_emb, _get_llama_4_attn_scale',
    rope: HALVES, defaults: dims(4096, 32, 34, 262144, 1e6, { head_dim: 128 }),
  },
  cohere: {
    kind: 'rope', name: 'Cohere', ref: 'models/cohere/modeling_cohere.py CohereRotaryEmbedding.forward (repeat_interleave), apply_rotary_pos_emb',
    rope: { layout: 'interleaved', applyRef: 'apply_rotary_pos_emb (rotate_half on pairs (2i, 2i+1), q.float())' },
    defaults: dims(8192, 64, 40, 8192, 10000),
  },
  glm: {
    kind: 'rope', name: 'GLM', ref: 'models/glm/modeling_glm.py GlmRotaryEmbedding.forward, apply_rotary_pos_emb (cos[..., :d/2].repeat_interleave(2))',
    rope: { layout: 'interleaved', applyRef: 'apply_rotary_pos_emb (interleaved pairs, partial)' },
    defaults: dims(4096, 32, 40, 131072, 10000, { head_dim: 128, partial_rotary_factor: 0.5 }),
  },
  gptj: {
    kind: 'rope', name: 'GPT-J', ref: 'models/gptj/modeling_gptj.py create_sinusoidal_positions, apply_rotary_pos_emb (rotate_every_two)',
    rope: { layout: 'interleaved', base: 'fixed', dim: 'rotary_dim', applyRef: 'apply_rotary_pos_emb on q[..., :rotary_dim] (rotate_every_two)' },
    defaults: { n_embd: 4096, n_head: 16, n_layer: 28, n_positions: 2048, rotary_dim: 64 },
  },
  codegen: {
    kind: 'rope', name: 'CodeGen', ref: 'models/codegen/modeling_codegen.py create_sinusoidal_positions, apply_rotary_pos_emb (rotate_every_two)',
    rope: { layout: 'interleaved', base: 'fixed', dim: 'rotary_dim', applyRef: 'apply_rotary_pos_emb on q[..., :rotary_dim] (rotate_every_two)' },
    defaults: { n_embd: 4096, n_head: 16, n_layer: 28, n_positions: 2048, rotary_dim: 64 },
  },
  deepseek_v2: {
    kind: 'rope', name: 'DeepSeek-V2', ref: 'models/deepseek_v2/modeling_deepseek_v2.py DeepseekV2RotaryEmbedding.forward (polar), apply_rotary_emb (view_as_complex)',
    rope: { layout: 'interleaved', dim: 'qk_rope', applyRef: 'apply_rotary_emb (complex product on pairs (2i, 2i+1), pair order kept)' },
    defaults: { hidden_size: 5120, num_attention_heads: 128, num_hidden_layers: 60, max_position_embeddings: 2048, rope_theta: 10000, qk_rope_head_dim: 64, qk_nope_head_dim: 128 },
  },
  deepseek_v3: {
    kind: 'rope', name: 'DeepSeek-V3', ref: 'models/deepseek_v3/modeling_deepseek_v3.py DeepseekV3RotaryEmbedding.forward, apply_rotary_pos_emb_interleave',
    rope: { layout: 'interleaved', apply: 'deinterleave', dim: 'qk_rope', applyRef: 'apply_rotary_pos_emb_interleave (pairs (2i, 2i+1) de-interleaved to halves, then rotate_half; output in halves order)' },
    defaults: { hidden_size: 7168, num_attention_heads: 128, num_hidden_layers: 61, max_position_embeddings: 4096, rope_theta: 10000, qk_rope_head_dim: 64, qk_nope_head_dim: 128, rope_interleave: true },
  },
  llama4_text: {
    kind: 'rope', name: 'Llama 4', ref: 'models/llama4/modeling_llama4.py Llama4TextRotaryEmbedding.forward (polar), apply_rotary_emb (view_as_complex), Llama4TextAttention.forward',
    rope: { layout: 'interleaved', layers: 'llama4', applyRef: 'apply_rotary_emb (complex product on pairs (2i, 2i+1))' },
    defaults: {
      ...dims(5120, 40, 48, 4096 * 32, 500000, { head_dim: 128 }), no_rope_layer_interval: 4, attn_temperature_tuning: true, floor_scale: 8192, attn_scale: 0.1,
    },
  },
  qwen2_vl: {
    kind: 'mrope', name: 'Qwen2-VL', ref: 'models/qwen2_vl/modeling_qwen2_vl.py Qwen2VLRotaryEmbedding.forward, apply_multimodal_rotary_pos_emb',
    rope: { ...HALVES, mrope: 'chunks', applyRef: 'apply_multimodal_rotary_pos_emb (mrope_section chunks)' }, defaults: dims(8192, 64, 80, 32768, 1e6),
  },
  qwen2_5_vl: {
    kind: 'mrope', name: 'Qwen2.5-VL', ref: 'models/qwen2_5_vl/modeling_qwen2_5_vl.py Qwen2_5_VLRotaryEmbedding.forward, apply_multimodal_rotary_pos_emb',
    rope: { ...HALVES, mrope: 'chunks', applyRef: 'apply_multimodal_rotary_pos_emb (mrope_section chunks)' }, defaults: dims(8192, 64, 80, 32768, 1e6),
  },
  qwen3_vl: {
    kind: 'mrope', name: 'Qwen3-VL', ref: 'models/qwen3_vl/modeling_qwen3_vl.py Qwen3VLTextRotaryEmbedding.forward (apply_interleaved_mrope), apply_rotary_pos_emb',
    rope: { ...HALVES, mrope: 'cycle', applyRef: 'apply_rotary_pos_emb after apply_interleaved_mrope' },
    defaults: dims(4096, 32, 32, 128000, 5e6, { head_dim: 128 }),
  },
  bloom: {
    kind: 'alibi', name: 'BLOOM', ref: 'models/bloom/modeling_bloom.py build_alibi_tensor, BloomAttention.forward (baddbmm: alibi + invNorm·q·k)',
    defaults: { hidden_size: 64, n_head: 8, n_layer: 2 },
  },
  mpt: {
    kind: 'alibi', name: 'MPT', ref: 'models/mpt/modeling_mpt.py build_mpt_alibi_tensor, MptAttention.forward (q·k·softmax_scale + bias)',
    defaults: { d_model: 2048, n_heads: 16, n_layers: 24, max_seq_len: 2048 },
  },
  t5: {
    kind: 'relative-bias', name: 'T5', encoderDecoder: true,
    ref: 'models/t5/modeling_t5.py T5Attention._relative_position_bucket, compute_bias',
    defaults: { d_model: 512, d_kv: 64, num_heads: 8, num_layers: 6, relative_attention_num_buckets: 32, relative_attention_max_distance: 128 },
  },
  mt5: {
    kind: 'relative-bias', name: 'mT5', encoderDecoder: true,
    ref: 'models/mt5/modeling_mt5.py MT5Attention._relative_position_bucket, compute_bias',
    defaults: { d_model: 512, d_kv: 64, num_heads: 6, num_layers: 8, relative_attention_num_buckets: 32, relative_attention_max_distance: 128 },
  },
  umt5: {
    kind: 'relative-bias', name: 'UMT5', encoderDecoder: true,
    ref: 'models/umt5/modeling_umt5.py UMT5Attention._relative_position_bucket, compute_bias (a bias in every layer)',
    defaults: { d_model: 512, d_kv: 64, num_heads: 6, num_layers: 8, relative_attention_num_buckets: 32, relative_attention_max_distance: 128 },
  },
  switch_transformers: {
    kind: 'relative-bias', name: 'Switch Transformers', encoderDecoder: true,
    ref: 'models/switch_transformers/modeling_switch_transformers.py SwitchTransformersAttention._relative_position_bucket, compute_bias',
    defaults: { d_model: 768, d_kv: 64, num_heads: 12, num_layers: 12, relative_attention_num_buckets: 32, relative_attention_max_distance: 128 },
  },
  gpt2: {
    kind: 'learned', name: 'GPT-2', ref: 'models/gpt2/modeling_gpt2.py GPT2Model.forward (wpe, past + arange); generation/utils.py position_ids from attention_mask',
    defaults: { n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024 },
  },
  gpt_bigcode: {
    kind: 'learned', name: 'GPTBigCode', ref: 'models/gpt_bigcode/modeling_gpt_bigcode.py GPTBigCodeModel.forward (wpe, past + arange); generation position_ids from attention_mask',
    defaults: { n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024 },
  },
  opt: {
    kind: 'learned', name: 'OPT', ref: 'models/opt/modeling_opt.py OPTLearnedPositionalEmbedding.forward (cumsum(mask)·mask − 1, offset 2)',
    defaults: { hidden_size: 768, num_attention_heads: 12, num_hidden_layers: 12, max_position_embeddings: 2048 },
  },
  bart: {
    kind: 'learned', name: 'BART', encoderDecoder: true, ref: 'models/bart/modeling_bart.py BartLearnedPositionalEmbedding.forward (past + arange + 2)',
    defaults: { d_model: 1024, encoder_attention_heads: 16, decoder_attention_heads: 16, encoder_layers: 12, decoder_layers: 12, max_position_embeddings: 1024, pad_token_id: 1, scale_embedding: false },
  },
  mbart: {
    kind: 'learned', name: 'mBART', encoderDecoder: true, ref: 'models/mbart/modeling_mbart.py MBartLearnedPositionalEmbedding.forward (past + arange + 2)',
    defaults: { d_model: 1024, encoder_attention_heads: 16, decoder_attention_heads: 16, encoder_layers: 12, decoder_layers: 12, max_position_embeddings: 1024, pad_token_id: 1, scale_embedding: false },
  },
  bert: {
    kind: 'learned', name: 'BERT', ref: 'models/bert/modeling_bert.py BertEmbeddings.forward (position_ids[:, past : past + length])',
    defaults: { hidden_size: 768, num_attention_heads: 12, num_hidden_layers: 12, max_position_embeddings: 512, pad_token_id: 0, position_embedding_type: 'absolute' },
  },
  roberta: {
    kind: 'learned', name: 'RoBERTa', ref: 'models/roberta/modeling_roberta.py create_position_ids_from_input_ids (padding_idx + cumsum of non-pad tokens)',
    defaults: { hidden_size: 768, num_attention_heads: 12, num_hidden_layers: 12, max_position_embeddings: 512, pad_token_id: 1, position_embedding_type: 'absolute' },
  },
  'xlm-roberta': {
    kind: 'learned', name: 'XLM-RoBERTa', ref: 'models/xlm_roberta/modeling_xlm_roberta.py create_position_ids_from_input_ids (padding_idx + cumsum of non-pad tokens)',
    defaults: { hidden_size: 768, num_attention_heads: 12, num_hidden_layers: 12, max_position_embeddings: 512, pad_token_id: 1, position_embedding_type: 'absolute' },
  },
  whisper: {
    kind: 'learned', name: 'Whisper', encoderDecoder: true,
    ref: 'models/whisper/modeling_whisper.py WhisperPositionalEmbedding.forward (decoder), sinusoids (encoder)',
    defaults: { d_model: 384, encoder_attention_heads: 6, decoder_attention_heads: 6, encoder_layers: 4, decoder_layers: 4, max_source_positions: 1500, max_target_positions: 448, pad_token_id: 50256, scale_embedding: false },
  },
  marian: {
    kind: 'sinusoidal', name: 'Marian', encoderDecoder: true, ref: 'models/marian/modeling_marian.py MarianSinusoidalPositionalEmbedding._init_weight, forward (past + arange)',
    defaults: { d_model: 1024, encoder_attention_heads: 16, decoder_attention_heads: 16, encoder_layers: 12, decoder_layers: 12, max_position_embeddings: 1024, pad_token_id: 58100, scale_embedding: false },
  },
  pegasus: {
    kind: 'sinusoidal', name: 'Pegasus', encoderDecoder: true, ref: 'models/pegasus/modeling_pegasus.py PegasusSinusoidalPositionalEmbedding._init_weight, forward (past + arange)',
    defaults: { d_model: 1024, encoder_attention_heads: 16, decoder_attention_heads: 16, encoder_layers: 12, decoder_layers: 12, max_position_embeddings: 1024, pad_token_id: 0, scale_embedding: false },
  },
  m2m_100: {
    kind: 'sinusoidal', name: 'M2M100 / NLLB', encoderDecoder: true,
    ref: 'models/m2m_100/modeling_m2m_100.py M2M100SinusoidalPositionalEmbedding.get_embedding, create_position_ids_from_input_ids',
    defaults: { d_model: 1024, encoder_attention_heads: 16, decoder_attention_heads: 16, encoder_layers: 12, decoder_layers: 12, max_position_embeddings: 1024, pad_token_id: 1, scale_embedding: true },
  },
  speech_to_text: {
    kind: 'sinusoidal', name: 'Speech2Text', encoderDecoder: true,
    ref: 'models/speech_to_text/modeling_speech_to_text.py Speech2TextSinusoidalPositionalEmbedding.get_embedding, create_position_ids_from_input_ids',
    defaults: { d_model: 256, encoder_attention_heads: 4, decoder_attention_heads: 4, encoder_layers: 12, decoder_layers: 6, max_source_positions: 6000, max_target_positions: 1024, pad_token_id: 1, scale_embedding: true },
  },
  fsmt: {
    kind: 'sinusoidal', name: 'FSMT', encoderDecoder: true, ref: 'models/fsmt/modeling_fsmt.py SinusoidalPositionalEmbedding.get_embedding, make_positions',
    defaults: { d_model: 1024, encoder_attention_heads: 16, decoder_attention_heads: 16, encoder_layers: 12, decoder_layers: 12, max_position_embeddings: 1024, pad_token_id: 1, scale_embedding: true },
  },
  distilbert: {
    kind: 'learned', name: 'DistilBERT', ref: 'models/distilbert/modeling_distilbert.py Embeddings.forward, create_sinusoidal_embeddings (sinusoidal_pos_embds)',
    defaults: { dim: 768, n_heads: 12, n_layers: 6, max_position_embeddings: 512, sinusoidal_pos_embds: false },
  },
};

/** Wrapper and legacy model_type names → the family whose keys the part holds. */
export const ALIASES: Readonly<Record<string, string>> = {
  gemma3: 'gemma3_text',
  mistral3: 'ministral3',
  llama4: 'llama4_text',
  qwen2_vl_text: 'qwen2_vl',
  qwen2_5_vl_text: 'qwen2_5_vl',
  qwen3_vl_text: 'qwen3_vl',
  RefinedWeb: 'falcon',
  RefinedWebModel: 'falcon',
  'xlm_roberta': 'xlm-roberta',
};

/** The model_type values pe.model reads (families, then wrapper and legacy names). */
export function supportedTypes(): string {
  return `${Object.keys(FAMILIES).sort().join(', ')} (and ${Object.keys(ALIASES).sort().join(', ')})`;
}
