/**
 * BFS on P workers: level-synchronous top-down over each partition's local arcs; the same levels as
 * the single-worker kernel (a level is the length of a shortest path: unique, whatever the split).
 *
 * Level L on partition p:
 *   expand    every unvisited local out-neighbour of the frontier gets L (masters and replicas alike)
 *   gather    (only when replicas can be arc targets) replicas that got L -> their masters, as
 *             positions in the pair's list; a master still unvisited takes L      --- barrier ---
 *   announce  masters that got L -> their replicas (positions); the count of new vertices is
 *             published with it                                                    --- barrier ---
 *   stop when no partition found a new vertex; else replicas still unvisited take L, and the next
 *   frontier is every local copy that got L (each copy expands its own local arcs).
 */
import type { WasmHost } from '../../memory/host.js';
import type { PlacedPartition } from '../../place/place.js';
import type { WorkerContext } from './context.js';
import type { Program, Settings } from './program.js';

export const bfsProgram: Program = {
  description: {
    phases: ['expand', 'gather', 'announce'],
    message: 'list positions of copies that reached the level',
    combiner: 'min',
    aggregators: ['vertices reached'],
  },
  needsInArcs: false,
  needsNeurons: false,
  sizing: () => ({ multiplicity: 1, payloadBytes: 0 }),

  allocate(host: WasmHost, part: PlacedPartition): Record<string, number> {
    const n = Math.max(1, part.n);
    return {
      levels: host.allocArray(Int32Array, n),
      frontier: host.allocArray(Uint32Array, n),
      next: host.allocArray(Uint32Array, n),
      stats: host.allocArray(Float64Array, 1),
    };
  },

  *run(context: WorkerContext): Generator<void, Record<string, number | boolean>, void> {
    const k = context.kernels;
    const part = context.part;
    const { levels, stats } = context.regions as Record<string, number>;
    let frontier = context.regions.frontier!;
    let next = context.regions.next!;
    const gather = context.settings.replicaTargets === true;
    const sourceLocal = context.settings.sourceLocal as number;
    const levelView = context.view(Int32Array, levels, part.n);
    levelView.fill(-1);
    let count = 0;
    if (sourceLocal >= 0) {
      levelView[sourceLocal] = 0;
      context.view(Uint32Array, frontier, 1)[0] = sourceLocal;
      count = 1;
    }
    const { sendPeers, receivePeers } = part;
    let level = 1;
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
      const parity = level & 1;
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
      context.endStep();
    }
    context.endStep();
    return { levels: level - 1 };
  },
};
