/**
 * The lock file itself: opening it, and the record at its start that names its holder, so a
 * waiter can say what it waits for. How the lock is taken and shared is ./lock.ts.
 *
 * @module
 */

import type { ProcessFacts } from "./process_facts.ts";

/** Who holds a lock, as the holder wrote it into the lock file. */
export interface LockHolder {
  /** The holder's process ID. */
  pid: number;
  /** The holder's start time ({@linkcode ProcessFacts.self}), so a reused ID is told apart. */
  start?: string;
  /** Its command (`create`, `remove`, `apply`, ...). */
  command: string;
  /** What it works on (a virtual path, a manifest), when it said. */
  subject?: string;
  /** When it took the lock (ISO 8601). */
  since: string;
}

/** Checks the lock file on the handle just opened; throws to refuse it. */
export type LockFileCheck = (file: Deno.FsFile, path: string) => void;

/**
 * Opens (making it, and its folder, when missing) the lock file at `path` for reading and
 * writing, and runs `verify` on the open handle before anyone locks or writes it.
 *
 * @example
 * ```ts
 * import { openLockFile } from "./lock_file.ts";
 *
 * using file = openLockFile("/tmp/example.lock");
 * file.lockSync(true);
 * ```
 */
export function openLockFile(path: string, verify?: LockFileCheck): Deno.FsFile {
  const options = { read: true, write: true, create: true, mode: 0o600 } as const;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, options);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
    Deno.mkdirSync(path.slice(0, slash), { recursive: true, mode: 0o700 });
    file = Deno.openSync(path, options);
  }
  try {
    verify?.(file, path);
  } catch (error) {
    file.close();
    throw error;
  }
  return file;
}

const encoder = new TextEncoder();
const HOLDER_BYTES = 1024;
// One buffer for every holder record: it is written synchronously, before anything else runs.
const holderBytes = new Uint8Array(HOLDER_BYTES);

/**
 * Writes `holder` as the fixed-size record at the start of the lock file: no truncation, so a
 * reader never sees two. Without a holder it is blank: a holder blanks it before letting go,
 * so a record that is there was written, after taking the lock, by a process that holds it or
 * was killed holding it.
 *
 * @example
 * ```ts
 * import { openLockFile, writeHolder } from "./lock_file.ts";
 *
 * using file = openLockFile("/tmp/example.lock");
 * writeHolder(file, { pid: Deno.pid, command: "create", since: new Date().toISOString() });
 * writeHolder(file, undefined); // blank again before letting go
 * ```
 */
export function writeHolder(file: Deno.FsFile, holder: LockHolder | undefined): void {
  file.seekSync(0, Deno.SeekMode.Start);
  // A 1 KiB write to a local file is never short; a short one would only shorten the record.
  file.writeSync(holder ? recordBytes(holder) : BLANK);
}

// Spaces and a newline: a record that names no one, the same every time.
const BLANK = new Uint8Array(HOLDER_BYTES).fill(0x20, 0, HOLDER_BYTES - 1);
BLANK[HOLDER_BYTES - 1] = 0x0a;

function recordBytes(holder: LockHolder): Uint8Array {
  let text = JSON.stringify(holder);
  if (text.length > HOLDER_BYTES - 1) {
    text = JSON.stringify({ ...holder, subject: holder!.subject?.slice(0, 200) + "..." });
  }
  const bytes = holderBytes;
  const { written } = encoder.encodeInto(text, bytes.subarray(0, HOLDER_BYTES - 1));
  bytes.fill(0x20, written, HOLDER_BYTES - 1);
  bytes[HOLDER_BYTES - 1] = 0x0a;
  return bytes;
}

/**
 * Blanks the record before the lock is let go (see {@linkcode writeHolder}); a failure leaves
 * the record, which then names a process that no longer holds the lock, as a killed holder's
 * does, and waiters check that.
 *
 * @example
 * ```ts
 * import { blankHolder, openLockFile } from "./lock_file.ts";
 *
 * using file = openLockFile("/tmp/example.lock");
 * blankHolder(file);
 * ```
 */
export function blankHolder(file: Deno.FsFile): void {
  try {
    writeHolder(file, undefined);
  } catch {
    // See above: waiters do not take a record's word alone.
  }
}

/**
 * The record a holder writes for `request`: this process, its start time when `facts` give
 * it (so a waiter can tell it from a later process with the same ID), and the time.
 *
 * @example
 * ```ts
 * import { holderFor } from "./lock_file.ts";
 * console.log(holderFor({ command: "create", subject: "/srv/app" }).pid === Deno.pid); // true
 * ```
 */
export function holderFor(
  request: { readonly command: string; readonly subject?: string },
  facts?: Pick<ProcessFacts, "self">,
): LockHolder {
  return {
    pid: Deno.pid,
    command: request.command,
    subject: request.subject,
    start: facts?.self().start,
    since: new Date().toISOString(),
  };
}

/**
 * The holder the lock file at `path` names, when that is sure: another process that still runs
 * with the start time it recorded (its ID not reused). A record of a process that is gone, of
 * this one, or one `facts` cannot judge, names no one.
 *
 * @example
 * ```ts
 * import { recordedHolder } from "./lock_file.ts";
 * console.log(recordedHolder("/run/bindlink/example/lock")); // undefined without facts
 * ```
 */
export function recordedHolder(
  path: string,
  facts?: Pick<ProcessFacts, "isRunning">,
): LockHolder | undefined {
  const recorded = readLockHolder(path);
  if (!recorded || recorded.start === undefined || !facts) return undefined;
  if (recorded.pid === Deno.pid) return undefined; // not held here: a stale line of its own
  return facts.isRunning(recorded.pid, recorded.start) ? recorded : undefined;
}

/** The holder recorded in the lock file at `path`, when it can be read.
 *
 * @example
 * ```ts
 * import { readLockHolder } from "./lock_file.ts";
 *
 * const holder = readLockHolder("/run/bindlink/example/lock");
 * if (holder) console.log(`held by ${holder.command} (process ${holder.pid})`);
 * ```
 */
export function readLockHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(Deno.readTextFileSync(path).trim());
    return typeof parsed?.pid === "number" && typeof parsed?.command === "string"
      ? parsed
      : undefined;
  } catch {
    return undefined; // empty, never written, or locked against reading (Windows)
  }
}
