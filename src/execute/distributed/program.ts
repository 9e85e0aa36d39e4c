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

export interface Program {
  /** mailbox entries per exchange-list element and payload bytes per entry */
  sizing(settings: Settings): MailboxSizing;
  /** whether the placement needs the local CSC / neuron records */
  needsInArcs: boolean;
  needsNeurons: boolean;
  /** the coordinator allocates one partition's state regions (before any worker starts) */
  allocate(host: WasmHost, part: PlacedPartition, settings: Settings): Record<string, number>;
  /** a worker runs its partition's phases, superstep by superstep; returns small results */
  run(context: WorkerContext): Record<string, number | boolean>;
}
