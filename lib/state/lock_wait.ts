/**
 * What a caller of the lock asks for, what it is told while it waits, and what stops it: the
 * words around ./lock.ts, kept apart so that a message can be put together without loading
 * the lock.
 *
 * @module
 */
import { printable } from "../printable.ts";
import type { LockHolder } from "./lock_file.ts";

const DEFAULT_NOTICE_MS = 1000;

/** What a caller waits for, handed to {@linkcode LockRequest.onWait}. */
export interface LockWait {
  /** The lock file. */
  path: string;
  /** The waiting caller's own command. */
  command: string;
  /** The waiting caller's subject. */
  subject?: string;
  /** The holder, when known: another process's record, or a call in this process. */
  holder?: LockHolder;
  /** How long the caller has waited so far, in milliseconds. */
  waitedMs: number;
}

/** What a caller is about to do while holding the lock. */
export interface LockRequest {
  /** The command, for the holder record and for waiters' messages. */
  command: string;
  /** The path or manifest it works on. */
  subject?: string;
  /** Called once when the caller has waited `noticeAfterMs`, saying what it waits for. */
  onWait?: (wait: LockWait) => void;
  /** How long to wait before `onWait` is called; default 1000 ms. */
  noticeAfterMs?: number;
}

/**
 * Thrown by `StateLock.runSync` (./lock.ts) when an async call of this process holds the lock,
 * or waits for it.
 *
 * @example
 * ```ts
 * import { LockHeldByAsyncCallError } from "./lock_wait.ts";
 * import { StateLock } from "./lock.ts";
 *
 * const lock = new StateLock("/tmp/example.lock");
 * try {
 *   lock.runSync({ command: "create" }, () => {});
 * } catch (error) {
 *   if (!(error instanceof LockHeldByAsyncCallError)) throw error;
 * }
 * ```
 */
export class LockHeldByAsyncCallError extends Error {
  /** The lock file. */
  readonly path: string;
  /** The async holder. */
  readonly holder?: LockHolder;

  /** Describes the conflict. */
  constructor(path: string, holder?: LockHolder) {
    super(
      `the lock ${path} is held, or about to be, by an unfinished asynchronous call of this ` +
        "process" +
        (holder ? ` (${holder.command}${holder.subject ? ` ${holder.subject}` : ""})` : "") +
        "; a blocking call cannot wait for it without stopping it: await that call first",
    );
    this.name = "LockHeldByAsyncCallError";
    this.path = path;
    this.holder = holder;
  }
}

/**
 * The line that tells a waiting caller what it waits for: the holder, when it is known, else
 * only that the lock is held and which file it is. Names in it are {@linkcode printable}.
 *
 * @example
 * ```ts
 * import { describeLockWait } from "./lock_wait.ts";
 *
 * describeLockWait({ path: "/run/bindlink/k/lock", command: "create", subject: "/srv/a", waitedMs: 1000 });
 * // "bindlink create /srv/a waits: the lock /run/bindlink/k/lock is held by another process, ..."
 * ```
 */
export function describeLockWait(wait: LockWait): string {
  const about = (command: string, subject?: string) =>
    `${command}${subject ? ` ${printable(subject)}` : ""}`;
  const me = `bindlink ${about(wait.command, wait.subject)}`;
  const lock = printable(wait.path);
  if (!wait.holder) {
    return `${me} waits: the lock ${lock} is held by another process, which left no ` +
      "record of itself that is still true (bindlink cannot tell which process it is)";
  }
  const h = wait.holder;
  return `${me} waits for bindlink ${about(h.command, h.subject)} (process ${h.pid}, since ` +
    `${h.since}) to finish (lock ${lock})`;
}

/**
 * Calls `request.onWait` once the caller has waited its notice time, with the holder `holder`
 * names then; returns the timer to clear when the wait ends (none without `onWait`).
 *
 * @example
 * ```ts
 * import { noticeTimer } from "./lock_wait.ts";
 *
 * const timer = noticeTimer({ command: "create", onWait: console.log }, "/l", Date.now(), () =>
 *   undefined);
 * clearTimeout(timer);
 * ```
 */
export function noticeTimer(
  request: LockRequest,
  path: string,
  started: number,
  holder: () => LockHolder | undefined,
): number | undefined {
  if (!request.onWait) return undefined;
  const timer = setTimeout(
    () => request.onWait!(waitSoFar(request, path, started, holder)),
    request.noticeAfterMs ?? DEFAULT_NOTICE_MS,
  ) as unknown as number;
  // A waiting lock must not be what keeps a finished program alive.
  Deno.unrefTimer(timer);
  return timer;
}

/**
 * Waits, blocking this thread, until `file`'s lock is taken: polls with growing pauses for
 * the notice time, says what it waits for through `request.onWait`, then blocks in the lock.
 *
 * @example
 * ```ts
 * import { waitSync } from "./lock_wait.ts";
 *
 * using file = Deno.openSync("/tmp/example.lock", { read: true, write: true, create: true });
 * waitSync(file, { command: "create" }, "/tmp/example.lock", () => undefined);
 * file.unlockSync();
 * ```
 */
export function waitSync(
  file: Deno.FsFile,
  request: LockRequest,
  path: string,
  holder: () => LockHolder | undefined,
): void {
  const started = Date.now();
  const noticeAfter = request.noticeAfterMs ?? DEFAULT_NOTICE_MS;
  let pause = 1;
  while (Date.now() - started < noticeAfter) {
    sleepSync(Math.min(pause, noticeAfter));
    if (file.tryLockSync(true)) return;
    pause = Math.min(pause * 2, 50);
  }
  request.onWait?.(waitSoFar(request, path, started, holder));
  file.lockSync(true);
}

// What the caller is told after waiting since `started`: the holder as it stands now.
function waitSoFar(
  request: LockRequest,
  path: string,
  started: number,
  holder: () => LockHolder | undefined,
): LockWait {
  return {
    path,
    command: request.command,
    subject: request.subject,
    holder: holder(),
    waitedMs: Date.now() - started,
  };
}

/**
 * Blocks this thread for `ms` milliseconds: the blocking wait for a lock polls.
 *
 * @example
 * ```ts
 * import { sleepSync } from "./lock_wait.ts";
 * sleepSync(1);
 * ```
 */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
