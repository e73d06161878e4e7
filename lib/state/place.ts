/**
 * Where a platform's changing commands serialize and keep their operation records: what a
 * backend answers when asked (`Platform.statePlace`), and the plain place in a
 * folder that a platform without a place of its own uses. The manifest commands only ask; no
 * platform's rules are written here.
 *
 * @module
 */
import type { BindLinkOperation } from "../errors.ts";
import type { ProcessFacts } from "./process_facts.ts";
import type { StateFiles } from "./state_files.ts";
import { StateLock } from "./lock.ts";

/**
 * What a command asks of a platform's state place.
 *
 * @example
 * ```ts
 * import type { StateRequest } from "./place.ts";
 *
 * const request: StateRequest = { forChange: false, operation: "list", recordPrefix: "operation." };
 * ```
 */
export interface StateRequest {
  /** The folder the caller chose; default the platform's own. */
  readonly stateDir?: string;
  /**
   * True for a command that changes links: it may make the folder. One that only looks
   * never does, and finds no records where there is none.
   */
  readonly forChange: boolean;
  /** The command, named in errors. */
  readonly operation: BindLinkOperation;
  /** How the caller's records' file names begin; the place may scope them further. */
  readonly recordPrefix: string;
  /** How record owners are judged; default this operating system's. */
  readonly processFacts?: ProcessFacts;
}

/**
 * A file or folder a killed command had made, which a settle deleted (or would).
 *
 * @example
 * ```ts
 * import type { SettledPath } from "./place.ts";
 *
 * const line = (p: SettledPath) => `${p.path}: ${p.why}`;
 * ```
 */
export interface SettledPath {
  /** The path. */
  readonly path: string;
  /** Whose it was and why it goes, in words that follow "Deleted 2 paths ". */
  readonly why: string;
}

/**
 * Where one platform's changing commands serialize and keep their records.
 *
 * @example
 * ```ts
 * import type { StatePlace } from "./place.ts";
 *
 * declare const place: StatePlace;
 * await place.lock.run({ command: "apply" }, async () => console.log(await place.settle()));
 * ```
 */
export interface StatePlace {
  /** The lock every changing command holds (on Linux the namespace's, as create's). */
  readonly lock: StateLock;
  /** The folder of the operation records. */
  readonly dir: string;
  /** How this place's records' file names begin (on Linux: named for the namespace). */
  readonly prefix: string;
  /**
   * Settles what the backend itself left half done; called under the lock, first. Returns
   * what it deleted; with `dry`, changes nothing and returns what it would delete.
   */
  readonly settle: (dry?: boolean) => Promise<SettledPath[]>;
  /** How the records are read and written (Linux: checked to be root's alone). */
  readonly files?: StateFiles;
}

/**
 * The process facts of this operating system (the host's, whatever the platform: a test
 * double of Windows on Linux still runs Linux processes).
 *
 * @example
 * ```ts
 * import { hostProcessFacts } from "./place.ts";
 *
 * console.log((await hostProcessFacts()).bootId());
 * ```
 */
export async function hostProcessFacts(): Promise<ProcessFacts> {
  if (Deno.build.os === "windows") {
    return (await import("../windows/process.ts")).windowsProcessFacts();
  }
  return (await import("../linux/process.ts")).linuxProcessFacts();
}

/**
 * The plain place: a lock file and records in `dir`, nothing to settle beyond the records.
 *
 * @example
 * ```ts
 * import { folderStatePlace } from "./place.ts";
 *
 * const place = await folderStatePlace("/tmp/bindlink-state", {
 *   forChange: true,
 *   operation: "apply",
 *   recordPrefix: "operation.",
 * });
 * ```
 */
export async function folderStatePlace(dir: string, request: StateRequest): Promise<StatePlace> {
  const lock = new StateLock(joinPath(dir, "lock"), {
    processFacts: request.processFacts ?? await hostProcessFacts(),
  });
  return { lock, dir, prefix: request.recordPrefix, settle: () => Promise.resolve([]) };
}

function joinPath(dir: string, name: string): string {
  return /[\\/]$/.test(dir) ? dir + name : `${dir}${dir.includes("\\") ? "\\" : "/"}${name}`;
}
