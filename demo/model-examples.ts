// The Model panel's bundled examples: real config.json files from test/fixtures/models/ (esbuild
// bundles the JSON; test/fixtures/models/index.json names each checkpoint and source), and the
// Llama 4 config test/fixtures/model-extra/ writes from the released keys (no checkpoint's config
// is stored).
import type { ModelConfig } from 'posenc';
import llama31 from '../test/fixtures/models/meta-llama--Llama-3.1-8B-Instruct.json';
import gemma3 from '../test/fixtures/models/google--gemma-3-1b-it.json';
import qwen2vl from '../test/fixtures/models/onnx-community--Qwen2-VL-2B-Instruct.json';
import bloom from '../test/fixtures/models/bigscience--bloom-3b.json';
import t5 from '../test/fixtures/models/google-t5--t5-small.json';
import gpt2 from '../test/fixtures/models/openai-community--gpt2.json';
import marian from '../test/fixtures/models/Helsinki-NLP--opus-mt-en-zh.json';
import llama4 from '../test/fixtures/model-extra/llama4-scout-like.json';

export const MODEL_EXAMPLES: Record<string, [string, ModelConfig]> = {
  'llama-3.1-8b': ['Llama 3.1 8B Instruct (rope, llama3 scaling)', llama31],
  'gemma-3-1b': ['Gemma 3 1B (rope, sliding + full layers)', gemma3],
  'qwen2-vl-2b': ['Qwen2-VL 2B (mrope)', qwen2vl],
  'llama-4': ['Llama 4 Scout-like, 8 layers (rope + NoPE; written from the released keys)', llama4],
  'bloom-3b': ['BLOOM 3B (ALiBi)', bloom],
  't5-small': ['T5 small (relative bias)', t5],
  'gpt2': ['GPT-2 (learned)', gpt2],
  'opus-mt-en-zh': ['Marian opus-mt-en-zh (sinusoidal)', marian],
};
