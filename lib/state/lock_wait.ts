/**
 * What a caller of the lock asks for, what it is told while it waits, and what stops it: the
 * words around ./lock.ts, kept apart so that a message can be put together without loading
 * the lock.
 *
 * @module
 */
import { printable } from "../printable.ts";
import type { LockHolder } from "./lock_file.ts";

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

/** Thrown by `StateLock.runSync` (./lock.ts) when an async call of this process holds the lock.
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
      `the lock ${path} is held by an unfinished asynchronous call of this process` +
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
