/**
 * Link records of one mount namespace: what bindlink made for each link, so that `remove`
 * (in any process of the namespace) undoes exactly that, and a record whose mount is gone is
 * recognized as stale and ignored.
 *
 * A record is the create's intent record, renamed into place once the link is attached (see
 * ../state/intents.ts): it names the link's mount by its unique mount ID, which the kernel
 * never reuses, and everything made for it (mount points, overlay's work folder).
 *
 * Records live in a tree that mirrors the virtual paths: the record of `/srv/app` is the file
 * `links/_srv/=app`, and the records of links below `/srv/app` are in the folder
 * `links/_srv/_app`. A name cannot collide with another link's (a folder is `_` + the name, or
 * for names too long to prefix, `#`/`+` chunks of its bytes in hex, and such a path's record
 * is `=` inside its own folder; a record is `=` + the name), the record of a path is read with
 * one open, and "is there a link below this folder" is one look at the folder.
 *
 * The folders stay when their last record goes: the next link in the same folder then costs
 * no `mkdir`, and a remove no `rmdir` per name. They are a few bytes each, per folder that
 * ever held a link, and go with the namespace's state folder.
 *
 * Each folder and record is checked on the descriptor that reads it (./state_trust.ts): one
 * that is not root's alone stops the command instead of being believed.
 *
 * @module
 */
import type { Intent, IntentRecord } from "../state/intents.ts";
import { factsAt } from "./mount_facts.ts";
import { folderEntries } from "./folders.ts";
import {
  makeFolders,
  readStateFile,
  removeFile,
  renameFile,
  renameNoReplace,
  writeTextFile,
} from "./files.ts";
import { assertStateFolder, assertStateRecord } from "./state_trust.ts";
import { SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { ENOENT, ENOTDIR } = ERRNO;

/** Something bindlink made for a link, deleted again with it. */
export interface MadePath {
  /** Absolute path. */
  path: string;
  /** `directory` (a mount point, overlay's work folder) or `file` (a mount point). */
  kind: "directory" | "file";
  /** A folder deleted with everything in it (overlay's work folder); else only when empty. */
  tree?: boolean;
  /**
   * `device:inode` of what was made, recorded when it was made (every record written now has
   * it; a record of an intent killed before it was made may not). Only a file with exactly
   * this identity is ever deleted: without it, nothing is.
   */
  id?: string;
}

/** A link as asked for and resolved. */
export interface LinkDescription {
  /** Where the link is mounted: the resolved path (symlinks followed). */
  virtualPath: string;
  /** What it shows: the resolved backing path. */
  backingPath: string;
  /** Mounted read-only. */
  readOnly: boolean;
  /** An overlay mount. */
  merged: boolean;
  /** Exception paths, resolved. */
  exceptions: string[];
  /** When the link was made (ms since the epoch). */
  createdAt: number;
  /**
   * The change time of its overlay work folder, in ns (the file system's clock): overlay
   * traces in the backing path changed at or after this are the link's own.
   */
  since?: string;
  /**
   * `device:inode` of the backing folder, recorded with `since`: overlay's traces are cleaned
   * only in that very folder.
   */
  backingId?: string;
}

/** The steps of a create (and so the contents of a link record). */
export interface LinkSteps {
  /** The link. */
  link: LinkDescription;
  /** The link's mount (unique mount ID), written before the mount is attached. */
  mountId?: string;
  /** The link's own mounts directly below its root (exceptions, mounts of the backing path). */
  ownMounts?: string[];
  /** What was made (or is about to be), in order: removed in reverse. */
  made: MadePath[];
  /** Mounts of earlier links below this one that this link covers: detached after it. */
  covers?: { path: string; mountId: string }[];
  /** Virtual paths of links below whose visible mount this link's create replaced. */
  refresh?: string[];
}

/** A link record as stored. */
export type LinkRecord = IntentRecord<LinkSteps>;

const RECORD = "=";
const DT_UNKNOWN = 0;
const DT_DIR = 4;
const DT_REG = 8;
const encoder = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * True when `name` fits in `room` bytes of a file name (255 bytes in all), once in UTF-8.
 *
 * @example
 * ```ts
 * import { fitsInName } from "./records.ts";
 *
 * fitsInName("app", 254); // true: a one-byte marker and the name fit
 * ```
 */
export function fitsInName(name: string, room: number): boolean {
  // At most 3 bytes a UTF-16 unit: a short name fits without being encoded.
  return name.length * 3 <= room || encoder.encode(name).length <= room;
}

/** True when a marker and `name` fit in one file name. */
function fitsMarked(name: string): boolean {
  return fitsInName(name, 254);
}

// A create or remove encodes the same path several times: the last answer is kept.
let lastPath: string | undefined;
let lastEncoded = "";

/** The mirror folders for a path's names, relative to the records folder. */
export function encodePath(virtualPath: string): string {
  if (virtualPath === lastPath) return lastEncoded;
  const parts: string[] = [];
  for (const name of virtualPath.split("/")) {
    if (!name) continue;
    if (fitsMarked(name)) {
      parts.push("_" + name);
      continue;
    }
    const bytes = encoder.encode(name);
    // 127 bytes in hex fill a name; a continuation starts with "+" so it cannot be a child.
    for (let at = 0; at < bytes.length; at += 127) {
      parts.push((at ? "+" : "#") + hex(bytes.subarray(at, at + 127)));
    }
  }
  lastEncoded = parts.join("/");
  lastPath = virtualPath;
  return lastEncoded;
}

/**
 * The records of one namespace.
 *
 * @example
 * ```ts
 * import { LinkRecords } from "./records.ts";
 *
 * const records = new LinkRecords("/run/bindlink/<boot>.<ns>/links");
 * const record = records.read("/srv/app");
 * console.log(record?.steps.link.backingPath);
 * ```
 */
export class LinkRecords {
  /** The records folder. */
  readonly dir: string;

  /** The records in `dir`. */
  constructor(dir: string) {
    this.dir = dir;
  }

  /** The folder mirroring `virtualPath`: the records below it are in there. */
  folderFor(virtualPath: string): string {
    const encoded = encodePath(virtualPath);
    return encoded ? `${this.dir}/${encoded}` : this.dir;
  }

  /** The record file of `virtualPath`. */
  fileFor(virtualPath: string): string {
    const slash = virtualPath.lastIndexOf("/");
    const name = virtualPath.slice(slash + 1);
    if (!name || !fitsMarked(name)) return `${this.folderFor(virtualPath)}/${RECORD}`;
    const parent = slash > 0 ? this.folderFor(virtualPath.slice(0, slash)) : this.dir;
    return `${parent}/${RECORD}${name}`;
  }

  /** The record of `virtualPath`, or `undefined`; a torn or foreign file reads as none. */
  read(virtualPath: string): LinkRecord | undefined {
    const text = readStateFile(this.fileFor(virtualPath), assertStateRecord);
    if (text === undefined) return undefined;
    try {
      const record = JSON.parse(text) as LinkRecord;
      return record.steps?.link?.virtualPath === virtualPath ? record : undefined;
    } catch {
      return undefined;
    }
  }

  /** Makes the folder a record of `virtualPath` goes into; returns its file. */
  prepare(virtualPath: string): string {
    const file = this.fileFor(virtualPath);
    const folder = file.slice(0, file.lastIndexOf("/"));
    makeFolders(this.dir, folder.slice(this.dir.length + 1));
    return file;
  }

  /**
   * Makes `intent` the record of `virtualPath`, in one rename; its folder is made only when
   * missing (the rename says so), which after the first link in a folder it is not.
   *
   * @param inTheWay Called with a record already at that path, before it would be replaced;
   * it throws to keep it. The rename itself refuses to replace anything (RENAME_NOREPLACE),
   * so the record is read only when one is there (records change only under the namespace's
   * lock, so what it sees is what the second rename replaces).
   */
  place(
    intent: Intent<LinkSteps>,
    virtualPath: string,
    inTheWay?: (existing: LinkRecord) => void,
  ): void {
    const file = this.fileFor(virtualPath);
    // Its folder is made only when a rename says it is missing.
    const placing = <T>(rename: () => T): T => {
      try {
        return rename();
      } catch (error) {
        if (!(error instanceof SystemCallError && error.errno === ENOENT)) throw error;
        this.prepare(virtualPath);
        return rename();
      }
    };
    // The usual case, nothing there, is one call that looks and renames together.
    if (inTheWay && placing(() => renameNoReplace(intent.file, file))) return;
    const existing = inTheWay ? this.read(virtualPath) : undefined;
    if (existing) inTheWay!(existing);
    placing(() => intent.moveTo(file)); // nothing there that is a record: replaced
  }

  /** Replaces an existing record atomically (temporary file, then rename). */
  rewrite(record: LinkRecord): void {
    const file = this.fileFor(record.steps.link.virtualPath);
    const temporary = `${file}.tmp`;
    writeTextFile(temporary, JSON.stringify(record));
    renameFile(temporary, file);
  }

  /** Deletes the record of `virtualPath`, if any (its folder stays: see the module doc). */
  delete(virtualPath: string): void {
    removeFile(this.fileFor(virtualPath));
  }

  /** The records strictly below `virtualPath`: nothing to read when its folder is missing. */
  below(virtualPath: string): LinkRecord[] {
    const found: LinkRecord[] = [];
    const folder = this.folderFor(virtualPath);
    if (!factsAt(folder)) return found; // the usual case, without a throw
    // A path with a name too long to prefix keeps its own record in its folder, as `=`.
    this.#walk(folder, true, found);
    return found;
  }

  /** Every record of the namespace. */
  all(): LinkRecord[] {
    const found: LinkRecord[] = [];
    this.#walk(this.dir, false, found);
    return found;
  }

  #walk(folder: string, skipOwn: boolean, found: LinkRecord[]): void {
    let entries: { name: string; type: number }[];
    try {
      entries = folderEntries(folder, assertStateFolder);
    } catch (error) {
      if (error instanceof SystemCallError && error.errno === ENOTDIR) return;
      throw error;
    }
    for (const entry of entries) {
      const unknown = entry.type === DT_UNKNOWN;
      if (entry.name.startsWith(RECORD)) {
        if (!(entry.type === DT_REG || unknown) || (skipOwn && entry.name === RECORD)) continue;
        const text = readStateFile(`${folder}/${entry.name}`, assertStateRecord);
        try {
          if (text) found.push(JSON.parse(text));
        } catch {
          // torn: only a rename puts records here, so this is not bindlink's
        }
      } else if (entry.type === DT_DIR || unknown) {
        this.#walk(`${folder}/${entry.name}`, false, found);
      }
    }
  }
}
