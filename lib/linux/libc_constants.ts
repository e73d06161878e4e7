/**
 * The numbers the Linux backend passes to libc and the kernel: flags, commands and special
 * descriptors, from the kernel's and glibc's headers (the same on x86_64 and arm64).
 *
 * @module
 */
/** MS_BIND */
export const MS_BIND = 0x1000n;
/** MS_REC */
export const MS_REC = 0x4000n;
/** MNT_DETACH: detach the mount and everything below it at once. */
export const MNT_DETACH = 0x2;

/** prctl PR_SET_PDEATHSIG: the signal this process gets when its parent thread ends. */
export const PR_SET_PDEATHSIG = 1;

/** AT_FDCWD: relative to the current directory. */
export const AT_FDCWD = -100;
/** AT_SYMLINK_NOFOLLOW */
export const AT_SYMLINK_NOFOLLOW = 0x100;
/** AT_REMOVEDIR (unlinkat) */
export const AT_REMOVEDIR = 0x200;
/** renameat2's RENAME_NOREPLACE: fail with EEXIST rather than replace the destination. */
export const RENAME_NOREPLACE = 0x1;
/** AT_EMPTY_PATH: act on the descriptor itself. */
export const AT_EMPTY_PATH = 0x1000;
/** AT_RECURSIVE: the mount and every mount below it. */
export const AT_RECURSIVE = 0x8000;

/** open(2) flags; O_DIRECTORY and O_NOFOLLOW differ on arm64. */
export const O = (() => {
  const arm = Deno.build.arch === "aarch64";
  return {
    RDONLY: 0,
    WRONLY: 1,
    CREAT: 0o100,
    EXCL: 0o200,
    TRUNC: 0o1000,
    NOCTTY: 0o400,
    NONBLOCK: 0o4000,
    DIRECTORY: arm ? 0o40000 : 0o200000,
    NOFOLLOW: arm ? 0o100000 : 0o400000,
    CLOEXEC: 0o2000000,
    PATH: 0o10000000,
  } as const;
})();

/** OPEN_TREE_CLONE: a detached copy of the mount. */
export const OPEN_TREE_CLONE = 0x1;
/** MOVE_MOUNT_F_EMPTY_PATH: the source is the descriptor itself. */
export const MOVE_MOUNT_F_EMPTY_PATH = 0x4;
/** MOVE_MOUNT_T_EMPTY_PATH: the target is the descriptor itself. */
export const MOVE_MOUNT_T_EMPTY_PATH = 0x40;
/** FSOPEN_CLOEXEC */
export const FSOPEN_CLOEXEC = 0x1;
/** FSMOUNT_CLOEXEC */
export const FSMOUNT_CLOEXEC = 0x1;
/** fsconfig commands. */
export const FSCONFIG = { SET_STRING: 1, SET_FD: 5, CMD_CREATE: 6 } as const;
/** MOUNT_ATTR_RDONLY */
export const MOUNT_ATTR_RDONLY = 0x1n;

/** statx: ask for the reusable mount ID. */
export const STATX_MNT_ID = 0x1000;
/** statx: ask for the unique mount ID (Linux 6.8+). */
export const STATX_MNT_ID_UNIQUE = 0x4000;
/** statx: stx_attributes bit set when the path is the root of a mount. */
export const STATX_ATTR_MOUNT_ROOT = 0x2000n;

/** openat2 resolve flags. */
export const RESOLVE = { NO_XDEV: 0x1n, NO_MAGICLINKS: 0x2n, NO_SYMLINKS: 0x4n } as const;

/** ioctl NS_GET_MNTNS_ID: _IOR(0xb7, 0x5, __u64), the 64-bit ID of a mount namespace. */
export const NS_GET_MNTNS_ID = 0x8008b705n;

/** statmount request bits. */
export const STATMOUNT = {
  MNT_BASIC: 0x2,
  FS_TYPE: 0x20,
  MNT_POINT: 0x10,
  MNT_NS_ID: 0x40,
} as const;

/** statx mask bits (`<linux/stat.h>`): which fields to fill. */
/** statx: ask for the file type. */
export const STATX_TYPE = 0x1;
/** statx: ask for the mode. */
export const STATX_MODE = 0x2;
/** statx: ask for the link count. */
export const STATX_NLINK = 0x4;
/** statx: ask for the owner. */
export const STATX_UID = 0x8;
/** statx: ask for the change time. */
export const STATX_CTIME = 0x80;
/** statx: ask for the inode. */
export const STATX_INO = 0x100;
/** statx: ask for every basic field. */
export const STATX_BASIC_STATS = 0x7ff;

/** The file-type bits of a mode (`<sys/stat.h>`). */
export const S_IFMT = 0o170000;
/** File type: a character device. */
export const S_IFCHR = 0o020000;
/** File type: a folder. */
export const S_IFDIR = 0o040000;
/** File type: a regular file. */
export const S_IFREG = 0o100000;
/** File type: a symlink. */
export const S_IFLNK = 0o120000;
