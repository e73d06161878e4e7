/**
 * bindlink's own small state files (intent records, link records, their folders) handled
 * through libc: each is one system call, without the bookkeeping a Deno file op adds around
 * it, which on a create+remove pair cost more than the calls themselves. A missing file is
 * an ordinary answer here (`false`, `[]`), not a thrown error.
 *
 * @module
 */
import type { StateFiles } from "../state/intents.ts";
import { AT_FDCWD, cString, O } from "./libc_ffi.ts";
import { closeFd, errno, libc, SystemCallError } from "./syscall.ts";

const ENOENT = 2;
const EEXIST = 17;
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
  const symbols = libc();
  const fd = symbols.open(cString(file), O.WRONLY | O.CREAT | O.TRUNC | O.CLOEXEC, mode);
  if (fd < 0) throw new SystemCallError(`open(${file})`, errno());
  try {
    const bytes = encoder.encode(text);
    let at = 0;
    while (at < bytes.length) {
      const n = Number(symbols.write(fd, bytes.subarray(at), BigInt(bytes.length - at)));
      if (n < 0) throw new SystemCallError(`write(${file})`, errno());
      at += n;
    }
  } finally {
    closeFd(fd);
  }
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
  if (libc().rename(cString(from), cString(to)) !== 0) {
    throw new SystemCallError(`rename(${from}, ${to})`, errno());
  }
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
  if (symbols.mkdirat(AT_FDCWD, cString(base), 0o700) !== 0) {
    code = errno();
    if (code === ENOENT) {
      Deno.mkdirSync(base, { recursive: true, mode: 0o700 });
    } else if (code !== EEXIST) {
      throw new SystemCallError(`mkdir(${base})`, code);
    }
  }
  let at = base;
  for (const name of relative.split("/")) {
    if (!name) continue;
    at = `${at}/${name}`;
    if (symbols.mkdirat(AT_FDCWD, cString(at), 0o700) !== 0 && (code = errno()) !== EEXIST) {
      throw new SystemCallError(`mkdir(${at})`, code);
    }
  }
}

// getdents64 fills this; calls are synchronous, so one buffer serves every read.
const entries = new Uint8Array(32768);
const entriesView = new DataView(entries.buffer);

/**
 * The names in the folder `dir` (without `.` and `..`), from getdents64; `[]` when the
 * folder does not exist. Throws {@linkcode SystemCallError} for any other failure.
 *
 * @example
 * ```ts
 * import { folderNames } from "./files.ts";
 *
 * console.log(folderNames("/run/bindlink"));
 * ```
 */
export function folderNames(dir: string): string[] {
  const symbols = libc();
  const fd = symbols.open(cString(dir), O.RDONLY | O.DIRECTORY | O.CLOEXEC, 0);
  if (fd < 0) {
    const code = errno();
    if (code === ENOENT) return [];
    throw new SystemCallError(`open(${dir})`, code);
  }
  const names: string[] = [];
  try {
    for (;;) {
      const n = Number(symbols.getdents64(fd, entries, BigInt(entries.length)));
      if (n < 0) throw new SystemCallError(`getdents64(${dir})`, errno());
      if (n === 0) return names;
      // struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[].
      for (let at = 0; at < n;) {
        const length = entriesView.getUint16(at + 16, true);
        const start = at + 19;
        const end = entries.indexOf(0, start);
        const isDot = entries[start] === 0x2e &&
          (end === start + 1 || (end === start + 2 && entries[start + 1] === 0x2e));
        if (!isDot) names.push(decoder.decode(entries.subarray(start, end)));
        at += length;
      }
    }
  } finally {
    closeFd(fd);
  }
}

/**
 * {@linkcode StateFiles} through libc, for the intent records in bindlink's Linux state folder.
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
  rename: renameFile,
  remove: removeFile,
  names: folderNames,
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
