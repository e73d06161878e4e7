/**
 * The libc functions of the Linux backend.
 *
 * libc is opened by the absolute path of the copy already mapped into this process (read from
 * /proc/self/maps), never by a bare name: a bare name would be resolved by Deno against the
 * current directory under a scoped --allow-ffi, or through LD_LIBRARY_PATH otherwise.
 *
 * @module
 */

/** libc's functions, as `Deno.dlopen` needs them. */
export const libcSymbols = {
  /** int mount(const char*, const char*, const char*, unsigned long, const void*) */
  mount: {
    parameters: [
      "buffer", // const char* source
      "buffer", // const char* target
      "buffer", // const char* filesystemtype
      "u64", // unsigned long mountflags
      "buffer", // const void* data
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
  /** int umount2(const char* target, int flags) */
  umount2: {
    parameters: [
      "buffer", // const char* target
      "i32", // int flags
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
  /** int* __errno_location(void): glibc's address of this thread's errno */
  __errno_location: { parameters: [], result: "pointer" /* int* */ },
  /** char* strerror(int errnum) */
  strerror: { parameters: ["i32" /* int errnum */], result: "pointer" /* char* */ },
} as const satisfies Deno.ForeignLibraryInterface;

/** MS_RDONLY */
export const MS_RDONLY = 0x1n;
/** MS_REMOUNT */
export const MS_REMOUNT = 0x20n;
/** MS_BIND */
export const MS_BIND = 0x1000n;
/** MS_REC */
export const MS_REC = 0x4000n;
/** MNT_DETACH: detach the mount and everything below it at once. */
export const MNT_DETACH = 0x2;

const LIBC_NAME = /\/libc(\.so\.6|-[\d.]+\.so)$/;

/** The absolute path of the C library mapped into this process. */
export function loadedLibcPath(maps = Deno.readTextFileSync("/proc/self/maps")): string {
  for (const line of maps.split("\n")) {
    const file = line.slice(line.indexOf("/"));
    if (line.includes("/") && LIBC_NAME.test(file)) return file;
  }
  throw new Error("no glibc is mapped into this process (/proc/self/maps names none)");
}

/** Encodes a string as a NUL-terminated UTF-8 C string. */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(text);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}
