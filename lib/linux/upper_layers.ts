/**
 * One writer per folder: the upper layers of the overlays bindlink made in this mount
 * namespace, indexed by path, so that a second writable overlay on the same folder (or on a
 * folder inside or around it) is refused without reading every link record.
 *
 * Two overlays that write into one folder give undefined results: the kernel only warns
 * ("upperdir is in-use ... undefined behavior"). Its own refusal (EBUSY) comes only with
 * `index=on`, which writes `trusted.overlay.origin` into the backing path and then ties it to
 * its first lower layer for good (a later link on it with another virtual path fails with
 * ESTALE), so bindlink keeps this index instead.
 *
 * The index mirrors the upper layers' paths as the records mirror virtual paths: the entry of
 * `/srv/data` is `uppers/_srv/_data/=`, naming the link. Entries under a folder's ancestors
 * are one read each, entries below it one look at its mirror folder. An entry is believed
 * only while the link it names is live and still writes there: one left by a killed create,
 * or by a link that is gone, is stale, ignored and deleted.
 *
 * @module
 */
import path from "../posix_path.ts";
import { folderEntries, makeFolders, readStateFile, removeFile, writeTextFile } from "./files.ts";
import { refuse, type Where } from "./failure.ts";
import { liveMountAt } from "./link_state.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { encodePath, type LinkSteps } from "./records.ts";
import { SystemCallError } from "./syscall.ts";

const ENTRY = "=";
const ENOENT = 2;

/** An index entry: the link whose overlay writes into `upper`. */
interface UpperEntry {
  upper: string;
  virtualPath: string;
}

function folderOf(ns: NamespaceState, upper: string): string {
  const encoded = encodePath(upper);
  return encoded ? `${ns.dir}/uppers/${encoded}` : `${ns.dir}/uppers`;
}

/** The upper layer of the link `steps` describe: its backing path, when it writes there. */
function upperOf(steps: LinkSteps): string | undefined {
  // Only a writable overlay has a work folder, and so a `since`.
  return steps.link.since === undefined ? undefined : steps.link.backingPath;
}

/** The entry in `file` when its link is live and writes into the upper it names. */
function liveEntry(ns: NamespaceState, file: string): UpperEntry | undefined {
  const text = readStateFile(file);
  if (text === undefined) return undefined;
  let entry: UpperEntry | undefined;
  try {
    entry = JSON.parse(text) as UpperEntry;
  } catch {
    entry = undefined;
  }
  const record = entry ? ns.records.read(entry.virtualPath) : undefined;
  if (entry && record && upperOf(record.steps) === entry.upper && liveMountAt(record)) {
    return entry;
  }
  removeFile(file); // stale: the caller holds the namespace's lock
  return undefined;
}

function entriesBelow(
  ns: NamespaceState,
  folder: string,
  top: boolean,
  found: UpperEntry[],
  listed: readonly { name: string; type: number }[] = folderEntries(folder),
) {
  for (const { name, type } of listed) {
    // Right inside the folder, a `+` folder continues a longer name: a sibling, not a child.
    if (type !== 4 || (top && name.startsWith("+"))) continue;
    const entry = liveEntry(ns, `${folder}/${name}/${ENTRY}`);
    if (entry) found.push(entry);
    entriesBelow(ns, `${folder}/${name}`, false, found);
  }
}

/**
 * Refuses, with `busy` naming the link, a new writable overlay whose upper layer `upper`
 * (resolved) is another live link's upper layer, or lies inside or around one.
 *
 * @example
 * ```ts
 * import { refuseSharedUpper } from "./upper_layers.ts";
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * const ns = NamespaceState.current();
 * ns.lock.runSync({ command: "create" }, () =>
 *   refuseSharedUpper(ns, { operation: "create", virtualPath: "/srv/app" }, "/srv/v2"));
 * ```
 */
export function refuseSharedUpper(ns: NamespaceState, where: Where, upper: string): void {
  const clash = (entry: UpperEntry, how: string) =>
    refuse(where, {
      code: "busy",
      summary: `${how} the link ${entry.virtualPath} writes into (${entry.upper})`,
      hint: "Two overlays writing into one folder give undefined results (the kernel only " +
        `warns "upperdir is in-use"): remove that link first (bindlink remove ` +
        `${entry.virtualPath}), use another backing path, or add --read-only.`,
    });
  // The folder's own entry and those below it come from one read of its mirror folder.
  const folder = folderOf(ns, upper);
  const listed = folderEntries(folder);
  const same = listed.some((e) => e.name === ENTRY)
    ? liveEntry(ns, `${folder}/${ENTRY}`)
    : undefined;
  if (same) throw clash(same, "the backing path is already the folder");
  for (let at = path.posix.dirname(upper);; at = path.posix.dirname(at)) {
    const around = liveEntry(ns, `${folderOf(ns, at)}/${ENTRY}`);
    if (around) throw clash(around, "the backing path lies inside the folder");
    if (at === "/") break;
  }
  const inside: UpperEntry[] = [];
  entriesBelow(ns, folder, true, inside, listed);
  if (inside.length) throw clash(inside[0], "the backing path holds the folder");
}

/**
 * Enters the link `steps` describe in the index, when it writes into its backing path;
 * returns how to take the entry out again (for the create's undo).
 *
 * @example
 * ```ts
 * import type { LinkSteps } from "./records.ts";
 * import { noteUpper } from "./upper_layers.ts";
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * declare const steps: LinkSteps; // a create's, with its work folder's `since`
 * const undo = noteUpper(NamespaceState.current(), steps);
 * undo(); // the create failed after all
 * ```
 */
export function noteUpper(ns: NamespaceState, steps: LinkSteps): () => void {
  const upper = upperOf(steps);
  if (upper === undefined) return () => {};
  const folder = folderOf(ns, upper);
  const entry: UpperEntry = { upper, virtualPath: steps.link.virtualPath };
  // Its folder stays when an entry goes, so it is made only when the write says it is missing.
  try {
    writeTextFile(`${folder}/${ENTRY}`, JSON.stringify(entry));
  } catch (error) {
    if (!(error instanceof SystemCallError && error.errno === ENOENT)) throw error;
    makeFolders(ns.dir, folder.slice(ns.dir.length + 1));
    writeTextFile(`${folder}/${ENTRY}`, JSON.stringify(entry));
  }
  return () => forgetUpper(ns, steps);
}

/**
 * Takes the link `steps` describe out of the index (its remove, or an undone create); an
 * entry that names another link stays.
 *
 * @example
 * ```ts
 * import type { LinkSteps } from "./records.ts";
 * import { forgetUpper } from "./upper_layers.ts";
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * declare const steps: LinkSteps; // the removed link's record
 * forgetUpper(NamespaceState.current(), steps);
 * ```
 */
export function forgetUpper(ns: NamespaceState, steps: LinkSteps): void {
  const upper = upperOf(steps);
  if (upper === undefined) return;
  const file = `${folderOf(ns, upper)}/${ENTRY}`;
  const text = readStateFile(file);
  try {
    if (text && JSON.parse(text).virtualPath !== steps.link.virtualPath) return;
  } catch {
    // torn: not an entry of any link
  }
  removeFile(file);
}
