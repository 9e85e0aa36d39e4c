/**
 * CLI output files: written atomically (temp file + rename, AtomicFileWriter), large arrays
 * streamed as JSON in chunks so a 4M-vertex result never becomes one giant string.
 */
import { AtomicFileWriter } from '../generate/write.js';

export { writeTextFile } from '../generate/write.js';

/** Values per chunk when an array is streamed as JSON. */
const JSON_CHUNK = 1 << 16;

type NumberArray = Float64Array | Int32Array | Uint32Array | Float32Array;

/** A JSON field whose value is a numeric array, streamed. */
export class JsonArray {
  constructor(readonly values: NumberArray) {}
}

/**
 * Write a JSON object whose top-level values are plain JSON values or JsonArray (streamed). Numbers
 * are printed by JavaScript's shortest round-trip form (what JSON.stringify does), so a float64
 * read back with JSON.parse is the same double.
 */
export function writeJsonFile(path: string, fields: Record<string, unknown>): void {
  const writer = new AtomicFileWriter(path);
  try {
    writer.write('{');
    let first = true;
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      writer.write(`${first ? '' : ','}\n  ${JSON.stringify(key)}: `);
      first = false;
      if (value instanceof JsonArray) writeArray(writer, value.values);
      else writer.write(JSON.stringify(value, null, 2).replace(/\n/g, '\n  '));
    }
    writer.write('\n}\n');
    writer.commit();
  } catch (error) {
    writer.abort();
    throw error;
  }
}

function writeArray(writer: AtomicFileWriter, values: NumberArray): void {
  writer.write('[');
  for (let start = 0; start < values.length; start += JSON_CHUNK) {
    const chunk = values.subarray(start, Math.min(values.length, start + JSON_CHUNK));
    // Typed-array join prints each number with Number::toString, the same text as JSON for finite
    // numbers; non-finite values (never produced by the algorithms) would become null.
    let text = chunk.join(',');
    if (/[NI]/.test(text)) text = Array.from(chunk, (x) => JSON.stringify(x)).join(',');
    writer.write(start === 0 ? text : `,${text}`);
  }
  writer.write(']');
}
