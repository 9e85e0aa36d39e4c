/**
 * Weakly connected components on P workers: union-find over each partition's local arcs once, then
 * min-label propagation between the copies of each vertex until nothing changes. The label of a
 * component is its smallest vertex id, as on one worker (a minimum: unique, whatever the split).
 *
 * Setup: local union-find (wcc_union + wcc_finalize) gives every local vertex its local component's
 * root; labels start as global ids.
 * Round on partition p:
 *   spread    every local component takes its smallest label (wcc_local_min); lowered copies are
 *             flagged; their count is published
 *   gather    flagged replicas -> masters as (position, label), min-combined   --- barrier ---
 *             (stop here when no partition flagged anything)
 *   announce  flagged masters -> replicas as (position, label)                 --- barrier ---
 *   replicas take the smaller label; flags are cleared before the next spread.
 */
import type { WasmHost } from '../../memory/host.js';
import type { PlacedPartition } from '../../place/place.js';
import type { WorkerContext } from './context.js';
import type { Program } from './program.js';

export const wccProgram: Program = {
  description: {
    phases: ['spread', 'gather', 'announce'],
    message: '(list position, label i32) of lowered copies',
    combiner: 'min',
    aggregators: ['labels lowered'],
  },
  needsInArcs: false,
  needsNeurons: false,
  sizing: () => ({ multiplicity: 1, payloadBytes: 4 }),

  allocate(host: WasmHost, part: PlacedPartition): Record<string, number> {
    const n = Math.max(1, part.n);
    return {
      root: host.allocArray(Int32Array, n),
      labels: host.allocArray(Int32Array, n),
      rootLabel: host.allocArray(Int32Array, n),
      flags: host.allocArray(Uint8Array, n),
      changed: host.allocArray(Uint32Array, n),
    };
  },

  // root: the local union-find (fixed after the start); labels: the state; rootLabel, flags: as
  // left at the boundary (flags are all clear there), kept so a resumed run starts from the same bytes
  state: (part, regions) => [
    { name: 'root', type: 'i32', offset: regions.root!, length: part.n },
    { name: 'labels', type: 'i32', offset: regions.labels!, length: part.n },
    { name: 'rootLabel', type: 'i32', offset: regions.rootLabel!, length: part.n },
    { name: 'flags', type: 'u8', offset: regions.flags!, length: part.n },
  ],

  *run(context: WorkerContext): Generator<void, Record<string, number | boolean>, void> {
    const k = context.kernels;
    const part = context.part;
    const { root, labels, rootLabel, flags, changed } = context.regions as Record<string, number>;
    const n = part.n;
    const resumed = context.resumed;
    if (!resumed) {
      k.wcc_init(root, 0, n);
      k.wcc_union(part.outOffsets, part.outTargets, root, 0, n);
      k.wcc_finalize(root, root, n);
      context.view(Int32Array, labels, n).set(context.view(Uint32Array, part.localToGlobal, n));
      context.view(Uint8Array, flags, n).fill(0);
    }
    // the first round announces every master's label once, lowered or not: replicas start from
    // their own global id, which is their master's too, so only lowered labels need to travel
    const { sendPeers, receivePeers } = part;
    let rounds = resumed ? resumed.cursor[0]! : 0;
    for (;; rounds++) {
      context.phase(0);
      let count = k.wcc_local_min(root, labels, rootLabel, n, flags, changed, 0);
      const parity = rounds & 1;
      context.counters(parity)[0] = count;
      context.phase(1);
      for (let i = 0; i < receivePeers.length; i++) {
        const [list, length] = context.receiveList(i);
        const box = context.outbox(receivePeers[i]!);
        const entries = k.exchange_pack_flagged32(labels, flags, list, length, box.positions, box.payload);
        context.router.commit(receivePeers[i]!, box, entries, 8 * entries);
      }
      yield* context.sync();
      if (context.sumCounter(parity, 0) === 0) break;
      for (let i = 0; i < sendPeers.length; i++) {
        const [list] = context.sendList(i);
        const box = context.inbox(sendPeers[i]!);
        count = k.exchange_unpack_min32(labels, flags, list, box.positions, box.payload, context.received(box), changed, count);
      }
      context.phase(2);
      for (let i = 0; i < sendPeers.length; i++) {
        const [list, length] = context.sendList(i);
        const box = context.outbox(sendPeers[i]!);
        const entries = k.exchange_pack_flagged32(labels, flags, list, length, box.positions, box.payload);
        context.router.commit(sendPeers[i]!, box, entries, 8 * entries);
      }
      yield* context.sync();
      for (let i = 0; i < receivePeers.length; i++) {
        const [list] = context.receiveList(i);
        const box = context.inbox(receivePeers[i]!);
        count = k.exchange_unpack_min32(labels, flags, list, box.positions, box.payload, context.received(box), changed, count);
      }
      k.exchange_clear_flags(flags, changed, count);
      context.endStep([rounds + 1]);
    }
    context.endStep();
    return { rounds };
  },
};
