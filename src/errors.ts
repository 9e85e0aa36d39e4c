/**
 * The one error module of neuromesh.
 *
 * Errors are classes by category, each carrying a stable `code` string. Tests and callers check
 * the class or the code, never the wording. Every error can be flattened to a plain object
 * (`toJSON`) and rebuilt on the other side of a worker or process boundary (`fromSerialized`),
 * because structured clone keeps neither the class nor custom fields of an `Error`.
 *
 * Categories:
 * - InputError       bad input data: a file, a typed array, a graph that breaks the model's rules
 * - OptionsError     bad options at a public boundary (CLI flag, API option)
 * - SimulationError  a run that cannot continue faithfully (e.g. LIF state overflow)
 * - ResourceError    the host cannot provide what the run needs (memory)
 * - WorkerLostError  a worker exited, trapped, hung or stopped beating its heartbeat
 * - CheckpointCorruptError  a checkpoint that fails its checks
 * - TransportError   a frame or connection that breaks the wire contract
 */

/** Stable error codes. Never renumber or rename: scripts and remote peers match on them. */
export const ErrorCode = {
  // bad input
  INPUT_EMPTY: 'E_INPUT_EMPTY',
  INPUT_SYNTAX: 'E_INPUT_SYNTAX',
  INPUT_RANGE: 'E_INPUT_RANGE',
  INPUT_FORMAT: 'E_INPUT_FORMAT',
  INPUT_BINARY: 'E_INPUT_BINARY',
  INPUT_LINE_TOO_LONG: 'E_INPUT_LINE_TOO_LONG',
  INPUT_COMPRESSION: 'E_INPUT_COMPRESSION',
  INPUT_HEADER: 'E_INPUT_HEADER',
  INPUT_IO: 'E_INPUT_IO',
  NEGATIVE_WEIGHT: 'E_NEGATIVE_WEIGHT',
  NON_INTEGER_WEIGHT: 'E_NON_INTEGER_WEIGHT',
  // bad options
  OPTION: 'E_OPTION',
  // runs
  LIF_OVERFLOW: 'E_LIF_OVERFLOW',
  DISTANCE_OVERFLOW: 'E_DISTANCE_OVERFLOW',
  // resources
  MEMORY: 'E_MEMORY',
  // later stages
  WORKER_LOST: 'E_WORKER_LOST',
  CHECKPOINT_CORRUPT: 'E_CHECKPOINT_CORRUPT',
  TRANSPORT: 'E_TRANSPORT',
  INTERNAL: 'E_INTERNAL',
  // message frames (TransportError): bytes that are not a sound frame (structure, checksum);
  // a sound frame this reader cannot read (version, codec); a sound frame that is not the one
  // the receiver waits for (another run, superstep, phase, sender or destination)
  FRAME_CORRUPT: 'E_FRAME_CORRUPT',
  FRAME_UNSUPPORTED: 'E_FRAME_UNSUPPORTED',
  FRAME_UNEXPECTED: 'E_FRAME_UNEXPECTED',
  // message codecs (TransportError): an encoded batch part that is not a sound encoding (truncated,
  // overlong varint, ids out of range or order, more elements than agreed, bad DEFLATE stream)
  CODEC_CORRUPT: 'E_CODEC_CORRUPT',
  // checkpoints (CheckpointCorruptError, src/protect/checkpoint.ts): E_CHECKPOINT_CORRUPT for
  // bytes that are not a sound checkpoint; a sound one this reader cannot read (version); a sound
  // one of another run (run id, algorithm, plan, worker or partition count, superstep). A store
  // that cannot write or read its medium (disk full, no permission): ResourceError E_CHECKPOINT_IO
  CHECKPOINT_UNSUPPORTED: 'E_CHECKPOINT_UNSUPPORTED',
  CHECKPOINT_MISMATCH: 'E_CHECKPOINT_MISMATCH',
  CHECKPOINT_IO: 'E_CHECKPOINT_IO',
  // an exact fixed-point sum (assembly/lib/fixedsum.ts) met a value outside its window
  // (negative, NaN, infinite, below 2^-124, at or above 2) or a sum at or above 2^15
  SUM_RANGE: 'E_SUM_RANGE',
  // a run that failed more times than its recoveries allow, or whose recovery could not proceed
  // (no usable checkpoint and no way to restart): UnrecoverableFailure, with the last failure as cause
  UNRECOVERABLE: 'E_UNRECOVERABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Where in an input a problem was found. Every field is optional; the more the better. */
export interface InputLocation {
  /** file path or a caller-given name for in-memory data */
  file?: string;
  /** 1-based line number */
  line?: number;
  /** the field or column: `src`, `dst`, `weight`, `delay`, a neuron-table column, an array name */
  field?: string;
}

export interface SerializedError {
  name: string;
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

export class NeuromeshError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
    this.name = new.target.name;
  }

  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

function describeLocation(loc: InputLocation): string {
  const where = [loc.file, loc.line !== undefined ? `line ${loc.line}` : undefined].filter(Boolean).join(':');
  const field = loc.field ? `field ${loc.field}` : '';
  return [where, field].filter(Boolean).join(', ');
}

/** Bad input data. The message starts with `file:line N, field F:` when those are known. */
export class InputError extends NeuromeshError {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;

  constructor(code: ErrorCode, problem: string, location: InputLocation = {}, options?: { cause?: unknown }) {
    const where = describeLocation(location);
    super(code, where ? `${where}: ${problem}` : problem, { ...location, problem }, options);
    this.file = location.file;
    this.line = location.line;
    this.field = location.field;
  }
}

/** A bad option at a public boundary. The message names the option and the rule. */
export class OptionsError extends NeuromeshError {
  readonly option: string;
  constructor(option: string, rule: string, got?: unknown) {
    const shown = got === undefined ? '' : `, got ${typeof got === 'string' ? JSON.stringify(got) : String(got)}`;
    super(ErrorCode.OPTION, `${option} ${rule}${shown}`, { option, rule, got });
    this.option = option;
  }
}

/** A run that cannot continue faithfully. */
export class SimulationError extends NeuromeshError {}

/** The host cannot provide a resource (memory) the run needs. */
export class ResourceError extends NeuromeshError {}

/** A worker exited, trapped, hung or went silent. */
export class WorkerLostError extends NeuromeshError {}

/** A run that could not be recovered: its recoveries ran out (details.failures lists each failure). */
export class UnrecoverableFailure extends NeuromeshError {}

/** A checkpoint failed its checks (CRC, version, plan, truncation). */
export class CheckpointCorruptError extends NeuromeshError {}

/** A frame or connection broke the wire contract. */
export class TransportError extends NeuromeshError {}

const CLASSES: Record<string, new (...args: never[]) => NeuromeshError> = {
  NeuromeshError,
  InputError,
  OptionsError,
  SimulationError,
  ResourceError,
  WorkerLostError,
  UnrecoverableFailure,
  CheckpointCorruptError,
  TransportError,
};

/** Rebuild an error that crossed a worker or process boundary as a plain object. */
export function fromSerialized(data: SerializedError): NeuromeshError {
  const Class = CLASSES[data.name] ?? NeuromeshError;
  // Bypass the constructors (their signatures differ): set the fields the class would have set.
  const error = Object.create(Class.prototype) as NeuromeshError & Record<string, unknown>;
  Object.defineProperty(error, 'message', { value: data.message, writable: true, configurable: true });
  Object.assign(error, { name: data.name, code: data.code, details: data.details });
  for (const key of ['file', 'line', 'field', 'option'] as const) {
    if (key in data.details) error[key] = data.details[key];
  }
  error.stack = `${data.name}: ${data.message}\n    (rebuilt from a serialized error)`;
  return error;
}

export function isNeuromeshError(value: unknown): value is NeuromeshError {
  return value instanceof NeuromeshError;
}
