/**
 * SSSP on P workers: label-correcting relaxation over each
 * partition's local arcs, min-combined across copies. The fixed point is the single-worker kernel's
 * (kernels/sssp.ts: every distance is the minimum over paths of the path's left-to-right float sum,
 * and relaxation order cannot change a minimum), so the bits agree for any split and any schedule.
 *
 * Superstep on partition p (a copy is `changed` once lowered in the superstep; flags cleared at its end):
 *   relax     local rounds of sssp_relax_local until the local worklist is empty: a local fixed
 *             point, with no barrier in between (on a road network this replaces hundreds of
 *             level-synchronous supersteps by a few)
 *   gather    (only when replicas can be arc targets) changed replicas -> masters as (position,
 *             distance); a master lowered by one is queued and changed              --- barrier ---
 *   announce  changed masters -> their replicas (position, distance); the count of changes and
 *             pending work is published                                            --- barrier ---
 *   stop when nothing changed anywhere; else replicas lowered by an announcement join the worklist.
 */
import type { WasmHost } from '../../memory/host.js';
import type { PlacedPartition } from '../../place/place.js';
import type { WorkerContext } from './context.js';
import { WEIGHT_UNIT } from '../../memory/layout.js';
import type { Program } from './program.js';

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
      changed: host.allocArray(Uint8Array, n),
      worklist: host.allocArray(Uint32Array, n),
      next: host.allocArray(Uint32Array, n),
      changedList: host.allocArray(Uint32Array, n),
      changedCount: host.allocArray(Uint32Array, 1),
    };
  },

  *run(context: WorkerContext): Generator<void, Record<string, number | boolean>, void> {
    return yield* relaxToQuiescence(context, context.settings.unitWeights === true);
  },
};

/**
 * The superstep loop. Each superstep relaxes the local arcs to a local fixed point first (no barrier
 * between local rounds), so the supersteps count the times a shortest path crosses partitions, not
 * its length (road_ny on 2 workers: 4 supersteps instead of 620). `unitWeights` runs it as BFS by
 * distance; BFS itself stays level-synchronous (bfs.ts): on a low-diameter graph the local fixed
 * point relaxes vertices again when a shorter path arrives from another partition, and measured
 * 2-3x slower than levels on R-MAT scale 17.
 */
export function* relaxToQuiescence(context: WorkerContext, unitWeights: boolean): Generator<void, Record<string, number | boolean>, void> {
  const k = context.kernels;
  const part = context.part;
  const { dist, queued, changed, changedList, changedCount } = context.regions as Record<string, number>;
  let worklist = context.regions.worklist!;
  let next = context.regions.next!;
  const weightType = unitWeights ? WEIGHT_UNIT : part.weightType;
  const gather = context.settings.replicaTargets === true;
  const sourceLocal = context.settings.sourceLocal as number;
  context.view(Float64Array, dist, part.n).fill(Infinity);
  context.view(Uint8Array, queued, part.n).fill(0);
  context.view(Uint8Array, changed, part.n).fill(0);
  const listed = context.view(Uint32Array, changedCount, 1);
  listed[0] = 0;
  let count = 0;
  if (sourceLocal >= 0) {
    context.view(Float64Array, dist, part.n)[sourceLocal] = 0;
    context.view(Uint8Array, queued, part.n)[sourceLocal] = 1;
    context.view(Uint32Array, worklist, 1)[0] = sourceLocal;
    count = 1;
  }
  const { sendPeers, receivePeers } = part;
  let rounds = 0;
  let localRounds = 0;
  for (;; rounds++) {
    context.phase(0);
    // local fixed point: every copy lowered on the way is flagged `changed` for the exchange
    while (count > 0) {
      const found = k.sssp_relax_local(weightType, part.outOffsets, part.outTargets, part.outWeights, dist, queued, worklist, count, next, changed, changedList, changedCount);
      [worklist, next] = [next, worklist];
      count = found;
      localRounds++;
    }
    if (gather) {
      context.phase(1);
      for (let i = 0; i < receivePeers.length; i++) {
        const [list, length] = context.receiveList(i);
        const box = context.outbox(receivePeers[i]!);
        const entries = k.exchange_pack_flagged64(dist, changed, list, length, box.positions, box.payload);
        context.router.commit(receivePeers[i]!, box, entries, 12 * entries);
      }
      yield* context.sync();
      // masters lowered by a replica relax next superstep (queued) and are announced now (changed)
      for (let i = 0; i < sendPeers.length; i++) {
        const [list] = context.sendList(i);
        const box = context.inbox(sendPeers[i]!);
        count = k.exchange_unpack_min64(dist, queued, list, box.positions, box.payload, context.received(box), worklist, count);
      }
      listed[0] = k.exchange_flag_list(changed, worklist, count, changedList, listed[0]!);
    }
    context.phase(2);
    for (let i = 0; i < sendPeers.length; i++) {
      const [list, length] = context.sendList(i);
      const box = context.outbox(sendPeers[i]!);
      const entries = k.exchange_pack_flagged64(dist, changed, list, length, box.positions, box.payload);
      context.router.commit(sendPeers[i]!, box, entries, 12 * entries);
    }
    const parity = rounds & 1;
    context.counters(parity)[0] = listed[0]! + count;
    yield* context.sync();
    if (context.sumCounter(parity, 0) === 0) break;
    for (let i = 0; i < receivePeers.length; i++) {
      const [list] = context.receiveList(i);
      const box = context.inbox(receivePeers[i]!);
      count = k.exchange_unpack_min64(dist, queued, list, box.positions, box.payload, context.received(box), worklist, count);
    }
    k.exchange_clear_flags(changed, changedList, listed[0]!);
    listed[0] = 0;
    context.endStep();
  }
  context.endStep();
  // unreachable masters read -1, as on one worker; the largest finite distance guards integer overflow
  const largest = k.sssp_finalize(dist, 0, part.masterCount);
  return { rounds, localRounds, largest };
}
