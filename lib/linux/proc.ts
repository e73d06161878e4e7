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
import { cString, O } from "./libc_ffi.ts";
import { closeFd, errno, libc, SystemCallError } from "./syscall.ts";

const ENOENT = 2;
const ESRCH = 3;
const ENOTDIR = 20;
const CHUNK = 4096;
const decoder = new TextDecoder();
const shared = new Uint8Array(CHUNK);

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
  const fd = symbols.open(cString(path), O.RDONLY | O.CLOEXEC, 0);
  if (fd < 0) {
    const code = errno();
    if (code === ENOENT || code === ESRCH || code === ENOTDIR) return undefined;
    throw new SystemCallError(`open(${path})`, code);
  }
  try {
    // Read into the shared buffer (decoded before anything else reads it), grown when full.
    let buffer = shared;
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        const bigger = new Uint8Array(buffer.length * 2);
        bigger.set(buffer);
        buffer = bigger;
      }
      const n = Number(symbols.read(fd, buffer.subarray(total), BigInt(buffer.length - total)));
      if (n < 0) {
        const code = errno();
        // A process that exits while its file is read: the same answer as never having been.
        if (code === ESRCH) return undefined;
        throw new SystemCallError(`read(${path})`, code);
      }
      if (n === 0) break;
      total += n;
    }
    return decoder.decode(buffer.subarray(0, total));
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
