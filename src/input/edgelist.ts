/**
 * Edge list (`.el`, `.txt`): one arc per line, `src dst [weight [delay]]`, fields separated by any
 * whitespace; `#` and `%` start comment lines; blank lines and CRLF are fine.
 *
 * Header comments `# n: N` (vertex count, isolated vertices included) and `# m: M` (arc lines)
 * are honoured: ids >= N are errors naming their line, and a wrong M is an INPUT_HEADER error.
 * Without `# n:`, n is the largest id + 1, unless the ids are sparse (SNAP style): then they are
 * remapped to their rank (see `denseIds`) and `vertexIds` maps back.
 */
import { ErrorCode } from '../errors.js';
import { MAX_DELAY } from '../memory/layout.js';
import { ArcAccumulator, denseIds, type RemapMode } from './arcs.js';
import { MAX_VERTICES, type ArcArrays } from './graph.js';
import { LineParser, feedLines, isBlank } from './lines.js';

const FIELD_NAMES = ['src', 'dst', 'weight', 'delay'] as const;
/** consecutive lines the fast path may decline before it is switched off for the file */
const FAST_TRIES = 64;
/** lines per call of the fast path */
const FAST_BATCH = 4096;

class EdgeListParser extends LineParser {
  readonly arcs = new ArcAccumulator();
  /** fields per arc line (2, 3 or 4), fixed by the first arc line */
  columns = 0;
  declaredVertices = -1;
  declaredVerticesLine = 0;
  declaredArcs = -1;
  declaredArcsLine = 0;
  /** ids must be below this (the declared n, or no bound) */
  idLimit = Number.POSITIVE_INFINITY;
  maxId = -1;
  maxIdLine = 0;
  /** bytes handed to parseLines so far, and the source's total when known (for the capacity estimate) */
  bytesParsed = 0;
  totalBytes = 0;

  parseLines(bytes: Uint8Array, start: number, end: number): void {
    const arcs = this.arcs;
    if (this.totalBytes > 0 && this.bytesParsed > 0) {
      // arcs per byte so far, times the whole file, plus a little: one growth instead of several
      arcs.expected = Math.ceil(((arcs.count + 1) / this.bytesParsed) * this.totalBytes * 1.02);
    }
    this.bytesParsed += end - start;
    let p = start;
    while (p < end) {
      if (this.fastTries > 0 && (this.columns === 2 || this.columns === 3)) {
        const stop = this.fastLines(bytes, p, end);
        // a format the fast path never takes (real weights, trailing blanks): stop trying
        this.fastTries = stop === p ? this.fastTries - 1 : FAST_TRIES;
        p = stop;
        if (p >= end) break;
      }
      this.line++;
      this.lineStart = p;
      let byte = bytes[p]!;
      while (byte === 32 || byte === 9 || byte === 13) byte = bytes[++p]!;
      if (byte === 10) {
        this.checkLength(p);
        p++;
        continue;
      }
      if (byte === 35 || byte === 37) {
        p = this.comment(bytes, p);
        continue;
      }
      if (isBlank(byte)) {
        while (isBlank(bytes[p]!)) p++;
        if (bytes[p] === 10) {
          this.checkLength(p);
          p++;
          continue;
        }
      }
      const source = this.readCount(bytes, p, 'src');
      p = this.cursor;
      byte = bytes[p]!;
      while (byte === 32 || byte === 9 || byte === 13 || isBlank(byte)) byte = bytes[++p]!;
      if (byte === 10) throw this.error(ErrorCode.INPUT_SYNTAX, 'an arc line needs at least two fields, src and dst', 'dst');
      const target = this.readCount(bytes, p, 'dst');
      p = this.cursor;
      const limit = this.idLimit;
      if (source >= limit) throw this.idBeyondDeclared(source, 'src');
      if (target >= limit) throw this.idBeyondDeclared(target, 'dst');
      if (source > this.maxId || target > this.maxId) {
        this.maxId = source > target ? source : target;
        this.maxIdLine = this.line;
      }
      const index = arcs.add(source, target);
      // Optional weight and delay.
      byte = bytes[p]!;
      while (byte === 32 || byte === 9 || byte === 13 || isBlank(byte)) byte = bytes[++p]!;
      let fields = 2;
      if (byte !== 10) {
        const weight = this.readNumber(bytes, p, 'weight');
        p = this.cursor;
        fields = 3;
        if (this.columns === 0) this.setColumns(bytes, p);
        if (arcs.weights) arcs.weights[index] = weight;
        byte = bytes[p]!;
        while (isBlank(byte)) byte = bytes[++p]!;
        if (byte !== 10) {
          const delay = this.readNumber(bytes, p, 'delay');
          p = this.cursor;
          fields = 4;
          if (!(Number.isInteger(delay) && delay >= 1 && delay <= MAX_DELAY)) {
            throw this.error(ErrorCode.INPUT_RANGE, `delay ${delay} is not an integer in [1, ${MAX_DELAY}]`, 'delay');
          }
          if (arcs.delays) arcs.delays[index] = delay;
          byte = bytes[p]!;
          while (isBlank(byte)) byte = bytes[++p]!;
          if (byte !== 10) throw this.error(ErrorCode.INPUT_SYNTAX, 'an arc line has at most four fields: src dst weight delay', 'extra');
        }
      }
      if (fields !== this.columns) {
        if (this.columns === 0) this.columns = fields;
        else throw this.mixedColumns(fields);
      }
      p++;
      if (p - 1 - this.lineStart > 1 << 20) this.checkLength(p - 1);
    }
  }

  /** attempts left for the fast path before giving up on it for this file */
  fastTries = FAST_TRIES;
  /** lines the next fast-path call may take */
  fastBatch = 8;

  /**
   * The common line, `digits blank digits [blank digits]` then '\n' (or CRLF), with ids below 1e9
   * and a non-negative integer weight, parsed with all state in locals. Returns where it stopped:
   * the start of the first line it does not take, which the general path then parses (and reports,
   * when it is bad), so the fast path never decides about an error.
   */
  private fastLines(bytes: Uint8Array, start: number, end: number): number {
    const arcs = this.arcs;
    if (arcs.wide) return start;
    const weights = arcs.weights;
    const weighted = this.columns === 3;
    if (weighted && !weights) return start;
    const sources = arcs.src32;
    const targets = arcs.dst32;
    // A bounded batch per call, small at first: V8 then optimizes the whole function after its
    // exit code has run. One long first call gets optimized mid-loop (on-stack replacement) with
    // no feedback for the exit code, which then deoptimizes on every exit: 3x slower.
    const batch = this.fastBatch;
    if (batch < FAST_BATCH) this.fastBatch = batch * 2;
    const room = Math.min(sources.length, arcs.count + batch);
    const limit = Math.min(this.idLimit, 1e9);
    let count = arcs.count;
    let line = this.line;
    let maxId = this.maxId;
    let maxIdLine = this.maxIdLine;
    let p = start;
    let lineStart = start;
    while (p < end && count < room) {
      let byte = bytes[p]!;
      let source = byte - 48;
      if (source < 0 || source > 9) break;
      let digits = 1;
      byte = bytes[++p]!;
      while (byte >= 48 && byte <= 57) {
        source = source * 10 + (byte - 48);
        digits++;
        byte = bytes[++p]!;
      }
      if ((byte !== 32 && byte !== 9) || digits > 9) break;
      byte = bytes[++p]!;
      while (byte === 32 || byte === 9) byte = bytes[++p]!;
      let target = byte - 48;
      if (target < 0 || target > 9) break;
      digits = 1;
      byte = bytes[++p]!;
      while (byte >= 48 && byte <= 57) {
        target = target * 10 + (byte - 48);
        digits++;
        byte = bytes[++p]!;
      }
      if (digits > 9) break;
      let weight = 0;
      if (weighted) {
        if (byte !== 32 && byte !== 9) break;
        byte = bytes[++p]!;
        while (byte === 32 || byte === 9) byte = bytes[++p]!;
        weight = byte - 48;
        if (weight < 0 || weight > 9) break;
        digits = 1;
        byte = bytes[++p]!;
        while (byte >= 48 && byte <= 57) {
          weight = weight * 10 + (byte - 48);
          digits++;
          byte = bytes[++p]!;
        }
        if (digits > 15) break;
      }
      if (byte === 13) byte = bytes[++p]!;
      if (byte !== 10 || source >= limit || target >= limit) break;
      p++;
      line++;
      sources[count] = source;
      targets[count] = target;
      if (weighted) weights![count] = weight;
      count++;
      if (source > maxId || target > maxId) {
        maxId = source > target ? source : target;
        maxIdLine = line;
      }
      lineStart = p;
    }
    arcs.count = count;
    this.line = line;
    this.maxId = maxId;
    this.maxIdLine = maxIdLine;
    return lineStart;
  }

  /** The first arc line with a weight decides the columns: make room for them. */
  private setColumns(bytes: Uint8Array, at: number): void {
    this.arcs.enableWeights();
    let p = at;
    while (isBlank(bytes[p]!)) p++;
    if (bytes[p] !== 10) this.arcs.enableDelays();
  }

  private mixedColumns(fields: number): Error {
    const field = fields < this.columns ? FIELD_NAMES[fields]! : FIELD_NAMES[this.columns]!;
    const problem = fields < this.columns ? `missing ${field}` : `unexpected ${field}`;
    return this.error(ErrorCode.INPUT_SYNTAX, `${problem}: this line has ${fields} fields but earlier arc lines have ${this.columns}`, field);
  }

  private idBeyondDeclared(id: number, field: string): Error {
    return this.error(ErrorCode.INPUT_RANGE, `vertex id ${id} is not below the declared vertex count n = ${this.declaredVertices}`, field);
  }

  /** A comment line; `# n: N` and `# m: M` are read as headers. */
  private comment(bytes: Uint8Array, at: number): number {
    let p = at + 1;
    while (bytes[p] === 32 || bytes[p] === 9) p++;
    const key = bytes[p];
    if (key === 110 || key === 109) {
      let q = p + 1;
      while (bytes[q] === 32 || bytes[q] === 9) q++;
      if (bytes[q] === 58) {
        q++;
        while (isBlank(bytes[q]!)) q++;
        const field = key === 110 ? 'n' : 'm';
        let value: number;
        try {
          value = this.readCount(bytes, q, field);
        } catch (cause) {
          throw this.error(ErrorCode.INPUT_HEADER, `header "# ${field}:" needs a non-negative integer`, field);
        }
        let r = this.cursor;
        while (isBlank(bytes[r]!)) r++;
        if (bytes[r] !== 10) throw this.error(ErrorCode.INPUT_HEADER, `header "# ${field}:" needs a non-negative integer`, field);
        this.header(field, value);
        return r + 1;
      }
    }
    return this.skipComment(bytes, at);
  }

  private header(field: 'n' | 'm', value: number): void {
    if (field === 'n') {
      if (this.declaredVertices >= 0 && this.declaredVertices !== value) {
        throw this.error(ErrorCode.INPUT_HEADER, `"# n: ${value}" contradicts "# n: ${this.declaredVertices}" on line ${this.declaredVerticesLine}`, 'n');
      }
      if (value > MAX_VERTICES) throw this.error(ErrorCode.INPUT_HEADER, `declared vertex count ${value} is above the limit ${MAX_VERTICES}`, 'n');
      // ids read before the header are checked at the end (maxId, maxIdLine)
      this.declaredVertices = value;
      this.declaredVerticesLine = this.line;
      this.idLimit = value;
    } else {
      if (this.declaredArcs >= 0 && this.declaredArcs !== value) {
        throw this.error(ErrorCode.INPUT_HEADER, `"# m: ${value}" contradicts "# m: ${this.declaredArcs}" on line ${this.declaredArcsLine}`, 'm');
      }
      this.declaredArcs = value;
      this.declaredArcsLine = this.line;
    }
  }
}

export interface EdgeListOptions {
  name?: string;
  remap?: RemapMode;
  /** the uncompressed size of the source when known: lets the arc arrays grow once, not by doubling */
  totalBytes?: number;
}

/** Parse edge-list text into arc arrays (validated; ready for `buildGraph(..., { trusted: true })`). */
export function readEdgeList(chunks: Iterable<Uint8Array>, options: EdgeListOptions = {}): ArcArrays {
  const name = options.name ?? '<edge list>';
  const parser = new EdgeListParser(name);
  parser.totalBytes = options.totalBytes ?? 0;
  const bytes = feedLines(parser, chunks);
  const arcs = parser.arcs;
  if (bytes === 0) throw parser.error(ErrorCode.INPUT_EMPTY, 'the file is empty', undefined, 1);
  const m = arcs.count;
  if (parser.declaredArcs >= 0 && parser.declaredArcs !== m) {
    throw parser.error(ErrorCode.INPUT_HEADER, `header declares m = ${parser.declaredArcs} arcs but the file has ${m} arc lines`, 'm', parser.declaredArcsLine);
  }
  let result: Pick<ArcArrays, 'n' | 'src' | 'dst' | 'vertexIds'>;
  if (parser.declaredVertices >= 0) {
    if (parser.maxId >= parser.declaredVertices) {
      throw parser.error(ErrorCode.INPUT_RANGE, `vertex id ${parser.maxId} is not below the declared vertex count n = ${parser.declaredVertices}`, 'src', parser.maxIdLine);
    }
    result = { n: parser.declaredVertices, src: arcs.src32.subarray(0, m), dst: arcs.dst32.subarray(0, m) };
  } else {
    if (m === 0) throw parser.error(ErrorCode.INPUT_EMPTY, 'no arcs and no "# n:" header: nothing to build a graph from', undefined, Math.max(parser.line, 1));
    result = denseIds(arcs, parser.maxId, options.remap ?? 'auto', name, parser.maxIdLine);
  }
  return { ...result, weights: arcs.weightArray(), delays: arcs.delayArray(), name };
}
