/**
 * An algorithm as the distributed runtime sees it: how big its messages are, what state each
 * partition needs in shared memory, the phases a worker runs, and how the masters' values become the
 * result. One file per algorithm beside this one; `programs.ts` lists them.
 */
import type { MailboxSizing } from '../../exchange/router.js';
import type { WasmHost } from '../../memory/host.js';
import type { PlacedPartition } from '../../place/place.js';
import type { WorkerContext } from './context.js';

export type Settings = Record<string, number | string | boolean>;

/**
 * A region of a partition's state that a checkpoint must hold (issue 6): everything a program
 * changes and reads again in a later superstep. Scratch regions rebuilt every superstep are left
 * out; so are the placement's arrays, which never change during a run.
 */
export interface StateRegion {
  name: string;
  type: 'u8' | 'i32' | 'u32' | 'i64' | 'f64';
  /** byte offset in the shared memory */
  offset: number;
  /** elements */
  length: number;
}

/** What an algorithm declares about itself (DESIGN.md pipeline stage 5; issue 4 item 3). */
export interface ProgramDescription {
  /** the phases of one superstep, in order; a worker's time is reported per phase */
  phases: readonly string[];
  /** what crosses partitions */
  message: string;
  /** how messages to one vertex combine (exact for every algorithm, so the split cannot matter) */
  combiner: 'sum' | 'min' | 'union';
  /** global reductions every worker reads after a barrier */
  aggregators: readonly string[];
}

export interface Program {
  description: ProgramDescription;
  /** mailbox entries per exchange-list element and payload bytes per entry */
  sizing(settings: Settings): MailboxSizing;
  /** whether the placement needs the local CSC / neuron records */
  needsInArcs: boolean;
  needsNeurons: boolean;
  /** the coordinator allocates one partition's state regions (before any worker starts) */
  allocate(host: WasmHost, part: PlacedPartition, settings: Settings): Record<string, number>;
  /**
   * The state regions a checkpoint holds, for a program that can resume from one (its `run` then
   * reads `context.resumed` and the cursor it passed to `endStep`). `memory` is the shared buffer
   * (e.g. to read pointers a kernel's control block keeps). A program without it restarts from the
   * beginning after a failure.
   */
  state?(part: PlacedPartition, regions: Record<string, number>, settings: Settings, memory: ArrayBufferLike): StateRegion[];
  /** a worker runs its partition's phases, superstep by superstep, yielding at every barrier
   * (`yield* context.sync()`: the driver in worker.ts meets the other threads there); returns small results */
  run(context: WorkerContext): Generator<void, Record<string, number | boolean>, void>;
}
