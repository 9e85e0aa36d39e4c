/**
 * A directory of checkpoints, `checkpoint-<superstep>.nmc`, the last K kept (Node only: exported
 * from src/index.ts, not from the browser entry).
 *
 * A write is atomic and durable in this order, so that a crash at any point leaves every earlier
 * checkpoint intact and either the new one complete or not there at all:
 *   1. write the bytes to a temporary file in the same directory (`.checkpoint-<s>.<pid>.<n>.tmp`:
 *      a dot file that `latest` never reads) and fsync it, so its data is on disk before its name;
 *   2. rename it over `checkpoint-<s>.nmc` (atomic within one file system);
 *   3. fsync the directory, so that the rename itself survives a power cut;
 *   4. only then apply retention (src/protect/store.ts) and delete leftover temporary files of
 *      earlier, crashed writes.
 * A failure at 1-3 removes the temporary file, deletes nothing else and throws a ResourceError
 * (E_CHECKPOINT_IO) naming the path and the system's code (ENOSPC, EACCES, ENOTDIR, ...).
 * One writer per directory: two runs sharing one would delete each other's checkpoints.
 */
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, OptionsError, ResourceError } from '../errors.js';
import type { CheckpointExpectation } from './checkpoint.js';
import { checkKeep, checkpointsToDelete, findLatest, superstepOfBytes, type CheckpointStore, type LatestCheckpoint, type StoredCheckpoint } from './store.js';

// Canonical decimal only (no leading zeros), so that a name and pathOf(its number) agree.
const CHECKPOINT_NAME = /^checkpoint-(0|[1-9]\d{0,9})\.nmc$/;
const TEMPORARY_NAME = /^\.checkpoint-\d{1,10}\.\d+\.\d+\.tmp$/;

/** Where a write is, for the crash tests' fault injection. */
export type WriteStage = 'opened' | 'synced' | 'renamed';

export interface DirectoryStoreOptions {
  /** checkpoints kept (default 2) */
  keep?: number;
  /**
   * Test seam: called at each stage of a write with the temporary file's path. A throw there is
   * a failure of that stage (e.g. an injected ENOSPC); a process that dies there is a crash.
   */
  onWriteStage?: (stage: WriteStage, temporaryPath: string) => void | Promise<void>;
}

let temporaryCounter = 0;

export class DirectoryCheckpointStore implements CheckpointStore {
  readonly location: string;
  readonly keep: number;
  /** a file holds a copy: the bytes may be reused once write resolves */
  readonly holdsWrittenBytes = false;
  readonly #onWriteStage: DirectoryStoreOptions['onWriteStage'];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(directory: string, options: DirectoryStoreOptions = {}) {
    if (typeof directory !== 'string' || directory.length === 0) throw new OptionsError('directory', 'must be a non-empty path', directory);
    this.location = directory;
    this.keep = checkKeep(options.keep ?? 2);
    this.#onWriteStage = options.onWriteStage;
  }

  /** The path of a superstep's checkpoint. */
  pathOf(superstep: number): string {
    return join(this.location, `checkpoint-${superstep}.nmc`);
  }

  /**
   * Writes of one store run one after another, in call order: a write's clean-up must not take
   * a concurrent write's temporary file for a crashed one.
   */
  write(bytes: Uint8Array): Promise<StoredCheckpoint> {
    const written = this.#queue.then(() => this.#writeNow(bytes));
    this.#queue = written.catch(() => undefined);
    return written;
  }

  async #writeNow(bytes: Uint8Array): Promise<StoredCheckpoint> {
    const superstep = superstepOfBytes(bytes);
    const finalPath = this.pathOf(superstep);
    const temporaryPath = join(this.location, `.checkpoint-${superstep}.${process.pid}.${temporaryCounter++}.tmp`);
    let stage = 'create the directory';
    try {
      await mkdir(this.location, { recursive: true });
      stage = 'write';
      // 'wx': never open someone else's file (a leftover of the same name is a bug to see).
      const handle = await open(temporaryPath, 'wx');
      try {
        await this.#onWriteStage?.('opened', temporaryPath);
        await handle.writeFile(bytes);
        stage = 'flush';
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.#onWriteStage?.('synced', temporaryPath);
      stage = 'rename';
      await rename(temporaryPath, finalPath);
      await this.#onWriteStage?.('renamed', temporaryPath);
      stage = 'flush the directory';
      await syncDirectory(this.location);
    } catch (error) {
      await unlink(temporaryPath).catch(() => undefined);
      throw ioError(`cannot ${stage} for checkpoint ${finalPath}`, finalPath, error);
    }
    // Durable: now, and only now, older checkpoints may go.
    await this.#clean(superstep);
    return { superstep, location: finalPath, byteLength: bytes.length };
  }

  async latest(expect: CheckpointExpectation = {}): Promise<LatestCheckpoint> {
    return findLatest(await this.list(), (superstep) => this.pathOf(superstep), (superstep) => this.#read(superstep), expect);
  }

  async list(): Promise<number[]> {
    return (await this.#names())
      .map((name) => CHECKPOINT_NAME.exec(name))
      .filter((match): match is RegExpExecArray => match !== null && Number(match[1]) <= 0xffff_ffff)
      .map((match) => Number(match[1]))
      .sort((a, b) => b - a);
  }

  /** Names in the directory; none when it does not exist yet (nothing was ever written). */
  async #names(): Promise<string[]> {
    try {
      return await readdir(this.location);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw ioError(`cannot list checkpoint directory ${this.location}`, this.location, error);
    }
  }

  async #read(superstep: number): Promise<Uint8Array | null> {
    const path = this.pathOf(superstep);
    try {
      return await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw ioError(`cannot read checkpoint ${path}`, path, error);
    }
  }

  /** Retention after a durable write, and leftovers of crashed writes. Best effort: a checkpoint that cannot be deleted is only wasted space. */
  async #clean(written: number): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.location);
    } catch {
      return;
    }
    const stored = names.map((name) => CHECKPOINT_NAME.exec(name)).filter((match) => match !== null).map((match) => Number(match[1]));
    const doomed = checkpointsToDelete(stored, written, this.keep).map((superstep) => this.pathOf(superstep));
    // Our own temporary file was renamed; any other is a crashed write's (one writer per directory).
    for (const name of names) if (TEMPORARY_NAME.test(name)) doomed.push(join(this.location, name));
    await Promise.all(doomed.map((path) => unlink(path).catch(() => undefined)));
  }
}

/** fsync a directory, so that a rename in it is durable (POSIX); a no-op where the platform cannot (Windows). */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}

function ioError(problem: string, path: string, error: unknown): ResourceError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  return new ResourceError(ErrorCode.CHECKPOINT_IO, `checkpoint: ${problem}: ${reason}`, { path, systemCode: code, problem }, { cause: error });
}
