/**
 * BFS on P workers; the same levels as the single-worker kernel (a level is the length of a shortest
 * path: unique, whatever the split and whatever order the levels were found in). Two schedules:
 *
 * By exchange (sssp.ts searchByExchange, with bfs_local on i32 levels, i32 max = not reached): each
 * partition searches its local arcs between exchanges, a band of UNIT_BAND levels per superstep,
 * from copies lowered by the last exchange (each at its own level: Dial's bucket order,
 * kernels/bfs-local.ts), and lowered copies are min-combined (road_ny on 2 workers: 11 supersteps
 * instead of 620).
 *
 * Level-synchronous, where the exchange lists are a large share of the partition (a low-diameter
 * graph cut everywhere: a copy lowered later sends its partition's search over the same vertices
 * again, and levels scan each vertex once). Level L on partition p:
 *   expand    every unvisited local out-neighbour of the frontier gets L (masters and replicas alike)
 *   gather    (only when replicas can be arc targets) replicas that got L -> their masters, as
 *             positions in the pair's list; a master still unvisited takes L      --- barrier ---
 *   announce  masters that got L -> their replicas (positions); the count of new vertices is
 *             published with it                                                    --- barrier ---
 *   stop when no partition found a new vertex; else replicas still unvisited take L, and the next
 *   frontier is every local copy that got L (each copy expands its own local arcs).
 * Both report phase 0 as `expand` (the local search), 1 `gather`, 2 `announce`.
 */
import type { WasmHost } from '../../memory/host.js';
import type { PlacedPartition } from '../../place/place.js';
import type { WorkerContext } from './context.js';
import type { Program } from './program.js';
import { allocateSearch, searchByExchange, searchState, UNIT_BAND } from './sssp.js';

/** A level not reached yet during the search by exchange (the min combiner's identity). */
const UNREACHED = 0x7fff_ffff;

/**
 * Search by exchange while the exchange lists (send + receive entries, all partitions) stay below
 * this share of the local vertices. Road networks cut in 2 have ~1e-4; R-MAT and other
 * low-diameter graphs, tenths and more.
 */
export const LOCAL_SEARCH_COPY_SHARE = 1 / 64;

/** Send + receive list entries of a partition. */
function copiesOf(part: PlacedPartition): number {
  return (part.sendOffsets[part.sendOffsets.length - 1] ?? 0) + (part.receiveOffsets[part.receiveOffsets.length - 1] ?? 0);
}

export const bfsProgram: Program = {
  description: {
    phases: ['expand', 'gather', 'announce'],
    message: 'levels of lowered copies as (list position, level i32); level-synchronous: list positions of copies that reached the level',
    combiner: 'min',
    aggregators: ['vertices reached or pending', 'exchange list entries and local vertices (the schedule)'],
  },
  needsInArcs: false,
  needsNeurons: false,
  sizing: () => ({ multiplicity: 1, payloadBytes: 4 }),

  allocate(host: WasmHost, part: PlacedPartition): Record<string, number> {
    const n = Math.max(1, part.n);
    // both schedules' regions: the choice is made by all workers together, at the start of the run
    return {
      levels: host.allocArray(Int32Array, n),
      ...allocateSearch(host, part),
      frontier: host.allocArray(Uint32Array, n),
      next: host.allocArray(Uint32Array, n),
      stats: host.allocArray(Float64Array, 1),
    };
  },

  // the levels, the search's regions (by-exchange schedule), the frontiers (level-synchronous);
  // the cursor says which schedule and, level-synchronous, which frontier region is current
  state: (part, regions) => [
    { name: 'levels', type: 'i32', offset: regions.levels!, length: part.n },
    ...searchState(part, regions),
    { name: 'frontier', type: 'u32', offset: regions.frontier!, length: part.n },
    { name: 'next', type: 'u32', offset: regions.next!, length: part.n },
  ],

  *run(context: WorkerContext): Generator<void, Record<string, number | boolean>, void> {
    // a resumed run took its schedule in superstep 0 (cursor[0]: 1 = by exchange)
    const resumed = context.resumed;
    if (resumed) return resumed.cursor[0] === 1 ? yield* byExchange(context) : yield* levelSynchronous(context);
    // every worker sums the same slots, so all take the same schedule; parity 1 is next written in
    // the second superstep, after everyone has read it
    const published = context.counters(1);
    published[0] = copiesOf(context.part);
    published[1] = context.part.n;
    yield* context.sync();
    const local = context.sumCounter(1, 0) <= LOCAL_SEARCH_COPY_SHARE * context.sumCounter(1, 1);
    return local ? yield* byExchange(context) : yield* levelSynchronous(context);
  },
};

function* byExchange(context: WorkerContext): Generator<void, Record<string, number | boolean>, void> {
  const k = context.kernels;
  const part = context.part;
  const levels = context.regions.levels!;
  const { heap, position, queue, state, changed, changedList } = context.regions as Record<string, number>;
  const levelView = context.view(Int32Array, levels, part.n);
  if (!context.resumed) levelView.fill(UNREACHED);
  const result = yield* searchByExchange(context, {
    start: (v) => (levelView[v] = 0),
    search: (seeds, count, limit) => k.bfs_local(part.outOffsets, part.outTargets, levels, seeds, count, heap, position, queue, state, Math.min(limit, UNREACHED), changed, changedList),
    band: UNIT_BAND,
    pack: (list, length, box) => k.exchange_pack_flagged32(levels, changed, list, length, box.positions, box.payload),
    unpack: (list, box, queued, out, outCount) => k.exchange_unpack_min32(levels, queued, list, box.positions, box.payload, context.received(box), out, outCount),
    entryBytes: 8,
  }, [1]);
  // unreached masters read -1, as on one worker; the depth (the result's `levels`) is the largest
  // over all workers: one more meeting (the parity not written in the last superstep)
  const parity = ((result.rounds as number) + 1) & 1;
  context.counters(parity)[0] = k.bfs_local_finalize(levels, 0, part.masterCount);
  yield* context.sync();
  let deepest = -1;
  for (let q = 0; q < context.workers; q++) deepest = Math.max(deepest, context.counters(parity, q)[0]!);
  return { ...result, levels: deepest };
}

function* levelSynchronous(context: WorkerContext): Generator<void, Record<string, number | boolean>, void> {
  const k = context.kernels;
  const part = context.part;
  const { levels, stats } = context.regions as Record<string, number>;
  let frontier = context.regions.frontier!;
  let next = context.regions.next!;
  const gather = context.settings.replicaTargets === true;
  const sourceLocal = context.settings.sourceLocal as number;
  const levelView = context.view(Int32Array, levels, part.n);
  // cursor: [0 (this schedule), next level, frontier size, frontier is the `next` region]
  const resumed = context.resumed?.cursor;
  let count = resumed ? resumed[2]! : 0;
  if (resumed?.[3] === 1) [frontier, next] = [next, frontier];
  if (!resumed) {
    levelView.fill(-1);
    if (sourceLocal >= 0) {
      levelView[sourceLocal] = 0;
      context.view(Uint32Array, frontier, 1)[0] = sourceLocal;
      count = 1;
    }
  }
  const { sendPeers, receivePeers } = part;
  let level = resumed ? resumed[1]! : 1;
  for (;; level++) {
    context.phase(0);
    let found = k.bfs_top_down(part.outOffsets, part.outTargets, levels, frontier, count, next, level, stats);
    if (gather) {
      context.phase(1);
      for (let i = 0; i < receivePeers.length; i++) {
        const [list, length] = context.receiveList(i);
        const box = context.outbox(receivePeers[i]!);
        const entries = k.exchange_pack_equal32(levels, list, length, level, box.positions);
        context.router.commit(receivePeers[i]!, box, entries, 4 * entries);
      }
      yield* context.sync();
      for (let i = 0; i < sendPeers.length; i++) {
        const [list] = context.sendList(i);
        const box = context.inbox(sendPeers[i]!);
        found = k.exchange_unpack_visit32(levels, list, box.positions, context.received(box), level, next, found);
      }
    }
    context.phase(2);
    for (let i = 0; i < sendPeers.length; i++) {
      const [list, length] = context.sendList(i);
      const box = context.outbox(sendPeers[i]!);
      const entries = k.exchange_pack_equal32(levels, list, length, level, box.positions);
      context.router.commit(sendPeers[i]!, box, entries, 4 * entries);
    }
    // level 1 writes parity 0: parity 1 held the schedule sums, read by everyone before the first announce
    const parity = (level + 1) & 1;
    context.counters(parity)[0] = found;
    yield* context.sync();
    if (context.sumCounter(parity, 0) === 0) break;
    for (let i = 0; i < receivePeers.length; i++) {
      const [list] = context.receiveList(i);
      const box = context.inbox(receivePeers[i]!);
      found = k.exchange_unpack_visit32(levels, list, box.positions, context.received(box), level, next, found);
    }
    [frontier, next] = [next, frontier];
    count = found;
    context.endStep([0, level + 1, count, frontier === context.regions.frontier ? 0 : 1]);
  }
  context.endStep();
  return { levels: level - 1 };
  }
