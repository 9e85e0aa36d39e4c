/**
 * SSSP on P workers: label-correcting rounds over each partition's local arcs, min-combined across
 * copies. The fixed point is the single-worker kernel's (kernels/sssp.ts: every distance is the
 * minimum over paths of the path's left-to-right float sum, and relaxation order cannot change a
 * minimum), so the bits agree for any split.
 *
 * Round r on partition p (a copy is flagged when lowered this round; flags are cleared at its end):
 *   relax     the worklist's local out-arcs (sssp_relax_tracked): lowered local targets are flagged
 *   gather    (only when replicas can be arc targets) flagged replicas -> masters as (position,
 *             distance); a master lowered by one is flagged                            --- barrier ---
 *   announce  flagged masters -> their replicas (position, distance), with the count published
 *                                                                                   --- barrier ---
 *   stop when no partition flagged anything; else replicas take the (smaller) master distance,
 *   flagged if not already; the flagged copies are the next worklist.
 */
import type { WasmHost } from '../../memory/host.js';
import type { PlacedPartition } from '../../place/place.js';
import type { WorkerContext } from './context.js';
import type { Program, Settings } from './program.js';

export const ssspProgram: Program = {
  description: {
    phases: ['relax', 'gather', 'announce'],
    message: '(list position, distance f64) of lowered copies',
    combiner: 'min',
    aggregators: ['vertices lowered'],
  },
  needsInArcs: false,
  needsNeurons: false,
  sizing: () => ({ multiplicity: 1, payloadBytes: 8 }),

  allocate(host: WasmHost, part: PlacedPartition): Record<string, number> {
    const n = Math.max(1, part.n);
    return {
      dist: host.allocArray(Float64Array, n),
      queued: host.allocArray(Uint8Array, n),
      worklist: host.allocArray(Uint32Array, n),
      next: host.allocArray(Uint32Array, n),
    };
  },

  run(context: WorkerContext): Record<string, number | boolean> {
    const k = context.kernels;
    const part = context.part;
    const { dist, queued } = context.regions as Record<string, number>;
    let worklist = context.regions.worklist!;
    let next = context.regions.next!;
    const gather = context.settings.replicaTargets === true;
    const sourceLocal = context.settings.sourceLocal as number;
    context.view(Float64Array, dist, part.n).fill(Infinity);
    context.view(Uint8Array, queued, part.n).fill(0);
    let count = 0;
    if (sourceLocal >= 0) {
      context.view(Float64Array, dist, part.n)[sourceLocal] = 0;
      context.view(Uint32Array, worklist, 1)[0] = sourceLocal;
      count = 1;
    }
    const { sendPeers, receivePeers } = part;
    let rounds = 0;
    for (;; rounds++) {
      context.phase(0);
      let improved = k.sssp_relax_tracked(part.weightType, part.outOffsets, part.outTargets, part.outWeights, dist, queued, worklist, count, next);
      if (gather) {
        context.phase(1);
        for (let i = 0; i < receivePeers.length; i++) {
          const [list, length] = context.receiveList(i);
          const box = context.outbox(receivePeers[i]!);
          const entries = k.exchange_pack_flagged64(dist, queued, list, length, box.positions, box.payload);
          context.router.commit(receivePeers[i]!, box, entries, 12 * entries);
        }
        context.sync();
        for (let i = 0; i < sendPeers.length; i++) {
          const [list] = context.sendList(i);
          const box = context.inbox(sendPeers[i]!);
          improved = k.exchange_unpack_min64(dist, queued, list, box.positions, box.payload, context.received(box), next, improved);
        }
      }
      context.phase(2);
      for (let i = 0; i < sendPeers.length; i++) {
        const [list, length] = context.sendList(i);
        const box = context.outbox(sendPeers[i]!);
        const entries = k.exchange_pack_flagged64(dist, queued, list, length, box.positions, box.payload);
        context.router.commit(sendPeers[i]!, box, entries, 12 * entries);
      }
      const parity = rounds & 1;
      context.counters(parity)[0] = improved;
      context.sync();
      if (context.sumCounter(parity, 0) === 0) break;
      for (let i = 0; i < receivePeers.length; i++) {
        const [list] = context.receiveList(i);
        const box = context.inbox(receivePeers[i]!);
        improved = k.exchange_unpack_min64(dist, queued, list, box.positions, box.payload, context.received(box), next, improved);
      }
      // every copy lowered this round (locally or by a message) relaxes its local arcs next round
      k.exchange_clear_flags(queued, next, improved);
      [worklist, next] = [next, worklist];
      count = improved;
      context.endStep();
    }
    context.endStep();
    // unreachable masters read -1, as on one worker; the largest finite distance guards integer overflow
    const largest = k.sssp_finalize(dist, 0, part.masterCount);
    return { rounds, largest };
  },
};
