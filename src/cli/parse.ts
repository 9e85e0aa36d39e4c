/**
 * Strict parsing of command-line values. Commander hands over strings; each rule here throws an
 * OptionsError that names the flag and the rule (`--workers must be a positive integer, got "0"`),
 * which the CLI prints as one line with exit code 2.
 */
import { OptionsError } from '../errors.js';

const INTEGER = /^[+-]?\d+$/;

/** A safe integer in [min, max]. */
export function integerOption(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!INTEGER.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    const rule =
      min === 1 && max === Number.MAX_SAFE_INTEGER
        ? 'must be a positive integer'
        : min === 0 && max === Number.MAX_SAFE_INTEGER
          ? 'must be a non-negative integer'
          : `must be an integer in [${min}, ${max}]`;
    throw new OptionsError(flag, rule, text);
  }
  return value;
}

/** A finite number in [min, max]. */
export function numberOption(flag: string, text: string, min: number, max = Infinity): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    const rule = max === Infinity ? `must be a finite number >= ${min}` : `must be a number in [${min}, ${max}]`;
    throw new OptionsError(flag, rule, text);
  }
  return value;
}

/** An unsigned 64-bit integer (seeds). */
export function seedOption(flag: string, text: string): bigint {
  if (!/^\d+$/.test(text.trim())) throw new OptionsError(flag, 'must be an unsigned 64-bit integer', text);
  const value = BigInt(text.trim());
  if (value >= 1n << 64n) throw new OptionsError(flag, 'must be an unsigned 64-bit integer', text);
  return value;
}

export function choiceOption<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new OptionsError(flag, `must be one of ${choices.join(', ')}`, text);
  return text as T;
}
