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
 * The index is one folder, `uppers/`, with one entry per link: a symlink named for the upper
 * layer and the link, `%2Fsrv%2Fdata=<tag>` for `/srv/data` (`%`, `/` and `=` escaped; the
 * tag a hash of the link's virtual path, so that a remove takes out its own entry by name
 * alone), whose target is the link's virtual path: one call makes it, one deletes it. A path
 * too long for a name gets `#<hash>=<tag>`, its upper read from the link's record. One read
 * of the folder, kept open like the state folder, shows every upper layer: a create compares
 * them as strings and reads only the entries that clash. An entry is believed only while the
 * link it names is live and still writes there: one left by a killed create, or by a link
 * that is gone, is stale, ignored and deleted. Only root can put anything in the folder (the
 * namespace's folder is root's alone), and an entry decides no more than a refusal.
 *
 * @module
 */
import { makeFolders, readLinkText, removeFile, writeLink } from "./files.ts";
import { heldFolderNames } from "./folders.ts";
import { ERRNO } from "./errno.ts";
import { refusal, type Where } from "./failure.ts";
import { liveMountAt } from "./link_state.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { fitsInName, type LinkSteps } from "./records.ts";
import { assertStateFolder } from "./state_trust.ts";
import { SystemCallError } from "./syscall.ts";

/** An index entry: the link whose overlay writes into `upper`. */
interface UpperEntry {
  upper: string;
  virtualPath: string;
}

/** 64 bits of FNV-1a over `text`'s UTF-16 units, as 16 hex digits: a name, not a secret. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

function escapeName(upper: string): string {
  return upper.replaceAll("%", "%25").replaceAll("/", "%2F").replaceAll("=", "%3D");
}

function unescapeName(name: string): string {
  return name.replaceAll("%2F", "/").replaceAll("%3D", "=").replaceAll("%25", "%");
}

function entryName(upper: string, virtualPath: string): string {
  const escaped = escapeName(upper);
  // 17 bytes are left for "=<tag>".
  return `${fitsInName(escaped, 238) ? escaped : `#${hash(upper)}`}=${hash(virtualPath)}`;
}

const ENTRY_NAME = /^(%2F[^=]*|#[0-9a-f]{16})=[0-9a-f]{16}$/;

function uppersDir(ns: NamespaceState): string {
  return `${ns.dir}/uppers`;
}

/** The upper layer of the link `steps` describe: its backing path, when it writes there. */
function upperOf(steps: LinkSteps): string | undefined {
  // Only a writable overlay has a work folder, and so a `since`.
  return steps.link.since === undefined ? undefined : steps.link.backingPath;
}

/**
 * The entry `name` when its link is live and writes into its upper (`upper`, or for a hashed
 * name the one its record says); a stale entry is deleted.
 */
function liveEntry(ns: NamespaceState, name: string, upper?: string): UpperEntry | undefined {
  const file = `${uppersDir(ns)}/${name}`;
  const virtualPath = readLinkText(file);
  const record = virtualPath === undefined ? undefined : ns.records.read(virtualPath);
  const writes = record ? upperOf(record.steps) : undefined;
  if (
    virtualPath !== undefined && writes !== undefined && (upper ?? writes) === writes &&
    liveMountAt(record!)
  ) {
    return { upper: writes, virtualPath };
  }
  removeFile(file); // stale: the caller holds the namespace's lock
  return undefined;
}

/** How `other` lies to `upper`, when the two share a folder: same, around or inside. */
function relation(upper: string, other: string): "same" | "around" | "inside" | undefined {
  if (other === upper) return "same";
  const under = (outer: string, inner: string) =>
    inner.startsWith(outer === "/" ? "/" : `${outer}/`);
  if (under(other, upper)) return "around";
  if (under(upper, other)) return "inside";
  return undefined;
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
  const dir = uppersDir(ns);
  const found: Record<"same" | "around" | "inside", UpperEntry | undefined> = {
    same: undefined,
    around: undefined,
    inside: undefined,
  };
  for (const name of heldFolderNames(dir, assertStateFolder)) {
    const match = ENTRY_NAME.exec(name);
    if (!match) continue;
    if (match[1].startsWith("#")) {
      // A hashed name says nothing of its upper: the link's record does.
      const entry = liveEntry(ns, name);
      const how = entry ? relation(upper, entry.upper) : undefined;
      if (how) found[how] ??= entry;
      continue;
    }
    const other = unescapeName(match[1]);
    const how = relation(upper, other);
    if (how) found[how] ??= liveEntry(ns, name, other);
  }
  const clash = (entry: UpperEntry, how: string) =>
    refusal(where, {
      code: "busy",
      summary: `${how} the link ${entry.virtualPath} writes into (${entry.upper})`,
      hint: "Two overlays writing into one folder give undefined results (the kernel only " +
        `warns "upperdir is in-use"): remove that link first (bindlink remove ` +
        `${entry.virtualPath}), use another backing path, or add --read-only.`,
    });
  if (found.same) throw clash(found.same, "the backing path is already the folder");
  if (found.around) throw clash(found.around, "the backing path lies inside the folder");
  if (found.inside) throw clash(found.inside, "the backing path holds the folder");
}

/**
 * Enters the link `steps` describe in the index, when it writes into its backing path;
 * returns how to take the entry out again (for the create's undo).
 *
 * @example
 * ```ts
 * import { fitsInName, type LinkSteps } from "./records.ts";
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
  const file = `${uppersDir(ns)}/${entryName(upper, steps.link.virtualPath)}`;
  const { virtualPath } = steps.link;
  try {
    writeLink(file, virtualPath);
  } catch (error) {
    const code = error instanceof SystemCallError ? error.errno : undefined;
    if (code !== ERRNO.ENOENT && code !== ERRNO.EEXIST) throw error;
    // Missing: the folder stays when its entries go, so it is made only now. There: a killed
    // create of this very link on this upper left it (a live one was refused above).
    if (code === ERRNO.ENOENT) makeFolders(ns.dir, "uppers");
    else removeFile(file);
    writeLink(file, virtualPath);
  }
  return () => forgetUpper(ns, steps);
}

/**
 * Takes the link `steps` describe out of the index (its remove, or an undone create); an
 * entry that names another link stays.
 *
 * @example
 * ```ts
 * import { fitsInName, type LinkSteps } from "./records.ts";
 * import { forgetUpper } from "./upper_layers.ts";
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * declare const steps: LinkSteps; // the removed link's record
 * forgetUpper(NamespaceState.current(), steps);
 * ```
 */
export function forgetUpper(ns: NamespaceState, steps: LinkSteps): void {
  const upper = upperOf(steps);
  // The name is the link's own: an entry of another link on the same upper is another file.
  if (upper !== undefined) {
    removeFile(`${uppersDir(ns)}/${entryName(upper, steps.link.virtualPath)}`);
  }
}
