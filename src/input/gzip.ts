/**
 * Streaming gunzip over byte chunks (fflate's `Gunzip`, which also runs in browsers): memory holds
 * one compressed chunk and the text it inflates to, never the whole text.
 *
 * fflate neither checks the gzip trailer nor complains about a stream cut inside it, so a
 * truncated file could pass as a shorter graph. For a single-member file (what gzip and every
 * data set here write) the trailer's CRC-32 and length are checked against the inflated bytes;
 * multi-member files are inflated member after member without that check.
 *
 * A corrupt stream often inflates to garbage that the text parser rejects before the trailer is
 * reached. `GunzipStream.explain` lets the loader drain the rest of the stream in that case and
 * report the real cause, INPUT_COMPRESSION, instead of a syntax error on line 17.
 */
import { Gunzip } from 'fflate';
import { ErrorCode, InputError } from '../errors.js';
import { crc32 } from './crc32.js';

function compressionError(name: string, problem: string, cause?: unknown): InputError {
  return new InputError(ErrorCode.INPUT_COMPRESSION, problem, { file: name }, { cause });
}

/** True when `bytes` starts with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflated chunks of a gzip source, produced lazily. The producer's chunks are kept by fflate
 * between pushes, so they must not be reused (the Node loader hands fresh buffers for .gz files).
 * Iterating does not close the source early: call `close` (or `explain`) when abandoning it.
 */
export class GunzipStream implements Iterable<Uint8Array> {
  private readonly source: Iterator<Uint8Array>;
  private readonly gunzip: Gunzip;
  private readonly pending: Uint8Array[] = [];
  private members = 1;
  private crc = 0;
  private inflatedLength = 0;
  private compressedLength = 0;
  private readonly trailer = new Uint8Array(8);
  private trailerLength = 0;
  private previous: Uint8Array | null = null;
  private finished = false;
  /** set once the last chunk went in with `final`: only then can the trailer be checked */
  private pendingTrailerCheck = false;

  constructor(
    source: Iterable<Uint8Array>,
    readonly name: string,
  ) {
    this.source = source[Symbol.iterator]();
    this.gunzip = new Gunzip((data) => {
      if (data.length > 0) this.pending.push(data);
    });
    this.gunzip.onmember = () => {
      this.members++;
    };
  }

  [Symbol.iterator](): Iterator<Uint8Array> {
    return { next: () => this.next() };
  }

  private next(): IteratorResult<Uint8Array> {
    for (;;) {
      const data = this.pending.shift();
      if (data) {
        this.crc = crc32(data, this.crc);
        this.inflatedLength += data.length;
        return { value: data, done: false };
      }
      if (this.finished) return { value: undefined, done: true };
      this.pull();
    }
  }

  /** Push the next compressed chunk (one behind, so the last can be pushed with `final`). */
  private pull(): void {
    const step = this.source.next();
    if (step.done) {
      this.finished = true;
      if (!this.previous) return;
      if (this.compressedLength < 18) throw compressionError(this.name, `truncated gzip data (${this.compressedLength} bytes; a gzip stream needs at least 18)`);
      this.push(this.previous, true);
      this.previous = null;
      this.pendingTrailerCheck = true;
      return;
    }
    const chunk = step.value;
    if (chunk.length === 0) return;
    // the magic number 1f 8b, which may arrive split across the first two chunks
    if (this.compressedLength === 0 && (chunk[0] !== 0x1f || (chunk.length >= 2 && chunk[1] !== 0x8b))) this.notGzip();
    if (this.compressedLength === 1 && chunk[0] !== 0x8b) this.notGzip();
    this.compressedLength += chunk.length;
    this.keepTail(chunk);
    if (this.previous) this.push(this.previous, false);
    this.previous = chunk;
  }

  /** Called by the loader once all text was parsed: the trailer check for single-member files. */
  verify(): void {
    // drain anything left (there is nothing when the parser read to the end)
    while (!this.next().done) {
      /* inflate the rest so the CRC covers it */
    }
    if (!this.pendingTrailerCheck || this.members !== 1) return;
    const view = new DataView(this.trailer.buffer);
    const expectedCrc = view.getUint32(0, true);
    const expectedLength = view.getUint32(4, true);
    if (expectedLength !== this.inflatedLength % 2 ** 32 || expectedCrc !== this.crc) {
      throw compressionError(this.name, "corrupt or truncated gzip data (the trailer's CRC-32 or length does not match the inflated data)");
    }
  }

  /**
   * The parser failed with `error`: drain and verify the rest of the stream; if the compression
   * is broken, that is the error to report (with the parser's as its cause).
   */
  explain(error: unknown): unknown {
    if (error instanceof InputError && error.code === ErrorCode.INPUT_COMPRESSION) return error;
    try {
      this.verify();
    } catch (compression) {
      if (compression instanceof InputError && compression.code === ErrorCode.INPUT_COMPRESSION) {
        return new InputError(ErrorCode.INPUT_COMPRESSION, compression.details.problem as string, { file: this.name }, { cause: error });
      }
    } finally {
      this.close();
    }
    return error;
  }

  close(): void {
    this.source.return?.();
  }

  private push(chunk: Uint8Array, final: boolean): void {
    try {
      this.gunzip.push(chunk, final);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      throw compressionError(this.name, `corrupt or truncated gzip data (${message})`, cause);
    }
  }

  private notGzip(): never {
    throw compressionError(this.name, 'not gzip data (the magic number 1f 8b is missing)');
  }

  private keepTail(chunk: Uint8Array): void {
    const trailer = this.trailer;
    if (chunk.length >= 8) {
      trailer.set(chunk.subarray(chunk.length - 8));
      this.trailerLength = 8;
    } else {
      const keep = Math.min(this.trailerLength, 8 - chunk.length);
      trailer.copyWithin(0, this.trailerLength - keep, this.trailerLength);
      trailer.set(chunk, keep);
      this.trailerLength = keep + chunk.length;
    }
  }
}

/**
 * Run `parse` over the text of `source`: through a GunzipStream when `gzip`, with the trailer
 * verified after parsing and compression errors preferred over the parse errors they cause.
 */
export function withText<T>(source: Iterable<Uint8Array>, name: string, gzip: boolean, parse: (chunks: Iterable<Uint8Array>) => T): T {
  if (!gzip) return parse(source);
  const stream = new GunzipStream(source, name);
  let result: T;
  try {
    result = parse(stream);
    stream.verify();
  } catch (error) {
    throw stream.explain(error);
  } finally {
    stream.close();
  }
  return result;
}
