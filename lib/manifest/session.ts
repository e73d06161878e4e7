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
import { describeLockWait } from "../state/lock_wait.ts";
import {
  folderStatePlace,
  hostProcessFacts,
  type StatePlace,
  type StateRequest,
} from "../state/place.ts";
import { Journal, PREFIX, type ProcessFacts } from "./journal.ts";
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
   * The folder of the lock file and the operation records. Default: the platform's own
   * (`Platform.statePlace`): on Linux the platform's state folder, `/run/bindlink` unless
   * it was given another; on Windows the protected `bindlink` folder under ProgramData,
   * which only administrators can write. Tests pass their own.
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

/**
 * The state place `platform` answers (see `Platform.statePlace`); a platform without one of
 * its own (here) gets the plain place in `options.stateDir`, and a `not-supported` error
 * when none is given.
 */
async function statePlace(
  platform: Platform,
  options: StateOptions,
  forChange: boolean,
  operation: BindLinkOperation,
): Promise<StatePlace> {
  const request: StateRequest = {
    stateDir: options.stateDir,
    forChange,
    operation,
    recordPrefix: PREFIX,
    processFacts: options.processFacts,
  };
  const own = await platform.statePlace?.(request);
  if (own) return own;
  if (request.stateDir !== undefined) return await folderStatePlace(request.stateDir, request);
  throw new BindLinkError({
    code: "not-supported",
    operation: "apply",
    summary: `no state folder is set up for the ${platform.name} platform on ${Deno.build.os}`,
    hint: "Pass stateDir: a folder only administrators can write.",
  });
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
        // Loaded here: the looks at the records that `list` and `status` take recover nothing.
        const { recoverInterrupted } = await import("./recover.ts");
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

/** What a look at the state folder finds, without taking the lock or changing anything. */
export interface StateLook {
  /** The operation records. */
  readonly journal: Journal;
  /** What the cleanup before a changing command would delete (killed commands' leftovers). */
  leftovers(): Promise<LeftoverPath[]>;
}

/**
 * A look at `platform`'s state folder, for commands that only look, and for the look before
 * a changing command settles; `operation` names the command in errors (the state folder
 * found untrusted).
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { lookAtState } from "./session.ts";
 *
 * const look = await lookAtState(linuxPlatform(), {});
 * console.log(look.journal.list().length, (await look.leftovers()).length);
 * ```
 */
export async function lookAtState(
  platform: Platform,
  options: StateOptions,
  operation: BindLinkOperation = "list",
): Promise<StateLook> {
  let place: StatePlace;
  try {
    place = await statePlace(platform, options, false, operation);
  } catch (error) {
    throw toldAs(error, operation);
  }
  const facts = options.processFacts ?? await hostProcessFacts();
  return {
    journal: new Journal(place.dir, facts, place.prefix, place.files),
    async leftovers() {
      try {
        return await place.settle(true);
      } catch (error) {
        throw toldAs(error, operation);
      }
    },
  };
}
