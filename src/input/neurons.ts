/**
 * Neuron tables (lif-model.md): CSV or TSV with a header row naming `id` and any of
 * `du, dv, vth, bias, refractory, noise`. The delimiter is a tab when the header line has one,
 * else a comma. Lines starting with `#` are comments. Ids are the graph file's ids (mapped
 * through its remapping when it had sparse ids). Neurons not listed, columns not given and empty
 * cells take the model's defaults. Unknown columns, non-integer or out-of-range values, duplicate
 * ids and ids outside the graph are errors naming the file, line and column.
 */
import { ErrorCode } from '../errors.js';
import { NEURON_DEFAULTS, NEURON_FIELDS, type NeuronField } from '../memory/layout.js';
import { NEURON_RANGES, vertexOfInputId, type NeuronColumns } from './graph.js';
import { LineParser, chunksOf, feedLines, isBlank, type ByteSource } from './lines.js';

export interface NeuronTableOptions {
  /** the graph's vertex count */
  n: number;
  /** the graph's input id of each vertex when its ids were remapped (sorted ascending) */
  vertexIds?: Float64Array | null;
  name?: string;
}

const ID_COLUMN = -1;

class NeuronTableParser extends LineParser {
  delimiter = 0;
  /** per column: ID_COLUMN or an index into NEURON_FIELDS; empty until the header is read */
  columnSlots: number[] = [];
  columnNames: string[] = [];
  values: Int32Array[] = [];
  seen: Uint8Array;

  constructor(
    name: string,
    readonly n: number,
    readonly vertexIds: Float64Array | null,
  ) {
    super(name);
    this.seen = new Uint8Array(n);
  }

  parseLines(bytes: Uint8Array, start: number, end: number): void {
    let p = start;
    while (p < end) {
      this.line++;
      this.lineStart = p;
      let q = p;
      while (isBlank(bytes[q]!)) q++;
      if (bytes[q] === 10) {
        this.checkLength(q);
        p = q + 1;
        continue;
      }
      if (bytes[q] === 35) {
        p = this.skipComment(bytes, q);
        continue;
      }
      const newline = bytes.indexOf(10, p);
      this.checkLength(newline);
      if (this.columnSlots.length === 0) this.header(bytes, p, newline);
      else this.row(bytes, p, newline);
      p = newline + 1;
    }
  }

  private header(bytes: Uint8Array, start: number, newline: number): void {
    this.delimiter = bytes.subarray(start, newline).includes(9) ? 9 : 44;
    const seenSlots = new Set<number>();
    let cellStart = start;
    for (let p = start; p <= newline; p++) {
      const byte = bytes[p]!;
      if (byte !== this.delimiter && byte !== 10) {
        if (byte < 32 && !isBlank(byte)) throw this.unexpected(bytes, p, 'header', 'column name');
        continue;
      }
      const name = cellText(bytes, cellStart, p).toLowerCase();
      cellStart = p + 1;
      const slot = name === 'id' ? ID_COLUMN : (NEURON_FIELDS as readonly string[]).indexOf(name);
      if (slot === -1 && name !== 'id') {
        throw this.error(ErrorCode.INPUT_HEADER, `unknown column "${name}" (known: id, ${NEURON_FIELDS.join(', ')})`, name || `column ${this.columnSlots.length + 1}`);
      }
      if (seenSlots.has(slot)) throw this.error(ErrorCode.INPUT_HEADER, `column "${name}" appears twice`, name);
      seenSlots.add(slot);
      this.columnSlots.push(slot);
      this.columnNames.push(name);
    }
    if (!seenSlots.has(ID_COLUMN)) throw this.error(ErrorCode.INPUT_HEADER, 'the header must name an "id" column', 'id');
    for (const slot of this.columnSlots) {
      if (slot === ID_COLUMN) continue;
      const field = NEURON_FIELDS[slot]!;
      this.values[slot] = new Int32Array(this.n).fill(NEURON_DEFAULTS[field]);
    }
  }

  private row(bytes: Uint8Array, start: number, newline: number): void {
    const cells = this.columnSlots.length;
    let vertex = -1;
    const parsed: number[] = new Array<number>(cells);
    let cellStart = start;
    let column = 0;
    for (let p = start; p <= newline; p++) {
      const byte = bytes[p]!;
      if (byte !== this.delimiter && byte !== 10) continue;
      if (column >= cells) throw this.error(ErrorCode.INPUT_SYNTAX, `more cells than the ${cells} columns of the header`, `column ${column + 1}`);
      parsed[column] = this.cell(bytes, cellStart, p, this.columnNames[column]!);
      cellStart = p + 1;
      column++;
    }
    if (column < cells) throw this.error(ErrorCode.INPUT_SYNTAX, `missing cell: the header has ${cells} columns, this row ${column}`, this.columnNames[column]);
    for (let k = 0; k < cells; k++) {
      const slot = this.columnSlots[k]!;
      const value = parsed[k]!;
      if (slot === ID_COLUMN) {
        if (Number.isNaN(value)) throw this.error(ErrorCode.INPUT_SYNTAX, 'the id cell is empty', 'id');
        vertex = this.vertexOf(value);
        if (vertex < 0) throw this.error(ErrorCode.INPUT_RANGE, `neuron id ${value} is not a vertex of the graph (n = ${this.n})`, 'id');
        if (this.seen[vertex]) throw this.error(ErrorCode.INPUT_SYNTAX, `neuron id ${value} appears twice`, 'id');
        this.seen[vertex] = 1;
      }
    }
    for (let k = 0; k < cells; k++) {
      const slot = this.columnSlots[k]!;
      const value = parsed[k]!;
      if (slot === ID_COLUMN || Number.isNaN(value)) continue;
      const field = NEURON_FIELDS[slot]!;
      const [low, high] = NEURON_RANGES[field];
      if (value < low || value > high) throw this.error(ErrorCode.INPUT_RANGE, `${field} ${value} is outside [${low}, ${high}]`, field);
      this.values[slot]![vertex] = value;
    }
  }

  /** One cell: an integer, or NaN when empty (= the default). Surrounding blanks are ignored. */
  private cell(bytes: Uint8Array, start: number, end: number, column: string): number {
    let p = start;
    let q = end;
    while (p < q && isBlank(bytes[p]!)) p++;
    while (q > p && isBlank(bytes[q - 1]!)) q--;
    if (p === q) return Number.NaN;
    let negative = false;
    if (bytes[p] === 45 || bytes[p] === 43) {
      negative = bytes[p] === 45;
      p++;
    }
    if (p === q) throw this.unexpected(bytes, p, column, 'expected an integer');
    let value = 0;
    for (let r = p; r < q; r++) {
      const digit = bytes[r]! - 48;
      if (digit < 0 || digit > 9) throw this.unexpected(bytes, r, column, 'expected an integer');
      value = value * 10 + digit;
    }
    if (value > Number.MAX_SAFE_INTEGER) throw this.error(ErrorCode.INPUT_RANGE, `value is too large`, column);
    return negative ? -value : value;
  }

  private vertexOf(id: number): number {
    return vertexOfInputId(this.vertexIds, this.n, id);
  }

}

function cellText(bytes: Uint8Array, start: number, end: number): string {
  let p = start;
  let q = end;
  while (p < q && isBlank(bytes[p]!)) p++;
  while (q > p && isBlank(bytes[q - 1]!)) q--;
  // strip one pair of double quotes, as spreadsheets write headers
  if (q - p >= 2 && bytes[p] === 34 && bytes[q - 1] === 34) {
    p++;
    q--;
  }
  let text = '';
  for (let r = p; r < q && text.length < 64; r++) text += String.fromCharCode(bytes[r]!);
  return text;
}

/** Parse a neuron table for a graph of `options.n` vertices into per-neuron LIF parameter columns. */
export function parseNeuronTable(source: ByteSource, options: NeuronTableOptions): NeuronColumns {
  const name = options.name ?? '<neuron table>';
  const parser = new NeuronTableParser(name, options.n, options.vertexIds ?? null);
  const bytes = feedLines(parser, chunksOf(source));
  if (bytes === 0) throw parser.error(ErrorCode.INPUT_EMPTY, 'the neuron table is empty', undefined, 1);
  if (parser.columnSlots.length === 0) throw parser.error(ErrorCode.INPUT_EMPTY, 'the neuron table has no header row', 'id', Math.max(parser.line, 1));
  const columns: NeuronColumns = {};
  NEURON_FIELDS.forEach((field: NeuronField, slot) => {
    if (parser.values[slot]) columns[field] = parser.values[slot];
  });
  return columns;
}
