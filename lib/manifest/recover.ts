/**
 * What the next changing command does with the record of an operation whose process died:
 * roll an apply or run back, finish a down or prune, discard one from an earlier boot. It
 * only ever removes a link the listing shows exactly as the record describes it, and only
 * makes a link again where the record says it removed one and nothing is there now.
 *
 * @module
 */
import { BindLinkError, type BindLinkOperation } from "../errors.ts";
import type { BindLinkInfo, LinkSpec, Platform } from "../platform.ts";
import type { OwnerState } from "../state/process_facts.ts";
import { UndoList } from "../undo.ts";
import type { Journal, OperationRecord } from "./journal.ts";
import { compareLink, liveAt } from "./plan.ts";
import type { RecoveredOperation } from "./types.ts";

/** A listed link as the spec that makes it again. */
export function specOf(info: BindLinkInfo): LinkSpec {
  return {
    virtualPath: info.virtualPath,
    backingPath: info.backingPath,
    readOnly: info.readOnly,
    merged: info.merged,
    exceptions: info.exceptions,
  };
}

/** True when the live listing shows `spec` exactly at its virtual path. */
export function isLiveAsRecorded(
  platform: Platform,
  live: readonly BindLinkInfo[],
  spec: LinkSpec,
): boolean {
  const rules = platform.paths;
  const current = liveAt(live, spec.virtualPath, rules);
  return compareLink(spec, current, rules, platform.reportsExceptions) === undefined;
}

/**
 * Rolls back or completes a dead operation from its record. A roll back undoes what the record
 * says was done, newest first, as the operation itself would have (one {@linkcode UndoList}),
 * stopping at the first failure since the record is kept and tried again whole. A link is
 * removed only where the listing shows it as recorded, and put back only where nothing is.
 */
async function settle(
  platform: Platform,
  record: OperationRecord,
): Promise<{ removed: string[]; restored: string[] }> {
  const removed: string[] = [];
  const restored: string[] = [];
  const live = await platform.list();
  const takeAway = async (spec: LinkSpec) => {
    if (!isLiveAsRecorded(platform, live, spec)) return;
    await platform.remove(spec.virtualPath);
    removed.push(spec.virtualPath);
  };
  if (record.mode === "complete") {
    for (const info of record.removes) await takeAway(specOf(info));
    return { removed, restored };
  }
  const undo = new UndoList();
  // Put back only after every link it made is gone, so listed again once, then.
  let afterRemovals: BindLinkInfo[] | undefined;
  for (const info of record.removes) {
    undo.push(async () => {
      afterRemovals ??= await platform.list();
      if (liveAt(afterRemovals, info.virtualPath, platform.paths)) return;
      await platform.create(specOf(info));
      restored.push(info.virtualPath);
    });
  }
  for (const spec of record.creates) undo.push(() => takeAway(spec));
  const [failed] = await undo.rollbackAsync(true);
  if (failed !== undefined) throw failed;
  return { removed, restored };
}

function describe(r: OperationRecord): string {
  return `${r.operation}${
    r.file ? ` of ${r.file}` : ""
  } by process ${r.pid} (started ${r.startedAt})`;
}

/**
 * Cleans up after every dead operation in `journal`, oldest first, and deletes their
 * records: call it under the lock, before changing anything. Records of operations that
 * still run are left alone; records from an earlier boot are deleted unread.
 *
 * @throws {BindLinkError} when a dead operation cannot be cleaned up; its record stays, so a
 *   later command tries again.
 *
 * @example
 * ```ts
 * import { recoverInterrupted } from "./recover.ts";
 * import type { Journal } from "./journal.ts";
 * import type { Platform } from "../platform.ts";
 *
 * declare const platform: Platform, journal: Journal;
 * for (const r of await recoverInterrupted(platform, journal, "apply")) {
 *   console.log(`${r.operation} of pid ${r.pid}: ${r.outcome}`);
 * }
 * ```
 */
export async function recoverInterrupted(
  platform: Platform,
  journal: Journal,
  operation: BindLinkOperation,
): Promise<RecoveredOperation[]> {
  const done: RecoveredOperation[] = [];
  for (const found of journal.list()) {
    if (found.state === "running") continue;
    const { record } = found;
    // A record its owner was killed writing: begin() had not returned, so nothing changed.
    if (!record) {
      journal.discard(found);
      continue;
    }
    if (found.state === "earlier boot") {
      journal.discard(found);
      done.push({
        operation: record.operation,
        pid: record.pid,
        outcome: "discarded",
        removed: [],
        restored: [],
      });
      continue;
    }
    let changes: { removed: string[]; restored: string[] };
    try {
      changes = await settle(platform, record);
    } catch (error) {
      const why = error instanceof BindLinkError ? error.summary : String(error);
      throw new BindLinkError({
        code: error instanceof BindLinkError ? error.code : "unknown",
        operation,
        virtualPath: error instanceof BindLinkError ? error.virtualPath : undefined,
        summary: `an interrupted ${describe(record)} could not be ${
          record.mode === "roll back" ? "rolled back" : "completed"
        }: ${why}`,
        hint: `Its record ${found.file} is kept, so the next bindlink command tries again. ` +
          "Fix what stopped it (the message above), then run bindlink prune.",
        cause: error,
      });
    }
    journal.discard(found);
    done.push({
      operation: record.operation,
      pid: record.pid,
      outcome: record.mode === "roll back" ? "rolled back" : "completed",
      ...changes,
    });
  }
  return done;
}

/**
 * An operation found half done, as `status` reports it without changing anything.
 *
 * @example
 * ```ts
 * import type { PendingOperation } from "@bindlink/bindlink";
 *
 * const line = (p: PendingOperation) => `${p.operation} by ${p.pid}: ${p.state}`;
 * ```
 */
export interface PendingOperation {
  /** `apply`, `down`, `run` or `prune`. */
  readonly operation: string;
  /** The process. */
  readonly pid: number;
  /** When it began. */
  readonly startedAt: string;
  /** Its manifest, when it had one. */
  readonly file?: string;
  /** `running` (a `run` still going, say), `dead` (will be cleaned up), `earlier boot`. */
  readonly state: OwnerState;
  /** The links it made that are live now. */
  readonly made: readonly string[];
  /** The links it was to remove that are gone now. */
  readonly taken: readonly string[];
  /** What the next changing command will do with it, in words. */
  readonly next: string;
}

/**
 * The operations in `journal` that have not ended, and how far each got, from the listing
 * `live`. Changes nothing.
 *
 * @example
 * ```ts
 * import { pendingOperations } from "./recover.ts";
 * import type { Journal } from "./journal.ts";
 * import type { Platform } from "../platform.ts";
 *
 * declare const platform: Platform, journal: Journal;
 * const pending = pendingOperations(platform, journal, await platform.list());
 * ```
 */
export function pendingOperations(
  platform: Platform,
  journal: Journal,
  live: readonly BindLinkInfo[],
): PendingOperation[] {
  return journal.list().flatMap((found) => {
    const r = found.record;
    if (!r) return [];
    const made = r.creates.filter((s) => isLiveAsRecorded(platform, live, s)).map((s) =>
      s.virtualPath
    );
    const taken = r.removes.filter((i) => !isLiveAsRecorded(platform, live, specOf(i))).map((i) =>
      i.virtualPath
    );
    const next = found.state === "running"
      ? r.operation === "run"
        ? "its links go when the command ends; if bindlink is killed, bindlink prune removes them"
        : "it is still running"
      : found.state === "earlier boot"
      ? "it ran before the last restart; the next changing command deletes its record"
      : r.mode === "roll back"
      ? "its process is gone; the next changing command (apply, down, prune, run) rolls it back"
      : "its process is gone; the next changing command (apply, down, prune, run) finishes it";
    return [{
      operation: r.operation,
      pid: r.pid,
      startedAt: r.startedAt,
      file: r.file,
      state: found.state,
      made,
      taken,
      next,
    }];
  });
}
