/**
 * bindlink's own small state files (intent records, link records, their folders) handled
 * through libc: each is one system call, without the bookkeeping a Deno file op adds around
 * it, which on a create+remove pair cost more than the calls themselves. A missing file is
 * an ordinary answer here (`false`, `[]`), not a thrown error.
 *
 * @module
 */
import type { StateFiles } from "../state/state_files.ts";
import { AT_FDCWD, O, RENAME_NOREPLACE } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { assertStateFolder, assertStateRecord } from "./state_trust.ts";
import { check, closeFd, errno, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
import { folderNames } from "./folders.ts";
const { EEXIST, EINVAL, ENOENT, ENOTDIR } = ERRNO;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Writes `text` to `file`, created with `mode` (narrowed by the umask, never widened) or
 * truncated. Throws {@linkcode SystemCallError} (ENOENT when the folder is missing).
 *
 * @example
 * ```ts
 * import { writeTextFile } from "./files.ts";
 *
 * writeTextFile("/run/bindlink/example.tmp", "{}");
 * ```
 */
export function writeTextFile(file: string, text: string, mode = 0o600): void {
  // write is bound and the text encoded before the file is made: a first call's binding in
  // between would widen the moment in which a kill leaves the file made but empty.
  const { openat, write } = libc();
  const bytes = encodeShared(text);
  const fd = openat(AT_FDCWD, cString(file), O.WRONLY | O.CREAT | O.TRUNC | O.CLOEXEC, mode);
  check(fd, `open(${file})`);
  try {
    let at = 0;
    while (at < bytes.length) {
      const n = Number(write(fd, bytes.subarray(at), BigInt(bytes.length - at)));
      check(n, `write(${file})`);
      at += n;
    }
  } finally {
    closeFd(fd);
  }
}

// Text to write is encoded into one buffer, grown when a text needs more.
let writeBuffer = new Uint8Array(16384);

function encodeShared(text: string): Uint8Array {
  if (text.length * 3 > writeBuffer.length) writeBuffer = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, writeBuffer);
  return writeBuffer.subarray(0, written);
}

/**
 * Renames `from` to `to` (replacing it). Throws {@linkcode SystemCallError}.
 *
 * @example
 * ```ts
 * import { renameFile } from "./files.ts";
 *
 * renameFile("/run/bindlink/example.tmp", "/run/bindlink/example.json");
 * ```
 */
export function renameFile(from: string, to: string): void {
  check(
    libc().renameat2(AT_FDCWD, cString(from), AT_FDCWD, cString(to), 0),
    `rename(${from}, ${to})`,
  );
}

/**
 * Renames `from` to `to` unless something is already at `to`: `false` then, and nothing
 * changed (`renameat2(RENAME_NOREPLACE)`: the look and the rename are one call). `false` too,
 * nothing changed, on a file system that cannot tell (EINVAL): the caller looks itself. Throws
 * {@linkcode SystemCallError} for any other failure (ENOENT when `to`'s folder is missing).
 *
 * @example
 * ```ts
 * import { renameNoReplace } from "./files.ts";
 *
 * if (!renameNoReplace("/run/bindlink/example.tmp", "/run/bindlink/example.json")) {
 *   console.log("example.json was there already");
 * }
 * ```
 */
export function renameNoReplace(from: string, to: string): boolean {
  const done = libc().renameat2(AT_FDCWD, cString(from), AT_FDCWD, cString(to), RENAME_NOREPLACE);
  if (done === 0) return true;
  const code = errno();
  // EINVAL: this file system cannot refuse to replace; the caller looks for itself.
  if (code === EEXIST || code === EINVAL) return false;
  throw new SystemCallError(`rename(${from}, ${to})`, code);
}

/**
 * Deletes the file `file`: `false` when there was none. Throws {@linkcode SystemCallError}
 * for any other failure.
 *
 * @example
 * ```ts
 * import { removeFile } from "./files.ts";
 *
 * removeFile("/run/bindlink/example.json");
 * ```
 */
export function removeFile(file: string): boolean {
  if (libc().unlinkat(AT_FDCWD, cString(file), 0) === 0) return true;
  const code = errno();
  if (code === ENOENT) return false;
  throw new SystemCallError(`unlink(${file})`, code);
}

/**
 * Makes the symlink `file` leading to `target`: one call that makes a small record whose
 * text is its target. Throws {@linkcode SystemCallError} (EEXIST when something is there,
 * ENOENT when the folder is missing).
 *
 * @example
 * ```ts
 * import { readLinkText, writeLink } from "./files.ts";
 *
 * writeLink("/run/bindlink/example.link", "/srv/app");
 * readLinkText("/run/bindlink/example.link"); // "/srv/app"
 * ```
 */
export function writeLink(file: string, target: string): void {
  check(libc().symlink(cString(target), cString(file)), `symlink(${file})`);
}

/**
 * The target of the symlink `file` as text, or `undefined` when nothing is there (or it is
 * not a symlink). Throws {@linkcode SystemCallError} for any other failure.
 *
 * @example
 * ```ts
 * import { readLinkText } from "./files.ts";
 *
 * console.log(readLinkText("/run/bindlink/example.link"));
 * ```
 */
export function readLinkText(file: string): string | undefined {
  const n = Number(libc().readlink(cString(file), readBuffer, BigInt(readBuffer.length)));
  if (n >= 0) return decoder.decode(readBuffer.subarray(0, n));
  const code = errno();
  if (code === ENOENT || code === ENOTDIR || code === EINVAL) return undefined;
  throw new SystemCallError(`readlink(${file})`, code);
}

/**
 * Makes `base/names...` folder by folder (mode 0700), each that is missing. `base` must
 * exist, or it is made first with its own parents. Throws {@linkcode SystemCallError}.
 *
 * @example
 * ```ts
 * import { makeFolders } from "./files.ts";
 *
 * makeFolders("/run/bindlink/example/links", "_srv/_app");
 * ```
 */
export function makeFolders(base: string, relative: string): void {
  const symbols = libc();
  // The usual case: only the last folder is missing.
  const full = relative ? `${base}/${relative}` : base;
  if (symbols.mkdirat(AT_FDCWD, cString(full), 0o700) === 0) return;
  let code = errno();
  if (code === EEXIST) return;
  if (code !== ENOENT) throw new SystemCallError(`mkdir(${full})`, code);
  if (!relative) return void Deno.mkdirSync(base, { recursive: true, mode: 0o700 });
  // Then from the top: `base` exists but for the very first record.
  for (let attempt = 0;; attempt++) {
    let at = base;
    let missingBase = false;
    for (const name of relative.split("/")) {
      if (!name) continue;
      at = `${at}/${name}`;
      if (symbols.mkdirat(AT_FDCWD, cString(at), 0o700) === 0) continue;
      code = errno();
      if (code === EEXIST) continue;
      if (code === ENOENT && at === `${base}/${name}` && attempt === 0) {
        missingBase = true;
        break;
      }
      throw new SystemCallError(`mkdir(${at})`, code);
    }
    if (!missingBase) return;
    Deno.mkdirSync(base, { recursive: true, mode: 0o700 });
  }
}

// State files are read into this; calls are synchronous, so one buffer serves every read.
const readBuffer = new Uint8Array(65536);

/**
 * Reads one of bindlink's own state files (a regular file on a local file system, where a
 * read that returns less than asked has reached the end): `undefined` when it does not
 * exist. `verify` is shown the descriptor before anything is read (see ./state_trust.ts);
 * with it a symlink is not followed.
 *
 * @example
 * ```ts
 * import { readStateFile } from "./files.ts";
 * import { assertStateRecord } from "./state_trust.ts";
 *
 * const text = readStateFile("/run/bindlink/example.json", assertStateRecord);
 * ```
 */
export function readStateFile(
  file: string,
  verify?: (fd: number, file: string) => void,
): string | undefined {
  const symbols = libc();
  const flags = O.RDONLY | O.CLOEXEC | (verify ? O.NOFOLLOW : 0);
  const fd = symbols.openat(AT_FDCWD, cString(file), flags, 0);
  if (fd < 0) {
    const code = errno();
    if (code === ENOENT || code === ENOTDIR) return undefined;
    throw new SystemCallError(`open(${file})`, code);
  }
  let n: number;
  const parts: Uint8Array[] = [];
  try {
    verify?.(fd, file);
    // Larger than the shared buffer (rare): read on, on the same descriptor.
    while ((n = readInto(fd, file)) === readBuffer.length) parts.push(readBuffer.slice());
  } finally {
    closeFd(fd);
  }
  if (!parts.length) return decoder.decode(readBuffer.subarray(0, n));
  parts.push(readBuffer.slice(0, n));
  const whole = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return decoder.decode(whole);
}

function readInto(fd: number, file: string): number {
  const n = Number(libc().read(fd, readBuffer, BigInt(readBuffer.length)));
  check(n, `read(${file})`);
  return n;
}

/**
 * {@linkcode StateFiles} through libc, for the intent records in bindlink's Linux state folder:
 * the folder and each record are checked on the descriptor that reads them (root's alone).
 *
 * @example
 * ```ts
 * import { IntentStore } from "../state/intents.ts";
 * import { libcStateFiles } from "./files.ts";
 * import { linuxProcessFacts } from "./process.ts";
 *
 * const store = new IntentStore("/run/bindlink", linuxProcessFacts(), { files: libcStateFiles });
 * ```
 */
export const libcStateFiles: StateFiles = {
  writeText: (file, text) => writeTextFile(file, text),
  read: (file) => readStateFile(file, assertStateRecord),
  rename: renameFile,
  remove: removeFile,
  names: (dir) => folderNames(dir, assertStateFolder),
  isNotFound: (error) => error instanceof SystemCallError && error.errno === ENOENT,
};

/**
 * The current directory, from libc's getcwd (no Deno op, no /proc).
 *
 * @example
 * ```ts
 * import { currentDirectory } from "./files.ts";
 *
 * console.log(currentDirectory());
 * ```
 */
export function currentDirectory(): string {
  const buffer = cwdBuffer;
  if (libc().getcwd(buffer, BigInt(buffer.length)) === null) {
    throw new SystemCallError("getcwd", errno());
  }
  return decoder.decode(buffer.subarray(0, buffer.indexOf(0)));
}

const cwdBuffer = new Uint8Array(4096);
