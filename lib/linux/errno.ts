/**
 * What an errno from mount(2) or umount2(2) means for the user.
 *
 * @module
 */
import type { BindLinkOperation, ErrorMeaning } from "../errors.ts";

/** The errno values the Linux backend meets, by name. */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EROFS: 30,
  ENAMETOOLONG: 36,
  ELOOP: 40,
  EOPNOTSUPP: 95,
} as const;

const NAMES = new Map<number, string>(Object.entries(ERRNO).map(([name, value]) => [value, name]));

/** The symbolic name of `errno`, like `EPERM`, or undefined. */
export function errnoName(errno: number): string | undefined {
  return NAMES.get(errno);
}

/** Shown when only root may do what was asked. */
export const RUN_AS_ROOT = "Bind mounts need root: run the command with sudo, or as root " +
  "(CAP_SYS_ADMIN in the mount namespace).";

/** What the situation behind `errno` is, for the operation that set it. */
export function explainErrno(errno: number, operation: BindLinkOperation): ErrorMeaning {
  switch (errno) {
    case ERRNO.EPERM:
      return { code: "access-denied", summary: "the system refused the mount", hint: RUN_AS_ROOT };
    case ERRNO.EACCES:
      return {
        code: "access-denied",
        summary: "permission to a path was denied",
        hint: "Check that root may search every folder on both paths (NFS root squashing " +
          "can refuse even root).",
      };
    case ERRNO.EROFS:
      return {
        code: "access-denied",
        summary: "the file system is read-only",
        hint: "A missing virtual path or exception mount point cannot be created on a " +
          "read-only file system; create it beforehand or pick another place.",
      };
    case ERRNO.ENOENT:
      return {
        code: "not-found",
        summary: "a path does not exist",
        hint: "Check that the backing path exists and that the virtual path's parent exists.",
      };
    case ERRNO.EEXIST:
      return {
        code: "already-exists",
        summary: "something already exists there",
        hint: "Remove it first, or choose another virtual path.",
      };
    case ERRNO.EBUSY:
      return {
        code: "busy",
        summary: operation === "remove" ? "the mount is in use" : "a mount is in the way",
        hint: "Remove links nested below it first, and close what uses it.",
      };
    case ERRNO.ENODEV:
    case ERRNO.EOPNOTSUPP:
    case ERRNO.EXDEV:
      return {
        code: "not-supported",
        summary: "the file system cannot be used for this kind of link",
        hint: "Merged links need overlayfs (modprobe overlay), and a backing path that is not " +
          "the root of its file system and whose file system supports overlay upper layers.",
      };
    case ERRNO.ENOTDIR:
    case ERRNO.EISDIR:
    case ERRNO.ENAMETOOLONG:
    case ERRNO.ELOOP:
      return {
        code: "invalid-path",
        summary: "a path cannot be used here",
        hint: "On Linux a folder can only be bound over a folder and a file over a file; " +
          "check both paths.",
      };
    case ERRNO.EINVAL:
      return {
        code: "invalid-argument",
        summary: "the kernel rejected the mount request",
        hint: "Check the paths and options; for merged links the kernel log (dmesg) says more.",
      };
  }
  return {
    code: "unknown",
    summary: `Linux refused to ${operation} the link for a reason bindlink does not know`,
    hint: "Look up the errno above; if it persists, report it together with this message.",
  };
}
