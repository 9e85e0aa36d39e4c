/**
 * The streaming line machinery every text loader shares: chunks of bytes in, complete lines out,
 * with no string made per line and no line ever split.
 *
 * A source is a sequence of byte chunks (a file read 1–4 MiB at a time, gunzipped output, or one
 * fetched `Uint8Array`). `feedLines` hands a `LineParser` regions of a chunk that hold only whole
 * lines, each ending in '\n'; the parser walks the bytes itself (numbers straight from digits). The
 * one partial line at the end of a chunk is copied into a small carry buffer and completed from
 * the next chunk, so a line costs nothing extra unless it straddles a chunk boundary.
 *
 * The carry buffer never holds more than MAX_LINE_BYTES: a longer line fails as soon as that many
 * bytes have been seen, so a 1-GB line fails fast in constant memory.
 */
import { ErrorCode, InputError } from '../errors.js';

/** Bytes to parse: one array, or chunks in order (the chunks may be reused by the producer after each step). */
export type ByteSource = Uint8Array | Iterable<Uint8Array>;

/** The longest line any loader accepts, excluding its '\n'. */
export const MAX_LINE_BYTES = 1 << 20;

const NEWLINE = 10;

/** Whitespace inside a line: space, tab, CR (CRLF files), vertical tab, form feed. */
export function isBlank(byte: number): boolean {
  return byte === 32 || byte === 9 || byte === 13 || byte === 11 || byte === 12;
}

/** A byte no text file holds: NUL and the other C0 controls except whitespace, and DEL. */
export function isControl(byte: number): boolean {
  return (byte < 32 && !isBlank(byte) && byte !== NEWLINE) || byte === 127;
}

/** Iterate a ByteSource as chunks (a lone Uint8Array is one chunk; it is itself iterable by byte, hence the check). */
export function chunksOf(source: ByteSource): Iterable<Uint8Array> {
  return source instanceof Uint8Array ? [source] : source;
}

/**
 * A format's parser. `parseLines` receives [start, end) of complete lines, each ending in '\n', and
 * must advance `line` once per line and set `lineStart` to the offset of each line as it begins
 * (the driver uses both to report errors and to tell a too-long line from a malformed one).
 */
export abstract class LineParser {
  /** number of the line being parsed, 1-based; the count of lines seen when parsing is done */
  line = 0;
  /** offset in the current buffer where the line being parsed begins */
  lineStart = 0;
  /** end offset of the last token read by the number helpers */
  cursor = 0;

  constructor(readonly name: string) {}

  abstract parseLines(bytes: Uint8Array, start: number, end: number): void;

  error(code: ErrorCode, problem: string, field?: string, line = this.line): InputError {
    return new InputError(code, problem, { file: this.name, line, field });
  }

  /** The error for an unexpected byte at `at`: binary data when it is a control byte, else syntax. */
  unexpected(bytes: Uint8Array, at: number, field: string | undefined, what: string): InputError {
    const byte = bytes[at]!;
    if (isControl(byte)) {
      return this.error(ErrorCode.INPUT_BINARY, `binary data (byte 0x${byte.toString(16).padStart(2, '0')}) where text was expected`, field);
    }
    return this.error(ErrorCode.INPUT_SYNTAX, `${what}, got "${tokenText(bytes, at)}"`, field);
  }

  /** Skip a comment from `at` to the end of its line, rejecting control bytes. Returns the next line's offset. */
  skipComment(bytes: Uint8Array, at: number): number {
    let p = at;
    let byte = bytes[p]!;
    while (byte !== NEWLINE) {
      if ((byte < 32 || byte === 127) && isControl(byte)) throw this.unexpected(bytes, p, undefined, 'comment');
      byte = bytes[++p]!;
    }
    this.checkLength(p);
    return p + 1;
  }

  /** Check the length of a line that ended at `newline`. */
  checkLength(newline: number): void {
    if (newline - this.lineStart > MAX_LINE_BYTES) throw lineTooLong(this.name, this.line);
  }

  /**
   * Read a non-negative integer token at `at` (optional '+'), ending at a blank or '\n'.
   * Sets `cursor` to the byte after it. Negative, fractional and non-numeric tokens are errors.
   */
  readCount(bytes: Uint8Array, at: number, field: string): number {
    let p = at;
    let byte = bytes[p]!;
    if (byte === 43) byte = bytes[++p]!;
    let value = byte - 48;
    if (value < 0 || value > 9) {
      if (byte === 45) throw this.error(ErrorCode.INPUT_RANGE, `negative value "${tokenText(bytes, at)}"`, field);
      throw this.unexpected(bytes, p, field, 'expected a non-negative integer');
    }
    byte = bytes[++p]!;
    while (byte >= 48 && byte <= 57) {
      value = value * 10 + (byte - 48);
      byte = bytes[++p]!;
    }
    if (byte !== 32 && byte !== NEWLINE && !isBlank(byte)) {
      throw this.unexpected(bytes, p, field, 'expected an integer');
    }
    if (value > Number.MAX_SAFE_INTEGER) throw this.error(ErrorCode.INPUT_RANGE, `integer ${tokenText(bytes, at)} is too large`, field);
    this.cursor = p;
    return value;
  }

  /** Read a signed integer token (for neuron parameters and METIS weights). */
  readInteger(bytes: Uint8Array, at: number, field: string): number {
    if (bytes[at] === 45) {
      const value = this.readCount(bytes, at + 1, field);
      return value === 0 ? 0 : -value;
    }
    return this.readCount(bytes, at, field);
  }

  /**
   * Read a finite decimal number (`12`, `-2.5`, `1e3`, `.5`). Exact: digits that fit 2^53 with a
   * power of ten up to 1e22 are combined in one correctly rounded operation (Clinger's fast path);
   * anything else goes through `Number()` of the token's text, which is rare in graph files.
   */
  readNumber(bytes: Uint8Array, at: number, field: string): number {
    let p = at;
    let byte = bytes[p]!;
    let negative = false;
    if (byte === 45) {
      negative = true;
      byte = bytes[++p]!;
    } else if (byte === 43) {
      byte = bytes[++p]!;
    }
    let mantissa = 0;
    let digits = 0;
    let exponent = 0;
    while (byte >= 48 && byte <= 57) {
      mantissa = mantissa * 10 + (byte - 48);
      digits++;
      byte = bytes[++p]!;
    }
    if (byte === 46) {
      byte = bytes[++p]!;
      while (byte >= 48 && byte <= 57) {
        mantissa = mantissa * 10 + (byte - 48);
        digits++;
        exponent--;
        byte = bytes[++p]!;
      }
    }
    if (digits === 0) {
      const lower = byte | 32;
      if (lower === 110 || lower === 105) {
        // nan, inf, infinity: numbers of a kind, but never a valid weight
        throw this.error(ErrorCode.INPUT_RANGE, `"${tokenText(bytes, at)}" is not a finite number`, field);
      }
      throw this.unexpected(bytes, p, field, 'expected a number');
    }
    if (byte === 101 || byte === 69) {
      byte = bytes[++p]!;
      let exponentNegative = false;
      if (byte === 45 || byte === 43) {
        exponentNegative = byte === 45;
        byte = bytes[++p]!;
      }
      if (!(byte >= 48 && byte <= 57)) throw this.unexpected(bytes, p, field, 'expected exponent digits');
      let power = 0;
      while (byte >= 48 && byte <= 57) {
        // cap: beyond this the value is 0 or Infinity anyway
        if (power < 100_000) power = power * 10 + (byte - 48);
        byte = bytes[++p]!;
      }
      exponent += exponentNegative ? -power : power;
    }
    if (!isBlank(byte) && byte !== NEWLINE) throw this.unexpected(bytes, p, field, 'expected a number');
    this.cursor = p;
    let value: number;
    if (mantissa < 9007199254740992 && exponent >= -22 && exponent <= 22) {
      value = exponent < 0 ? mantissa / POWERS_OF_TEN[-exponent]! : mantissa * POWERS_OF_TEN[exponent]!;
    } else {
      value = Number(asciiText(bytes, negative ? at + 1 : at, p));
    }
    if (!Number.isFinite(value)) throw this.error(ErrorCode.INPUT_RANGE, `${tokenText(bytes, at)} is not a finite number`, field);
    return negative ? -value : value;
  }
}

const POWERS_OF_TEN: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

function asciiText(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let p = start; p < end; p++) text += String.fromCharCode(bytes[p]!);
  return text;
}

/** The token around `at` as printable text for a message (at most 40 characters). */
export function tokenText(bytes: Uint8Array, at: number): string {
  let start = at;
  while (start > 0 && !isBlank(bytes[start - 1]!) && bytes[start - 1] !== NEWLINE && at - start < 20) start--;
  let end = at;
  while (end < bytes.length && !isBlank(bytes[end]!) && bytes[end] !== NEWLINE && end - start < 40) end++;
  if (end === start) return end < bytes.length ? (bytes[end] === NEWLINE ? 'end of line' : 'blank') : 'end of file';
  let text = '';
  for (let p = start; p < end; p++) {
    const byte = bytes[p]!;
    text += byte >= 32 && byte < 127 ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return text;
}

export function lineTooLong(name: string, line: number): InputError {
  return new InputError(ErrorCode.INPUT_LINE_TOO_LONG, `line is longer than ${MAX_LINE_BYTES} bytes`, { file: name, line });
}

/**
 * Feed every line of `source` to `parser`. Returns the number of bytes seen. A UTF-8 byte order
 * mark at the very start is skipped. Errors from the parser are rethrown, except that an error on
 * a line longer than MAX_LINE_BYTES becomes INPUT_LINE_TOO_LONG (the real problem).
 */
export function feedLines(parser: LineParser, source: Iterable<Uint8Array>): number {
  let carry: Uint8Array = new Uint8Array(4096);
  let carryLength = 0;
  let total = 0;
  for (const chunk of source) {
    if (chunk.length === 0) continue;
    let start = 0;
    if (total === 0 && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    total += chunk.length;
    if (carryLength > 0) {
      const newline = chunk.indexOf(NEWLINE);
      const take = newline < 0 ? chunk.length : newline + 1;
      if (carryLength + take > MAX_LINE_BYTES + 1) throw lineTooLong(parser.name, parser.line + 1);
      carry = ensureCapacity(carry, carryLength, carryLength + take);
      carry.set(chunk.subarray(0, take), carryLength);
      carryLength += take;
      if (newline < 0) continue;
      runParser(parser, carry, 0, carryLength);
      carryLength = 0;
      start = take;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      runParser(parser, chunk, start, last + 1);
      start = last + 1;
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      if (rest > MAX_LINE_BYTES) throw lineTooLong(parser.name, parser.line + 1);
      carry = ensureCapacity(carry, 0, rest + 1);
      carry.set(chunk.subarray(start), 0);
      carryLength = rest;
    }
  }
  if (carryLength > 0) {
    // the last line had no '\n': give it one so every parser sees the same shape of line
    carry = ensureCapacity(carry, carryLength, carryLength + 1);
    carry[carryLength++] = NEWLINE;
    runParser(parser, carry, 0, carryLength);
  }
  return total;
}

function runParser(parser: LineParser, bytes: Uint8Array, start: number, end: number): void {
  try {
    parser.parseLines(bytes, start, end);
  } catch (error) {
    if (error instanceof InputError && error.code !== ErrorCode.INPUT_LINE_TOO_LONG) {
      const newline = bytes.indexOf(NEWLINE, parser.lineStart);
      const lineEnd = newline < 0 ? bytes.length : newline;
      if (lineEnd - parser.lineStart > MAX_LINE_BYTES) throw lineTooLong(parser.name, parser.line);
    }
    throw error;
  }
}

function ensureCapacity(buffer: Uint8Array, keep: number, needed: number): Uint8Array {
  if (needed <= buffer.length) return buffer;
  const grown = new Uint8Array(Math.max(needed, buffer.length * 2));
  grown.set(buffer.subarray(0, keep));
  return grown;
}
