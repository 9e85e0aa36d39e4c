/**
 * Where checkpoints are kept, and the CheckpointManager that takes them (issue 6 items 1 and 2).
 *
 * A store holds encoded checkpoints by superstep and keeps the last K. Two exist: in memory
 * (here: the RedundancyManager's replica, tests, the browser) and a directory
 * (src/protect/directory-store.ts, Node only: temporary file, fsync, rename, fsync). Both apply
 * the same two rules, here:
 * - retention: after the checkpoint of superstep s is durable, keep s and the K - 1 newest older
 *   ones; delete the older rest and any newer one (a newer checkpoint belongs to a timeline the
 *   run has rolled back from). Nothing is deleted before the new one is durable, and nothing when
 *   a write fails.
 * - `latest(expect)` walks newest to oldest and returns the first checkpoint that decodes and
 *   matches the run (and whose superstep is the one it is stored under); each one passed over is
 *   reported in `skipped` with its error code and reason. A run never resumes from bad state.
 *
 * The CheckpointManager ties a store to one run's identity (run id, algorithm, plan checksum,
 * worker and partition counts) and to the interval (src/protect/interval.ts): `due(superstep)`,
 * `save(content)` (encode, write with retries, measure C), `restore()`. A failed write is thrown
 * after its retries, never a silent continue.
 */
import { OptionsError, isNeuromeshError } from '../errors.js';
import { CheckpointScratch, decodeCheckpoint, encodeCheckpoint, readCheckpointHeader, type Checkpoint, type CheckpointExpectation, type CheckpointHeader, type DecodedCheckpoint } from './checkpoint.js';
import { adjustCheckpointInterval, createIntervalState, type IntervalOptions, type IntervalState } from './interval.js';

/** A checkpoint a store wrote. */
export interface StoredCheckpoint {
  superstep: number;
  /** the file path, or "memory:<superstep>" */
  location: string;
  byteLength: number;
}

/** A checkpoint `latest` passed over, and why. */
export interface SkippedCheckpoint {
  superstep: number;
  location: string;
  /** the error's code: E_CHECKPOINT_CORRUPT, _UNSUPPORTED, _MISMATCH, or E_CHECKPOINT_IO for an unreadable file */
  code: string;
  reason: string;
}

export interface LatestCheckpoint {
  /** the newest checkpoint that decodes and matches, or null when there is none */
  checkpoint: DecodedCheckpoint | null;
  location: string | null;
  /** newer ones passed over, newest first */
  skipped: SkippedCheckpoint[];
}

export interface CheckpointStore {
  /** what the store writes to, for messages ("memory", a directory path) */
  readonly location: string;
  /** how many checkpoints are kept */
  readonly keep: number;
  /**
   * Whether the store keeps the very bytes it was given (memory) rather than a copy of them (a
   * file): the manager reuses its encoding buffer only for stores that do not.
   */
  readonly holdsWrittenBytes: boolean;
  /**
   * Store an encoded checkpoint under its superstep (read from its header), replacing one of the
   * same superstep, then apply retention. Throws (and keeps every earlier checkpoint) when it
   * cannot; the bytes must not be changed afterwards.
   */
  write(bytes: Uint8Array): Promise<StoredCheckpoint>;
  /** The newest checkpoint that decodes and meets `expect` (module comment). */
  latest(expect?: CheckpointExpectation): Promise<LatestCheckpoint>;
  /** The supersteps stored, newest first (not validated). */
  list(): Promise<number[]>;
}

/** The `keep` option of a store: a positive integer. */
export function checkKeep(keep: unknown): number {
  if (!(typeof keep === 'number' && Number.isInteger(keep) && keep >= 1)) throw new OptionsError('keep', 'must be a positive integer', keep);
  return keep;
}

/** Which stored supersteps to delete once the checkpoint of `written` is durable (retention rule). */
export function checkpointsToDelete(stored: readonly number[], written: number, keep: number): number[] {
  const older = stored.filter((superstep) => superstep < written).sort((a, b) => b - a);
  return [...stored.filter((superstep) => superstep > written), ...older.slice(keep - 1)];
}

/**
 * The walk of `latest`: supersteps newest first, `read` gives each one's bytes (or throws a
 * NeuromeshError that counts as a skip, e.g. an unreadable file). Stops at the first good one.
 */
export async function findLatest(
  supersteps: readonly number[],
  locate: (superstep: number) => string,
  read: (superstep: number) => Promise<Uint8Array | null>,
  expect: CheckpointExpectation,
): Promise<LatestCheckpoint> {
  const skipped: SkippedCheckpoint[] = [];
  for (const superstep of [...supersteps].sort((a, b) => b - a)) {
    const location = locate(superstep);
    try {
      const bytes = await read(superstep);
      // Gone between listing and reading (another process's retention): nothing to report.
      if (bytes === null) continue;
      return { checkpoint: decodeCheckpoint(bytes, { ...expect, superstep }), location, skipped };
    } catch (error) {
      if (!isNeuromeshError(error)) throw error;
      skipped.push({ superstep, location, code: error.code, reason: error.message });
    }
  }
  return { checkpoint: null, location: null, skipped };
}

/** The superstep an encoded checkpoint is stored under; a CheckpointCorruptError when unreadable. */
export function superstepOfBytes(bytes: Uint8Array): number {
  return readCheckpointHeader(bytes).superstep;
}

/**
 * Checkpoints in this process's memory, the last `keep` of them. The bytes are kept as given
 * (not copied): the encoder's output is fresh and nobody else holds it.
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly location = 'memory';
  readonly keep: number;
  readonly holdsWrittenBytes = true;
  readonly #checkpoints = new Map<number, Uint8Array>();

  constructor(options: { keep?: number } = {}) {
    this.keep = checkKeep(options.keep ?? 2);
  }

  async write(bytes: Uint8Array): Promise<StoredCheckpoint> {
    const superstep = superstepOfBytes(bytes);
    for (const old of checkpointsToDelete([...this.#checkpoints.keys()], superstep, this.keep)) this.#checkpoints.delete(old);
    this.#checkpoints.set(superstep, bytes);
    return { superstep, location: `memory:${superstep}`, byteLength: bytes.length };
  }

  async latest(expect: CheckpointExpectation = {}): Promise<LatestCheckpoint> {
    return findLatest(
      [...this.#checkpoints.keys()],
      (superstep) => `memory:${superstep}`,
      async (superstep) => this.#checkpoints.get(superstep) ?? null,
      expect,
    );
  }

  async list(): Promise<number[]> {
    return [...this.#checkpoints.keys()].sort((a, b) => b - a);
  }

  /** The stored bytes of a superstep (tests, the RedundancyManager), or undefined. */
  bytesOf(superstep: number): Uint8Array | undefined {
    return this.#checkpoints.get(superstep);
  }
}

/** Who a manager's checkpoints belong to: every header field but the superstep. */
export type CheckpointIdentity = Omit<CheckpointHeader, 'superstep'>;

/** What the runtime hands `save` at a superstep boundary. */
export type CheckpointContent = Omit<Checkpoint, keyof CheckpointIdentity>;

export interface CheckpointManagerOptions {
  store: CheckpointStore;
  identity: CheckpointIdentity;
  /** 'auto' (Young/Daly from measured C and M, the default) or a fixed number of supersteps */
  interval?: 'auto' | number;
  intervalOptions?: IntervalOptions;
  /** further attempts after a failed write before the error is thrown (default 1) */
  retries?: number;
  /** a millisecond clock (default performance.now) */
  now?: () => number;
}

export interface SavedCheckpoint extends StoredCheckpoint {
  /** seconds to encode (the run must hold still for this part) and to write */
  encodeSeconds: number;
  writeSeconds: number;
  /** writes tried: 1 + the retries it took */
  attempts: number;
}

/**
 * Takes, stores and finds one run's checkpoints, and keeps the interval. The runtime calls, at
 * each superstep boundary: `recordSuperstep(seconds)`; when `due(superstep)`: `save(content)`; on
 * a failure: `recordFailure()` then `restore()`.
 */
export class CheckpointManager {
  readonly store: CheckpointStore;
  readonly identity: Readonly<CheckpointIdentity>;
  readonly #fixedInterval: number | null;
  readonly #retries: number;
  readonly #now: () => number;
  /** the encoding buffer reused from one checkpoint to the next (warm memory: CheckpointScratch) */
  readonly #scratch = new CheckpointScratch();
  /** a write of bytes in #scratch is in flight: the next save must not encode over them */
  #scratchBusy = false;
  #interval: IntervalState;
  #lastSuperstep: number | null = null;

  constructor(options: CheckpointManagerOptions) {
    const { interval = 'auto', retries = 1 } = options;
    if (interval !== 'auto' && !(Number.isInteger(interval) && interval >= 1)) throw new OptionsError('interval', 'must be "auto" or a positive integer of supersteps', interval);
    if (!(Number.isInteger(retries) && retries >= 0)) throw new OptionsError('retries', 'must be a non-negative integer', retries);
    this.store = options.store;
    this.identity = Object.freeze({ ...options.identity });
    this.#fixedInterval = interval === 'auto' ? null : interval;
    this.#retries = retries;
    this.#now = options.now ?? (() => performance.now());
    this.#interval = createIntervalState(options.intervalOptions);
  }

  /** The interval model's state (measured C, superstep time, M, T). */
  get intervalState(): IntervalState {
    return this.#interval;
  }

  /** Supersteps between checkpoints: the fixed interval, or the automatic one now. */
  get intervalSupersteps(): number {
    return this.#fixedInterval ?? this.#interval.intervalSupersteps;
  }

  /** The superstep of the last checkpoint saved or restored, null before any. */
  get lastSuperstep(): number | null {
    return this.#lastSuperstep;
  }

  /** Whether to checkpoint at the boundary after `superstep` supersteps (the run's start counts as a checkpoint at 0). */
  due(superstep: number): boolean {
    return superstep - (this.#lastSuperstep ?? 0) >= this.intervalSupersteps;
  }

  recordSuperstep(seconds: number): void {
    this.#interval = adjustCheckpointInterval(this.#interval, { kind: 'superstep', seconds });
  }

  /**
   * A checkpoint's cost estimated before any was taken (e.g. from its size): the automatic interval
   * needs one, and taking a checkpoint just to measure it would cost a short run more than it saves.
   * The first real checkpoint's measured cost replaces it in the moving average.
   */
  estimateCheckpoint(seconds: number): void {
    if (this.#interval.checkpointSeconds === null) this.#interval = adjustCheckpointInterval(this.#interval, { kind: 'checkpoint', seconds });
  }

  recordFailure(): void {
    this.#interval = adjustCheckpointInterval(this.#interval, { kind: 'failure' });
  }

  /**
   * Encode and store a checkpoint of `content` under this run's identity. The content is copied
   * before this returns its promise (encoding is synchronous): the runtime may let workers change
   * shared memory again as soon as the call returns, before awaiting it. Content that cannot be
   * encoded throws at once (OptionsError). A write that fails after its retries rejects with the
   * store's error; earlier checkpoints stay intact.
   */
  save(content: CheckpointContent): Promise<SavedCheckpoint> {
    const started = this.#now();
    const reuse = !this.store.holdsWrittenBytes && !this.#scratchBusy;
    const bytes = encodeCheckpoint({ ...content, ...this.identity }, reuse ? this.#scratch : undefined);
    const encodeSeconds = (this.#now() - started) / 1000;
    if (reuse) this.#scratchBusy = true;
    return this.#write(bytes, encodeSeconds).finally(() => {
      if (reuse) this.#scratchBusy = false;
    });
  }

  async #write(bytes: Uint8Array, encodeSeconds: number): Promise<SavedCheckpoint> {
    const started = this.#now();
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        const stored = await this.store.write(bytes);
        const writeSeconds = (this.#now() - started) / 1000;
        this.#interval = adjustCheckpointInterval(this.#interval, { kind: 'checkpoint', seconds: encodeSeconds + writeSeconds });
        this.#lastSuperstep = stored.superstep;
        return { ...stored, encodeSeconds, writeSeconds, attempts };
      } catch (error) {
        if (attempts > this.#retries) throw error;
      }
    }
  }

  /**
   * The newest checkpoint of this run in the store (all partitions present unless
   * `allPartitions: false`), with the ones passed over. Counts as the last checkpoint for `due`.
   */
  async restore(options: { allPartitions?: boolean } = {}): Promise<LatestCheckpoint> {
    const found = await this.store.latest({ ...this.identity, allPartitions: options.allPartitions ?? true });
    if (found.checkpoint) this.#lastSuperstep = found.checkpoint.superstep;
    return found;
  }
}
