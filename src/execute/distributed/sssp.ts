/**
 * SSSP on P workers: each partition searches its local arcs to a local fixed point between exchanges
 * (label-setting: kernels/sssp-local.ts), min-combined across copies. The fixed point is the
 * single-worker kernel's (kernels/sssp.ts: every distance is the minimum over paths of the path's
 * left-to-right float sum, and the order of relaxations cannot change a minimum), so the bits agree
 * for any split and any schedule.
 *
 * Superstep s on partition p (a copy is `changed` once lowered in the superstep; flags cleared at its end):
 *   search    sssp_local from the seeds (copies lowered by the last exchange) and the vertices left
 *             pending, over distances up to (s + 1) · band (UNIT_BAND levels with unit weights; with
 *             other weights no bound: to quiescence): Dijkstra (Dial with unit weights), each
 *             vertex scanned about once, with no barrier in between (on a road network this
 *             replaces hundreds of level-synchronous supersteps by about ten)
 *   gather    (only when replicas can be arc targets) changed replicas -> masters as (position,
 *             distance); a master lowered by one is a seed and changed              --- barrier ---
 *   announce  changed masters -> their replicas (position, distance); the count of changes and
 *             pending work is published                                            --- barrier ---
 *   stop when nothing changed and nothing is pending anywhere; else replicas lowered by an
 *   announcement are the next seeds.
 *
 * The loop (searchByExchange) also runs BFS (bfs.ts) on i32 levels with bfs_local.
 */
import type { WasmHost } from '../../memory/host.js';
import type { PlacedPartition } from '../../place/place.js';
import type { MailboxBuffer } from '../../exchange/router.js';
import type { WorkerContext } from './context.js';
import type { Program, StateRegion } from './program.js';
import { WEIGHT_UNIT } from '../../memory/layout.js';

/**
 * Levels per superstep of a unit-weight search (BFS, SSSP with unit weights): more than most
 * low-diameter graphs have in all, about ten supersteps on road_ny (620 levels). To quiescence, a
 * partition reached late by the search idles until the others are done; in bands, it starts as
 * soon as the band reaches it. road_ny, edge-cut, vertices scanned on the critical path (Σ over
 * supersteps of the busiest partition), to quiescence -> band 64: P = 2 from vertex 0, 274k ->
 * 179k (n = 264k); from 123456, 264k -> 220k; P = 4 from 0, 214k -> 165k; from 200000, 257k ->
 * 149k. Band 16 is no better; 256 keeps most of the idling.
 */
export const UNIT_BAND = 64;

/** position[v] of a vertex in no heap (kernels/bfs-local.ts NOT_IN_HEAP). */
const NOT_IN_HEAP = 0xffff_ffff;

export const ssspProgram: Program = {
  description: {
    phases: ['search', 'gather', 'announce'],
    message: '(list position, distance f64) of lowered copies',
    combiner: 'min',
    aggregators: ['vertices lowered or pending'],
  },
  needsInArcs: false,
  needsNeurons: false,
  sizing: () => ({ multiplicity: 1, payloadBytes: 8 }),

  allocate(host: WasmHost, part: PlacedPartition): Record<string, number> {
    return { dist: host.allocArray(Float64Array, Math.max(1, part.n)), ...allocateSearch(host, part) };
  },

  // the distances and the search's heap, seeds and flags: pending heap entries live across supersteps
  state: (part, regions) => [{ name: 'dist', type: 'f64', offset: regions.dist!, length: part.n }, ...searchState(part, regions)],

  *run(context: WorkerContext): Generator<void, Record<string, number | boolean>, void> {
    const k = context.kernels;
    const part = context.part;
    const dist = context.regions.dist!;
    const { heap, position, queue, state, changed, changedList } = context.regions as Record<string, number>;
    const distView = context.view(Float64Array, dist, part.n);
    if (!context.resumed) distView.fill(Infinity);
    const result = yield* searchByExchange(context, {
      start: (v) => (distView[v] = 0),
      search: (seeds, count, limit) => k.sssp_local(part.weightType, part.outOffsets, part.outTargets, part.outWeights, dist, seeds, count, heap, position, queue, state, limit, changed, changedList),
      band: part.weightType === WEIGHT_UNIT ? UNIT_BAND : Infinity,
      pack: (list, length, box) => k.exchange_pack_flagged64(dist, changed, list, length, box.positions, box.payload),
      unpack: (list, box, queued, out, outCount) => k.exchange_unpack_min64(dist, queued, list, box.positions, box.payload, context.received(box), out, outCount),
      entryBytes: 12,
    });
    // unreachable masters read -1, as on one worker; the largest finite distance guards integer overflow
    const largest = k.sssp_finalize(dist, 0, part.masterCount);
    return { ...result, largest };
  },
};

/** The search's working regions (kernels/bfs-local.ts): one partition's heap, FIFO, seed lists and flags. */
export function allocateSearch(host: WasmHost, part: PlacedPartition): Record<string, number> {
  const n = Math.max(1, part.n);
  return {
    heap: host.allocArray(Uint32Array, n),
    position: host.allocArray(Uint32Array, n),
    queue: host.allocArray(Uint32Array, n),
    state: host.allocArray(Uint32Array, 2),
    seeds: host.allocArray(Uint32Array, n),
    queued: host.allocArray(Uint8Array, n),
    changed: host.allocArray(Uint8Array, n),
    changedList: host.allocArray(Uint32Array, n),
  };
}

/** The search's regions a checkpoint holds (Program.state). */
export function searchState(part: PlacedPartition, regions: Record<string, number>): StateRegion[] {
  const n = part.n;
  return [
    { name: 'heap', type: 'u32', offset: regions.heap!, length: n },
    { name: 'position', type: 'u32', offset: regions.position!, length: n },
    { name: 'queue', type: 'u32', offset: regions.queue!, length: n },
    { name: 'state', type: 'u32', offset: regions.state!, length: 2 },
    { name: 'seeds', type: 'u32', offset: regions.seeds!, length: n },
    { name: 'queued', type: 'u8', offset: regions.queued!, length: n },
    { name: 'changed', type: 'u8', offset: regions.changed!, length: n },
  ];
}

/** What searchByExchange needs of a value type (f64 distances, i32 levels). */
export interface LocalSearch {
  /** give the source (a local id) its starting value */
  start(v: number): void;
  /** run the local search from seeds u32[count] over keys <= limit; returns the vertices scanned */
  search(seeds: number, count: number, limit: number): number;
  /**
   * keys each superstep adds to the limit (Infinity: every search runs to quiescence). A band lets
   * partitions whose regions are reached late start while the others still search, in step
   */
  band: number;
  /** pack the changed copies of `list` into `box`; returns entries */
  pack(list: number, length: number, box: MailboxBuffer): number;
  /** min-combine a received batch into the values; lowered copies not yet `queued` are appended to `out` */
  unpack(list: number, box: MailboxBuffer, queued: number, out: number, outCount: number): number;
  /** bytes per entry: a u32 position and the value */
  entryBytes: number;
}

/**
 * The superstep loop of the module comment. Returns the supersteps (`rounds`) and the vertices the
 * searches scanned (`scanned`, on this partition: the work, to compare with its n).
 */
export function* searchByExchange(context: WorkerContext, values: LocalSearch, cursorPrefix: number[] = []): Generator<void, Record<string, number | boolean>, void> {
  const k = context.kernels;
  const part = context.part;
  const { seeds, position, state, queued, changed, changedList } = context.regions as Record<string, number>;
  const gather = context.settings.replicaTargets === true;
  const sourceLocal = context.settings.sourceLocal as number;
  // [0] changed copies listed, [1] vertices pending in the heap (keys above the superstep's limit)
  const searchState = context.view(Uint32Array, state, 2);
  // resuming: the regions are the checkpoint's, the loop's counters its cursor (after the prefix)
  const resumed = context.resumed?.cursor.slice(cursorPrefix.length);
  let count = resumed ? resumed[1]! : 0;
  if (!resumed) {
    context.view(Uint32Array, position, part.n).fill(NOT_IN_HEAP);
    context.view(Uint8Array, queued, part.n).fill(0);
    context.view(Uint8Array, changed, part.n).fill(0);
    searchState.fill(0);
    if (sourceLocal >= 0) {
      values.start(sourceLocal);
      context.view(Uint32Array, seeds, 1)[0] = sourceLocal;
      count = 1;
    }
  }
  const { sendPeers, receivePeers } = part;
  let rounds = resumed ? resumed[0]! : 0;
  let scanned = resumed ? resumed[2]! : 0;
  for (;; rounds++) {
    context.phase(0);
    // the same limit on every partition: superstep s scans keys up to (s + 1) · band
    scanned += values.search(seeds, count, (rounds + 1) * values.band);
    // the seeds are in the search's heap no more: they may be queued again by the next exchange
    k.exchange_clear_flags(queued, seeds, count);
    count = 0;
    if (gather) {
      context.phase(1);
      for (let i = 0; i < receivePeers.length; i++) {
        const [list, length] = context.receiveList(i);
        const box = context.outbox(receivePeers[i]!);
        const entries = values.pack(list, length, box);
        context.router.commit(receivePeers[i]!, box, entries, values.entryBytes * entries);
      }
      yield* context.sync();
      // masters lowered by a replica search next superstep (seeds) and are announced now (changed)
      for (let i = 0; i < sendPeers.length; i++) {
        const [list] = context.sendList(i);
        count = values.unpack(list, context.inbox(sendPeers[i]!), queued, seeds, count);
      }
      searchState[0] = k.exchange_flag_list(changed, seeds, count, changedList, searchState[0]!);
    }
    context.phase(2);
    for (let i = 0; i < sendPeers.length; i++) {
      const [list, length] = context.sendList(i);
      const box = context.outbox(sendPeers[i]!);
      const entries = values.pack(list, length, box);
      context.router.commit(sendPeers[i]!, box, entries, values.entryBytes * entries);
    }
    const parity = rounds & 1;
    context.counters(parity)[0] = searchState[0]! + count + searchState[1]!;
    yield* context.sync();
    if (context.sumCounter(parity, 0) === 0) break;
    for (let i = 0; i < receivePeers.length; i++) {
      const [list] = context.receiveList(i);
      count = values.unpack(list, context.inbox(receivePeers[i]!), queued, seeds, count);
    }
    k.exchange_clear_flags(changed, changedList, searchState[0]!);
    searchState[0] = 0;
    context.endStep([...cursorPrefix, rounds + 1, count, scanned]);
  }
  context.endStep();
  return { rounds, scanned };
}
