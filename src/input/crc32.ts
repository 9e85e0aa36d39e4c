/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of zlib, gzip and PNG.
 *
 * No CRC package is installed and the snapshot reader must also run in browsers (so node:zlib's
 * crc32 is not an option): this is the classic table-driven form, slicing by 4 bytes, which checks
 * about 1 GB/s on V8. Known vectors are tested in test/generate/snapshot.test.ts.
 */

// Four 256-entry tables: TABLE[k * 256 + b] is the CRC of byte b followed by k zero bytes. Built
// once at module load; read-only afterwards.
const TABLE = (() => {
  const table = new Uint32Array(4 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    for (let k = 1; k < 4; k++) {
      const previous = table[(k - 1) * 256 + b]!;
      table[k * 256 + b] = table[previous & 0xff]! ^ (previous >>> 8);
    }
  }
  return table;
})();

/**
 * Continue a CRC-32 over `bytes`. Start with `crc = 0`; feed pieces in order to checksum data that
 * is not contiguous: `crc32(b, crc32(a))` equals `crc32(a ++ b)`.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  const length = bytes.length;
  let i = 0;
  // Slicing by 4: one table lookup per byte, but four independent lookups per step.
  const whole = length - (length % 4);
  for (; i < whole; i += 4) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = TABLE[768 + (c & 0xff)]! ^ TABLE[512 + ((c >>> 8) & 0xff)]! ^ TABLE[256 + ((c >>> 16) & 0xff)]! ^ TABLE[c >>> 24]!;
  }
  for (; i < length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
