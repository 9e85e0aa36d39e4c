/**
 * Matrix Market coordinate files (`.mtx`): a banner
 * `%%MatrixMarket matrix coordinate pattern|integer|real general|symmetric` (case-insensitive),
 * `%` comments, a size line `rows cols nnz`, then nnz entries `i j [v]`, 1-based: entry (i, j, v)
 * is the arc (i-1) -> (j-1) with weight v. A symmetric file stores one triangle: an off-diagonal
 * entry gives both arcs (in that order), a diagonal entry one. n = max(rows, cols).
 */
import { ErrorCode } from '../errors.js';
import { ArcAccumulator } from './arcs.js';
import { MAX_VERTICES, type ArcArrays } from './graph.js';
import { LineParser, feedLines, isBlank } from './lines.js';

const SUPPORTED = 'supported: matrix coordinate pattern|integer|real general|symmetric';

/** Where the parser is in the file. */
const Stage = { Banner: 0, Size: 1, Entries: 2 } as const;

class MatrixMarketParser extends LineParser {
  stage: number = Stage.Banner;
  arcs: ArcAccumulator | null = null;
  field: 'pattern' | 'integer' | 'real' = 'pattern';
  symmetric = false;
  rows = 0;
  columns = 0;
  entriesDeclared = 0;
  entries = 0;
  sizeLine = 0;

  parseLines(bytes: Uint8Array, start: number, end: number): void {
    let p = start;
    while (p < end) {
      this.line++;
      this.lineStart = p;
      if (this.stage === Stage.Banner) {
        p = this.banner(bytes, p);
        continue;
      }
      let byte = bytes[p]!;
      while (isBlank(byte)) byte = bytes[++p]!;
      if (byte === 10) {
        this.checkLength(p);
        p++;
        continue;
      }
      if (byte === 37) {
        p = this.skipComment(bytes, p);
        continue;
      }
      if (this.stage === Stage.Size) p = this.size(bytes, p);
      else p = this.entry(bytes, p);
      this.checkLength(p - 1);
    }
  }

  private banner(bytes: Uint8Array, at: number): number {
    const end = bytes.indexOf(10, at);
    this.checkLength(end);
    const words: string[] = [];
    let word = '';
    for (let p = at; p <= end; p++) {
      const byte = bytes[p]!;
      if (isBlank(byte) || byte === 10) {
        if (word) words.push(word.toLowerCase());
        word = '';
      } else if (byte < 32 || byte >= 127) {
        throw this.unexpected(bytes, p, 'banner', 'the first line must be a %%MatrixMarket banner');
      } else if (word.length < 64) {
        word += String.fromCharCode(byte);
      }
    }
    if (words[0] !== '%%matrixmarket') {
      throw this.error(ErrorCode.INPUT_HEADER, `the first line must be a "%%MatrixMarket matrix coordinate ..." banner (${SUPPORTED})`, 'banner');
    }
    const [, object, format, field, symmetry] = words;
    if (words.length !== 5) throw this.error(ErrorCode.INPUT_HEADER, `the banner needs four words after %%MatrixMarket (${SUPPORTED})`, 'banner');
    if (object !== 'matrix') throw this.error(ErrorCode.INPUT_FORMAT, `unsupported Matrix Market object "${object}" (${SUPPORTED})`, 'banner');
    if (format !== 'coordinate') throw this.error(ErrorCode.INPUT_FORMAT, `unsupported Matrix Market format "${format}" (${SUPPORTED})`, 'banner');
    if (field !== 'pattern' && field !== 'integer' && field !== 'real') {
      throw this.error(ErrorCode.INPUT_FORMAT, `unsupported Matrix Market field "${field}" (${SUPPORTED})`, 'banner');
    }
    if (symmetry !== 'general' && symmetry !== 'symmetric') {
      throw this.error(ErrorCode.INPUT_FORMAT, `unsupported Matrix Market symmetry "${symmetry}" (${SUPPORTED})`, 'banner');
    }
    this.field = field;
    this.symmetric = symmetry === 'symmetric';
    this.stage = Stage.Size;
    return end + 1;
  }

  private size(bytes: Uint8Array, at: number): number {
    const rows = this.readCount(bytes, at, 'rows');
    const columns = this.readCount(bytes, this.skip(bytes, this.cursor, 'cols'), 'cols');
    const entries = this.readCount(bytes, this.skip(bytes, this.cursor, 'nnz'), 'nnz');
    const end = this.endOfLine(bytes, this.cursor, 'a size line has three fields: rows cols nnz');
    if (Math.max(rows, columns) > MAX_VERTICES) throw this.error(ErrorCode.INPUT_RANGE, `matrix size ${rows} x ${columns} is above the vertex limit ${MAX_VERTICES}`, rows > columns ? 'rows' : 'cols');
    if (this.symmetric && rows !== columns) throw this.error(ErrorCode.INPUT_HEADER, `a symmetric matrix must be square, got ${rows} x ${columns}`, 'cols');
    this.rows = rows;
    this.columns = columns;
    this.entriesDeclared = entries;
    this.sizeLine = this.line;
    const arcs = new ArcAccumulator(this.symmetric ? 2 * entries : entries);
    if (this.field !== 'pattern') arcs.enableWeights();
    this.arcs = arcs;
    this.stage = Stage.Entries;
    return end;
  }

  private entry(bytes: Uint8Array, at: number): number {
    const row = this.readCount(bytes, at, 'row');
    const column = this.readCount(bytes, this.skip(bytes, this.cursor, 'col'), 'col');
    if (row < 1 || row > this.rows) throw this.error(ErrorCode.INPUT_RANGE, `row ${row} is outside 1..${this.rows}`, 'row');
    if (column < 1 || column > this.columns) throw this.error(ErrorCode.INPUT_RANGE, `column ${column} is outside 1..${this.columns}`, 'col');
    let weight = 1;
    if (this.field !== 'pattern') {
      weight = this.readNumber(bytes, this.skip(bytes, this.cursor, 'value'), 'value');
      if (this.field === 'integer' && !Number.isInteger(weight)) throw this.error(ErrorCode.INPUT_SYNTAX, `value ${weight} is not an integer (the banner says integer)`, 'value');
    }
    const end = this.endOfLine(bytes, this.cursor, `a ${this.field} entry has ${this.field === 'pattern' ? 'two fields: i j' : 'three fields: i j value'}`);
    if (++this.entries > this.entriesDeclared) {
      throw this.error(ErrorCode.INPUT_HEADER, `more entries than the ${this.entriesDeclared} the size line (line ${this.sizeLine}) declares`, 'nnz');
    }
    const arcs = this.arcs!;
    let index = arcs.add(row - 1, column - 1);
    if (arcs.weights) arcs.weights[index] = weight;
    if (this.symmetric && row !== column) {
      index = arcs.add(column - 1, row - 1);
      if (arcs.weights) arcs.weights[index] = weight;
    }
    return end;
  }

  /** Skip the blanks before a required field. */
  private skip(bytes: Uint8Array, at: number, field: string): number {
    let p = at;
    while (isBlank(bytes[p]!)) p++;
    if (bytes[p] === 10) throw this.error(ErrorCode.INPUT_SYNTAX, `missing field ${field}`, field);
    return p;
  }

  private endOfLine(bytes: Uint8Array, at: number, rule: string): number {
    let p = at;
    while (isBlank(bytes[p]!)) p++;
    if (bytes[p] !== 10) throw this.error(ErrorCode.INPUT_SYNTAX, `too many fields: ${rule}`, 'extra');
    return p + 1;
  }
}

/** Parse Matrix Market text into arc arrays (validated; ready for `buildGraph(..., { trusted: true })`). */
export function readMatrixMarket(chunks: Iterable<Uint8Array>, options: { name?: string } = {}): ArcArrays {
  const name = options.name ?? '<matrix market>';
  const parser = new MatrixMarketParser(name);
  const bytes = feedLines(parser, chunks);
  if (bytes === 0) throw parser.error(ErrorCode.INPUT_EMPTY, 'the file is empty', undefined, 1);
  if (parser.stage !== Stage.Entries || !parser.arcs) {
    throw parser.error(ErrorCode.INPUT_EMPTY, 'no size line "rows cols nnz" after the banner', 'rows', Math.max(parser.line, 1));
  }
  if (parser.entries !== parser.entriesDeclared) {
    throw parser.error(ErrorCode.INPUT_HEADER, `the size line declares ${parser.entriesDeclared} entries but the file has ${parser.entries}`, 'nnz', parser.sizeLine);
  }
  const arcs = parser.arcs;
  const m = arcs.count;
  return {
    n: Math.max(parser.rows, parser.columns),
    src: arcs.src32.subarray(0, m),
    dst: arcs.dst32.subarray(0, m),
    weights: arcs.weightArray(),
    name,
  };
}
