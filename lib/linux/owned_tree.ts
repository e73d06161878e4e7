/**
 * Deleting what bindlink made, reached through descriptors: the made path's folder is opened
 * from `/` without following any symlink, the entry in it is used only when its device and
 * inode are the ones bindlink recorded when it made it, and every delete is relative to a
 * descriptor (`unlinkat`). A folder's contents are deleted by walking descriptors
 * (`openat(O_NOFOLLOW | O_DIRECTORY)` per entry, entries read as bytes), never path strings,
 * and never into another mount.
 *
 * Whatever does not match is left, with the reason; there is no plainer second try. One
 * instant is left open by the kernel: the last `unlinkat` of a folder goes by name, so a user
 * who can write in its parent could swap in, at that very moment, an empty folder they could
 * put there anyway (only a folder: anything else makes the call fail).
 *
 * @module
 */
import { entriesOf } from "./folders.ts";
import { AT_FDCWD, AT_REMOVEDIR, O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { type PathFacts, pathFacts } from "./mount_facts.ts";
import { openNoSymlinks } from "./paths.ts";
import type { MadePath } from "./records.ts";
import { closeFd, errno, libc, SystemCallError } from "./syscall.ts";
import { type ActStep, beforeAct } from "./test_hooks.ts";
import { ERRNO } from "./errno.ts";

const { ENOENT, ENOTDIR, ELOOP, ENOTEMPTY } = ERRNO;
const DT_DIR = 4;
const DT_UNKNOWN = 0;
const decoder = new TextDecoder();

/** Something bindlink left where it is, and why. */
export interface Leftover {
  /** Where it is. */
  path: string;
  /** Why it was left, in plain words. */
  why: string;
}

/** What became of one made path. */
export type Outcome = "deleted" | "gone" | "hidden" | Leftover;

/** `device:inode`, as records keep it. */
export function identityOf(facts: PathFacts): string {
  return `${facts.device}:${facts.inode}`;
}

/** Why an open through the path failed, for a leftover. */
function openFailure(error: unknown): string {
  const code = error instanceof SystemCallError ? error.errno : -1;
  if (code === ELOOP) return "a symlink is on its path now";
  if (code === ENOTDIR) return "something that is not a folder is on its path now";
  return `its folder could not be opened (${error instanceof Error ? error.message : error})`;
}

/**
 * Opens the folder `folder` (absolute, recorded resolved) without following symlinks, as a
 * descriptor usable for reading and for xattr calls, when its device and inode are `id`; with
 * the statx that proved it. `undefined` when nothing is there.
 *
 * @example
 * ```ts
 * import { openOwnedFolder } from "./owned_tree.ts";
 *
 * const opened = openOwnedFolder("/srv/backing", "0:52:1234");
 * if (opened && "fd" in opened) console.log("proved bindlink's own");
 * ```
 */
export function openOwnedFolder(
  folder: string,
  id: string,
): { fd: number; facts: PathFacts } | undefined | Leftover {
  let fd: number | undefined;
  try {
    fd = openNoSymlinks(AT_FDCWD, folder, O.RDONLY | O.DIRECTORY);
  } catch (error) {
    return { path: folder, why: openFailure(error) };
  }
  if (fd === undefined) return undefined;
  const facts = pathFacts(fd, "");
  if (facts && identityOf(facts) === id) return { fd, facts };
  closeFd(fd);
  return { path: folder, why: "another folder is there now than the one the link was made with" };
}

/**
 * Deletes one made path when what is there is exactly what the record describes: a folder
 * with everything in it (`tree`), an empty folder, or an empty file.
 *
 * @example
 * ```ts
 * import { deleteMade } from "./owned_tree.ts";
 *
 * const outcome = deleteMade({ path: "/srv/app", kind: "directory", id: "0:52:1234" });
 * if (typeof outcome === "object") console.log(`left ${outcome.path}: ${outcome.why}`);
 * ```
 */
export function deleteMade(made: MadePath): Outcome {
  const left = (why: string): Leftover => ({ path: made.path, why });
  const slash = made.path.lastIndexOf("/");
  const name = made.path.slice(slash + 1);
  let parent: number | undefined;
  try {
    parent = openNoSymlinks(AT_FDCWD, made.path.slice(0, slash) || "/", O.PATH | O.DIRECTORY);
  } catch (error) {
    return left(openFailure(error));
  }
  if (parent === undefined) return "gone";
  try {
    const facts = pathFacts(parent, name);
    if (!facts) return "gone";
    if (made.id === undefined) return deleteUnrecorded(parent, name, made, facts);
    if (identityOf(facts) !== made.id) {
      // Another file system shows at its path: a mount (a link over it or over its folder)
      // hides it, and that link's remove deletes it once it shows. No rename can move a file
      // to another device, so a user's swap shows the same device with another inode.
      const sameDevice = made.id.slice(0, made.id.lastIndexOf(":")) === facts.device;
      return sameDevice ? left("something else is there now") : "hidden";
    }
    if (made.tree) return deleteTree(parent, name, made);
    if (facts.kind !== made.kind || (made.kind === "file" && facts.size !== 0n)) {
      return left(
        `it is no longer the empty ${made.kind === "file" ? "file" : "folder"} bindlink made`,
      );
    }
    return unlinkName(parent, name, made, made.kind === "file" ? "delete-file" : "delete-folder");
  } finally {
    closeFd(parent);
  }
}

/**
 * A made path whose identity a kill kept out of the record (between making it and writing
 * the record again): deleted only as what nobody but root could have put there and what holds
 * no data, a root-owned empty file, or a root-owned folder (0700 for overlay's work folder)
 * holding nothing but such folders. Anything else there is left.
 */
function deleteUnrecorded(parent: number, name: string, made: MadePath, facts: PathFacts): Outcome {
  const left = {
    path: made.path,
    why:
      "its identity was never recorded, and what is there now holds more than bindlink would have left",
  };
  if (facts.uid !== 0 || facts.kind !== made.kind) return left;
  if (made.kind === "file") {
    return facts.size === 0n ? unlinkName(parent, name, made, "delete-file") : left;
  }
  if (made.tree && facts.permissions !== 0o700) return left;
  const fd = libc().openat(
    parent,
    cString(name),
    O.RDONLY | O.DIRECTORY | O.NOFOLLOW | O.CLOEXEC,
    0,
  );
  if (fd < 0) return left;
  try {
    const top = pathFacts(fd, "");
    if (
      !top || identityOf(top) !== identityOf(facts) || !onlyEmptyFolders(fd, made.path, top.mountId)
    ) {
      return left;
    }
  } finally {
    closeFd(fd);
  }
  return unlinkName(parent, name, made, "delete-folder");
}

/** True when the open folder `fd` holds only root-owned folders, and those only such folders (deleted). */
function onlyEmptyFolders(fd: number, at: string, mountId: string): boolean {
  const symbols = libc();
  for (const entry of entriesOf(fd, at)) {
    const child = symbols.openat(
      fd,
      entry.name,
      O.RDONLY | O.DIRECTORY | O.NOFOLLOW | O.CLOEXEC,
      0,
    );
    if (child < 0) return false;
    try {
      const facts = pathFacts(child, "");
      if (!facts || facts.uid !== 0 || facts.mountId !== mountId) return false;
      if (!onlyEmptyFolders(child, at, mountId)) return false;
    } finally {
      closeFd(child);
    }
    if (symbols.unlinkat(fd, entry.name, AT_REMOVEDIR) !== 0) return false;
  }
  return true;
}

/** The last step: the name in `parent`, while it still shows what was made. */
function unlinkName(parent: number, name: string, made: MadePath, step: ActStep): Outcome {
  beforeAct(step, made.path);
  const flags = step === "delete-file" ? 0 : AT_REMOVEDIR;
  if (libc().unlinkat(parent, cString(name), flags) === 0) return "deleted";
  const code = errno();
  if (code === ENOENT) return "gone";
  const why = code === ENOTEMPTY
    ? "something was put in it"
    : code === ENOTDIR
    ? "something else was put there while bindlink worked"
    : `it could not be deleted (errno ${code})`;
  return { path: made.path, why };
}

function deleteTree(parent: number, name: string, made: MadePath): Outcome {
  const fd = libc().openat(
    parent,
    cString(name),
    O.RDONLY | O.DIRECTORY | O.NOFOLLOW | O.CLOEXEC,
    0,
  );
  if (fd < 0) {
    const code = errno();
    if (code === ENOENT) return "gone";
    return { path: made.path, why: "something else was put there while bindlink worked" };
  }
  let inside: Leftover[];
  try {
    const top = pathFacts(fd, "");
    if (!top || identityOf(top) !== made.id) {
      return { path: made.path, why: "something else was put there while bindlink worked" };
    }
    beforeAct("delete-tree", made.path);
    inside = emptyFolder(fd, made.path, top.mountId);
  } finally {
    closeFd(fd);
  }
  if (inside.length) return inside[0];
  // Emptied through its descriptor; the name goes only while it still shows that folder.
  const now = pathFacts(parent, name);
  if (!now) return { path: made.path, why: "it was moved away while bindlink emptied it" };
  if (identityOf(now) !== made.id) {
    return {
      path: made.path,
      why: "it was replaced while bindlink emptied it (it was moved, emptied)",
    };
  }
  return unlinkName(parent, name, made, "delete-folder");
}

/**
 * Deletes everything in the open folder `fd` (on the mount `mountId`), entry by entry through
 * descriptors; returns what it had to leave (a mount inside, something undeletable).
 */
function emptyFolder(fd: number, at: string, mountId: string): Leftover[] {
  const symbols = libc();
  const left: Leftover[] = [];
  for (const entry of entriesOf(fd, at)) {
    const shown = `${at}/${decoder.decode(entry.name.subarray(0, -1))}`;
    if (entry.type === DT_DIR || entry.type === DT_UNKNOWN) {
      // An empty folder (overlay's own "work", usually) goes with one call: rmdir relative to
      // this descriptor removes nothing but an empty folder, never follows a symlink, and
      // refuses a mount point (EBUSY). Anything else is walked below.
      if (symbols.unlinkat(fd, entry.name, AT_REMOVEDIR) === 0 || errno() === ENOENT) continue;
      const child = symbols.openat(
        fd,
        entry.name,
        O.RDONLY | O.DIRECTORY | O.NOFOLLOW | O.CLOEXEC,
        0,
      );
      if (child >= 0) {
        try {
          if (pathFacts(child, "")?.mountId !== mountId) {
            left.push({ path: shown, why: "another file system is mounted there" });
            continue;
          }
          left.push(...emptyFolder(child, shown, mountId));
        } finally {
          closeFd(child);
        }
        if (symbols.unlinkat(fd, entry.name, AT_REMOVEDIR) !== 0) {
          const code = errno();
          if (code !== ENOENT) {
            left.push({ path: shown, why: `it could not be deleted (errno ${code})` });
          }
        }
        continue;
      }
      const code = errno();
      if (code !== ENOTDIR && code !== ELOOP) {
        if (code !== ENOENT) {
          left.push({ path: shown, why: `it could not be opened (errno ${code})` });
        }
        continue;
      }
    }
    if (symbols.unlinkat(fd, entry.name, 0) !== 0) {
      const code = errno();
      if (code !== ENOENT) {
        left.push({ path: shown, why: `it could not be deleted (errno ${code})` });
      }
    }
  }
  return left;
}
