/**
 * Checkpoints and recovery inside a distributed run (issue 6 items 1-5): the coordinator's side.
 *
 * Taking a checkpoint (consistent, at a superstep boundary, without stopping the run):
 *   - worker 0 decides at boundary s − 1 that boundary s takes one (interval in the control block,
 *     kept by the CheckpointManager: fixed, or Young/Daly from the measured cost and failures);
 *   - at boundary s every partition copies its state regions, its two reduction slots, its loop
 *     cursor and its bulk results so far, and posts the copy to the coordinator over a
 *     MessagePort (the copy is all the run waits for: the encoding and the write happen on the
 *     coordinator's thread while the workers compute on);
 *   - when all P pieces of s have arrived the CheckpointManager encodes them as one checkpoint
 *     (schemas/checkpoint.fbs, CRC-checked) and writes it to its store. A boundary some worker did
 *     not reach (it failed first) never becomes a checkpoint. One write at a time: a checkpoint
 *     that completes while the previous one is being written waits, and a newer one supersedes it
 *     (memory stays bounded by two checkpoints when the store is slower than the interval; after a
 *     write fails for good nothing more is written).
 * Nothing is in flight in a mailbox at a boundary: every program reads what it received before it
 * closes its superstep (test/protect/chaos.test.ts fails each algorithm at every superstep with a
 * checkpoint at every boundary to hold them to it); reductions written before a boundary and read
 * after it are in the reduction slots.
 *
 * The RedundancyManager's copy: the coordinator keeps the latest checkpoint in its own memory
 * (MemoryCheckpointStore), apart from the workers that own the partitions; with a directory
 * store too, recovery still reads the memory copy first, and the disk only after a restart of the
 * whole process (`resume`).
 *
 * Recovering (global rollback): the failed attempt's threads are gone or terminated (piscina
 * starts replacements; a replacement instantiates the kernels against the shared memory, which
 * rewrites only the module's constant data, never the arena), so every partition's state is put
 * back from the latest complete checkpoint (or from the state as placed, for a failure before
 * the first one), the control block and reduction slots are reset, and the run resumes at the
 * checkpoint's boundary. Confined recovery (only the failed partitions roll back, replaying
 * logged messages) is not built: every partition rolls back.
 */
import { ErrorCode, NeuromeshError, OptionsError, UnrecoverableFailure } from '../errors.js';
import { crc32 } from '../input/crc32.js';
import type { WasmHost } from '../memory/host.js';
import type { PartitionResume, CheckpointPiece } from '../execute/distributed/context.js';
import type { StateRegion } from '../execute/distributed/program.js';
import { elementBytes, regionArray, type DecodedCheckpoint, type PartitionSnapshot, type RegionData, type RegionElementType } from './checkpoint.js';
import type { IntervalOptions } from './interval.js';
import { CheckpointManager, MemoryCheckpointStore, type CheckpointStore, type SavedCheckpoint, type SkippedCheckpoint } from './store.js';

export interface FaultToleranceOptions {
  /** where checkpoints are written (default: this process's memory, the last 2 kept) */
  store?: CheckpointStore;
  /** supersteps between checkpoints, or 'auto' (Young/Daly; default) */
  interval?: 'auto' | number;
  intervalOptions?: IntervalOptions;
  /** failures a run may recover from before it ends with UnrecoverableFailure (default 3) */
  maxRecoveries?: number;
  /** start from the store's latest checkpoint of this run instead of from the beginning */
  resume?: boolean;
  /** names the run in its checkpoints (default: algorithm and plan checksum) */
  runId?: string;
  /** a failed checkpoint write is retried this many times, then ends the run (default 1) */
  writeRetries?: number;
}

/** What fault tolerance did during a run (DistributedResult.recovery). */
export interface RecoveryReport {
  checkpoints: { superstep: number; bytes: number; holdSeconds: number; encodeSeconds: number; writeSeconds: number; location: string }[];
  /**
   * detectionMs: from an injected fault firing to the coordinator knowing of the failure (null for
   * a failure nobody injected); restoreMs: putting the checkpoint back; restoredFrom: its boundary;
   * downMs: from the fault firing (or the failure's notice) until the resumed attempt's tasks were
   * posted (detection, teardown, restore, replacement); firedAt: when the injected fault fired
   * (performance.timeOrigin + now, ms), null otherwise
   */
  failures: { superstep: number; worker: number; code: string; message: string; restoredFrom: number; restoreMs: number; detectionMs: number | null; downMs: number | null; firedAt: number | null }[];
  /** the checkpoint a `resume` started from, or null */
  resumedFrom: number | null;
  /** checkpoints passed over as corrupt or of another run, when restoring */
  skipped: SkippedCheckpoint[];
  /** the interval in force at the end (supersteps) */
  intervalSupersteps: number;
  /**
   * complete checkpoints never written because a newer one completed while they waited for the
   * write before them (the store is slower than the interval): one write at a time, at most one
   * waiting
   */
  superseded: number;
}

/**
 * Speeds the estimated checkpoint cost assumes (measured on the development machine: copying and
 * encoding with CRC-32 ~1 GB/s; a directory store's write with fsync ~200 MB/s); only the first
 * interval depends on them.
 */
const ENCODE_BYTES_PER_SECOND = 1e9;
const WRITE_BYTES_PER_SECOND = 2e8;

/** The name of the region that holds a partition's cursor (superstep, exchange, program words). */
const CURSOR = 'cursor';
const REDUCTIONS = 'reductions';
const EXTRA_PREFIX = 'extra:';


/** One run's checkpointing and restoring, for the coordinator. */
export class RunRecovery {
  readonly manager: CheckpointManager;
  readonly maxRecoveries: number;
  readonly report: RecoveryReport;
  private readonly automatic: boolean;
  private readonly pieces = new Map<number, CheckpointPiece[]>();
  private readonly saves = new Set<Promise<unknown>>();
  /** the complete checkpoint waiting for the write in flight (the newest one; older ones are superseded) */
  private waiting: { superstep: number; partitions: PartitionSnapshot[]; holdSeconds: number } | null = null;
  private writeError: unknown = null;
  private readonly initial: Uint8Array[][];
  private ports: MessagePort[] = [];
  /** pieces received in this attempt (the coordinator waits for every posted one) */
  private received = 0;
  /** the last progress seen (worker 0's superstep and when), for the measured superstep time */
  private progress: { superstep: number; at: number } | null = null;
  /** told the interval whenever it changes (the coordinator writes the control block's word) */
  onInterval: ((supersteps: number) => void) | null = null;
  /** told when a checkpoint could not be encoded or written after its retries: the run must stop */
  onWriteError: ((error: unknown) => void) | null = null;

  constructor(
    private readonly host: WasmHost,
    private readonly workers: number,
    /** per partition: its state regions (the program's `state`) */
    private readonly state: StateRegion[][],
    /** per partition: its two reduction slots' offsets, and their size */
    private readonly reductionSlots: (p: number) => [number, number],
    private readonly reductionSlotBytes: number,
    identity: { runId: string; algorithm: string; planChecksum: number },
    options: FaultToleranceOptions,
  ) {
    const maxRecoveries = options.maxRecoveries ?? 3;
    if (!(Number.isInteger(maxRecoveries) && maxRecoveries >= 0)) throw new OptionsError('maxRecoveries', 'must be a non-negative integer', maxRecoveries);
    this.maxRecoveries = maxRecoveries;
    this.automatic = (options.interval ?? 'auto') === 'auto';
    this.manager = new CheckpointManager({
      store: options.store ?? new MemoryCheckpointStore(),
      identity: { ...identity, workerCount: workers, partitionCount: workers },
      interval: options.interval ?? 'auto',
      intervalOptions: options.intervalOptions,
      retries: options.writeRetries ?? 1,
    });
    this.report = { checkpoints: [], failures: [], resumedFrom: null, skipped: [], intervalSupersteps: this.manager.intervalSupersteps, superseded: 0 };
    // the state as placed: a failure before the first checkpoint restarts from it
    this.initial = state.map((regions) => regions.map((region) => this.bytes(region).slice()));
    // the automatic interval starts from an estimated cost: the state's bytes at the measured
    // speeds of a copy, an encoding with its CRC, and (for a store that writes a copy: a disk) a
    // write; the first checkpoint's measured cost replaces it
    const stateBytes = this.initial.reduce((sum, regions) => sum + regions.reduce((total, bytes) => total + bytes.length, 0), 0);
    const store = this.manager.store;
    this.manager.estimateCheckpoint(stateBytes / ENCODE_BYTES_PER_SECOND + (store.holdsWrittenBytes ? 0 : stateBytes / WRITE_BYTES_PER_SECOND));
  }

  /**
   * The control block's INTERVAL word now: supersteps between checkpoints; 0 (none yet) while the
   * automatic interval does not know how long a superstep takes.
   */
  get intervalWord(): number {
    return this.automatic && this.manager.intervalState.superstepSeconds === null ? 0 : this.manager.intervalSupersteps;
  }

  /**
   * Worker 0 reached superstep `superstep` (the coordinator polls the control block): measures the
   * superstep time for the automatic interval, and tells the new interval.
   */
  observeProgress(superstep: number): void {
    const now = performance.now();
    if (!this.progress || superstep < this.progress.superstep) {
      this.progress = { superstep, at: now };
      return;
    }
    if (superstep === this.progress.superstep) return;
    this.manager.recordSuperstep((now - this.progress.at) / 1000 / (superstep - this.progress.superstep));
    this.progress = { superstep, at: now };
    if (this.automatic) this.onInterval?.(this.intervalWord);
  }

  /** One port per thread for its workers' pieces (transferred with the thread's task). */
  openPorts(threads: number): MessagePort[] {
    this.closePorts();
    this.received = 0;
    this.progress = null;
    // pieces of a failed attempt's unfinished boundary: the new attempt takes that boundary again
    this.pieces.clear();
    const remote: MessagePort[] = [];
    for (let t = 0; t < threads; t++) {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event: MessageEvent<CheckpointPiece>) => this.receive(event.data);
      this.ports.push(channel.port1);
      remote.push(channel.port2);
    }
    return remote;
  }

  /** Wait until `posted` pieces of this attempt have arrived (they may trail the workers' reports). */
  async drain(posted: number): Promise<void> {
    const deadline = performance.now() + 10_000;
    while (this.received < posted) {
      if (performance.now() > deadline) throw new NeuromeshError(ErrorCode.INTERNAL, `checkpoint pieces lost: ${posted} posted, ${this.received} received`, { posted, received: this.received });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  closePorts(): void {
    for (const port of this.ports) port.close();
    this.ports = [];
  }

  /** Measured time of one superstep (for the automatic interval). */
  recordSuperstep(seconds: number): void {
    this.manager.recordSuperstep(seconds);
  }

  /** Every save started so far has finished; a write that failed after its retries throws here. */
  async settle(): Promise<void> {
    while (this.saves.size > 0) await Promise.allSettled([...this.saves]);
    if (this.writeError) {
      const error = this.writeError;
      this.writeError = null;
      throw error;
    }
  }

  private receive(piece: CheckpointPiece): void {
    this.received++;
    const list = this.pieces.get(piece.superstep) ?? [];
    list.push(piece);
    this.pieces.set(piece.superstep, list);
    if (list.length < this.workers) return;
    this.pieces.delete(piece.superstep);
    // older incomplete boundaries can never complete now
    for (const superstep of this.pieces.keys()) if (superstep < piece.superstep) this.pieces.delete(superstep);
    // nothing is written after a write failed for good
    if (this.writeError) return;
    list.sort((a, b) => a.worker - b.worker);
    const partitions: PartitionSnapshot[] = list.map((part) => ({
      partition: part.worker,
      regions: [
        { name: CURSOR, data: Float64Array.from([part.superstep, part.exchange, ...part.cursor]) },
        { name: REDUCTIONS, data: part.reductions },
        ...part.regions.map((region) => ({ name: region.name, data: regionArray(region.type, region.data) })),
        ...Object.entries(part.extras).map(([name, data]) => ({ name: EXTRA_PREFIX + name, data })),
      ],
    }));
    const holdSeconds = Math.max(...list.map((part) => part.seconds));
    if (this.saves.size > 0) {
      if (this.waiting) this.report.superseded++;
      this.waiting = { superstep: piece.superstep, partitions, holdSeconds };
      return;
    }
    this.startSave(piece.superstep, partitions, holdSeconds);
  }

  /** Encode and write one checkpoint; when it is done, the one that waited (if any) starts before this one's promise settles. */
  private startSave(superstep: number, partitions: PartitionSnapshot[], holdSeconds: number): void {
    let saving: Promise<SavedCheckpoint>;
    try {
      saving = this.manager.save({ superstep, partitions, settings: { holdSeconds } });
    } catch (error) {
      this.writeFailed(error);
      return;
    }
    const save = saving
      .then((saved: SavedCheckpoint) => {
        this.report.checkpoints.push({ superstep: saved.superstep, bytes: saved.byteLength, holdSeconds, encodeSeconds: saved.encodeSeconds, writeSeconds: saved.writeSeconds, location: saved.location });
        this.onInterval?.(this.intervalWord);
        this.report.intervalSupersteps = this.manager.intervalSupersteps;
      })
      .catch((error: unknown) => this.writeFailed(error))
      .then(() => {
        const next = this.waiting;
        this.waiting = null;
        if (next && !this.writeError) this.startSave(next.superstep, next.partitions, next.holdSeconds);
      });
    this.saves.add(save);
    void save.finally(() => this.saves.delete(save));
  }

  /** The first checkpoint write that failed for good in this run, if any (kept until `settle` throws it). */
  get failedWrite(): unknown {
    return this.writeError;
  }

  private writeFailed(error: unknown): void {
    if (this.writeError) return;
    this.writeError = error;
    this.onWriteError?.(error);
  }

  /**
   * Put every partition back to the latest checkpoint (or to its state as placed) and return where
   * each resumes (null: from the beginning). Reduction slots come back with the checkpoint; the
   * caller resets the control block.
   */
  async restore(): Promise<{ superstep: number; resume: (PartitionResume | null)[] }> {
    // pieces the workers posted before the failure may still wait in the ports: let them arrive
    await new Promise((resolve) => setTimeout(resolve, 0));
    await this.settle().catch(() => undefined);
    const found = await this.manager.restore();
    this.report.skipped.push(...found.skipped);
    if (!found.checkpoint) {
      this.state.forEach((regions, p) => regions.forEach((region, i) => this.bytes(region).set(this.initial[p]![i]!)));
      for (let p = 0; p < this.workers; p++) for (const slot of this.reductionSlots(p)) this.host.view(Uint8Array, slot, this.reductionSlotBytes).fill(0);
      return { superstep: 0, resume: new Array<PartitionResume | null>(this.workers).fill(null) };
    }
    return { superstep: found.checkpoint.superstep, resume: this.apply(found.checkpoint) };
  }

  /** Copy a decoded checkpoint into the partitions' regions; the resume points. */
  private apply(checkpoint: DecodedCheckpoint): PartitionResume[] {
    return checkpoint.partitions.map(({ partition: p, regions }) => {
      const byName = new Map(regions.map((region) => [region.name, region]));
      const need = (name: string, type?: RegionElementType): RegionData => {
        const region = byName.get(name);
        if (!region || (type && region.elementType !== type)) {
          throw new NeuromeshError(ErrorCode.CHECKPOINT_MISMATCH, `checkpoint of superstep ${checkpoint.superstep} lacks region "${name}" of partition ${p}`, { partition: p, region: name });
        }
        return region.data;
      };
      for (const region of this.state[p]!) {
        const data = need(region.name, region.type);
        const target = this.bytes(region);
        if (data.byteLength !== target.byteLength) {
          throw new NeuromeshError(ErrorCode.CHECKPOINT_MISMATCH, `region "${region.name}" of partition ${p} holds ${data.byteLength} bytes, the run's holds ${target.byteLength}`, { partition: p, region: region.name });
        }
        target.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      }
      const reductions = need(REDUCTIONS, 'u8') as Uint8Array;
      const [slot0, slot1] = this.reductionSlots(p);
      this.host.view(Uint8Array, slot0, this.reductionSlotBytes).set(reductions.subarray(0, this.reductionSlotBytes));
      this.host.view(Uint8Array, slot1, this.reductionSlotBytes).set(reductions.subarray(this.reductionSlotBytes, 2 * this.reductionSlotBytes));
      const cursor = Array.from(need(CURSOR, 'f64') as Float64Array);
      const extras: Record<string, Uint32Array> = {};
      for (const region of regions) if (region.name.startsWith(EXTRA_PREFIX)) extras[region.name.slice(EXTRA_PREFIX.length)] = Uint32Array.from(region.data as Uint32Array);
      return { superstep: cursor[0]!, exchange: cursor[1]!, cursor: cursor.slice(2), extras };
    });
  }

  /** For `resume`: the latest checkpoint of this run in the store, applied; null when there is none. */
  async resumeFromStore(): Promise<{ superstep: number; resume: PartitionResume[] } | null> {
    const found = await this.manager.restore();
    this.report.skipped.push(...found.skipped);
    if (!found.checkpoint) return null;
    this.report.resumedFrom = found.checkpoint.superstep;
    return { superstep: found.checkpoint.superstep, resume: this.apply(found.checkpoint) };
  }

  /** A failure: count it (the interval shortens), or give up when recoveries ran out. */
  failed(error: NeuromeshError, attempt: number): void {
    this.manager.recordFailure();
    if (attempt >= this.maxRecoveries) {
      throw new UnrecoverableFailure(
        ErrorCode.UNRECOVERABLE,
        `the run failed ${attempt + 1} times (recoveries allowed: ${this.maxRecoveries}); last failure: ${error.message}`,
        { failures: [...this.report.failures.map((failure) => failure.message), error.message], lastCode: error.code, ...error.details },
        { cause: error },
      );
    }
  }

  private bytes(region: StateRegion): Uint8Array {
    return this.host.view(Uint8Array, region.offset, region.length * elementBytes(region.type));
  }
}

/** A plan's checksum for checkpoint identity: CRC-32 of its strategy, partition count and owners. */
export function planChecksum(plan: { k: number; strategy: string; vertexOwner: Int32Array; arcOwner: Int32Array }): number {
  let crc = crc32(new TextEncoder().encode(`${plan.strategy}:${plan.k}`));
  crc = crc32(new Uint8Array(plan.vertexOwner.buffer, plan.vertexOwner.byteOffset, plan.vertexOwner.byteLength), crc);
  return crc32(new Uint8Array(plan.arcOwner.buffer, plan.arcOwner.byteOffset, plan.arcOwner.byteLength), crc);
}
