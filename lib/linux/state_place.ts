/**
 * The Linux answer to `Platform.statePlace`: the lock and records of the mount namespace
 * (links are per namespace), the lock create and remove take, and records named for the
 * namespace, so no command in another namespace acts on them. Settling finishes or undoes
 * what a killed create or remove left, then sweeps the records of namespaces that are gone.
 *
 * @module
 */
import type { StatePlace, StateRequest } from "../state/place.ts";
import { explain, requireRoot } from "./failure.ts";
import { libcStateFiles } from "./files.ts";
import { removeNamesWhere } from "./folders.ts";
import { assertStateFolder } from "./state_trust.ts";
import { aboutRole } from "./syscall.ts";
import {
  DEFAULT_STATE_DIR,
  isGoneNamespace,
  NamespaceState,
  parseStateName,
} from "./namespace_state.ts";

/**
 * This mount namespace's state place under `request.stateDir` (default `/run/bindlink`),
 * checked to be root's alone; refused in words to anyone but root.
 *
 * @example
 * ```ts
 * import { linuxStatePlace } from "./state_place.ts";
 *
 * const place = linuxStatePlace({ forChange: false, operation: "status", recordPrefix: "operation." });
 * console.log(place.dir, place.prefix);
 * ```
 */
export function linuxStatePlace(request: StateRequest): StatePlace {
  const ns = NamespaceState.current(request.stateDir ?? DEFAULT_STATE_DIR);
  const where = { operation: request.operation, virtualPath: "" };
  // Only root may read or change the state; a changing command as anyone else would make
  // the state folder theirs. Refused first, in words.
  requireRoot(
    where,
    request.forChange ? "changing links needs root" : "reading bindlink's records needs root",
  );
  try {
    ns.verify(request.forChange);
  } catch (error) {
    // A state that cannot be trusted, or cannot be read: told in words, as this operation's.
    throw explain(aboutRole(error, "state folder"), where);
  }
  return {
    lock: ns.lock,
    dir: ns.stateDir,
    prefix: `${request.recordPrefix}${ns.key}.`,
    files: libcStateFiles,
    settle: async (dry = false) => {
      // Nothing but this namespace's own folder: nothing to recover, and a look need not
      // load the code that would.
      if (dry && ns.othersPresent() === undefined) return [];
      // A create or remove killed midway is the backend's to finish or undo, and it must be
      // settled before the listing is read: a link it attached is listed only then. (Loaded
      // here: a look at the records, as `list` takes, settles nothing.)
      const { recoverPending } = await import("./recovery.ts");
      const deleted = recoverPending(ns, dry);
      if (!dry) sweepGoneNamespaces(ns.stateDir, ns.key, request.recordPrefix);
      return deleted;
    },
  };
}

/**
 * Deletes the operation records of mount namespaces that no longer exist (a killed apply in a
 * namespace that has ended since), or of an earlier boot: their links went with them. Read
 * and deleted through the state folder's descriptor, judged root's alone as it is opened.
 */
function sweepGoneNamespaces(stateDir: string, ownKey: string, prefix: string): void {
  const ownBoot = ownKey.slice(0, ownKey.indexOf("."));
  removeNamesWhere(stateDir, assertStateFolder, (name) => {
    if (!name.startsWith(prefix) || name.startsWith(`${prefix}${ownKey}.`)) return false;
    const parsed = parseStateName(name.slice(prefix.length));
    return parsed !== undefined && isGoneNamespace(parsed, ownBoot);
  });
}
