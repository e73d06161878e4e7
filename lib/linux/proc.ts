/**
 * Reading /proc and the process's identity through libc.
 *
 * Deno refuses every read under /proc without `--allow-all`, and `Deno.uid()` needs
 * `--allow-sys`; bindlink is documented to need only `--allow-ffi --allow-read --allow-write`.
 * So these files are read with libc's open/read/close, and the effective uid comes from
 * `geteuid()`. The same reader serves small state files, where a missing file is an ordinary
 * answer and not worth a thrown exception.
 *
 * @module
 */
import { AT_FDCWD, O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { closeFd, errno, libc, readToEnd, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { ENOENT, ENOTDIR, ESRCH } = ERRNO;

const decoder = new TextDecoder();

/**
 * Reads a whole file through libc, for /proc files and bindlink's own small state files.
 *
 * @param path An absolute path.
 * @returns The text, or `undefined` when the file (or the process it describes) does not exist.
 * @throws {SystemCallError} for any other failure (permission, I/O).
 *
 * @example
 * ```ts
 * import { readProcFile } from "./proc.ts";
 *
 * const bootId = readProcFile("/proc/sys/kernel/random/boot_id")?.trim();
 * ```
 */
export function readProcFile(path: string): string | undefined {
  const symbols = libc();
  const fd = symbols.openat(AT_FDCWD, cString(path), O.RDONLY | O.CLOEXEC, 0);
  if (fd < 0) {
    const code = errno();
    if (code === ENOENT || code === ESRCH || code === ENOTDIR) return undefined;
    throw new SystemCallError(`open(${path})`, code);
  }
  try {
    return decoder.decode(readToEnd(fd, path));
  } catch (error) {
    // A process that exits while its file is read: the same answer as never having been.
    if (error instanceof SystemCallError && error.errno === ESRCH) return undefined;
    throw error;
  } finally {
    closeFd(fd);
  }
}

/**
 * The effective user ID of this process, from libc's `geteuid()` (no `--allow-sys` needed).
 *
 * @example
 * ```ts
 * import { effectiveUid } from "./proc.ts";
 *
 * if (effectiveUid() !== 0) console.error("bind mounts need root");
 * ```
 */
export function effectiveUid(): number {
  return libc().geteuid();
}
