/**
 * The frame every command that changes several links runs in: take the state folder's lock,
 * clean up after dead operations, do the work, let go. The lock is lib/state's
 * {@linkcode StateLock} (a file lock the kernel releases when its holder dies, re-entrant in
 * this process), so the platform's own create and remove, which take it too, run inside.
 *
 * @module
 */
import { BindLinkError, type BindLinkOperation } from "../errors.ts";
import type { Platform } from "../platform.ts";
import type { StateFiles } from "../state/intents.ts";
import { describeLockWait, StateLock } from "../state/lock.ts";
import { ensureProtectedWindowsFolder, programDataFolder } from "../windows/program_data.ts";
import { Journal, PREFIX, type ProcessFacts } from "./journal.ts";
import { recoverInterrupted } from "./recover.ts";
import type { LeftoverPath, RecoveredOperation } from "./types.ts";

/**
 * Where operations keep their lock and records, and how record owners are judged.
 *
 * @example
 * ```ts
 * import type { StateOptions } from "@bindlink/bindlink";
 *
 * const options: StateOptions = { stateDir: "/run/bindlink-test" };
 * ```
 */
export interface StateOptions {
  /**
   * The folder of the lock file and the operation records. Default: `/run/bindlink` on Linux;
   * on Windows the protected `bindlink` folder under ProgramData, which only administrators
   * can write. Tests pass their own.
   */
  stateDir?: string;
  /** How record owners are judged; default this operating system's. */
  processFacts?: ProcessFacts;
  /** Told once, after a second, when another bindlink command holds the lock. */
  onWait?: (message: string) => void;
}

/** What a changing operation gets inside the frame. */
export interface Session {
  /** The operation records. */
  readonly journal: Journal;
  /** Dead operations cleaned up before this one began. */
  readonly recovered: readonly RecoveredOperation[];
  /** What killed commands had made and the cleanup before this one deleted. */
  readonly deleted: readonly LeftoverPath[];
}

/** Where one platform's changing commands serialize and keep their records. */
export interface StatePlace {
  /** The lock every changing command holds (on Linux the namespace's, as create's). */
  readonly lock: StateLock;
  /** The folder of the operation records. */
  readonly dir: string;
  /** The prefix of this place's operation records. */
  readonly prefix: string;
  /**
   * Settles what the backend itself left half done; called under the lock, first. Returns
   * what it deleted; with `dry`, changes nothing and returns what it would delete.
   */
  readonly settle: (dry?: boolean) => Promise<LeftoverPath[]>;
  /** How the records are read and written (Linux: checked to be root's alone). */
  readonly files?: StateFiles;
}

/**
 * The lock and record folder for `platform`. On Linux they are the mount namespace's (links
 * are per namespace): its lock, the one create and remove take, and records named for the
 * namespace, so no command in another namespace acts on them. On Windows they are in the
 * protected ProgramData\bindlink folder.
 */
export async function statePlace(
  platform: Platform,
  options: StateOptions,
  forChange = true,
  operation: BindLinkOperation = "list",
): Promise<StatePlace> {
  if (platform.name === "linux" && Deno.build.os === "linux") {
    const { NamespaceState, DEFAULT_STATE_DIR } = await import("../linux/namespace_state.ts");
    const ns = NamespaceState.current(options.stateDir ?? DEFAULT_STATE_DIR);
    const { explain, requireRoot } = await import("../linux/failure.ts");
    const where = { operation, virtualPath: "" };
    // Only root may read or change the state; a changing command as anyone else would make
    // the state folder theirs. Refused first, in words.
    requireRoot(
      where,
      forChange ? "changing links needs root" : "reading bindlink's records needs root",
    );
    try {
      ns.verify(forChange);
    } catch (error) {
      // A state that cannot be trusted, or cannot be read: told in words, as this operation's.
      if (error instanceof Error) (error as { role?: string }).role ??= "state folder";
      throw explain(error, where);
    }
    const { libcStateFiles } = await import("../linux/files.ts");
    return {
      lock: ns.lock,
      dir: ns.stateDir,
      prefix: `${PREFIX}${ns.key}.`,
      files: libcStateFiles,
      settle: async (dry = false) => {
        // A create or remove killed midway is the Linux backend's to finish or undo, and it
        // must be settled before the listing is read: a link it attached is listed only then.
        const deleted = (await import("../linux/recovery.ts")).recoverPending(ns, dry);
        if (!dry) await sweepGoneNamespaces(ns.stateDir, ns.key);
        return deleted;
      },
    };
  }
  const dir = stateFolder(platform, options, forChange);
  const lock = new StateLock(joinPath(dir, "lock"), {
    processFacts: options.processFacts ?? await hostProcessFacts(),
  });
  return { lock, dir, prefix: PREFIX, settle: () => Promise.resolve([]) };
}

/**
 * Deletes the operation records of mount namespaces that no longer exist (a killed apply in a
 * namespace that has ended since), or of an earlier boot: their links went with them.
 */
async function sweepGoneNamespaces(stateDir: string, ownKey: string): Promise<void> {
  const { parseStateName } = await import("../linux/namespace_state.ts");
  const { namespaceExists } = await import("../linux/mount_facts.ts");
  const ownBoot = ownKey.slice(0, ownKey.indexOf("."));
  let names: string[];
  try {
    names = [...Deno.readDirSync(stateDir)].map((e) => e.name);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX) || name.startsWith(`${PREFIX}${ownKey}.`)) continue;
    const parsed = parseStateName(name.slice(PREFIX.length));
    if (!parsed) continue;
    const gone = parsed.boot !== ownBoot ||
      (!parsed.ns.startsWith("i") && namespaceExists(BigInt(parsed.ns)) === false);
    if (!gone) continue;
    try {
      Deno.removeSync(joinPath(stateDir, name));
    } catch { /* another command swept it */ }
  }
}

/** The state folder for `platform`, from the options or the default. */
export function stateFolder(platform: Platform, options: StateOptions, forChange = true): string {
  if (options.stateDir !== undefined) return options.stateDir;
  if (platform.name === "windows" && Deno.build.os === "windows") {
    // Only a command that changes links makes the protected folder; one that only looks
    // finds no records when it is missing, and believes the ones there only when the folder
    // is the administrators' alone, as a changing command does.
    const folder = forChange ? protectedWindowsFolder() : existingProtectedWindowsFolder();
    return `${folder}\\state`;
  }
  throw new BindLinkError({
    code: "not-supported",
    operation: "apply",
    summary: `no state folder is set up for the ${platform.name} platform on ${Deno.build.os}`,
    hint: "Pass stateDir: a folder only administrators can write.",
  });
}

/**
 * ProgramData\\bindlink, checked (owned by SYSTEM or Administrators, not a reparse point) or
 * made with an ACL that lets only them write: a lock or a record there is one no ordinary
 * user can hold or forge.
 */
function protectedWindowsFolder(): string {
  const folder = `${programDataFolder()}\\bindlink`;
  ensureProtectedWindowsFolder(folder);
  return folder;
}

/**
 * ProgramData\\bindlink for a command that only looks: checked as
 * {@linkcode protectedWindowsFolder} does when it exists, never made.
 */
function existingProtectedWindowsFolder(): string {
  const folder = `${programDataFolder()}\\bindlink`;
  let exists: boolean;
  try {
    Deno.lstatSync(folder);
    exists = true;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    exists = false;
  }
  // Gone between the two calls: the check makes it, protected, which is harmless.
  if (exists) ensureProtectedWindowsFolder(folder);
  return folder;
}

/** The process facts of this operating system (the host's, whatever the platform). */
export async function hostProcessFacts(): Promise<ProcessFacts> {
  if (Deno.build.os === "windows") {
    return (await import("../windows/process.ts")).windowsProcessFacts();
  }
  return (await import("../linux/process.ts")).linuxProcessFacts();
}

/**
 * Runs `work` holding the lock of `platform`'s state folder, after finishing or rolling back
 * any operation whose process died.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { changeLinks } from "./session.ts";
 *
 * await changeLinks(linuxPlatform(), {}, "apply", "bindlink.json", async (session) => {
 *   console.log(session.recovered.length, "interrupted operations cleaned up");
 * });
 * ```
 */
export async function changeLinks<T>(
  platform: Platform,
  options: StateOptions,
  operation: BindLinkOperation,
  subject: string | undefined,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  let locked = false;
  let working = false;
  try {
    const place = await statePlace(platform, options, true, operation);
    const facts = options.processFacts ?? await hostProcessFacts();
    return await place.lock.run(
      {
        command: operation,
        subject,
        onWait: options.onWait && ((wait) => options.onWait!(describeLockWait(wait))),
      },
      async () => {
        locked = true;
        const deleted = await place.settle();
        const journal = new Journal(place.dir, facts, place.prefix, place.files);
        const recovered = await recoverInterrupted(platform, journal, operation);
        working = true;
        return await work({ journal, recovered, deleted });
      },
    ).catch((error) => {
      throw locked ? error : lockRefused(error, operation, place.dir);
    });
  } catch (error) {
    // State found untrusted before the work began is told as this operation's failure.
    throw working ? error : toldAs(error, operation);
  }
}

/** An untrusted state met while reading it, told as `operation`'s failure. */
function toldAs(error: unknown, operation: BindLinkOperation): unknown {
  const untrusted = error as { during?: (operation: BindLinkOperation) => Error };
  return untrusted.during ? untrusted.during(operation) : error;
}

/** The lock could not even be opened: as anyone but an administrator, say that plainly. */
function lockRefused(error: unknown, operation: BindLinkOperation, dir: string): unknown {
  if (!(error instanceof Deno.errors.PermissionDenied)) return error;
  return new BindLinkError({
    code: "access-denied",
    operation,
    summary: `the lock in ${dir} could not be opened (${error.message}): changing links ` +
      "needs an administrator",
    hint: "Run the command as root (Linux, e.g. with sudo) or from an elevated prompt (Windows).",
    cause: error,
  });
}

/**
 * What the cleanup before the next changing command would delete of what killed commands had
 * made (a `run` killed in its namespace leaves mount points it made); changes nothing.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { leftoversToDelete } from "./session.ts";
 *
 * for (const l of await leftoversToDelete(linuxPlatform(), {})) console.log(l.path, l.why);
 * ```
 */
export async function leftoversToDelete(
  platform: Platform,
  options: StateOptions,
  operation: BindLinkOperation = "prune",
): Promise<LeftoverPath[]> {
  try {
    return await (await statePlace(platform, options, false, operation)).settle(true);
  } catch (error) {
    throw toldAs(error, operation);
  }
}

/**
 * A journal over `platform`'s state folder, for commands that only look, and for the look
 * before a changing command settles; `operation` names the command in errors (the state
 * folder found untrusted).
 */
export async function readJournal(
  platform: Platform,
  options: StateOptions,
  operation: BindLinkOperation = "list",
): Promise<Journal> {
  let place: StatePlace;
  try {
    place = await statePlace(platform, options, false, operation);
  } catch (error) {
    throw toldAs(error, operation);
  }
  const facts = options.processFacts ?? await hostProcessFacts();
  return new Journal(place.dir, facts, place.prefix, place.files);
}

function joinPath(dir: string, name: string): string {
  return /[\\/]$/.test(dir) ? dir + name : `${dir}${dir.includes("\\") ? "\\" : "/"}${name}`;
}
