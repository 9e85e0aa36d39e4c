/**
 * METIS graph files (`.graph`): a header `n m [fmt [ncon]]`, `%` comment lines, then exactly n
 * vertex lines (an empty line is an isolated vertex). Line v lists v's neighbours, 1-based; `fmt`
 * has up to three digits, "abc": a = each line starts with a vertex size, b = then `ncon` vertex
 * weights (ncon defaults to 1), c = each neighbour is followed by an edge weight. Sizes and vertex
 * weights are checked and dropped (the graph model has no use for them).
 *
 * METIS lists every undirected edge from both ends, so each adjacency entry becomes one arc and
 * the file must hold 2m of them.
 */
import { ErrorCode } from '../errors.js';
import { ArcAccumulator } from './arcs.js';
import { MAX_VERTICES, type ArcArrays } from './graph.js';
import { LineParser, feedLines, isBlank, tokenText } from './lines.js';

class MetisParser extends LineParser {
  arcs: ArcAccumulator | null = null;
  headerLine = 0;
  vertices = 0;
  edges = 0;
  hasSizes = false;
  vertexWeights = 0;
  hasEdgeWeights = false;
  /** vertex lines read so far (= the 0-based id of the next vertex) */
  vertex = 0;
  /** line of the last vertex line, for the error on trailing content */
  lastVertexLine = 0;

  parseLines(bytes: Uint8Array, start: number, end: number): void {
    let p = start;
    while (p < end) {
      this.line++;
      this.lineStart = p;
      let q = p;
      while (isBlank(bytes[q]!)) q++;
      const byte = bytes[q]!;
      if (byte === 37) {
        p = this.skipComment(bytes, q);
        continue;
      }
      if (!this.arcs) {
        if (byte === 10) {
          this.checkLength(q);
          p = q + 1;
          continue;
        }
        p = this.header(bytes, q);
      } else if (this.vertex < this.vertices) {
        p = this.vertexLine(bytes, q);
      } else {
        if (byte !== 10) {
          throw this.error(ErrorCode.INPUT_SYNTAX, `more than n = ${this.vertices} vertex lines (the header is on line ${this.headerLine})`, 'n');
        }
        p = q + 1;
      }
      this.checkLength(p - 1);
    }
  }

  private header(bytes: Uint8Array, at: number): number {
    const n = this.readCount(bytes, at, 'n');
    let p = this.skipBlanks(bytes, this.cursor);
    if (bytes[p] === 10) throw this.error(ErrorCode.INPUT_HEADER, 'the header needs at least two fields: n m', 'm');
    const m = this.readCount(bytes, p, 'm');
    p = this.skipBlanks(bytes, this.cursor);
    let format = 0;
    let ncon = 1;
    if (bytes[p] !== 10) {
      // fmt is read as digits, e.g. "011": at most three, each 0 or 1
      const formatStart = p;
      while (bytes[p] === 48 || bytes[p] === 49) p++;
      if (p - formatStart > 3 || !(isBlank(bytes[p]!) || bytes[p] === 10) || p === formatStart) {
        throw this.error(ErrorCode.INPUT_HEADER, `fmt must be up to three digits 0 or 1, got "${tokenText(bytes, formatStart)}"`, 'fmt');
      }
      for (let k = formatStart; k < p; k++) format = format * 10 + (bytes[k]! - 48);
      p = this.skipBlanks(bytes, p);
      if (bytes[p] !== 10) {
        ncon = this.readCount(bytes, p, 'ncon');
        p = this.skipBlanks(bytes, this.cursor);
        if (ncon < 1 || ncon > 1024) throw this.error(ErrorCode.INPUT_HEADER, `ncon must be in [1, 1024], got ${ncon}`, 'ncon');
        if (bytes[p] !== 10) throw this.error(ErrorCode.INPUT_HEADER, 'the header has at most four fields: n m fmt ncon', 'extra');
      }
    }
    if (n > MAX_VERTICES) throw this.error(ErrorCode.INPUT_RANGE, `n = ${n} is above the vertex limit ${MAX_VERTICES}`, 'n');
    this.vertices = n;
    this.edges = m;
    this.hasSizes = Math.floor(format / 100) % 10 === 1;
    this.vertexWeights = Math.floor(format / 10) % 10 === 1 ? ncon : 0;
    this.hasEdgeWeights = format % 10 === 1;
    this.headerLine = this.line;
    this.arcs = new ArcAccumulator(2 * m);
    if (this.hasEdgeWeights) this.arcs.enableWeights();
    return p + 1;
  }

  private vertexLine(bytes: Uint8Array, at: number): number {
    const arcs = this.arcs!;
    const vertex = this.vertex++;
    this.lastVertexLine = this.line;
    let p = at;
    if (this.hasSizes) {
      this.requireField(bytes, p, 'size');
      this.readCount(bytes, p, 'size');
      p = this.skipBlanks(bytes, this.cursor);
    }
    for (let k = 0; k < this.vertexWeights; k++) {
      this.requireField(bytes, p, 'vertex weight');
      this.readInteger(bytes, p, 'vertex weight');
      p = this.skipBlanks(bytes, this.cursor);
    }
    const n = this.vertices;
    while (bytes[p] !== 10) {
      const neighbour = this.readCount(bytes, p, 'neighbour');
      if (neighbour < 1 || neighbour > n) throw this.error(ErrorCode.INPUT_RANGE, `neighbour ${neighbour} is outside 1..${n}`, 'neighbour');
      const index = arcs.add(vertex, neighbour - 1);
      p = this.skipBlanks(bytes, this.cursor);
      if (this.hasEdgeWeights) {
        this.requireField(bytes, p, 'edge weight');
        arcs.weights![index] = this.readInteger(bytes, p, 'edge weight');
        p = this.skipBlanks(bytes, this.cursor);
      }
    }
    return p + 1;
  }

  private requireField(bytes: Uint8Array, at: number, field: string): void {
    if (bytes[at] === 10) throw this.error(ErrorCode.INPUT_SYNTAX, `missing ${field}`, field);
  }

  private skipBlanks(bytes: Uint8Array, at: number): number {
    let p = at;
    while (isBlank(bytes[p]!)) p++;
    return p;
  }
}

/** Parse a METIS graph into arc arrays (validated; ready for `buildGraph(..., { trusted: true })`). */
export function readMetis(chunks: Iterable<Uint8Array>, options: { name?: string } = {}): ArcArrays {
  const name = options.name ?? '<metis>';
  const parser = new MetisParser(name);
  const bytes = feedLines(parser, chunks);
  if (bytes === 0) throw parser.error(ErrorCode.INPUT_EMPTY, 'the file is empty', undefined, 1);
  const arcs = parser.arcs;
  if (!arcs) throw parser.error(ErrorCode.INPUT_EMPTY, 'no header line "n m [fmt [ncon]]"', 'n', Math.max(parser.line, 1));
  if (parser.vertex < parser.vertices) {
    throw parser.error(
      ErrorCode.INPUT_SYNTAX,
      `the header (line ${parser.headerLine}) declares n = ${parser.vertices} vertex lines but the file has ${parser.vertex}`,
      'n',
      parser.line + 1,
    );
  }
  const m = arcs.count;
  if (m !== 2 * parser.edges) {
    throw parser.error(ErrorCode.INPUT_HEADER, `the header declares m = ${parser.edges} edges (${2 * parser.edges} adjacency entries) but the file has ${m} entries`, 'm', parser.headerLine);
  }
  return { n: parser.vertices, src: arcs.src32.subarray(0, m), dst: arcs.dst32.subarray(0, m), weights: arcs.weightArray(), name };
}
