/**
 * Streaming gunzip over byte chunks (fflate's `Gunzip`, which also runs in browsers): memory holds
 * one compressed chunk and the text it inflates to, never the whole text.
 *
 * fflate neither checks the gzip trailer nor complains about a stream cut inside it, so a
 * truncated file could pass as a shorter graph. For a single-member file (what gzip and every
 * data set here write) the trailer's CRC-32 and length are checked against the inflated bytes;
 * multi-member files are inflated member after member without that check.
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
 * Inflate gzip chunks lazily. The producer's chunks are kept by fflate between pushes, so they
 * must not be reused (the Node loader hands fresh buffers for compressed files).
 */
export function* gunzipChunks(source: Iterable<Uint8Array>, name: string): Generator<Uint8Array> {
  const pending: Uint8Array[] = [];
  let members = 1;
  let crc = 0;
  let inflatedLength = 0;
  let compressedLength = 0;
  const trailer = new Uint8Array(8);
  let trailerLength = 0;
  const gunzip = new Gunzip((data) => {
    if (data.length > 0) pending.push(data);
  });
  gunzip.onmember = () => {
    members++;
  };
  const push = (chunk: Uint8Array, final: boolean): void => {
    try {
      gunzip.push(chunk, final);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      throw compressionError(name, `corrupt or truncated gzip data (${message})`, cause);
    }
  };
  let previous: Uint8Array | null = null;
  const emit = function* (): Generator<Uint8Array> {
    while (pending.length > 0) {
      const data = pending.shift()!;
      crc = crc32(data, crc);
      inflatedLength += data.length;
      yield data;
    }
  };
  // Push one chunk behind, so the last chunk can be pushed with `final` set.
  for (const chunk of source) {
    if (chunk.length === 0) continue;
    if (compressedLength === 0 && !(chunk.length >= 2 ? isGzip(chunk) : chunk[0] === 0x1f)) {
      throw compressionError(name, 'not gzip data (the file name ends in .gz but the magic number 1f 8b is missing)');
    }
    compressedLength += chunk.length;
    keepTail(chunk);
    if (previous) {
      push(previous, false);
      yield* emit();
    }
    previous = chunk;
  }
  if (!previous) return;
  if (compressedLength < 18) throw compressionError(name, `truncated gzip data (${compressedLength} bytes, a gzip stream needs at least 18)`);
  push(previous, true);
  yield* emit();
  if (members === 1) {
    const view = new DataView(trailer.buffer);
    const expectedCrc = view.getUint32(0, true);
    const expectedLength = view.getUint32(4, true);
    if (expectedLength !== inflatedLength % 2 ** 32 || expectedCrc !== crc) {
      throw compressionError(name, 'corrupt or truncated gzip data (the trailer\'s CRC-32 or length does not match the inflated data)');
    }
  }

  function keepTail(chunk: Uint8Array): void {
    if (chunk.length >= 8) {
      trailer.set(chunk.subarray(chunk.length - 8));
      trailerLength = 8;
    } else {
      const keep = Math.min(trailerLength, 8 - chunk.length);
      trailer.copyWithin(0, trailerLength - keep, trailerLength);
      trailer.set(chunk, keep);
      trailerLength = keep + chunk.length;
    }
  }
}
