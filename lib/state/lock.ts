/**
 * A lock file that serializes bindlink's changing commands, on every operating system.
 *
 * The lock is `Deno.FsFile.lock` on a file (flock on Linux, LockFileEx on Windows), so the
 * kernel releases it when its holder dies: a killed command never leaves the lock taken.
 * Inside one process it is re-entrant (a command that holds it may call another that takes
 * it again, synchronously or across `await`s of the same async call chain) and it
 * serializes unrelated async calls. A caller that waits longer than `noticeAfterMs` is told
 * what it waits for: the holder's command, path and process ID when the holder record in the
 * file is provably the holder's (see {@linkcode StateLock.holderNow}), else only that the
 * lock is held, and which file it is (on Windows the locked file cannot be read by others,
 * so the holder is then unknown).
 *
 * @example Hold the lock around a change
 * ```ts
 * import { StateLock } from "./lock.ts";
 *
 * const lock = new StateLock("/run/bindlink/example/lock");
 * await lock.run({ command: "create", subject: "/srv/app" }, async () => {
 *   // check, change, record: nobody else in this namespace changes links meanwhile
 * });
 * lock.runSync({ command: "remove", subject: "/srv/app" }, () => {});
 * ```
 *
 * @module
 */
import type { ProcessFacts } from "./process_facts.ts";
import {
  blankHolder,
  holderFor,
  type LockFileCheck,
  type LockHolder,
  openLockFile,
  recordedHolder,
  writeHolder,
} from "./lock_file.ts";
import { LockHeldByAsyncCallError, type LockRequest, noticeTimer, waitSync } from "./lock_wait.ts";

interface Shared {
  readonly path: string;
  /** Depth of synchronous holds in progress (runSync needs no async context: nothing else runs). */
  syncDepth: number;
  /** The descriptor the synchronous path locks; kept open for the life of the process. */
  syncFile?: Deno.FsFile;
  /** In-process async calls between their start and letting go (they set `tail`). */
  queued: number;
  /** Who holds it in this process, if anyone. */
  holder?: LockHolder;
  /** Resolves when the last queued in-process async holder lets go. */
  tail: Promise<void>;
}

const shared = new Map<string, Shared>();
// The async call chains' holds (./call_chain.ts), once a hold has spanned awaits.
let chains: typeof import("./call_chain.ts") | undefined;

function sharedFor(path: string): Shared {
  let entry = shared.get(path);
  if (!entry) {
    entry = { path, syncDepth: 0, queued: 0, tail: Promise.resolve() };
    shared.set(path, entry);
  }
  return entry;
}

async function settle<T>(fn: () => T | Promise<T>): Promise<T> {
  return await fn();
}

/**
 * Options for {@linkcode StateLock}.
 *
 * @example
 * ```ts
 * import { StateLock, type StateLockOptions } from "./lock.ts";
 *
 * const options: StateLockOptions = {};
 * const lock = new StateLock("/tmp/example.lock", options);
 * ```
 */
export interface StateLockOptions {
  /**
   * Keep the descriptor open between holds and only unlock it, so an uncontended hold costs
   * no open: for a lock that unlocks cleanly (flock, on Linux). Default `false`: each hold
   * ends by closing the descriptor, which is how Windows' LockFileEx is released.
   */
  keepOpen?: boolean;
  /**
   * This system's process facts: the holder record carries the holder's start time, and a
   * waiter names a holder only when that process still runs with that start time. Without
   * them no holder is named: a record alone may be a killed process's.
   */
  processFacts?: Pick<ProcessFacts, "self" | "isRunning">;
  /**
   * Checks the lock file each time it is opened, before it is locked or written (Linux: that
   * it is root's alone, see lib/linux/state_trust.ts); throws to refuse it. Default: none.
   */
  verify?: LockFileCheck;
}

/**
 * A lock on one file; instances for the same path share their state in a process.
 *
 * @example
 * ```ts
 * import { StateLock } from "./lock.ts";
 *
 * const lock = new StateLock("/tmp/example.lock");
 * const answer = lock.runSync({ command: "demo" }, () => 42);
 * ```
 */
export class StateLock {
  /** The lock file (created, with its folder, on first use). */
  readonly path: string;
  readonly #shared: Shared;
  readonly #keepOpen: boolean;
  readonly #facts?: Pick<ProcessFacts, "self" | "isRunning">;
  readonly #verify?: LockFileCheck;

  /** A lock on the file `path`. */
  constructor(path: string, options: StateLockOptions = {}) {
    this.path = path;
    this.#shared = sharedFor(path);
    this.#keepOpen = options.keepOpen ?? false;
    this.#facts = options.processFacts;
    this.#verify = options.verify;
  }

  /**
   * Who holds the lock now, when that is known for sure: a call of this process, or the
   * process whose record is in the file while it still runs with the start time it recorded
   * (its ID not reused). A record of a process that is gone, or of one this process cannot
   * judge, names no one: the lock may be held by a program that writes no record.
   */
  holderNow(): LockHolder | undefined {
    return this.#shared.holder ?? recordedHolder(this.path, this.#facts);
  }

  #syncFile(): Deno.FsFile {
    const entry = this.#shared;
    if (entry.syncFile) return entry.syncFile;
    return entry.syncFile = openLockFile(this.path, this.#verify);
  }

  /** True when the current call chain holds this lock. */
  heldHere(): boolean {
    const entry = this.#shared;
    return entry.syncDepth > 0 || (chains?.heldLocks.getStore()?.has(entry) ?? false);
  }

  /**
   * Runs `fn` holding the lock, waiting for other processes and for other async calls of this
   * process first. Re-entrant: inside `fn` (and what it awaits) the lock is already held.
   * For work that never awaits, {@linkcode StateLock.runWhenFree} does the same for less.
   */
  run<T>(request: LockRequest, fn: () => T | Promise<T>): Promise<T> {
    if (this.heldHere()) return settle(fn);
    if (!chains) {
      return import("./call_chain.ts").then((loaded) => {
        chains = loaded;
        return this.run(request, fn);
      });
    }
    const held = new Set(chains.heldLocks.getStore());
    held.add(this.#shared);
    return this.#take(request, () => chains!.heldLocks.run(held, fn));
  }

  /**
   * Waits, without blocking, as {@linkcode StateLock.run} does, then runs `work`, which must
   * not await, holding the lock. Re-entrant like `run`. Uncontended, with `keepOpen`, `work`
   * runs before this returns.
   */
  runWhenFree<T>(request: LockRequest, work: () => T): Promise<T> {
    if (this.heldHere()) return settle(work);
    return this.#take(request, () => this.#synchronously(work));
  }

  #take<T>(request: LockRequest, inside: () => T | Promise<T>): Promise<T> {
    const entry = this.#shared;
    // Nobody in this process holds or waits for it: try the kept descriptor now, and when the
    // lock is free run at once, without timers or trips through the event loop.
    if (this.#keepOpen && entry.queued === 0 && !entry.holder) {
      try {
        const file = this.#syncFile();
        if (file.tryLockSync(true)) return this.#runNow(file, request, inside);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#runQueued(request, inside);
  }

  // Held for exactly as long as work runs synchronously: a depth count says so to nested
  // calls without the cost of an async context.
  #synchronously<T>(work: () => T): T {
    const entry = this.#shared;
    entry.syncDepth++;
    try {
      return work();
    } finally {
      entry.syncDepth--;
    }
  }

  #runNow<T>(file: Deno.FsFile, request: LockRequest, inside: () => T | Promise<T>): Promise<T> {
    const entry = this.#shared;
    let result: T | Promise<T>;
    try {
      this.#recordHolder(file, request);
      result = inside();
    } catch (error) {
      entry.holder = undefined;
      blankHolder(file);
      file.unlockSync();
      return Promise.reject(error);
    }
    if (typeof (result as { then?: unknown } | undefined)?.then !== "function") {
      entry.holder = undefined;
      blankHolder(file);
      file.unlockSync();
      return Promise.resolve(result as T);
    }
    // fn goes on asynchronously: held until it settles, and later calls queue behind it.
    let letGo!: () => void;
    entry.tail = new Promise((resolve) => letGo = resolve);
    return Promise.resolve(result).finally(() => {
      entry.holder = undefined;
      blankHolder(file);
      try {
        file.unlockSync();
      } finally {
        letGo();
      }
    });
  }

  async #runQueued<T>(request: LockRequest, inside: () => T | Promise<T>): Promise<T> {
    const entry = this.#shared;
    entry.queued++;
    const before = entry.tail;
    let letGo!: () => void;
    entry.tail = new Promise((resolve) => letGo = resolve);
    let file: Deno.FsFile | undefined;
    let kept = false;
    let held = false;
    try {
      const started = Date.now();
      const notice = noticeTimer(request, this.path, started, () => this.holderNow());
      try {
        await before;
        // Uncontended: the kept descriptor, without a trip to a worker thread.
        if (this.#keepOpen && !entry.holder) {
          const keptFile = this.#syncFile();
          if (keptFile.tryLockSync(true)) {
            file = keptFile;
            kept = true;
          }
        }
        if (!file) {
          // Its own descriptor: flock on a second descriptor excludes the kept one's.
          file = openLockFile(this.path, this.#verify);
          if (!(await file.tryLock(true))) await file.lock(true);
        }
        held = true;
      } finally {
        clearTimeout(notice);
      }
      this.#recordHolder(file, request);
      return await inside();
    } finally {
      if (file) entry.holder = undefined;
      // Only a holder blanks the record: a descriptor that never got the lock leaves it be.
      if (held) blankHolder(file!);
      // Closing a descriptor releases its lock everywhere (and Windows, under Wine at least,
      // refuses an explicit unlock of a whole-file lock with a lock violation).
      try {
        if (kept) file!.unlockSync();
        else file?.close();
      } finally {
        entry.queued--;
        letGo();
      }
    }
  }

  /**
   * Runs `fn` holding the lock, blocking until it is free. Re-entrant like
   * {@linkcode StateLock.run}.
   *
   * @throws {LockHeldByAsyncCallError} when an unfinished async call of this process holds it or
   *   waits for it.
   */
  runSync<T>(request: LockRequest, fn: () => T): T {
    if (this.heldHere()) return fn();
    const entry = this.#shared;
    // An async call of this process that holds the lock, or is on its way to it: its file lock
    // may already be taken on a worker thread, and a blocking wait would stop the event loop
    // that call needs to go on and let go. Waiting could never end.
    if (entry.holder || entry.queued > 0) {
      throw new LockHeldByAsyncCallError(this.path, entry.holder);
    }
    const file = this.#syncFile();
    if (!file.tryLockSync(true)) waitSync(file, request, this.path, () => this.holderNow());
    try {
      this.#recordHolder(file, request);
      return this.#synchronously(fn);
    } finally {
      entry.holder = undefined;
      blankHolder(file);
      if (this.#keepOpen) {
        file.unlockSync();
      } else {
        entry.syncFile = undefined;
        file.close();
      }
    }
  }

  // Says in the file, and in this process, who holds the lock now that it is taken.
  #recordHolder(file: Deno.FsFile, request: LockRequest): void {
    const holder = holderFor(request, this.#facts);
    writeHolder(file, holder);
    this.#shared.holder = holder;
  }

  /** Closes the descriptor the synchronous path keeps open (when the lock is not held). */
  close(): void {
    const entry = this.#shared;
    if (entry.holder) return;
    entry.syncFile?.close();
    entry.syncFile = undefined;
  }
}
