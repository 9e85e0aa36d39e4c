/**
 * Checkpoint stores and the CheckpointManager (src/protect/store.ts, directory-store.ts; issue 6
 * item 1): keep-K retention, `latest` passing over corrupt, truncated and foreign checkpoints to
 * the previous good one, atomic directory writes (a process killed between the temporary file and
 * the rename leaves the previous checkpoint as latest; leftovers are ignored, then cleaned), and
 * failed writes (injected ENOSPC, a directory that is a file, a name taken by a directory) that
 * throw a typed error and leave every earlier checkpoint intact.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ErrorCode, ResourceError } from '../../src/errors.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../src/protect/checkpoint.js';
import { DirectoryCheckpointStore } from '../../src/protect/directory-store.js';
import { CheckpointManager, MemoryCheckpointStore, checkpointsToDelete, type CheckpointStore, type StoredCheckpoint } from '../../src/protect/store.js';

const scratch = mkdtempSync(join(tmpdir(), 'neuromesh-checkpoints-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let directories = 0;
const freshDirectory = (): string => join(scratch, `d${directories++}`);

const identity = { runId: 'run-1', algorithm: 'wcc', planChecksum: 0xabcd_0123, workerCount: 2, partitionCount: 2 };

/** A checkpoint whose contents say which superstep it is (so a test can tell them apart). */
function checkpointAt(superstep: number, change: Partial<Checkpoint> = {}): Checkpoint {
  return {
    ...identity,
    superstep,
    partitions: [0, 1].map((partition) => ({ partition, regions: [{ name: 'labels', data: new Int32Array(64).fill(superstep * 10 + partition) }] })),
    aggregators: [{ name: 'changed', value: superstep }],
    ...change,
  };
}
const bytesAt = (superstep: number, change: Partial<Checkpoint> = {}): Uint8Array => encodeCheckpoint(checkpointAt(superstep, change));
const labelOf = (checkpoint: ReturnType<typeof decodeCheckpoint> | null): number | undefined => (checkpoint?.partitions[1]!.regions[0]!.data as Int32Array | undefined)?.[0];

async function rejection(promise: Promise<unknown>): Promise<ResourceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ResourceError);
    return error as ResourceError;
  }
  throw new Error('expected the write to fail');
}

describe('retention', () => {
  it('keeps the new one and the K - 1 newest older ones; newer ones (a timeline rolled back from) go', () => {
    expect(checkpointsToDelete([1, 2, 3, 4], 5, 2).sort()).toEqual([1, 2, 3]);
    expect(checkpointsToDelete([10, 20, 30], 20, 3).sort()).toEqual([30]);
    expect(checkpointsToDelete([10, 20], 30, 1).sort()).toEqual([10, 20]);
    expect(checkpointsToDelete([5], 5, 1)).toEqual([]);
  });
});

/** The same behaviour from both stores. */
const stores: [string, (keep: number) => CheckpointStore][] = [
  ['memory', (keep) => new MemoryCheckpointStore({ keep })],
  ['directory', (keep) => new DirectoryCheckpointStore(freshDirectory(), { keep })],
];
for (const [kind, create] of stores) {
  describe(`${kind} store`, () => {
    it('keeps the last K; latest is the newest, decoded and matching', async () => {
      const store = create(2);
      for (const superstep of [4, 8, 12, 16]) await store.write(bytesAt(superstep));
      expect(await store.list()).toEqual([16, 12]);
      const found = await store.latest(identity);
      expect([found.checkpoint?.superstep, labelOf(found.checkpoint), found.skipped]).toEqual([16, 161, []]);
    });

    it('a checkpoint of another run or plan is passed over with E_CHECKPOINT_MISMATCH, and none at all gives null', async () => {
      const store = create(3);
      await store.write(bytesAt(1));
      await store.write(bytesAt(2, { planChecksum: 7 }));
      const found = await store.latest(identity);
      expect(found.checkpoint?.superstep).toBe(1);
      expect(found.skipped.map(({ superstep, code }) => [superstep, code])).toEqual([[2, ErrorCode.CHECKPOINT_MISMATCH]]);
      const none = await store.latest({ ...identity, algorithm: 'bfs' });
      expect([none.checkpoint, none.location, none.skipped.length]).toEqual([null, null, 2]);
      expect((await create(1).latest(identity)).checkpoint).toBeNull();
    });

    it('bytes that are not a checkpoint are refused before anything is stored or deleted', async () => {
      const store = create(1);
      await store.write(bytesAt(1));
      await expect(store.write(new Uint8Array(100))).rejects.toMatchObject({ code: ErrorCode.CHECKPOINT_CORRUPT });
      expect(labelOf((await store.latest(identity)).checkpoint)).toBe(11);
    });
  });
}

describe('memory store', () => {
  it('a corrupt newest checkpoint is skipped with its reason and the previous good one used', async () => {
    const store = new MemoryCheckpointStore({ keep: 3 });
    for (const superstep of [1, 2, 3]) await store.write(bytesAt(superstep));
    store.bytesOf(3)![200]! ^= 0x10;
    const found = await store.latest(identity);
    expect([found.checkpoint?.superstep, found.location]).toEqual([2, 'memory:2']);
    expect(found.skipped.map(({ superstep, code }) => [superstep, code])).toEqual([[3, ErrorCode.CHECKPOINT_CORRUPT]]);
    expect(found.skipped[0]!.reason).toMatch(/checksum/);
  });
});

describe('directory store', () => {
  it('writes checkpoint-<superstep>.nmc with exactly the bytes, durable, with no temporary file left', async () => {
    const directory = freshDirectory();
    const store = new DirectoryCheckpointStore(directory, { keep: 2 });
    const bytes = bytesAt(7);
    const stored = await store.write(bytes);
    expect(stored).toEqual({ superstep: 7, location: join(directory, 'checkpoint-7.nmc'), byteLength: bytes.length });
    expect(readdirSync(directory)).toEqual(['checkpoint-7.nmc']);
    expect(Buffer.compare(readFileSync(stored.location), bytes)).toBe(0);
    // A second write of the same superstep replaces it.
    await store.write(bytesAt(7, { aggregators: [{ name: 'changed', value: -1 }] }));
    expect(readdirSync(directory)).toEqual(['checkpoint-7.nmc']);
    expect((await store.latest(identity)).checkpoint!.aggregators[0]).toEqual({ name: 'changed', value: -1 });
  });

  it('writes called without waiting for each other all land, in call order', async () => {
    const directory = freshDirectory();
    const store = new DirectoryCheckpointStore(directory, { keep: 3 });
    const stored = await Promise.all([1, 2, 3, 4].map((superstep) => store.write(bytesAt(superstep))));
    expect(stored.map((entry) => entry.superstep)).toEqual([1, 2, 3, 4]);
    expect(readdirSync(directory).sort()).toEqual(['checkpoint-2.nmc', 'checkpoint-3.nmc', 'checkpoint-4.nmc']);
  });

  it('a corrupt or truncated newest file is passed over with its reason; the previous good one is used', async () => {
    const directory = freshDirectory();
    const store = new DirectoryCheckpointStore(directory, { keep: 4 });
    for (const superstep of [10, 20, 30, 40]) await store.write(bytesAt(superstep));
    const flipped = readFileSync(store.pathOf(40));
    flipped[flipped.length >> 1]! ^= 1;
    writeFileSync(store.pathOf(40), flipped);
    writeFileSync(store.pathOf(30), readFileSync(store.pathOf(30)).subarray(0, 100));
    mkdirSync(join(directory, 'checkpoint-99.nmc')); // unreadable: a directory
    writeFileSync(join(directory, 'checkpoint-007.nmc'), bytesAt(7)); // not a name this store writes
    writeFileSync(join(directory, 'checkpoint-50.nmc'), bytesAt(51)); // stored under the wrong name
    const found = await store.latest(identity);
    expect([found.checkpoint?.superstep, labelOf(found.checkpoint), found.location]).toEqual([20, 201, store.pathOf(20)]);
    expect(found.skipped.map(({ superstep, code }) => [superstep, code])).toEqual([
      [99, ErrorCode.CHECKPOINT_IO],
      [50, ErrorCode.CHECKPOINT_MISMATCH],
      [40, ErrorCode.CHECKPOINT_CORRUPT],
      [30, ErrorCode.CHECKPOINT_CORRUPT],
    ]);
    expect(found.skipped[3]!.reason).toMatch(/checkpoint/);
  });

  it('a missing directory holds no checkpoints (nothing written yet)', async () => {
    const store = new DirectoryCheckpointStore(join(scratch, 'never-created'));
    expect(await store.list()).toEqual([]);
    expect(await store.latest(identity)).toEqual({ checkpoint: null, location: null, skipped: [] });
  });

  it('regression: a process killed between the temporary file and the rename leaves the previous checkpoint as latest; the leftover is ignored, then cleaned', async () => {
    const directory = freshDirectory();
    const store = new DirectoryCheckpointStore(directory, { keep: 2 });
    await store.write(bytesAt(5));
    // A real crash: another process writes superstep 6 and is SIGKILLed once its temporary file
    // is complete and flushed, before the rename.
    const source = (path: string): string => JSON.stringify(resolve(path));
    const script = `
      import { DirectoryCheckpointStore } from ${source('src/protect/directory-store.ts')};
      import { encodeCheckpoint } from ${source('src/protect/checkpoint.ts')};
      const checkpoint = ${JSON.stringify({ ...identity, superstep: 6, partitions: [] })};
      const store = new DirectoryCheckpointStore(${JSON.stringify(directory)}, {
        keep: 2,
        onWriteStage: (stage) => { if (stage === 'synced') process.kill(process.pid, 'SIGKILL'); },
      });
      await store.write(encodeCheckpoint(checkpoint));
      console.log('not killed');
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect([child.signal, child.stdout]).toEqual(['SIGKILL', '']);
    const leftovers = readdirSync(directory).filter((name) => name.endsWith('.tmp'));
    expect(leftovers).toHaveLength(1);
    // The leftover is a complete, valid checkpoint of superstep 6, and still it is not used.
    expect(decodeCheckpoint(readFileSync(join(directory, leftovers[0]!))).superstep).toBe(6);
    const found = await store.latest(identity);
    expect([found.checkpoint?.superstep, found.skipped]).toEqual([5, []]);
    await store.write(bytesAt(6));
    expect(readdirSync(directory).sort()).toEqual(['checkpoint-5.nmc', 'checkpoint-6.nmc']);
  });

  it('an injected ENOSPC while writing: E_CHECKPOINT_IO, the previous checkpoint intact and not deleted (keep 1), no temporary file', async () => {
    const directory = freshDirectory();
    let fail = false;
    const store = new DirectoryCheckpointStore(directory, {
      keep: 1,
      onWriteStage: (stage) => {
        if (fail && stage === 'opened') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    });
    const good = bytesAt(3);
    await store.write(good);
    fail = true;
    const error = await rejection(store.write(bytesAt(4)));
    expect([error.code, error.details.systemCode, error.details.path]).toEqual([ErrorCode.CHECKPOINT_IO, 'ENOSPC', store.pathOf(4)]);
    expect(readdirSync(directory)).toEqual(['checkpoint-3.nmc']);
    expect(Buffer.compare(readFileSync(store.pathOf(3)), good)).toBe(0);
    expect((await store.latest(identity)).checkpoint?.superstep).toBe(3);
  });

  it('real failures: a directory path that is a file, a checkpoint name taken by a directory; old checkpoints stay', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a directory');
    const error = await rejection(new DirectoryCheckpointStore(file).write(bytesAt(1)));
    expect(error.code).toBe(ErrorCode.CHECKPOINT_IO);
    expect(['ENOTDIR', 'EEXIST']).toContain(error.details.systemCode);

    const directory = freshDirectory();
    const store = new DirectoryCheckpointStore(directory, { keep: 1 });
    await store.write(bytesAt(1));
    mkdirSync(join(store.pathOf(2), 'inside'), { recursive: true }); // rename cannot replace a non-empty directory
    const renameError = await rejection(store.write(bytesAt(2)));
    expect(renameError.code).toBe(ErrorCode.CHECKPOINT_IO);
    expect(renameError.message).toMatch(/cannot rename/);
    expect(readdirSync(directory).sort()).toEqual(['checkpoint-1.nmc', 'checkpoint-2.nmc']);
    expect((await store.latest(identity)).checkpoint?.superstep).toBe(1);
  });
});

describe('CheckpointManager', () => {
  it('save stamps the identity, copies the state before it returns, and restore finds it', async () => {
    const manager = new CheckpointManager({ store: new MemoryCheckpointStore(), identity, interval: 4 });
    const labels = new Int32Array([1, 2, 3]);
    const pending = manager.save({ superstep: 8, partitions: [{ partition: 0, regions: [{ name: 'labels', data: labels }] }] });
    labels.fill(-9); // the run goes on before the write finishes
    const saved = await pending;
    expect([saved.superstep, saved.attempts, manager.lastSuperstep]).toEqual([8, 1, 8]);
    const found = await manager.restore({ allPartitions: false });
    expect(Array.from(found.checkpoint!.partitions[0]!.regions[0]!.data as Int32Array)).toEqual([1, 2, 3]);
    expect(found.checkpoint!.planChecksum).toBe(identity.planChecksum);
    // A global restore needs every partition: this one has 1 of 2.
    const global = await manager.restore();
    expect([global.checkpoint, global.skipped[0]?.code]).toEqual([null, ErrorCode.CHECKPOINT_MISMATCH]);
  });

  it('with a directory store, saves in a row and a save while the previous write is in flight all land intact', async () => {
    const directory = freshDirectory();
    const manager = new CheckpointManager({ store: new DirectoryCheckpointStore(directory, { keep: 10 }), identity, interval: 1 });
    const content = (superstep: number) => checkpointAt(superstep);
    await manager.save(content(1));
    await manager.save(content(2));
    // Not awaited: the second is encoded while the first is still being written.
    await Promise.all([manager.save(content(3)), manager.save(content(4))]);
    const store = new DirectoryCheckpointStore(directory);
    for (const superstep of [1, 2, 3, 4]) {
      expect(labelOf(decodeCheckpoint(readFileSync(store.pathOf(superstep)), identity))).toBe(superstep * 10 + 1);
    }
  });

  it('due: every N supersteps after the last checkpoint saved or restored (the start counts as 0)', async () => {
    const manager = new CheckpointManager({ store: new MemoryCheckpointStore(), identity, interval: 5 });
    expect([4, 5].map((s) => manager.due(s))).toEqual([false, true]);
    await manager.save({ superstep: 5, partitions: [] });
    expect([9, 10].map((s) => manager.due(s))).toEqual([false, true]);
  });

  it('auto: the measured cost feeds the interval (fake clock)', async () => {
    let clock = 0;
    const store = new MemoryCheckpointStore();
    const timed: CheckpointStore = {
      location: 'timed',
      keep: 2,
      holdsWrittenBytes: true,
      write: async (bytes: Uint8Array) => {
        clock += 2000; // each write costs 2 s
        return store.write(bytes);
      },
      latest: (expect_) => store.latest(expect_),
      list: () => store.list(),
    };
    const manager = new CheckpointManager({ store: timed, identity, now: () => clock, intervalOptions: { mtbfSeconds: 10_000, formula: 'young', halfLifeSeconds: Infinity } });
    expect(manager.intervalSupersteps).toBe(1);
    manager.recordSuperstep(0.5);
    const saved = await manager.save({ superstep: 1, partitions: [] });
    expect([saved.encodeSeconds, saved.writeSeconds]).toEqual([0, 2]);
    // M = 10000 + 0.5 + 2 s of exposure; T = sqrt(2 × 2 × 10002.5) = 200.02 s = 400 supersteps of 0.5 s.
    expect(manager.intervalSupersteps).toBe(400);
    manager.recordFailure();
    expect(manager.intervalSupersteps).toBeLessThan(400);
  });

  it('a failed write is retried, then thrown; it never counts as a checkpoint', async () => {
    const store = new MemoryCheckpointStore();
    let failures = 1;
    const flaky: CheckpointStore = {
      location: 'flaky',
      keep: 2,
      holdsWrittenBytes: true,
      write: async (bytes: Uint8Array): Promise<StoredCheckpoint> => {
        if (failures-- > 0) throw new ResourceError(ErrorCode.CHECKPOINT_IO, 'disk full', { systemCode: 'ENOSPC' });
        return store.write(bytes);
      },
      latest: (expect_) => store.latest(expect_),
      list: () => store.list(),
    };
    const manager = new CheckpointManager({ store: flaky, identity, retries: 1 });
    expect((await manager.save({ superstep: 3, partitions: [] })).attempts).toBe(2);
    failures = 5;
    const cost = manager.intervalState.checkpointSeconds;
    await expect(manager.save({ superstep: 6, partitions: [] })).rejects.toMatchObject({ code: ErrorCode.CHECKPOINT_IO });
    expect([manager.lastSuperstep, manager.intervalState.checkpointSeconds, await store.list()]).toEqual([3, cost, [3]]);
  });
});
