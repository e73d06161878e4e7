/**
 * Turning what went wrong in the Linux backend into a {@linkcode BindLinkError} that says
 * only what is true: what failed, for which path, whether undoing it worked.
 *
 * @module
 */
import {
  BindLinkError,
  type BindLinkErrorInit,
  type BindLinkOperation,
  ExplainedFailure,
} from "../errors.ts";
import { LockHeldByAsyncCallError } from "../state/lock_wait.ts";
import { NotUtf8NameError } from "./kernel_names.ts";
import { UntrustedStateError } from "./state_trust.ts";
import { errnoName, explainErrno, RUN_AS_ROOT } from "./errno.ts";
import { effectiveUid } from "./proc.ts";
import { aboutRole, strerror, SystemCallError } from "./syscall.ts";

/** The operation and paths every error of one call carries. */
export interface Where {
  /** The operation. */
  operation: BindLinkOperation;
  /** The virtual path as given (resolved against the current directory). */
  virtualPath: string;
  /** The backing path as given (create). */
  backingPath?: string;
  /** A merged link was being made. */
  merged?: boolean;
  /** Said after the summary when a symlink was followed (`; ... resolves through a symlink to ...`). */
  symlinkNote?: string;
}

/**
 * The error that refuses `where`, worked out by bindlink itself (before or instead of a system
 * call), for the caller to throw.
 *
 * @example
 * ```ts
 * import { refusal } from "./failure.ts";
 * const error = refusal({ operation: "create", virtualPath: "/srv/app" }, {
 *   code: "invalid-argument",
 *   summary: "the virtual path is the backing path",
 *   hint: "Give two different folders.",
 * });
 * console.log(error.code); // "invalid-argument"
 * ```
 */
export function refusal(where: Where, init: Omit<BindLinkErrorInit, "operation">): BindLinkError {
  return new BindLinkError({
    operation: where.operation,
    virtualPath: where.virtualPath,
    backingPath: where.backingPath,
    ...init,
    summary: init.summary + (where.symlinkNote ?? ""),
  });
}

function rollbackNote(rollbackErrors: unknown[]): string {
  if (!rollbackErrors.length) return "";
  return ` Undoing the partial link also failed (${
    rollbackErrors.map((e) => e instanceof Error ? e.message : String(e)).join("; ")
  }); the next bindlink create or remove in this namespace finishes the cleanup.`;
}

/**
 * The error to throw for `error`, met while doing `where`; `rollbackErrors` are failures of
 * the undo that followed (none: everything made was taken away again).
 *
 * @example
 * ```ts
 * import { explain } from "./failure.ts";
 * import { SystemCallError } from "./syscall.ts";
 *
 * const error = explain(new SystemCallError("move_mount", 16, "virtual path"), {
 *   operation: "create",
 *   virtualPath: "/srv/app",
 * });
 * console.log(error.code); // busy
 * ```
 */
export function explain(
  error: unknown,
  where: Where,
  rollbackErrors: unknown[] = [],
): BindLinkError {
  const leftover = rollbackNote(rollbackErrors);
  // Found while reading the state or a name from the kernel: told as a failure of this call.
  if ((error instanceof UntrustedStateError || error instanceof NotUtf8NameError) && !leftover) {
    return error.during(where.operation, where.virtualPath, where.backingPath);
  }
  if (error instanceof BindLinkError) {
    if (!leftover) return error;
    return new BindLinkError({
      ...error,
      hint: error.hint + leftover,
      cause: error,
    });
  }
  if (error instanceof SystemCallError) {
    const meaning = explainErrno(error.errno, where.operation, {
      role: error.role,
      call: error.call,
      merged: where.merged,
    });
    return refusal(where, {
      ...meaning,
      hint: meaning.hint + leftover,
      errno: error.errno,
      errnoName: errnoName(error.errno),
      systemMessage: strerror(error.errno),
      cause: error,
    });
  }
  if (error instanceof ExplainedFailure) {
    return refusal(where, { ...error.meaning, hint: error.meaning.hint + leftover, cause: error });
  }
  if (error instanceof LockHeldByAsyncCallError) {
    return refusal(where, {
      code: "busy",
      summary: "an unfinished asynchronous bindlink call of this process holds the lock",
      hint: "Await that call before making a blocking one.",
      cause: error,
    });
  }
  // A file operation of Deno's (a mount point, a work folder, a record) failed.
  const call = aboutRole(error);
  if (call !== error) return explain(call, where, rollbackErrors);
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return refusal(where, {
      code: "access-denied",
      summary: "Deno's permissions do not cover what the link needs",
      hint: "Run with --allow-ffi --allow-read --allow-write: bindlink calls libc, reads both " +
        "paths, and writes mount points, work folders and its state folder." + leftover,
      systemMessage: error.message,
      cause: error,
    });
  }
  return refusal(where, {
    code: "unknown",
    summary: "an unexpected error stopped the operation",
    hint: (leftover ? "" : "Everything the call had made was taken away again. ") +
      "Report this message if it persists." + leftover,
    systemMessage: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}

/**
 * Refuses, with `access-denied` and in words, a process that is not root: `what` needs root
 * (`"bind mounts need root"`). Nothing has been done when it throws.
 *
 * @example
 * ```ts
 * import { requireRoot } from "./failure.ts";
 *
 * requireRoot({ operation: "apply", virtualPath: "" }, "changing links needs root");
 * ```
 */
export function requireRoot(where: Where, what: string): void {
  let uid: number;
  try {
    uid = effectiveUid();
  } catch (error) {
    throw explain(error, where); // libc could not be opened: too narrow Deno permissions
  }
  if (uid === 0) return;
  throw new BindLinkError({
    operation: where.operation,
    virtualPath: where.virtualPath || undefined,
    backingPath: where.backingPath,
    code: "access-denied",
    summary: `${what}, and this process runs as uid ${uid}`,
    hint: RUN_AS_ROOT,
  });
}
