/**
 * What an errno means for the user, said for the call and the path it came from: the same
 * ENOENT means "the backing path is missing" from one call and "the parent folder is
 * missing" from another, and EPERM as root is not solved by sudo.
 *
 * @module
 */
import type { BindLinkOperation, ErrorMeaning } from "../errors.ts";

/** The errno values the Linux backend meets, by name (the same numbers on x86_64 and arm64). */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  ETXTBSY: 26,
  EFBIG: 27,
  ENOSPC: 28,
  EROFS: 30,
  EMLINK: 31,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENODATA: 61,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  EHOSTDOWN: 112,
  EHOSTUNREACH: 113,
  ESTALE: 116,
  EDQUOT: 122,
} as const;

const NAMES = new Map<number, string>(Object.entries(ERRNO).map(([name, value]) => [value, name]));

/** The symbolic name of `errno`, like `EPERM`, or undefined. */
export function errnoName(errno: number): string | undefined {
  return NAMES.get(errno);
}

/** Shown when the process is not root. */
export const RUN_AS_ROOT = "Bind mounts need root: run the command with sudo, or as root " +
  "(CAP_SYS_ADMIN in the mount namespace).";

/** Which path or piece a failed call was about. */
export type ErrnoRole =
  | "virtual path"
  | "backing path"
  | "exception path"
  | "parent folder"
  | "work folder"
  | "mount point"
  | "state folder"
  | "overlay"
  | "mount";

/** Where an errno came from. */
export interface ErrnoContext {
  /** The operation. */
  operation: BindLinkOperation;
  /** The path or piece the failing call was about. */
  role?: ErrnoRole;
  /** The failing call, like `move_mount` or `fsconfig(upperdir)`. */
  call?: string;
  /** A merged link (overlay) was being made. */
  merged?: boolean;
}

const NETWORK = "The path is on a network or FUSE file system that stopped answering: check " +
  "the connection or mount, then try again.";

/** What the situation behind `errno` is, for the call and path that met it.
 *
 * @example
 * ```ts
 * import { ERRNO, explainErrno } from "./errno.ts";
 *
 * const meaning = explainErrno(ERRNO.ENOENT, "create", { role: "backing path" });
 * console.log(meaning.code, meaning.summary); // not-found the backing path does not exist
 * ```
 */
export function explainErrno(
  errno: number,
  operation: BindLinkOperation,
  context: Omit<ErrnoContext, "operation"> = {},
): ErrorMeaning {
  const role = context.role;
  const the = role ? `the ${role}` : "a path";
  switch (errno) {
    case ERRNO.EPERM:
      return {
        code: "access-denied",
        summary: role === "mount" || role === "virtual path" || role === undefined
          ? "the kernel refused the mount"
          : `the kernel refused to let ${the} be used`,
        hint: "Either this process lacks CAP_SYS_ADMIN in its mount namespace (run as root, " +
          "not in a restricted container), or the place cannot take mounts: /proc and /sys " +
          "refuse mounts over their files, and a container's locked mounts cannot be covered. " +
          "Pick a virtual path on an ordinary file system.",
      };
    case ERRNO.EACCES:
      return {
        code: "access-denied",
        summary: `permission to ${the} was denied`,
        hint: `Check that root may search every folder on ${the} (NFS root squashing and ` +
          "security modules like SELinux or AppArmor can refuse even root).",
      };
    case ERRNO.EROFS:
      return {
        code: "access-denied",
        summary: `${the} is on a read-only file system`,
        hint: context.merged && (role === "backing path" || role === "work folder")
          ? "A writable merged link writes into the backing path and needs a work folder " +
            "beside it: add --read-only, or use a backing path on a writable file system."
          : role === "virtual path" || role === "parent folder"
          ? "A missing virtual path is made as a mount point, which a read-only file system " +
            "refuses: create it beforehand, or pick another place."
          : "bindlink had to make a mount point there, which a read-only file system refuses: " +
            "create it beforehand, or pick another place.",
      };
    case ERRNO.ENOENT:
      return {
        code: "not-found",
        summary: `${the} does not exist`,
        hint: role === "backing path"
          ? "Check the backing path; create it first if it is meant to be empty."
          : role === "exception path"
          ? "Exceptions must exist when the link is created."
          : role === "parent folder"
          ? "Create the parent folder first; only the last name may be missing."
          : "Check that the path exists (and was not removed while bindlink worked).",
      };
    case ERRNO.EEXIST:
      return {
        code: "already-exists",
        summary: `something already exists at ${the}`,
        hint: "Remove it first, or choose another virtual path.",
      };
    case ERRNO.EBUSY:
      return {
        code: "busy",
        summary: operation === "remove" ? "the mount is in use" : `${the} is in use`,
        hint: operation === "remove"
          ? "Remove links nested below it first, and close what uses it."
          : "Another mount holds it (overlay refuses a folder another overlay uses as its " +
            "upper or work folder); remove that first.",
      };
    case ERRNO.ENODEV:
      return {
        code: "not-supported",
        summary: context.merged ? "this kernel has no overlay file system" : "the file system " +
          "cannot be mounted this way",
        hint: context.merged
          ? "Load it (modprobe overlay), or drop --merged."
          : "Check that the file system supports bind mounts.",
      };
    case ERRNO.EXDEV:
      if (role === "exception path") {
        return {
          code: "invalid-path",
          summary: "the exception path leads out of the virtual path (through a symlink)",
          hint: "An exception must be a place inside the virtual path: name the place the " +
            "symlink leads to inside it, or drop the exception.",
        };
      }
      // falls through
    case ERRNO.EOPNOTSUPP:
      return {
        code: "not-supported",
        summary: `the file system of ${the} cannot be used for this kind of link`,
        hint: context.merged
          ? "A writable merged link needs a backing path whose file system supports overlay " +
            "upper layers (extended attributes, d_type; not NFS, not another overlay's lower " +
            "layer) and a work folder on the same file system."
          : "Pick a path on another file system.",
      };
    case ERRNO.ENOTDIR:
    case ERRNO.EISDIR:
      return {
        code: "invalid-path",
        summary: `${the} is not the kind of file expected there`,
        hint: "On Linux a folder can only be bound over a folder and a file over a file, and " +
          "every name before the last must be a folder.",
      };
    case ERRNO.ENAMETOOLONG:
      return {
        code: "invalid-path",
        summary: `${the} is too long`,
        hint: "Linux allows 255 bytes per name and 4095 bytes per path: shorten it.",
      };
    case ERRNO.ELOOP:
      return {
        code: "invalid-path",
        summary: `${the} goes through too many symlinks, or through a /proc magic link`,
        hint: "Fix the symlink loop, or give the path the symlinks lead to.",
      };
    case ERRNO.EINVAL:
      return {
        code: "invalid-argument",
        summary: context.merged
          ? "overlay refused the folders of the merged link"
          : "the kernel rejected the mount request",
        hint: context.merged
          ? "bindlink checks beforehand that neither path is inside the other and that a " +
            "writable backing path is not the root of a mount, so overlay objected to something " +
            "else about these folders (their file system, or a layer this kernel cannot " +
            "stack): the kernel log (dmesg) names the rule that failed."
          : "The virtual path may sit on a mount the kernel does not let bindlink move or " +
            "cover (a shared or locked mount); check the paths.",
      };
    case ERRNO.ENOSPC:
    case ERRNO.EDQUOT:
      return {
        code: "unknown",
        summary: errno === ERRNO.EDQUOT
          ? `the disk quota of ${the} is used up`
          : `no space is left for ${the}, or the namespace reached its mount limit`,
        hint: "Free space (or quota) where bindlink makes mount points and work folders, or " +
          "remove unused mounts (the limit is /proc/sys/fs/mount-max).",
      };
    case ERRNO.ENOMEM:
    case ERRNO.EMFILE:
    case ERRNO.ENFILE:
    case ERRNO.EAGAIN:
      return {
        code: "unknown",
        summary: "the system ran out of a resource (memory or file descriptors)",
        hint: "Close files or processes that hold many, then try again.",
      };
    case ERRNO.EIO:
    case ERRNO.ENXIO:
      return {
        code: "unknown",
        summary: `reading or writing ${the} failed at the device`,
        hint: "Check the disk or share (dmesg), then try again.",
      };
    case ERRNO.ENOTCONN:
    case ERRNO.ETIMEDOUT:
    case ERRNO.EHOSTDOWN:
    case ERRNO.EHOSTUNREACH:
    case ERRNO.ESTALE:
      return {
        code: "unknown",
        summary: `${the} is on a file system that is unavailable`,
        hint: NETWORK,
      };
    case ERRNO.ENOTEMPTY:
      return {
        code: "busy",
        summary: `${the} is not empty`,
        hint: "Something was put there after bindlink made it; check it and delete it by hand.",
      };
    case ERRNO.ENOSYS:
      return {
        code: "not-supported",
        summary: "this kernel lacks a system call bindlink needs",
        hint: "bindlink needs Linux 5.2 or later (6.8 or later for every safety check).",
      };
    case ERRNO.ENODATA:
    case ERRNO.ETXTBSY:
    case ERRNO.EFBIG:
    case ERRNO.EMLINK:
    case ERRNO.EOVERFLOW:
      return {
        code: "unknown",
        summary: `the file system of ${the} refused the change`,
        hint: "Pick another place for the link.",
      };
    case ERRNO.EBADF:
    case ERRNO.EFAULT:
    case ERRNO.ERANGE:
    case ERRNO.E2BIG:
    case ERRNO.ENOTTY:
      return {
        code: "unknown",
        summary: "bindlink passed the kernel something it did not accept (a bug in bindlink)",
        hint: "Please report this message, with your kernel version (uname -r).",
      };
    case ERRNO.ESRCH:
      return {
        code: "unknown",
        summary: "a process bindlink was looking at ended meanwhile",
        hint: "Try again.",
      };
    case ERRNO.EINTR:
      return {
        code: "unknown",
        summary: "the call was interrupted by a signal",
        hint: "Try again.",
      };
  }
  return {
    code: "unknown",
    summary: `Linux refused to ${operation} the link for a reason bindlink does not know`,
    hint: "Look up the errno above; if it persists, report it together with this message.",
  };
}
