/**
 * Whether bindlink's Linux state (its lock, intent records and link records) is root's alone,
 * before anything in it is believed: a record tells a root bindlink what to delete and unmount,
 * so one that another user could write or swap would be an order from that user.
 *
 * Two layers, both cheap: once per command (per process) the path from `/` to the state
 * folder passes the trust rule's folder test (lib/trust/linux_trust.ts: root-owned, writable by
 * no one else unless sticky with a root-owned entry below, no symlink on the way), and the
 * state folder and the namespace's folder are root's with mode 0700; then every folder and
 * record bindlink opens anyway is checked on the descriptor it opened (`statx` with
 * `AT_EMPTY_PATH`): folders root-owned with no access for group or others, records root-owned
 * with no access for group or others and one hard link (a second name would be a way to
 * change the record from elsewhere). Anything else stops the command with what to fix.
 *
 * @module
 */
import path from "../posix_path.ts";
import { BindLinkError, type BindLinkOperation } from "../errors.ts";
import { checkLinuxFile } from "../trust/linux_trust.ts";
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  S_IFDIR,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  STATX_MODE,
  STATX_NLINK,
  STATX_TYPE,
  STATX_UID,
} from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { errno, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { ENOENT } = ERRNO;

/** Where the state is, what is wrong with it, and the command that fixes it. */
export interface StateProblem {
  /** The folder or record that cannot be trusted. */
  readonly path: string;
  /** What is wrong with it, in plain words (`is mode 1777`). */
  readonly problem: string;
  /** What fixes it (`chmod 700 /run/bindlink`). */
  readonly fix: string;
}

/**
 * bindlink's state cannot be trusted: a `BindLinkError` with code `untrusted`, naming the
 * folder or record and what fixes it. Thrown before anything in the state is acted on.
 *
 * @example
 * ```ts
 * import { UntrustedStateError } from "./state_trust.ts";
 *
 * const error = new UntrustedStateError({
 *   path: "/run/bindlink",
 *   problem: "is mode 1777: every user can write into it",
 *   fix: "chmod 700 /run/bindlink",
 * });
 * console.log(error.code); // untrusted
 * ```
 */
export class UntrustedStateError extends BindLinkError {
  /** The folder or record, its problem and its fix. */
  readonly state: StateProblem;

  /** The error for `state`, met during `operation` (default `list`: reading the state). */
  constructor(
    state: StateProblem,
    operation: BindLinkOperation = "list",
    virtualPath?: string,
    backingPath?: string,
  ) {
    super({
      code: "untrusted",
      operation,
      virtualPath,
      backingPath,
      summary: `bindlink's state cannot be trusted: ${state.path} ${state.problem}`,
      hint: `bindlink acts only on state that root alone can change, and changes nothing ` +
        `until it is: ${state.fix}.`,
    });
    this.name = "UntrustedStateError";
    this.state = state;
  }

  /** The same problem, told as a failure of `operation` on `virtualPath` (and `backingPath`). */
  during(
    operation: BindLinkOperation,
    virtualPath?: string,
    backingPath?: string,
  ): UntrustedStateError {
    return new UntrustedStateError(this.state, operation, virtualPath || undefined, backingPath);
  }
}

// statx fills one buffer (calls are synchronous); only the fields read below are asked for.
const statxBuffer = new Uint8Array(256);
const statxView = new DataView(statxBuffer.buffer);
const EMPTY = new Uint8Array(1);

interface Ownership {
  mode: number;
  uid: number;
  nlink: number;
}

function ownership(dirfd: number, name: string, what: string): Ownership | undefined {
  const flags = name === "" ? AT_EMPTY_PATH : AT_SYMLINK_NOFOLLOW;
  const mask = STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID;
  if (libc().statx(dirfd, name === "" ? EMPTY : cString(name), flags, mask, statxBuffer) !== 0) {
    const code = errno();
    if (code === ENOENT) return undefined;
    throw new SystemCallError(`statx(${what})`, code);
  }
  return {
    nlink: statxView.getUint32(16, true),
    uid: statxView.getUint32(20, true),
    mode: statxView.getUint16(28, true),
  };
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

function quote(file: string): string {
  return /^[\w@%+=:,./-]+$/.test(file) ? file : `'${file.replaceAll("'", `'\\''`)}'`;
}

function folderProblem(at: string, facts: Ownership): StateProblem | undefined {
  if ((facts.mode & S_IFMT) === S_IFLNK) {
    return {
      path: at,
      problem: "is a symlink, which could lead anywhere",
      fix:
        "give bindlink the real folder, or replace the symlink with a folder only root can write",
    };
  }
  if ((facts.mode & S_IFMT) !== S_IFDIR) {
    return {
      path: at,
      problem: "is not a folder",
      fix: `move it away (mv ${quote(at)} ${quote(`${at}.untrusted`)}) and run the command again`,
    };
  }
  if (facts.uid !== 0) {
    return {
      path: at,
      problem: `belongs to uid ${facts.uid}, not root`,
      fix: `check what is in it, then make it root's: chown -R root:root ${quote(at)} && ` +
        `chmod 700 ${quote(at)}`,
    };
  }
  if ((facts.mode & 0o7077) !== 0) {
    return {
      path: at,
      problem: `is mode ${octal(facts.mode)}, not 0700: others can reach what is in it`,
      fix: `chmod 700 ${quote(at)}`,
    };
  }
  return undefined;
}

function recordProblem(file: string, facts: Ownership): StateProblem | undefined {
  if ((facts.mode & S_IFMT) !== S_IFREG) {
    return { path: file, problem: "is not a plain file", fix: `remove it: rm ${quote(file)}` };
  }
  if (facts.uid !== 0) {
    return {
      path: file,
      problem: `belongs to uid ${facts.uid}: bindlink did not write it`,
      fix: `remove it: rm ${quote(file)}`,
    };
  }
  if (facts.nlink !== 1) {
    return {
      path: file,
      problem: `has ${facts.nlink} hard links: another name can change it`,
      fix: `remove it (rm ${quote(file)}) after checking where its other names are`,
    };
  }
  if ((facts.mode & 0o7077) !== 0) {
    return {
      path: file,
      problem: `is mode ${octal(facts.mode)}, not 0600`,
      fix: `chmod 600 ${quote(file)}`,
    };
  }
  return undefined;
}

/**
 * Checks a folder of the state on the descriptor bindlink opened it as: root's, mode 0700.
 *
 * @throws {UntrustedStateError} when it is not.
 *
 * @example
 * ```ts
 * import { assertStateFolder } from "./state_trust.ts";
 * declare const fd: number; // the state folder, opened to read its entries
 * assertStateFolder(fd, "/run/bindlink");
 * ```
 */
export function assertStateFolder(fd: number, at: string): void {
  const problem = folderProblem(at, ownership(fd, "", at)!);
  if (problem) throw new UntrustedStateError(problem);
}

/**
 * Checks a record of the state on the descriptor bindlink opened to read it: a plain file,
 * root's, mode 0600, one hard link.
 *
 * @throws {UntrustedStateError} when it is not.
 *
 * @example
 * ```ts
 * import { assertStateRecord } from "./state_trust.ts";
 * declare const fd: number; // a record, opened to read it
 * assertStateRecord(fd, "/run/bindlink/example.intent.json");
 * ```
 */
export function assertStateRecord(fd: number, file: string): void {
  const problem = recordProblem(file, ownership(fd, "", file)!);
  if (problem) throw new UntrustedStateError(problem);
}

/**
 * Checks the lock file, opened with Deno's file API, as {@linkcode assertStateRecord} checks a
 * record: a holder's line in it is printed to users, and it decides who waits for whom.
 *
 * @example
 * ```ts
 * import { assertStateLockFile } from "./state_trust.ts";
 * using file = Deno.openSync("/run/bindlink/example/lock", { read: true });
 * assertStateLockFile(file, "/run/bindlink/example/lock");
 * ```
 */
export function assertStateLockFile(file: Deno.FsFile, at: string): void {
  const info = file.statSync();
  const problem = recordProblem(at, {
    mode: (info.mode ?? 0o777) & 0o7777 | (info.isFile ? S_IFREG : 0),
    uid: info.uid ?? -1,
    nlink: info.nlink ?? 0,
  });
  if (problem) throw new UntrustedStateError(problem);
}

/**
 * The check of the state's place, once per command: the state folder and the namespace's
 * folder (`folders`, outermost first, each inside the one before) are root's with mode 0700,
 * and the path from `/` to the first passes the trust rule with no symlink on it. A folder
 * that does not exist yet is made (mode 0700) when `make` is set, else nothing below it can
 * be read, so the check ends there.
 *
 * @returns Whether the state folder exists (and so was checked).
 * @throws {UntrustedStateError} naming the first problem and its fix.
 *
 * @example
 * ```ts
 * import { verifyStatePlace } from "./state_trust.ts";
 * verifyStatePlace(["/run/bindlink", "/run/bindlink/<boot>.<ns>"], true);
 * ```
 */
export function verifyStatePlace(folders: readonly string[], make: boolean): boolean {
  const top = path.posix.resolve(folders[0]);
  let facts = ownership(AT_FDCWD, top, top);
  if (!facts) {
    if (!make) return false;
    Deno.mkdirSync(top, { recursive: true, mode: 0o700 });
    facts = ownership(AT_FDCWD, top, top)!;
  }
  const own = folderProblem(top, facts);
  if (own) throw new UntrustedStateError(own);
  const { realPath, findings } = checkLinuxFile(top, {});
  if (realPath !== top) {
    throw new UntrustedStateError({
      path: top,
      problem: `leads through a symlink to ${realPath}`,
      fix: `give bindlink the real folder (${quote(realPath)}), or replace the symlink on ` +
        "the way with a folder only root can write",
    });
  }
  const above = findings.find((finding) => finding.path !== top);
  if (above) {
    throw new UntrustedStateError({
      path: top,
      problem: `is in ${above.path}, which ${above.who} can change`,
      fix: above.fix.replace(/^sudo /, ""),
    });
  }
  for (const folder of folders.slice(1)) {
    const inner = ownership(AT_FDCWD, folder, folder);
    if (!inner) break; // made by this command, mode 0700, inside a folder only root reaches
    const problem = folderProblem(folder, inner);
    if (problem) throw new UntrustedStateError(problem);
  }
  return true;
}
