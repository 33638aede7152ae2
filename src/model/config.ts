// Reading a config.json: every value is checked where it is read, and an error names the key by
// its path in the config (`config.text_config.rope_scaling.factor`), its value and what is allowed.
// null counts as absent (HF configs save unset keys as null). A key the config omits takes the
// family's default (the value HF's configuration class fills in), recorded in `filled`.

import { show } from '../core/options.js';

const FN = 'model';

/** Largest head width, layer count, head count and position count a config may state. */
export const MAX_HEAD_DIM = 2 ** 16;
export const MAX_LAYERS = 2 ** 14;
export const MAX_HEADS = 2 ** 16;
export const MAX_POSITIONS = 2 ** 31 - 1;

export function configTypeError(param: string, allowed: string, value: unknown): TypeError {
  return new TypeError(`posenc.${FN}: ${param} must be ${allowed}, got ${show(value)}`);
}

export function configRangeError(param: string, allowed: string, value: unknown): RangeError {
  return new RangeError(`posenc.${FN}: ${param} must be ${allowed}, got ${show(value)}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

export interface NumberRule {
  /** Lower bound (inclusive unless `open`). */
  min?: number;
  open?: boolean;
  max?: number;
  int?: boolean;
}

/** One config object (the top level, text_config, rope_scaling, …) and where it sits. */
export class ConfigReader {
  readonly filled: Record<string, unknown>;

  constructor(
    readonly obj: Readonly<Record<string, unknown>>,
    /** 'config', 'config.text_config', … */
    readonly path: string,
    /** Values HF's configuration class gives omitted keys (only for the top-level reader of a family). */
    readonly defaults: Readonly<Record<string, unknown>> = {},
    filled?: Record<string, unknown>,
  ) {
    this.filled = filled ?? {};
  }

  key(k: string): string {
    return `${this.path}.${k}`;
  }

  /** Present and not null. */
  has(k: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.obj, k) && this.obj[k] !== null && this.obj[k] !== undefined;
  }

  raw(k: string): unknown {
    return this.has(k) ? this.obj[k] : undefined;
  }

  /** The value, else the family default (recorded in `filled`), else undefined. */
  private value(k: string): unknown {
    if (this.has(k)) return this.obj[k];
    if (Object.prototype.hasOwnProperty.call(this.defaults, k)) {
      this.filled[k] = this.defaults[k];
      return this.defaults[k];
    }
    return undefined;
  }

  private checkNumber(k: string, v: unknown, rule: NumberRule): number {
    const p = this.key(k);
    if (typeof v !== 'number') throw configTypeError(p, rule.int ? 'an integer' : 'a number', v);
    const { min = -Infinity, open = false, max = Infinity, int = false } = rule;
    const ok = Number.isFinite(v) && (!int || Number.isInteger(v)) && (open ? v > min : v >= min) && v <= max;
    if (!ok) {
      const what = int ? 'an integer' : 'a finite number';
      const lo = min === -Infinity ? '' : `${open ? '>' : '≥'} ${min}`;
      const hi = max === Infinity ? '' : `≤ ${max}`;
      throw configRangeError(p, `${what}${lo ? ` ${lo}` : ''}${hi ? `${lo ? ' and' : ''} ${hi}` : ''}`, v);
    }
    return v;
  }

  /** An optional number (undefined when absent and without default). */
  optNum(k: string, rule: NumberRule = {}): number | undefined {
    const v = this.value(k);
    return v === undefined ? undefined : this.checkNumber(k, v, rule);
  }

  /** A required number: absent without a default is a TypeError naming the key. */
  num(k: string, rule: NumberRule = {}, why = ''): number {
    const v = this.value(k);
    if (v === undefined) throw new TypeError(`posenc.${FN}: ${this.key(k)} is required${why ? ` (${why})` : ''}; the config has no value and there is no default`);
    return this.checkNumber(k, v, rule);
  }

  optBool(k: string): boolean | undefined {
    const v = this.value(k);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw configTypeError(this.key(k), 'true or false', v);
    return v;
  }

  /**
   * An optional switch read as Python reads it in the reference code (`if config.x:`): a boolean, or
   * a number whose truth is ≠ 0 (Llama 4 Scout ships `attn_temperature_tuning: 4`).
   */
  optFlag(k: string): boolean | undefined {
    const v = this.value(k);
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return v !== 0;
    throw configTypeError(this.key(k), 'true, false or a finite number (read as its truth, as Python does)', v);
  }

  optStr(k: string): string | undefined {
    const v = this.value(k);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw configTypeError(this.key(k), 'a string', v);
    return v;
  }

  /** A nested object (undefined when absent). */
  optObj(k: string): ConfigReader | undefined {
    const v = this.value(k);
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) throw configTypeError(this.key(k), 'an object', v);
    return new ConfigReader(v, this.key(k));
  }

  /** An array of numbers (each checked by `rule`), or undefined. */
  optNumList(k: string, rule: NumberRule = {}, maxLength = MAX_HEAD_DIM): number[] | undefined {
    const v = this.value(k);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw configTypeError(this.key(k), 'an array of numbers', v);
    if (v.length > maxLength) throw configRangeError(`${this.key(k)}.length`, `at most ${maxLength}`, v.length);
    return v.map((x, i) => this.checkNumber(`${k}[${i}]`, x, rule));
  }

  /** An array of strings, or undefined. */
  optStrList(k: string, maxLength = MAX_LAYERS): string[] | undefined {
    const v = this.value(k);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw configTypeError(this.key(k), 'an array of strings', v);
    if (v.length > maxLength) throw configRangeError(`${this.key(k)}.length`, `at most ${maxLength}`, v.length);
    return v.map((x, i) => {
      if (typeof x !== 'string') throw configTypeError(`${this.key(k)}[${i}]`, 'a string', x);
      return x;
    });
  }

  /** The first present key of `keys` (aliases such as n_head / num_attention_heads), else the defaults'. */
  firstKey(keys: readonly string[]): string {
    for (const k of keys) if (this.has(k)) return k;
    for (const k of keys) if (Object.prototype.hasOwnProperty.call(this.defaults, k)) return k;
    return keys[0];
  }
}

/** The config itself: a plain object with a string model_type (or none). */
export function checkConfig(config: unknown): Readonly<Record<string, unknown>> {
  if (!isPlainObject(config)) throw configTypeError('config', 'a parsed config.json object', config);
  return config;
}

export { isPlainObject };
