/**
 * The intent record of an operation that changes several links (apply, down, run, prune):
 * one record for the whole operation, written before its first change and deleted when it
 * ends, kept with lib/state's {@linkcode IntentStore} (owner's pid, start time and boot ID;
 * written whole by rename). A record whose process is gone tells the next changing command
 * what to roll back or finish; one from an earlier boot is discarded, since links do not
 * survive a restart.
 *
 * @module
 */
import type { BindLinkInfo, LinkSpec } from "../platform.ts";
import { type Intent, IntentStore, type PendingIntent } from "../state/intents.ts";
import type { OwnerState, ProcessFacts } from "../state/process_facts.ts";
import type { StateFiles } from "../state/state_files.ts";

export type { ProcessFacts } from "../state/process_facts.ts";

/** The operations that change several links. */
export type OperationKind = "apply" | "down" | "run" | "prune";

/** What a dead operation's record asks of the next changing command. */
export type RecoveryMode = "roll back" | "complete";

/** What an operation record holds besides its owner: every link it makes or takes away. */
export interface OperationSteps {
  /** A dead apply or run is rolled back; a dead down or prune is completed. */
  readonly mode: RecoveryMode;
  /** The manifest, when there is one. */
  readonly file?: string;
  /** Links it takes away, as they were listed before, in the order it removes them. */
  readonly removes: readonly BindLinkInfo[];
  /** Links it makes, in the order it makes them. */
  readonly creates: readonly LinkSpec[];
}

/** A whole operation record read back. */
export interface OperationRecord extends OperationSteps {
  /** The record's ID. */
  readonly id: string;
  /** The command. */
  readonly operation: OperationKind;
  /** The process that wrote it. */
  readonly pid: number;
  /** When it began (ISO 8601). */
  readonly startedAt: string;
}

/** A record found on disk. `record` is missing for a file its owner was killed writing. */
export interface FoundRecord {
  /** The record, when the file is whole. */
  readonly record?: OperationRecord;
  /** Its file. */
  readonly file: string;
  /** Its owner's state. */
  readonly state: OwnerState;
  /** The store's handle, to delete it. */
  readonly pending: PendingIntent<OperationSteps>;
}

/** The default prefix of operation records' file names. */
export const PREFIX = "operation.";
const KINDS: readonly string[] = ["apply", "down", "run", "prune"];

function isSteps(value: unknown): value is OperationSteps {
  const s = value as Partial<OperationSteps> | null;
  return !!s && Array.isArray(s.removes) && Array.isArray(s.creates) &&
    (s.mode === "roll back" || s.mode === "complete");
}

/**
 * The operation records in one state folder.
 *
 * @example
 * ```ts
 * import { Journal, type ProcessFacts } from "./journal.ts";
 *
 * declare const facts: ProcessFacts;
 * const journal = new Journal("/run/bindlink", facts);
 * for (const found of journal.list()) console.log(found.record?.operation, found.state);
 * ```
 */
export class Journal {
  /** The folder holding the records. */
  readonly dir: string;
  readonly #store: IntentStore;

  /**
   * A journal over `dir` (created on first write), owners judged by `facts`. `prefix` keeps
   * its files apart from other records in the same folder (on Linux it names the mount
   * namespace, whose links alone its records describe). `files`: how records are read and
   * written (default Deno's; on Linux the checked libc ones).
   */
  constructor(dir: string, facts: ProcessFacts, prefix: string = PREFIX, files?: StateFiles) {
    this.dir = dir;
    this.#store = new IntentStore(dir, facts, { prefix, files });
  }

  /** Writes the record of an operation of this process before its first change. */
  begin(
    operation: OperationKind,
    plan: { removes: readonly BindLinkInfo[]; creates: readonly LinkSpec[]; file?: string },
  ): Intent<OperationSteps> {
    const mode = operation === "apply" || operation === "run" ? "roll back" : "complete";
    return this.#store.begin<OperationSteps>(
      operation,
      { mode, file: plan.file, removes: plan.removes, creates: plan.creates },
      plan.file,
    );
  }

  /** Every record, with its owner judged, oldest first. Changes nothing. */
  list(): FoundRecord[] {
    const found: FoundRecord[] = [];
    for (const pending of this.#store.list<OperationSteps>()) {
      const state = pending.owner;
      const r = pending.record;
      const record = r && KINDS.includes(r.operation) && isSteps(r.steps)
        ? {
          ...r.steps,
          id: r.id,
          operation: r.operation as OperationKind,
          pid: r.pid,
          startedAt: r.startedAt,
        }
        : undefined;
      found.push({ record, file: pending.file, state, pending });
    }
    return found.sort((a, b) =>
      (a.record?.startedAt ?? "").localeCompare(b.record?.startedAt ?? "")
    );
  }

  /** Deletes a record found by {@linkcode Journal.list}. */
  discard(found: FoundRecord): void {
    this.#store.discard(found.pending);
  }
}
