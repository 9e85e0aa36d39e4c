/**
 * The library's platform-independent public surface, shared by both entry points: src/index.ts
 * (Node: adds file loading and writing, and a synchronous host) and src/index.browser.ts (browser:
 * an asynchronous host that fetches the kernels). package.json `exports` chooses the entry.
 */
export * from './errors.js';
export * from './memory/host.js';
export * from './memory/layout.js';
export * from './input/graph.js';
export * from './execute/types.js';
// --- input (loaders) ---
export * from './input/parse.js';
export { parseNeuronTable, type NeuronTableOptions } from './input/neurons.js';
export * from './input/graphology.js';
export { MAX_LINE_BYTES } from './input/lines.js';
export { saveGraphSnapshot, parseGraphSnapshot, readSnapshotName, SNAPSHOT_FORMAT_VERSION, SNAPSHOT_IDENTIFIER } from './input/snapshot.js';
// --- analyse ---
export * from './analyse/analyse.js';
// --- partition ---
export * from './partition/plan.js';
export * from './partition/metrics.js';
export * from './partition/vertexcut.js';
export * from './partition/layout.js';
export * from './partition/metadata.js';
export * from './partition/partitioner.js';
export * from './partition/hybrid.js';
export * from './partition/estimator.js';
export * from './partition/balance.js';
export { partitionEdgeCut, edgeCutLimit, EDGE_CUT_METHODS, DEFAULT_EDGE_CUT_IMBALANCE, MAX_EDGE_CUT_PARTS, type EdgeCutMethod, type EdgeCutOptions, type EdgeCutResult } from './partition/edgecut.js';
// --- execute (single-worker runs) ---
export * from './execute/lif.js';
export { runAlgorithm } from './execute/single.js';
export { runPagerank } from './execute/pagerank.js';
export { runBfs, type BfsOptions } from './execute/bfs.js';
export { runSssp, checkNonNegativeWeights } from './execute/sssp.js';
export { runWcc, CHUNK_ARCS, type WccOptions } from './execute/wcc.js';
export { graphKernels, warmUpKernels, type GraphKernels } from './execute/kernels.js';
export { DEFAULT_DAMPING, DEFAULT_ITERATIONS, DEFAULT_SOURCE, DEFAULT_TOLERANCE } from './execute/options.js';
// --- place, execute (distributed), exchange ---
export { placePartitions, hasReplicaTargets, NO_REGION, type PlacedPartition, type PlaceOptions } from './place/place.js';
export {
  DistributedAlgorithmCoordinator,
  DEFAULT_BARRIER_TIMEOUT_MS,
  type CoordinatorOptions,
  type DistributedRunOptions,
  type InjectedFault,
  type DistributedResult,
  type DistributedStats,
  type WorkerPool,
  type WorkerStep,
} from './execute/distributed/coordinator.js';
export { DistributedProcessingSystem as DistributedProcessingSystemCore, type DistributedProcessingIntegration, type RunOptions } from './system.js';
export { encodeFrame, decodeFrame, batchCount, FRAME_FORMAT_VERSION, FRAME_IDENTIFIER, type MessageBatch, type BatchKind, type FrameHeader, type DecodedFrame, type FrameExpectation } from './exchange/frame.js';
export { CompressionManager, COMPRESSION_THRESHOLD, Codec as MessageCodec, codecName, type EncodedPart, type ValueKind, type ValueArray, type CompressionOptions, type ScratchRegion } from './exchange/codecs.js';
export { NetworkTopologyAnalyzer, DEFAULT_LINKS, type LinkClass, type LinkModel, type Routing, type Transport, type TopologyOptions, type TopologySummary } from './exchange/topology.js';
export { BandwidthMonitor, LatencyPredictor, type LinkFigures, type PredictionError } from './exchange/monitor.js';
export { COMMUNICATION_MODES, NAIVE_MESSAGE_HEADER_BYTES, type CommunicationMode } from './exchange/accounting.js';
export {
  CommunicationOptimizer,
  optimizeWorkerCommunication,
  planCommunication,
  type CommunicationOptions,
  type CommunicationPattern,
  type CommunicationStats,
  type OptimizedCommunication,
  type Optimization,
  type PairPattern,
} from './exchange/optimizer.js';
// --- protect (checkpoints; the directory store is Node-only: src/index.ts) ---
export {
  encodeCheckpoint,
  decodeCheckpoint,
  readCheckpointHeader,
  CheckpointScratch,
  CHECKPOINT_FORMAT_VERSION,
  CHECKPOINT_IDENTIFIER,
  MAX_CHECKPOINT_NAME_BYTES,
  MAX_CHECKPOINT_SETTINGS_BYTES,
  type Checkpoint,
  type CheckpointHeader,
  type CheckpointExpectation,
  type CheckpointSettings,
  type DecodedCheckpoint,
  type DecodedRegion,
  type PartitionSnapshot,
  type RegionSnapshot,
  type RegionData,
  type RegionElementType,
  type AggregatorValue,
  type MessagesInFlight,
} from './protect/checkpoint.js';
export {
  CheckpointManager,
  MemoryCheckpointStore,
  checkpointsToDelete,
  type CheckpointStore,
  type CheckpointIdentity,
  type CheckpointContent,
  type CheckpointManagerOptions,
  type LatestCheckpoint,
  type SavedCheckpoint,
  type SkippedCheckpoint,
  type StoredCheckpoint,
} from './protect/store.js';
export { RunRecovery, planChecksum, type FaultToleranceOptions, type RecoveryReport } from './protect/recovery.js';
export { FaultTolerantExecutor, type DistributedRunner } from './protect/executor.js';
export { adjustCheckpointInterval, createIntervalState, youngInterval, dalyInterval, type IntervalEvent, type IntervalFormula, type IntervalOptions, type IntervalState } from './protect/interval.js';
// --- generate ---
export { generateRmat, MAX_INT_WEIGHT, type RmatOptions, type GeneratedWeights } from './generate/rmat.js';
export { generateErdosRenyi, type ErdosRenyiParameters } from './generate/er.js';
export * from './generate/prng.js';
export * from './generate/brunel.js';
export * from './generate/cuba.js';
// --- oracle ---
export * from './oracle/lif.js';
export { exactSumOracle, pagerankOracle, pagerankNaive, bfsOracle, ssspOracle, wccOracle, type OracleArcs } from './oracle/index.js';
