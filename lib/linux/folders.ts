/**
 * Folders read through libc's getdents64 on a descriptor bindlink opened and showed to a
 * check first: the state folder's names, and the raw entries a descriptor walk hands back to
 * `openat`/`unlinkat` unchanged. What is deleted from a folder is deleted through that same
 * descriptor ({@linkcode removeNamesWhere}), never by its path again.
 *
 * @module
 */
import { AT_FDCWD, O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { check, closeFd, errno, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { ENOENT } = ERRNO;

const decoder = new TextDecoder();

// getdents64 fills this; calls are synchronous, so one buffer serves every read.
const entries = new Uint8Array(32768);
const entriesView = new DataView(entries.buffer);

/**
 * The names in the folder `dir` (without `.` and `..`), from getdents64; `[]` when the
 * folder does not exist. `verify` is shown the folder's descriptor before it is read. Throws {@linkcode SystemCallError} for any other failure.
 *
 * @example
 * ```ts
 * import { folderNames } from "./folders.ts";
 *
 * console.log(folderNames("/run/bindlink"));
 * ```
 */
export function folderNames(dir: string, verify?: (fd: number, dir: string) => void): string[] {
  return folderEntries(dir, verify).map((entry) => entry.name);
}

/**
 * The entries of the folder `dir` (without `.` and `..`) with their `d_type` (4 a folder,
 * 8 a file, 10 a symlink, 0 when the file system does not say); `[]` when the folder does
 * not exist. `verify` is shown the folder's descriptor before it is read. Throws {@linkcode SystemCallError} for any other failure.
 *
 * @example
 * ```ts
 * import { folderEntries } from "./folders.ts";
 *
 * for (const entry of folderEntries("/run/bindlink")) console.log(entry.name, entry.type);
 * ```
 */
export function folderEntries(
  dir: string,
  verify?: (fd: number, dir: string) => void,
): { name: string; type: number }[] {
  const fd = openFolder(dir, verify);
  if (fd === undefined) return [];
  try {
    return readEntries(fd, dir, (start, end, type) => ({
      name: decoder.decode(entries.subarray(start, end)),
      type,
    }));
  } finally {
    closeFd(fd);
  }
}

// The folder `dir` opened for reading and shown to `verify` (closed again if it refuses);
// undefined when there is no such folder.
function openFolder(dir: string, verify?: (fd: number, dir: string) => void): number | undefined {
  const fd = libc().openat(AT_FDCWD, cString(dir), O.RDONLY | O.DIRECTORY | O.CLOEXEC, 0);
  if (fd < 0) {
    const code = errno();
    if (code === ENOENT) return undefined;
    throw new SystemCallError(`open(${dir})`, code);
  }
  try {
    verify?.(fd, dir);
  } catch (error) {
    closeFd(fd);
    throw error;
  }
  return fd;
}

// The state folders' descriptors, each opened and judged once, then read again from the start.
const heldFolders = new Map<string, number>();
const SEEK_SET = 0;

/**
 * The names in the folder `dir`, as {@linkcode folderNames}, from a descriptor opened and shown
 * to `verify` on the first call for `dir` and kept for the process, as the namespace's lock
 * file is: a state folder read at every command is then one `lseek` and the reads. Only for
 * folders that stay for the process's life (bindlink's state folder); `[]`, and nothing kept,
 * while the folder does not exist. {@linkcode closeHeldFolders} lets them go.
 *
 * @example
 * ```ts
 * import { heldFolderNames } from "./folders.ts";
 * import { assertStateFolder } from "./state_trust.ts";
 *
 * console.log(heldFolderNames("/run/bindlink", assertStateFolder));
 * ```
 */
export function heldFolderNames(dir: string, verify: (fd: number, dir: string) => void): string[] {
  let fd = heldFolders.get(dir);
  if (fd === undefined) {
    fd = openFolder(dir, verify);
    if (fd === undefined) return [];
    heldFolders.set(dir, fd);
  } else {
    check(libc().lseek(fd, 0n, SEEK_SET), `lseek(${dir})`);
  }
  return readEntries(fd, dir, (start, end) => decoder.decode(entries.subarray(start, end)));
}

/**
 * Closes the descriptors {@linkcode heldFolderNames} keeps.
 *
 * @example
 * ```ts
 * import { closeHeldFolders } from "./folders.ts";
 *
 * closeHeldFolders();
 * ```
 */
export function closeHeldFolders(): void {
  for (const fd of heldFolders.values()) closeFd(fd);
  heldFolders.clear();
}

/** One folder entry as getdents64 gives it. */
export interface RawEntry {
  /** The name's bytes with their final NUL, as the `*at` calls take it. */
  name: Uint8Array<ArrayBuffer>;
  /** `d_type`: 4 a folder, 8 a file, 10 a symlink, 0 when the file system does not say. */
  type: number;
}

/**
 * The entries of the open folder `fd` (without `.` and `..`), names as bytes: what a walk
 * through descriptors passes back to `openat`/`unlinkat` unchanged, whatever their encoding.
 * `label` names the folder in errors. Throws {@linkcode SystemCallError}.
 *
 * @example
 * ```ts
 * import { entriesOf } from "./folders.ts";
 * import { AT_FDCWD, O } from "./libc_constants.ts";
 * import { cString } from "./c_string.ts";
 * import { libc } from "./syscall.ts";
 *
 * const flags = O.RDONLY | O.DIRECTORY | O.CLOEXEC;
 * const fd = libc().openat(AT_FDCWD, cString("/run/bindlink"), flags, 0);
 * for (const entry of entriesOf(fd, "/run/bindlink")) console.log(entry.type);
 * ```
 */
export function entriesOf(fd: number, label: string): RawEntry[] {
  return readEntries(
    fd,
    label,
    (start, end, type) => ({ name: entries.slice(start, end + 1), type }),
  );
}

// Every entry but `.` and `..`, made by `make` from its name's place in the shared buffer
// (`start` to the NUL at `end`) while it is there.
function readEntries<T>(
  fd: number,
  label: string,
  make: (start: number, end: number, type: number) => T,
): T[] {
  const found: T[] = [];
  for (;;) {
    const n = Number(libc().getdents64(fd, entries, BigInt(entries.length)));
    check(n, `getdents64(${label})`);
    if (n === 0) return found;
    // struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[].
    for (let at = 0; at < n;) {
      const length = entriesView.getUint16(at + 16, true);
      const start = at + 19;
      const end = entries.indexOf(0, start);
      const isDot = entries[start] === 0x2e &&
        (end === start + 1 || (end === start + 2 && entries[start + 1] === 0x2e));
      if (!isDot) found.push(make(start, end, entries[at + 18]));
      at += length;
    }
  }
}

/**
 * Deletes, from the folder `dir`, each file whose name `doomed` picks, through the folder's
 * own descriptor (`unlinkat`), after `verify` has judged that descriptor: the names read and
 * the files deleted are those of the folder that was judged, whatever is renamed onto `dir`
 * meanwhile. Returns the names deleted; a name gone already (another command deleted it) is
 * skipped, and a missing folder deletes nothing. Throws {@linkcode SystemCallError}.
 *
 * @example
 * ```ts
 * import { removeNamesWhere } from "./folders.ts";
 * import { assertStateFolder } from "./state_trust.ts";
 *
 * removeNamesWhere("/run/bindlink", assertStateFolder, (name) => name.endsWith(".tmp"));
 * ```
 */
export function removeNamesWhere(
  dir: string,
  verify: (fd: number, dir: string) => void,
  doomed: (name: string) => boolean,
): string[] {
  const fd = openFolder(dir, verify);
  if (fd === undefined) return [];
  try {
    const picked = readEntries(fd, dir, (start, end) => ({
      name: decoder.decode(entries.subarray(start, end)),
      raw: entries.slice(start, end + 1),
    })).filter((entry) => doomed(entry.name));
    const removed: string[] = [];
    for (const { name, raw } of picked) {
      if (libc().unlinkat(fd, raw, 0) === 0) {
        removed.push(name);
        continue;
      }
      const code = errno();
      if (code !== ENOENT) throw new SystemCallError(`unlinkat(${dir}/${name})`, code);
    }
    return removed;
  } finally {
    closeFd(fd);
  }
}
