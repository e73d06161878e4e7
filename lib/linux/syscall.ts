/**
 * The process's one libc handle and the errno plumbing every libc call of the backend uses.
 *
 * Calls are made synchronously on the calling thread: errno is per thread, and a
 * `nonblocking` FFI call runs on another thread whose errno could not be read back.
 *
 * @module
 */
import { LazyLibrary } from "../native_library.ts";
import { ERRNO, type ErrnoRole } from "./errno.ts";
import { type Libc, libcGroups, openLibc } from "./libc_ffi.ts";

/**
 * libc, opened by absolute path one symbol at a time, each on its first call;
 * {@linkcode closeLibc} releases it.
 */
export const libcLibrary: LazyLibrary<typeof libcGroups> = new LazyLibrary(
  libcGroups,
  openLibc,
  // Bound before any call that could fail, so reading errno never has to open libc (which
  // could set errno) between the call and the read.
  "__errno_location",
);

/** libc's symbols by name; each is bound when it is first read. */
export function libc(): Libc {
  return libcLibrary.symbols;
}

/** Releases libc; the next call opens it again. */
export function closeLibc(): void {
  libcLibrary.close();
}

/** A failed libc call, before it is put into words for the user. */
export class SystemCallError extends Error {
  /** The call and what it was given, for the message. */
  readonly call: string;
  /** The errno it set. */
  readonly errno: number;
  /** Which path or piece the call was about, when the caller knew. */
  readonly role?: ErrnoRole;

  /** Records `call` failing with `errno`, about `role`; `cause` is an error of Deno's it stands for. */
  constructor(call: string, errno: number, role?: ErrnoRole, cause?: unknown) {
    super(`${call} failed with errno ${errno}`, cause === undefined ? undefined : { cause });
    this.name = "SystemCallError";
    this.call = call;
    this.errno = errno;
    this.role = role;
  }
}

/**
 * `error` as a failed call about `role`: a {@linkcode SystemCallError} that names no role yet
 * is copied with it, and one of Deno's own file errors (it carries the errno's name as its
 * `code`) becomes one. Anything else, and a call that already names its role, is returned as
 * it is: the innermost step knows best what it was about.
 *
 * @example
 * ```ts
 * import { aboutRole, SystemCallError } from "./syscall.ts";
 *
 * const told = aboutRole(new SystemCallError("openat(/srv/app)", 2), "virtual path");
 * console.log((told as SystemCallError).role); // "virtual path"
 * ```
 */
export function aboutRole(error: unknown, role?: ErrnoRole): unknown {
  if (error instanceof SystemCallError) {
    return error.role || !role ? error : new SystemCallError(error.call, error.errno, role, error);
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string" || error instanceof Deno.errors.NotCapable) return error;
  const errno = ERRNO[code as keyof typeof ERRNO];
  return errno === undefined ? error : new SystemCallError(String(error), errno, role, error);
}

/** Runs `step`; what it throws is told as being about `role` (see {@linkcode aboutRole}). */
export function about<T>(role: ErrnoRole, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw aboutRole(error, role);
  }
}

/** This thread's errno, read right after a failed call. */
export function errno(): number {
  const location = libc().__errno_location();
  return location ? new Deno.UnsafePointerView(location).getInt32() : -1;
}

/** strerror's text for `code`. */
export function strerror(code: number): string | undefined {
  const text = libc().strerror(code);
  return text ? Deno.UnsafePointerView.getCString(text) : undefined;
}

/** Throws a {@linkcode SystemCallError} for `call` when `result` is negative; returns it otherwise.
 *
 * @example
 * ```ts
 * import { check, libc } from "./syscall.ts";
 *
 * const uid = check(libc().geteuid(), "geteuid");
 * ```
 */
export function check<T extends number | bigint>(result: T, call: string): T {
  if (result < 0) throw new SystemCallError(call, errno());
  return result;
}

// The first buffer readToEnd fills; a longer file grows a copy for that call only.
const firstBuffer = new Uint8Array(4096);

/**
 * Reads `fd` from where it stands to its end, however long (a /proc file's size is 0 to
 * stat, and it may come in short reads). The bytes are valid until the next call: copy or
 * decode them first. Throws {@linkcode SystemCallError} naming `label`.
 *
 * @example
 * ```ts
 * import { AT_FDCWD, O } from "./libc_constants.ts";
 * import { cString } from "./c_string.ts";
 * import { closeFd, libc, readToEnd } from "./syscall.ts";
 *
 * const fd = libc().openat(AT_FDCWD, cString("/proc/self/maps"), O.RDONLY | O.CLOEXEC, 0);
 * try {
 *   console.log(new TextDecoder().decode(readToEnd(fd, "/proc/self/maps")));
 * } finally {
 *   closeFd(fd);
 * }
 * ```
 */
export function readToEnd(fd: number, label: string): Uint8Array {
  let buffer = firstBuffer;
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      const bigger = new Uint8Array(buffer.length * 2);
      bigger.set(buffer);
      buffer = bigger;
    }
    const room = BigInt(buffer.length - total);
    const n = Number(check(libc().read(fd, buffer.subarray(total), room), `read(${label})`));
    if (n === 0) return buffer.subarray(0, total);
    total += n;
  }
}

/** Closes a descriptor, ignoring errors (it is only ever one this backend opened). */
export function closeFd(fd: number): void {
  if (fd >= 0) libc().close(fd);
}
