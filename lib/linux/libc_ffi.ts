/**
 * libc, the one native library of the Linux backend: its symbol table, in groups by purpose
 * (`libcGroups`), and where the library is found. The numbers the calls are given
 * are in ./libc_constants.ts, and the strings are made by ./c_string.ts.
 *
 * libc is opened by absolute path from a fixed list of the places Linux distributions install
 * it for this CPU (`Deno.build.arch`), never by a bare name and never from anything in the
 * environment (`LD_LIBRARY_PATH`, the current directory): bindlink runs as root.
 *
 * The calls Linux has no glibc wrapper for (openat2, statmount, listmount) go through libc's
 * `syscall`, declared once per use with its own parameter types.
 *
 * @module
 */
import type { AllSymbols } from "../native_library.ts";

/** The syscall numbers of the calls without a glibc wrapper (the same on x86_64 and arm64). */
export const SYS = { openat2: 437n, statmount: 457n, listmount: 458n } as const;

/** libc's functions, group `files`. Reading one file or descriptor: what every command calls. */
export const libcFiles = {
  /** ssize_t read(int fd, void* buf, size_t count) */
  read: {
    parameters: [
      "i32", // int fd
      "buffer", // void* buf
      "usize", // size_t count
    ],
    result: "isize", // ssize_t: bytes read, 0 at the end, -1 with errno set
  },
  /** int close(int fd) */
  close: { parameters: ["i32" /* int fd */], result: "i32" /* int */ },
  /** int statx(int dirfd, const char* pathname, int flags, unsigned int mask, struct statx* buf) */
  statx: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char* pathname
      "i32", // int flags
      "u32", // unsigned int mask
      "buffer", // struct statx* statxbuf (256 bytes)
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
  /** int ioctl(int fd, unsigned long request, void* argp) */
  ioctl: {
    parameters: [
      "i32", // int fd
      "u64", // unsigned long request
      "buffer", // void* argp (variadic in C)
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
  /** uid_t geteuid(void) */
  geteuid: { parameters: [], result: "u32" /* uid_t */ },
  /** int* __errno_location(void): glibc's address of this thread's errno */
  __errno_location: { parameters: [], result: "pointer" /* int* */ },
} as const satisfies Deno.ForeignLibraryInterface;

/** libc's functions, group `folders`. Reading folders and links: records, the current folder, what a path leads to. */
export const libcFolders = {
  /** int openat(int dirfd, const char* pathname, int flags, mode_t mode) */
  openat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char* pathname
      "i32", // int flags
      "u32", // mode_t mode (variadic in C)
    ],
    result: "i32", // int: a file descriptor, or -1 with errno set
  },
  /** ssize_t getdents64(int fd, void* dirp, size_t count) (glibc 2.30+) */
  getdents64: {
    parameters: [
      "i32", // int fd
      "buffer", // void* dirp
      "usize", // size_t count
    ],
    result: "isize", // ssize_t: bytes filled, 0 at the end, -1 with errno set
  },
  /** off_t lseek(int fd, off_t offset, int whence) */
  lseek: {
    parameters: [
      "i32", // int fd
      "i64", // off_t offset
      "i32", // int whence
    ],
    result: "i64", // off_t: the new offset, or -1 with errno set
  },
  /** char* getcwd(char* buf, size_t size) */
  getcwd: {
    parameters: [
      "buffer", // char* buf
      "usize", // size_t size
    ],
    result: "pointer", // char*: buf, or NULL with errno set
  },
  /** ssize_t readlink(const char* pathname, char* buf, size_t bufsiz) */
  readlink: {
    parameters: [
      "buffer", // const char* pathname
      "buffer", // char* buf
      "usize", // size_t bufsiz
    ],
    result: "isize", // ssize_t: bytes placed in buf, or -1 with errno set
  },
  /** int fstatfs(int fd, struct statfs* buf) */
  fstatfs: {
    parameters: [
      "i32", // int fd
      "buffer", // struct statfs* buf (120 bytes on 64-bit; f_type, a long, first)
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** libc's functions, group `changes`. Changing files: records, state and the folders a link needs. */
export const libcChanges = {
  /** ssize_t write(int fd, const void* buf, size_t count) */
  write: {
    parameters: [
      "i32", // int fd
      "buffer", // const void* buf
      "usize", // size_t count
    ],
    result: "isize", // ssize_t: bytes written, or -1 with errno set
  },
  /** int symlink(const char* target, const char* linkpath) */
  symlink: {
    parameters: [
      "buffer", // const char* target
      "buffer", // const char* linkpath
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
  /**
   * int renameat2(int olddirfd, const char* oldpath, int newdirfd, const char* newpath,
   * unsigned int flags) (glibc 2.28+)
   */
  renameat2: {
    parameters: [
      "i32", // int olddirfd
      "buffer", // const char* oldpath
      "i32", // int newdirfd
      "buffer", // const char* newpath
      "u32", // unsigned int flags
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
  /** int mkdirat(int dirfd, const char* pathname, mode_t mode) */
  mkdirat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char* pathname
      "u32", // mode_t mode
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
  /** int unlinkat(int dirfd, const char* pathname, int flags) */
  unlinkat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char* pathname
      "i32", // int flags (AT_REMOVEDIR)
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
  /** long syscall(SYS_openat2, int dirfd, const char* path, struct open_how* how, size_t size) */
  openat2: {
    name: "syscall",
    parameters: [
      "i64", // long number (SYS.openat2)
      "i32", // int dirfd
      "buffer", // const char* pathname
      "buffer", // struct open_how* how (24 bytes)
      "usize", // size_t size
    ],
    result: "i64", // long: a file descriptor, or -1 with errno set
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** libc's functions, group `mountFacts`. Asking about mounts (Linux 6.8+ calls, through `syscall`). */
export const libcMountFacts = {
  /** long syscall(SYS_statmount, struct mnt_id_req* req, struct statmount* buf, size_t size, unsigned int flags) */
  statmount: {
    name: "syscall",
    parameters: [
      "i64", // long number (SYS.statmount)
      "buffer", // const struct mnt_id_req* req
      "buffer", // struct statmount* buf
      "usize", // size_t bufsize
      "u32", // unsigned int flags
    ],
    result: "i64", // long: 0, or -1 with errno set
  },
  /** long syscall(SYS_listmount, struct mnt_id_req* req, u64* mnt_ids, size_t nr, unsigned int flags) */
  listmount: {
    name: "syscall",
    parameters: [
      "i64", // long number (SYS.listmount)
      "buffer", // const struct mnt_id_req* req
      "buffer", // __u64* mnt_ids
      "usize", // size_t nr_mnt_ids
      "u32", // unsigned int flags
    ],
    result: "i64", // long: how many IDs were written, or -1 with errno set
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** libc's functions, group `mounting`. Making and removing bind mounts. */
export const libcMounting = {
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
  /** int open_tree(int dfd, const char* filename, unsigned int flags) */
  open_tree: {
    parameters: [
      "i32", // int dfd
      "buffer", // const char* filename
      "u32", // unsigned int flags
    ],
    result: "i32", // int: a file descriptor, or -1 with errno set
  },
  /** int move_mount(int from_dfd, const char* from, int to_dfd, const char* to, unsigned int flags) */
  move_mount: {
    parameters: [
      "i32", // int from_dfd
      "buffer", // const char* from_pathname
      "i32", // int to_dfd
      "buffer", // const char* to_pathname
      "u32", // unsigned int flags
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
  /** int mount_setattr(int dfd, const char* path, unsigned int flags, struct mount_attr* attr, size_t size) */
  mount_setattr: {
    parameters: [
      "i32", // int dfd
      "buffer", // const char* path
      "u32", // unsigned int flags
      "buffer", // struct mount_attr* attr (32 bytes)
      "usize", // size_t size
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** libc's functions, group `overlay`. Building an overlay detached (merged links). */
export const libcOverlay = {
  /** int fsopen(const char* fsname, unsigned int flags) */
  fsopen: {
    parameters: [
      "buffer", // const char* fsname
      "u32", // unsigned int flags
    ],
    result: "i32", // int: a file system context descriptor, or -1 with errno set
  },
  /** int fsconfig(int fd, unsigned int cmd, const char* key, const void* value, int aux) */
  fsconfig: {
    parameters: [
      "i32", // int fd
      "u32", // unsigned int cmd
      "buffer", // const char* key
      "buffer", // const void* value
      "i32", // int aux
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
  /** int fsmount(int fd, unsigned int flags, unsigned int attr_flags) */
  fsmount: {
    parameters: [
      "i32", // int fd
      "u32", // unsigned int flags
      "u32", // unsigned int attr_flags (MOUNT_ATTR_*)
    ],
    result: "i32", // int: a mount descriptor, or -1 with errno set
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** libc's functions, group `xattrs`. Extended attributes: the marks on overlay layers and records. */
export const libcXattrs = {
  /** ssize_t flistxattr(int fd, char* list, size_t size): fd must not be O_PATH */
  flistxattr: {
    parameters: [
      "i32", // int fd
      "buffer", // char* list (NUL-separated names)
      "usize", // size_t size
    ],
    result: "isize", // ssize_t: bytes of names, or -1 with errno set
  },
  /** ssize_t fgetxattr(int fd, const char* name, void* value, size_t size) */
  fgetxattr: {
    parameters: [
      "i32", // int fd (not O_PATH: the kernel answers EBADF for one)
      "buffer", // const char* name
      "buffer", // void* value
      "usize", // size_t size
    ],
    result: "isize", // ssize_t: bytes of the value, or -1 with errno set
  },
  /** int fremovexattr(int fd, const char* name): fd must not be O_PATH */
  fremovexattr: {
    parameters: [
      "i32", // int fd
      "buffer", // const char* name
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** libc's functions, group `process`. The process and its terminal: `run` and start-up tasks. */
export const libcProcess = {
  /** int isatty(int fd) */
  isatty: { parameters: ["i32" /* int fd */], result: "i32" /* int: 1 for a terminal, else 0 */ },
  /** pid_t tcgetpgrp(int fd) */
  tcgetpgrp: {
    parameters: ["i32" /* int fd */],
    result: "i32", // pid_t: the terminal's foreground process group, or -1 with errno set
  },
  /** pid_t getpgrp(void) */
  getpgrp: { parameters: [], result: "i32" /* pid_t */ },
  /** pid_t getppid(void) */
  getppid: { parameters: [], result: "i32" /* pid_t */ },
  /** int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5) */
  prctl: {
    parameters: [
      "i32", // int option
      "u64", // unsigned long arg2 (variadic in C)
      "u64", // unsigned long arg3
      "u64", // unsigned long arg4
      "u64", // unsigned long arg5
    ],
    result: "i32", // int: 0, or -1 with errno set
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** libc's functions, group `text`. The system's words for an errno, needed only when a call failed. */
export const libcText = {
  /** char* strerror(int errnum) */
  strerror: { parameters: ["i32" /* int errnum */], result: "pointer" /* char* */ },
} as const satisfies Deno.ForeignLibraryInterface;

/**
 * libc's symbol table in groups by purpose. Each symbol is bound on its first call (see
 * `LazyLibrary`), so a command binds only the calls it makes.
 */
export const libcGroups = {
  files: libcFiles,
  folders: libcFolders,
  changes: libcChanges,
  mountFacts: libcMountFacts,
  mounting: libcMounting,
  overlay: libcOverlay,
  xattrs: libcXattrs,
  process: libcProcess,
  text: libcText,
} as const;

/** The opened libc: every group's symbols, by name. */
export type Libc = Deno.DynamicLibrary<AllSymbols<typeof libcGroups>>["symbols"];

// Where distributions install glibc for each CPU: Debian/Ubuntu multiarch, Fedora/SUSE lib64,
// Arch and others /usr/lib.
const LIBC_PLACES: Record<string, readonly string[]> = {
  x86_64: [
    "/lib/x86_64-linux-gnu/libc.so.6",
    "/usr/lib/x86_64-linux-gnu/libc.so.6",
    "/lib64/libc.so.6",
    "/usr/lib64/libc.so.6",
    "/usr/lib/libc.so.6",
  ],
  aarch64: [
    "/lib/aarch64-linux-gnu/libc.so.6",
    "/usr/lib/aarch64-linux-gnu/libc.so.6",
    "/lib64/libc.so.6",
    "/usr/lib64/libc.so.6",
    "/usr/lib/libc.so.6",
  ],
};

/**
 * The absolute path of glibc for this CPU: the first of a fixed list of install locations
 * that exists. Nothing in the environment is consulted.
 */
export function libcPath(arch: string = Deno.build.arch): string {
  for (const place of LIBC_PLACES[arch] ?? []) {
    try {
      if (Deno.statSync(place).isFile) return place;
    } catch (error) {
      // Without --allow-read the answer is not "missing": say what is really wrong.
      if (error instanceof Deno.errors.NotCapable) throw error;
      // not installed here; try the next place
    }
  }
  throw new Error(
    `glibc was not found at any of the places distributions install it for ${arch}: ${
      (LIBC_PLACES[arch] ?? []).join(", ") || "(no list for this CPU)"
    }`,
  );
}

let foundLibc: string | undefined;

/**
 * Opens libc with `table` (one group, or one symbol), by the path {@linkcode libcPath} finds.
 *
 * @example
 * ```ts
 * import { libcGroups, openLibc } from "./libc_ffi.ts";
 *
 * const libc = openLibc(libcGroups.files);
 * console.log(libc.symbols.geteuid());
 * libc.close();
 * ```
 */
export function openLibc<S extends Deno.ForeignLibraryInterface>(
  table: S,
): Deno.DynamicLibrary<S> {
  // Found once: each symbol bound opens libc again, and the place does not move.
  return Deno.dlopen(foundLibc ??= libcPath(), table);
}
