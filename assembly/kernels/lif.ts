// LIF: a chunk of steps of the integer leaky integrate-and-fire model (lif-model.md), on one worker's
//   (local) graph. Returns: the steps completed (it stops early when the next step's spikes might not fit
//   in the spike buffer), or LIF_STATUS_OVERFLOW with the neuron and step written to the control block.
// Method: each step updates neurons [0, updateCount) in id order (arrivals read from a delay ring buffer
//   of i64 rows, DECAY rounded toward zero, counter-based noise; neurons sharing one record four at a
//   time in f64 lanes, exactly), then pushes each spike along its CSR out-arcs into ring row (t + d) mod D.
//   Requires: integer weights (unit or i32), delays in [1, D - 1], state zeroed.
//   Cites: Davies et al., "Loihi: a neuromorphic manycore processor", IEEE Micro 38(1), 2018.
//
// The control block and the state regions are drawn in src/memory/layout.ts (LIF section), with the
// epoch protocol that lif_deliver, lif_ring_take and lif_ring_add serve on a partition's local graph.
// Everything the kernel keeps between calls lives in those regions, so a run can be driven in chunks
// of any size and any instance of the module (on any thread) may run the next chunk.

import {
  DELAY_CONSTANT,
  DELAY_U16,
  DELAY_U8,
  LIF_CONSTANT_DELAY,
  LIF_CURRENT,
  LIF_DELAY_KIND,
  LIF_ERROR_NEURON,
  LIF_ERROR_STEP,
  LIF_GLOBAL_IDS,
  LIF_N,
  LIF_OUT_DELAYS,
  LIF_OUT_OFFSETS,
  LIF_OUT_TARGETS,
  LIF_OUT_WEIGHTS,
  LIF_PARAMS,
  LIF_PARAM_STRIDE,
  LIF_REFRACTORY,
  LIF_RING,
  LIF_RING_ROWS,
  LIF_SEED,
  LIF_SPIKES_WRITTEN,
  LIF_SPIKE_CAPACITY,
  LIF_SPIKE_COUNTS,
  LIF_SPIKE_IDS,
  LIF_STATE_LIMIT_BITS,
  LIF_STATUS_OVERFLOW,
  LIF_STEP_SPIKES,
  LIF_SYNAPTIC_EVENTS,
  LIF_UPDATE_COUNT,
  LIF_VOLTAGE,
  LIF_WEIGHT_KIND,
  NEURON_BIAS,
  NEURON_DU,
  NEURON_DV,
  NEURON_NOISE,
  NEURON_REFRACTORY,
  NEURON_VTH,
  WEIGHT_UNIT,
} from '../layout';

const STATE_LIMIT: i64 = (<i64>1) << LIF_STATE_LIMIT_BITS;

/**
 * DECAY(x, d) = sign(x) · ((|x| · keep) >> 12) with keep = 4096 − d: x · keep / 4096 rounded toward
 * zero, i.e. its floor for x ≥ 0 and its ceiling for x < 0. |x| · keep could need 74 bits, so split
 * x = high · 4096 + low (high = x >> 12, the floor; 0 ≤ low < 4096): x · keep / 4096 = high · keep +
 * low · keep / 4096, and high · keep is an integer, so the floor (ceiling) of the whole is high · keep
 * plus the floor (ceiling) of low · keep / 4096; the ceiling of y / 4096 is (y + 4095) >> 12. For
 * |x| < 2^61 every term fits an i64, and no branch depends on the sign.
 */
// @ts-ignore: decorator
@inline function decay(x: i64, keep: i64): i64 {
  return (x >> 12) * keep + (((x & 4095) * keep + ((x >> 63) & 4095)) >> 12);
}

/** splitmix64's finalizer, on wrapping u64 arithmetic (lif-model.md, NOISE). */
// @ts-ignore: decorator
@inline function mix64(value: u64): u64 {
  let x = value;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9;
  x ^= x >> 27;
  x *= 0x94d049bb133111eb;
  x ^= x >> 31;
  return x;
}

/** φ, the counter stride of NOISE, and φ · 2^32 (wrapping): h(i, t) = mix64(seed + φ · t + φ · 2^32 · i). */
const PHI: u64 = 0x9e3779b97f4a7c15;
const PHI_NEURON: u64 = PHI << 32;

/**
 * Push the spikes ids[first .. last) along their out-arcs. `weighted` and `delayKind` are constants
 * at every call site, so after inlining the optimizer keeps one tight loop per storage kind.
 */
// @ts-ignore: decorator
@inline function deliver(
  weighted: bool,
  delayKind: u32,
  ids: usize,
  first: u32,
  last: u32,
  outOffsets: usize,
  outTargets: usize,
  outWeights: usize,
  outDelays: usize,
  ring: usize,
  n: u32,
  rows: u32,
  rowNow: u32,
  constantDelay: u32,
): u64 {
  let events: u64 = 0;
  // the ring row that delay `constantDelay` lands in; rowNow + d < 2D since d < D
  let constantRow = rowNow + constantDelay;
  if (constantRow >= rows) constantRow -= rows;
  const constantBase = ring + ((<usize>constantRow * <usize>n) << 3);
  for (let k = first; k < last; k++) {
    const source = load<u32>(ids + ((<usize>k) << 2));
    const begin = load<u32>(outOffsets + ((<usize>source) << 2));
    const end = load<u32>(outOffsets + ((<usize>source) << 2), 4);
    events += <u64>(end - begin);
    for (let arc = begin; arc < end; arc++) {
      const target = <usize>load<u32>(outTargets + ((<usize>arc) << 2));
      const weight: i64 = weighted ? <i64>load<i32>(outWeights + ((<usize>arc) << 2)) : 1;
      let slot: usize;
      if (delayKind == DELAY_CONSTANT) {
        slot = constantBase + (target << 3);
      } else {
        const delay = delayKind == DELAY_U8 ? <u32>load<u8>(outDelays + <usize>arc) : <u32>load<u16>(outDelays + ((<usize>arc) << 1));
        let row = rowNow + delay;
        if (row >= rows) row -= rows;
        slot = ring + ((<usize>row * <usize>n + target) << 3);
      }
      store<i64>(slot, load<i64>(slot) + weight);
    }
  }
  return events;
}

/** deliver() with its storage kinds chosen at run time: one specialised loop per kind. */
function deliverAny(
  weighted: bool,
  delayKind: u32,
  ids: usize,
  first: u32,
  last: u32,
  outOffsets: usize,
  outTargets: usize,
  outWeights: usize,
  outDelays: usize,
  ring: usize,
  n: u32,
  rows: u32,
  rowNow: u32,
  constantDelay: u32,
): u64 {
  if (weighted) {
    if (delayKind == DELAY_CONSTANT) return deliver(true, DELAY_CONSTANT, ids, first, last, outOffsets, outTargets, outWeights, outDelays, ring, n, rows, rowNow, constantDelay);
    if (delayKind == DELAY_U8) return deliver(true, DELAY_U8, ids, first, last, outOffsets, outTargets, outWeights, outDelays, ring, n, rows, rowNow, constantDelay);
    return deliver(true, DELAY_U16, ids, first, last, outOffsets, outTargets, outWeights, outDelays, ring, n, rows, rowNow, constantDelay);
  }
  if (delayKind == DELAY_CONSTANT) return deliver(false, DELAY_CONSTANT, ids, first, last, outOffsets, outTargets, outWeights, outDelays, ring, n, rows, rowNow, constantDelay);
  if (delayKind == DELAY_U8) return deliver(false, DELAY_U8, ids, first, last, outOffsets, outTargets, outWeights, outDelays, ring, n, rows, rowNow, constantDelay);
  return deliver(false, DELAY_U16, ids, first, last, outOffsets, outTargets, outWeights, outDelays, ring, n, rows, rowNow, constantDelay);
}

/** `written` after an update that overflowed (the spike buffer never holds 2^32 − 1 ids). */
const OVERFLOWED: u32 = 0xffffffff;

/**
 * Update neurons [first, last) for one step in id order, appending the spiking ids at `ids[written ..]`.
 * Returns the new `written`, or OVERFLOWED with the neuron stored in the control block's error slot.
 * `uniform` and `mapped` are constants at each call site (four specialised loops; fewer live values
 * means fewer spills in V8's code): `uniform` means every neuron shares the record at `params`, so
 * its fields are read once, outside the loop; `mapped` means NOISE draws with globalIds[i], not i.
 * The exact i64 loop: records of their own, and whatever updateLanes() hands back.
 */
// @ts-ignore: decorator
@inline function updateNeurons(
  uniform: bool,
  mapped: bool,
  control: usize,
  first: u32,
  last: u32,
  step: u32,
  seed: u64,
  globalIds: usize,
  arrivals: usize,
  params: usize,
  paramStride: usize,
  current: usize,
  voltage: usize,
  refractory: usize,
  spikeCounts: usize,
  ids: usize,
  written: u32,
): u32 {
  const sharedKeepU = 4096 - <i64>load<i32>(params, NEURON_DU << 2);
  const sharedKeepV = 4096 - <i64>load<i32>(params, NEURON_DV << 2);
  const sharedBias = <i64>load<i32>(params, NEURON_BIAS << 2);
  const sharedAmplitude = load<i32>(params, NEURON_NOISE << 2);
  const sharedThreshold = <i64>load<i32>(params, NEURON_VTH << 2);
  const sharedRefractory = load<i32>(params, NEURON_REFRACTORY << 2);
  const stepKey = seed + PHI * <u64>step;
  for (let i: u32 = first; i < last; i++) {
    const index = <usize>i;
    const arrivalSlot = arrivals + (index << 3);
    const arrived = load<i64>(arrivalSlot);
    store<i64>(arrivalSlot, 0); // the row is reused for step + D
    const record = params + index * paramStride;
    const keepU = uniform ? sharedKeepU : 4096 - <i64>load<i32>(record, NEURON_DU << 2);
    const keepV = uniform ? sharedKeepV : 4096 - <i64>load<i32>(record, NEURON_DV << 2);
    const bias = uniform ? sharedBias : <i64>load<i32>(record, NEURON_BIAS << 2);
    const amplitude = uniform ? sharedAmplitude : load<i32>(record, NEURON_NOISE << 2);
    const u = decay(load<i64>(current + (index << 3)), keepU) + arrived;
    let v = decay(load<i64>(voltage + (index << 3)), keepV) + u + bias;
    if (amplitude != 0) {
      const neuron = mapped ? load<u32>(globalIds + (index << 2)) : i;
      const hash = mix64(stepKey + PHI_NEURON * <u64>neuron);
      // A plain i64.rem_u in this loop: here (one neuron at a time, AMD EPYC, V8 11.3) an exact
      // Barrett reduction and an f64-reciprocal one were both slower; updateLanes() avoids it.
      v += <i64>(hash % (2 * <u64>amplitude + 1)) - <i64>amplitude;
    }
    // Bounds (see layout.ts): |u|, |v| < 2^61 on entry and |arrivals| ≤ 2^62 keep these sums
    // below 2^63, so the check sees the true values, never wrapped ones. x + (2^61 − 1), as an
    // unsigned number, is at most 2^62 − 2 exactly when |x| < 2^61.
    if ((<u64>(u + (STATE_LIMIT - 1)) > <u64>(2 * STATE_LIMIT - 2)) | (<u64>(v + (STATE_LIMIT - 1)) > <u64>(2 * STATE_LIMIT - 2))) {
      store<u32>(control, i, LIF_ERROR_NEURON);
      return OVERFLOWED;
    }
    const held = load<i32>(refractory + (index << 2));
    if (held > 0) {
      v = 0;
      store<i32>(refractory + (index << 2), held - 1);
    } else if (v > (uniform ? sharedThreshold : <i64>load<i32>(record, NEURON_VTH << 2))) {
      v = 0; // u is not reset
      store<i32>(refractory + (index << 2), uniform ? sharedRefractory : load<i32>(record, NEURON_REFRACTORY << 2));
      store<u32>(ids + ((<usize>written) << 2), i);
      written++;
      const countSlot = spikeCounts + (index << 2);
      store<i32>(countSlot, load<i32>(countSlot) + 1);
    }
    store<i64>(current + (index << 3), u);
    store<i64>(voltage + (index << 3), v);
  }
  return written;
}

/** updateNeurons() on a shared record, out of line: where updateLanes() does not apply. */
function updateSharedRange(
  control: usize,
  first: u32,
  last: u32,
  step: u32,
  seed: u64,
  globalIds: usize,
  arrivals: usize,
  params: usize,
  current: usize,
  voltage: usize,
  refractory: usize,
  spikeCounts: usize,
  ids: usize,
  written: u32,
): u32 {
  return globalIds == 0
    ? updateNeurons(true, false, control, first, last, step, seed, 0, arrivals, params, 0, current, voltage, refractory, spikeCounts, ids, written)
    : updateNeurons(true, true, control, first, last, step, seed, globalIds, arrivals, params, 0, current, voltage, refractory, spikeCounts, ids, written);
}

/** 2^52 + 2^51 and its bits: x + MAGIC_BITS, read as an f64, is MAGIC + x for |x| < 2^51. */
const MAGIC: f64 = 6755399441055744.0;
const MAGIC_BITS: i64 = 0x4338000000000000;
/** 2^52 and its bits: p | TWO52_BITS, read as an f64, is 2^52 + p for 0 ≤ p < 2^52. */
const TWO52: f64 = 4503599627370496.0;
const TWO52_BITS: i64 = 0x4330000000000000;
/** updateLanes() takes four neurons when all their u(t − 1), v(t − 1), a(t) lie in [−2^40, 2^40). */
const FAST_BITS: i32 = 40;
/** The largest noise amplitude updateLanes() takes: m = 2 · noise + 1 < 2^19 (see there). */
const NOISE_FAST_LIMIT: u32 = (1 << 18) - 1;

/**
 * updateNeurons(uniform = true) for neurons [0, count), bit for bit the same, four per iteration
 * in two f64x2 / i64x2 lane pairs (four rather than two: 13% less time, the loop's fixed costs and
 * V8's reloads of spilled constants spread over more neurons). Requires 0 ≤ du, dv ≤ 4096 and
 * noise ≤ NOISE_FAST_LIMIT (lif_run checks); the last count mod 4 neurons take the i64 loop.
 *
 * Why f64 is exact. When |u(t−1)|, |v(t−1)|, |a(t)| ≤ 2^40 (checked for each four: four with one
 * outside are put back and take the i64 loop), every value is an integer below 2^53 in magnitude:
 * x · keep ≤ 2^52 and the scaling by 2^−12 is exact, so trunc(x · keep/4096) is DECAY(x), rounded
 * toward zero; |u| ≤ 2^41 and |v| < 2^40 + 2^41 + 2^31 + 2^18. No sum rounds, and nothing can reach 2^61, so the
 * overflow check cannot fire and is left out. u and v are carried as MAGIC + x (exact: the binade
 * of MAGIC has unit spacing and holds every |x| < 2^51), which turns the conversions from and to
 * i64 into one integer add or subtract on the bits.
 *
 * NOISE. h = mix64(...) is computed in scalar registers (V8 lowers i64x2.mul to eight instructions;
 * the integer multiplier is idle), split as h = hi · 2^32 + lo, and s = hi · R + lo + 1/2 with R =
 * 2^32 mod m is formed in f64: s ≡ h + 1/2 (mod m), s ≤ (2^32 − 1) · m + 1/2 < 2^51 − 2^32 for
 * m < 2^19, exact. s / m = q + (r + 1/2)/m is at least 1/(2m) from any integer, and y = fl(s ·
 * fl(1/m)) is within (s/m)(2^−52 + 2^−106) < 1/(2m) of it, so floor(y) = q exactly and s − q · m =
 * r + 1/2 exactly, with r = h mod m. The 1/2 goes into the offset (bias − noise − 1/2), added
 * while v is still small (MAGIC + a half-integer would round).
 */
// @ts-ignore: decorator
@inline function updateLanes(
  mapped: bool,
  noisy: bool,
  control: usize,
  count: u32,
  step: u32,
  seed: u64,
  globalIds: usize,
  arrivals: usize,
  params: usize,
  current: usize,
  voltage: usize,
  refractory: usize,
  spikeCounts: usize,
  ids: usize,
  written: u32,
): u32 {
  const amplitude = <i64>load<i32>(params, NEURON_NOISE << 2);
  const modulus = <u64>(2 * amplitude + 1);
  const keepU = f64x2.splat(<f64>(4096 - load<i32>(params, NEURON_DU << 2)) * (1.0 / 4096.0));
  const keepV = f64x2.splat(<f64>(4096 - load<i32>(params, NEURON_DV << 2)) * (1.0 / 4096.0));
  const offset = f64x2.splat(<f64>load<i32>(params, NEURON_BIAS << 2) - (noisy ? <f64>amplitude + 0.5 : 0.0));
  const threshold = f64x2.splat(MAGIC + <f64>load<i32>(params, NEURON_VTH << 2));
  const hold = i64x2.splat(<i64>load<i32>(params, NEURON_REFRACTORY << 2));
  const modulusLanes = f64x2.splat(<f64>modulus);
  const inverse = f64x2.splat(1.0 / <f64>modulus);
  const high = f64x2.splat(<f64>(((<u64>1) << 32) % modulus));
  const lowMask = i64x2.splat(0xffffffff);
  const two52Bits = i64x2.splat(TWO52_BITS);
  const two52 = f64x2.splat(TWO52);
  const two52Half = f64x2.splat(TWO52 - 0.5);
  const magicBits = i64x2.splat(MAGIC_BITS);
  const magic = f64x2.splat(MAGIC);
  const rangeBias = i64x2.splat((<i64>1) << FAST_BITS);
  const zero = i64x2.splat(0);
  const stepKey = seed + PHI * <u64>step;
  let i: u32 = 0;
  // A do-while whose body computes and stores everything before its one (rarely taken) branch:
  // V8's scheduler hoists a loop-invariant value out of a loop only when its use dominates every
  // exit of the loop, and otherwise recomputes it (splats, the divides above) on every iteration.
  if (count >= 4) do {
    const index = <usize>i;
    const arrivalSlot = arrivals + (index << 3);
    const currentSlot = current + (index << 3);
    const voltageSlot = voltage + (index << 3);
    const refractorySlot = refractory + (index << 2);
    const arrivedA = v128.load(arrivalSlot);
    const arrivedB = v128.load(arrivalSlot, 16);
    const uA = v128.load(currentSlot);
    const uB = v128.load(currentSlot, 16);
    const vA = v128.load(voltageSlot);
    const vB = v128.load(voltageSlot, 16);
    // outside the fast range: some x + 2^40 outside [0, 2^41), i.e. a bit above 40 in their OR
    const outside = i64x2.shr_u(v128.or(
      v128.or(v128.or(i64x2.add(uA, rangeBias), i64x2.add(vA, rangeBias)), i64x2.add(arrivedA, rangeBias)),
      v128.or(v128.or(i64x2.add(uB, rangeBias), i64x2.add(vB, rangeBias)), i64x2.add(arrivedB, rangeBias))), FAST_BITS + 1);
    // MAGIC + u = DECAY(u) + (MAGIC + a); v: DECAY(v) + bias − noise − 1/2, then + r + 1/2, + MAGIC + u
    const uMagicA = f64x2.add(f64x2.trunc(f64x2.mul(f64x2.sub(i64x2.add(uA, magicBits), magic), keepU)), i64x2.add(arrivedA, magicBits));
    const uMagicB = f64x2.add(f64x2.trunc(f64x2.mul(f64x2.sub(i64x2.add(uB, magicBits), magic), keepU)), i64x2.add(arrivedB, magicBits));
    let vNewA = f64x2.add(f64x2.trunc(f64x2.mul(f64x2.sub(i64x2.add(vA, magicBits), magic), keepV)), offset);
    let vNewB = f64x2.add(f64x2.trunc(f64x2.mul(f64x2.sub(i64x2.add(vB, magicBits), magic), keepV)), offset);
    if (noisy) {
      const k0 = stepKey + PHI_NEURON * (mapped ? <u64>load<u32>(globalIds + (index << 2)) : <u64>i);
      const k1 = mapped ? stepKey + PHI_NEURON * <u64>load<u32>(globalIds + (index << 2), 4) : k0 + PHI_NEURON;
      const k2 = mapped ? stepKey + PHI_NEURON * <u64>load<u32>(globalIds + (index << 2), 8) : k1 + PHI_NEURON;
      const k3 = mapped ? stepKey + PHI_NEURON * <u64>load<u32>(globalIds + (index << 2), 12) : k2 + PHI_NEURON;
      const hA = i64x2.replace_lane(i64x2.splat(<i64>mix64(k0)), 1, <i64>mix64(k1));
      const hB = i64x2.replace_lane(i64x2.splat(<i64>mix64(k2)), 1, <i64>mix64(k3));
      const sA = f64x2.add(f64x2.mul(f64x2.sub(v128.or(i64x2.shr_u(hA, 32), two52Bits), two52), high), f64x2.sub(v128.or(v128.and(hA, lowMask), two52Bits), two52Half));
      const sB = f64x2.add(f64x2.mul(f64x2.sub(v128.or(i64x2.shr_u(hB, 32), two52Bits), two52), high), f64x2.sub(v128.or(v128.and(hB, lowMask), two52Bits), two52Half));
      vNewA = f64x2.add(vNewA, f64x2.sub(sA, f64x2.mul(f64x2.floor(f64x2.mul(sA, inverse)), modulusLanes)));
      vNewB = f64x2.add(vNewB, f64x2.sub(sB, f64x2.mul(f64x2.floor(f64x2.mul(sB, inverse)), modulusLanes)));
    }
    vNewA = f64x2.add(vNewA, uMagicA);
    vNewB = f64x2.add(vNewB, uMagicB);
    const heldA = v128.load_ext<i32>(refractorySlot);
    const heldB = v128.load_ext<i32>(refractorySlot, 8);
    const holdingA = i64x2.gt_s(heldA, zero);
    const holdingB = i64x2.gt_s(heldB, zero);
    const aboveA = f64x2.gt(vNewA, threshold);
    const aboveB = f64x2.gt(vNewB, threshold);
    const spikingA = v128.andnot(aboveA, holdingA);
    const spikingB = v128.andnot(aboveB, holdingB);
    // held: count down; spiking: start the refractory period; otherwise keep
    const nextA = v128.bitselect(hold, i64x2.add(heldA, holdingA), spikingA);
    const nextB = v128.bitselect(hold, i64x2.add(heldB, holdingB), spikingB);
    v128.store(arrivalSlot, zero); // the row is reused for step + D
    v128.store(arrivalSlot, zero, 16);
    v128.store(refractorySlot, i32x4.shuffle(nextA, nextB, 0, 2, 4, 6));
    v128.store(currentSlot, i64x2.sub(uMagicA, magicBits));
    v128.store(currentSlot, i64x2.sub(uMagicB, magicBits), 16);
    v128.store(voltageSlot, v128.andnot(i64x2.sub(vNewA, magicBits), v128.or(holdingA, aboveA))); // 0 when held or spiking
    v128.store(voltageSlot, v128.andnot(i64x2.sub(vNewB, magicBits), v128.or(holdingB, aboveB)), 16);
    if (v128.any_true(v128.or(v128.or(spikingA, spikingB), outside))) {
      if (v128.any_true(outside)) {
        // put the four back as they were and take the exact loop
        v128.store(arrivalSlot, arrivedA);
        v128.store(arrivalSlot, arrivedB, 16);
        v128.store(refractorySlot, i32x4.shuffle(heldA, heldB, 0, 2, 4, 6));
        v128.store(currentSlot, uA);
        v128.store(currentSlot, uB, 16);
        v128.store(voltageSlot, vA);
        v128.store(voltageSlot, vB, 16);
        written = updateSharedRange(control, i, i + 4, step, seed, globalIds, arrivals, params, current, voltage, refractory, spikeCounts, ids, written);
        if (written == OVERFLOWED) return OVERFLOWED;
      } else {
        const lanes = i64x2.bitmask(spikingA) | (i64x2.bitmask(spikingB) << 2);
        for (let lane: u32 = 0; lane < 4; lane++) {
          if (lanes & (1 << lane)) {
            store<u32>(ids + ((<usize>written) << 2), i + lane);
            written++;
            const countSlot = spikeCounts + ((index + lane) << 2);
            store<i32>(countSlot, load<i32>(countSlot) + 1);
          }
        }
      }
    }
    i += 4;
  } while (i + 4 <= count);
  if (i < count) {
    written = updateSharedRange(control, i, count, step, seed, globalIds, arrivals, params, current, voltage, refractory, spikeCounts, ids, written);
  }
  return written;
}

/** Run steps firstStep .. firstStep + maxSteps − 1 (1-based, lif-model.md) or fewer; see header. */
export function lif_run(control: usize, firstStep: u32, maxSteps: u32): i32 {
  const n = load<u32>(control, LIF_N);
  const outOffsets = <usize>load<u32>(control, LIF_OUT_OFFSETS);
  const outTargets = <usize>load<u32>(control, LIF_OUT_TARGETS);
  const outWeights = <usize>load<u32>(control, LIF_OUT_WEIGHTS);
  const weighted = load<u32>(control, LIF_WEIGHT_KIND) != WEIGHT_UNIT;
  const outDelays = <usize>load<u32>(control, LIF_OUT_DELAYS);
  const delayKind = load<u32>(control, LIF_DELAY_KIND);
  const constantDelay = load<u32>(control, LIF_CONSTANT_DELAY);
  const rows = load<u32>(control, LIF_RING_ROWS);
  const params = <usize>load<u32>(control, LIF_PARAMS);
  const paramStride = <usize>load<u32>(control, LIF_PARAM_STRIDE);
  const current = <usize>load<u32>(control, LIF_CURRENT);
  const voltage = <usize>load<u32>(control, LIF_VOLTAGE);
  const refractory = <usize>load<u32>(control, LIF_REFRACTORY);
  const ring = <usize>load<u32>(control, LIF_RING);
  const spikeCounts = <usize>load<u32>(control, LIF_SPIKE_COUNTS);
  const ids = <usize>load<u32>(control, LIF_SPIKE_IDS);
  const capacity = load<u32>(control, LIF_SPIKE_CAPACITY);
  const stepSpikes = <usize>load<u32>(control, LIF_STEP_SPIKES);
  const seed = load<u64>(control, LIF_SEED);
  const updateCount = load<u32>(control, LIF_UPDATE_COUNT);
  const globalIds = <usize>load<u32>(control, LIF_GLOBAL_IDS);
  let events = load<u64>(control, LIF_SYNAPTIC_EVENTS);

  // The shared record's fields within updateLanes()'s bounds (the graph builder's ranges keep du and
  // dv there; a larger noise amplitude takes the exact i64 loop).
  const amplitude = load<i32>(params, NEURON_NOISE << 2);
  const fast = paramStride == 0
    && <u32>load<i32>(params, NEURON_DU << 2) <= 4096
    && <u32>load<i32>(params, NEURON_DV << 2) <= 4096
    && <u32>amplitude <= NOISE_FAST_LIMIT;

  let written: u32 = 0;
  let done: u32 = 0;
  // A step may spike every updated neuron: start it only when that many more ids fit.
  while (done < maxSteps && capacity - written >= updateCount) {
    const step = firstStep + done;
    const rowNow = step % rows;
    const arrivals = ring + ((<usize>rowNow * <usize>n) << 3);
    const stepStart = written;

    if (paramStride == 0) {
      if (!fast) {
        written = updateSharedRange(control, 0, updateCount, step, seed, globalIds, arrivals, params, current, voltage, refractory, spikeCounts, ids, written);
      } else if (amplitude == 0) {
        written = updateLanes(false, false, control, updateCount, step, seed, 0, arrivals, params, current, voltage, refractory, spikeCounts, ids, written);
      } else {
        written = globalIds == 0
          ? updateLanes(false, true, control, updateCount, step, seed, 0, arrivals, params, current, voltage, refractory, spikeCounts, ids, written)
          : updateLanes(true, true, control, updateCount, step, seed, globalIds, arrivals, params, current, voltage, refractory, spikeCounts, ids, written);
      }
    } else {
      written = globalIds == 0
        ? updateNeurons(false, false, control, 0, updateCount, step, seed, 0, arrivals, params, paramStride, current, voltage, refractory, spikeCounts, ids, written)
        : updateNeurons(false, true, control, 0, updateCount, step, seed, globalIds, arrivals, params, paramStride, current, voltage, refractory, spikeCounts, ids, written);
    }
    if (written == OVERFLOWED) {
      store<u32>(control, step, LIF_ERROR_STEP);
      store<u32>(control, 0, LIF_SPIKES_WRITTEN);
      store<u64>(control, events, LIF_SYNAPTIC_EVENTS);
      return LIF_STATUS_OVERFLOW;
    }

    if (written > stepStart) {
      events += deliverAny(weighted, delayKind, ids, stepStart, written, outOffsets, outTargets, outWeights, outDelays, ring, n, rows, rowNow, constantDelay);
    }
    store<u32>(stepSpikes + ((<usize>done) << 2), written - stepStart);
    done++;
  }
  store<u32>(control, written, LIF_SPIKES_WRITTEN);
  store<u64>(control, events, LIF_SYNAPTIC_EVENTS);
  return <i32>done;
}

/**
 * Push received spikes along their local out-arcs (see the epoch protocol in src/memory/layout.ts):
 * ids[k] (a local id, usually a replica) fired at 1-based step steps[k], so arc j→i of delay d adds
 * its weight to ring row (steps[k] + d) mod D. Runs of equal steps share one pass. Adds the arcs to
 * synapticEvents and returns how many were pushed (u32, wrapping past 2^32: the u64 total is exact).
 */
export function lif_deliver(control: usize, ids: usize, steps: usize, count: u32): u32 {
  const n = load<u32>(control, LIF_N);
  const outOffsets = <usize>load<u32>(control, LIF_OUT_OFFSETS);
  const outTargets = <usize>load<u32>(control, LIF_OUT_TARGETS);
  const outWeights = <usize>load<u32>(control, LIF_OUT_WEIGHTS);
  const weighted = load<u32>(control, LIF_WEIGHT_KIND) != WEIGHT_UNIT;
  const outDelays = <usize>load<u32>(control, LIF_OUT_DELAYS);
  const delayKind = load<u32>(control, LIF_DELAY_KIND);
  const constantDelay = load<u32>(control, LIF_CONSTANT_DELAY);
  const rows = load<u32>(control, LIF_RING_ROWS);
  const ring = <usize>load<u32>(control, LIF_RING);
  let events: u64 = 0;
  let first: u32 = 0;
  while (first < count) {
    const step = load<u32>(steps + ((<usize>first) << 2));
    let last = first + 1;
    while (last < count && load<u32>(steps + ((<usize>last) << 2)) == step) last++;
    // step % rows first: step + d could pass 2^32
    events += deliverAny(weighted, delayKind, ids, first, last, outOffsets, outTargets, outWeights, outDelays, ring, n, rows, step % rows, constantDelay);
    first = last;
  }
  store<u64>(control, load<u64>(control, LIF_SYNAPTIC_EVENTS) + events, LIF_SYNAPTIC_EVENTS);
  return <u32>events;
}

/**
 * Hand out ring cells: out[i · rows + r] = ring[(firstStep + r) mod D][list[i]] (i64, row-major per
 * list entry), zeroing each cell, for i < count and r < rows ≤ D. A replica's collected arrivals
 * leave its partition this way, for lif_ring_add on the master's. Returns count · rows.
 */
export function lif_ring_take(control: usize, firstStep: u32, rows: u32, list: usize, count: u32, out: usize): u32 {
  const n = <usize>load<u32>(control, LIF_N);
  const ringRows = load<u32>(control, LIF_RING_ROWS);
  const ring = <usize>load<u32>(control, LIF_RING);
  const firstRow = firstStep % ringRows;
  for (let i: u32 = 0; i < count; i++) {
    const column = ring + ((<usize>load<u32>(list + ((<usize>i) << 2))) << 3);
    const base = out + ((<usize>i * <usize>rows) << 3);
    let row = firstRow;
    for (let r: u32 = 0; r < rows; r++) {
      const cell = column + ((<usize>row * n) << 3);
      store<i64>(base + ((<usize>r) << 3), load<i64>(cell));
      store<i64>(cell, 0);
      row++;
      if (row == ringRows) row = 0;
    }
  }
  return count * rows;
}

/** The receiving side of lif_ring_take: ring[(firstStep + r) mod D][list[i]] += input[i · rows + r]. */
export function lif_ring_add(control: usize, firstStep: u32, rows: u32, list: usize, count: u32, input: usize): u32 {
  const n = <usize>load<u32>(control, LIF_N);
  const ringRows = load<u32>(control, LIF_RING_ROWS);
  const ring = <usize>load<u32>(control, LIF_RING);
  const firstRow = firstStep % ringRows;
  for (let i: u32 = 0; i < count; i++) {
    const column = ring + ((<usize>load<u32>(list + ((<usize>i) << 2))) << 3);
    const base = input + ((<usize>i * <usize>rows) << 3);
    let row = firstRow;
    for (let r: u32 = 0; r < rows; r++) {
      const cell = column + ((<usize>row * n) << 3);
      store<i64>(cell, load<i64>(cell) + load<i64>(base + ((<usize>r) << 3)));
      row++;
      if (row == ringRows) row = 0;
    }
  }
  return count * rows;
}
