/**
 * The trust rule on Linux, by owner and mode bits: a file is trusted when only root and the
 * allowed user can change it or replace it, or any folder on its real path.
 *
 * @module
 */
import path from "node:path";
import type { TrustFinding } from "./finding.ts";

/** Who may be able to change a trusted file. */
export interface LinuxTrustees {
  /** The uid allowed besides root (the login user), or undefined for root only. */
  readonly user?: number;
}

/** What the check found: the real path, and the problems (none when trusted). */
export interface LinuxTrustResult {
  /** The file with every symlink resolved. */
  readonly realPath: string;
  /** Each way someone else can change the file; empty when it is trusted. */
  readonly findings: TrustFinding[];
}

const S_ISVTX = 0o1000;
const GROUP_WRITE = 0o020;
const OTHER_WRITE = 0o002;

/** Names for uids and gids, from /etc/passwd and /etc/group, for messages. */
function nameTable(file: string): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of Deno.readTextFileSync(file).split("\n")) {
      const [name, , id] = line.split(":");
      if (name && id && /^\d+$/.test(id)) names.set(Number(id), name);
    }
  } catch {
    // Names only make the message friendlier; numbers are enough.
  }
  return names;
}

function describe(id: number, names: Map<number, string>, kind: "uid" | "gid"): string {
  const name = names.get(id);
  return name ? `${name} (${kind} ${id})` : `${kind} ${id}`;
}

/**
 * Checks one entry: the file, or a folder on its path. `child` is the entry below a folder,
 * so a sticky folder writable by others is accepted when that entry's owner is trusted.
 */
function checkEntry(
  entry: string,
  info: Deno.FileInfo,
  trustees: LinuxTrustees,
  childOwnerTrusted: boolean | undefined,
  names: { users: Map<number, string>; groups: Map<number, string> },
): TrustFinding[] {
  const findings: TrustFinding[] = [];
  const uid = info.uid ?? -1;
  const gid = info.gid ?? -1;
  const mode = info.mode ?? 0o777;
  const kind = info.isDirectory ? "folder" : "file";
  const trustedOwner = uid === 0 || (trustees.user !== undefined && uid === trustees.user);
  if (!trustedOwner) {
    findings.push({
      path: entry,
      kind,
      who: `its owner, ${describe(uid, names.users, "uid")}`,
      fix: `sudo chown root "${entry}"`,
    });
  }
  const sticky = info.isDirectory && (mode & S_ISVTX) !== 0;
  // A sticky folder lets others add entries but not rename or delete one they do not own.
  const stickyProtects = sticky && childOwnerTrusted === true;
  const octal = (mode & 0o7777).toString(8).padStart(4, "0");
  if ((mode & GROUP_WRITE) && gid !== 0 && !stickyProtects) {
    findings.push({
      path: entry,
      kind,
      who: `the members of group ${describe(gid, names.groups, "gid")} (mode ${octal})`,
      fix: `sudo chmod g-w "${entry}"`,
    });
  }
  if ((mode & OTHER_WRITE) && !stickyProtects) {
    findings.push({
      path: entry,
      kind,
      who: `every user (mode ${octal})`,
      fix: `sudo chmod o-w "${entry}"`,
    });
  }
  return findings;
}

/**
 * Applies the rule to `file`: resolves symlinks, opens the real file, checks that the file
 * opened is the one checked (same device and inode), then checks it and every folder up to
 * `/`. Returns the findings instead of throwing; {@linkcode checkTrustedFile} words them.
 *
 * @example
 * ```ts
 * import { checkLinuxFile } from "./linux_trust.ts";
 * const { findings } = checkLinuxFile("/etc/bindlink/startup.json", {});
 * if (findings.length) console.log("someone else can change it");
 * ```
 */
export function checkLinuxFile(file: string, trustees: LinuxTrustees): LinuxTrustResult {
  const realPath = Deno.realPathSync(file);
  const names = { users: nameTable("/etc/passwd"), groups: nameTable("/etc/group") };
  const findings: TrustFinding[] = [];
  let opened: Deno.FileInfo;
  {
    using handle = Deno.openSync(realPath, { read: true });
    opened = handle.statSync();
  }
  const checked = Deno.lstatSync(realPath);
  if (opened.dev !== checked.dev || opened.ino !== checked.ino) {
    findings.push({
      path: realPath,
      kind: "file",
      who: "someone who replaced it while bindlink was checking it",
      fix: "Find out who changes this file, then run the command again.",
    });
    return { realPath, findings };
  }
  findings.push(...checkEntry(realPath, opened, trustees, undefined, names));
  let child = opened;
  let dir = realPath;
  while (dir !== "/") {
    dir = path.posix.dirname(dir);
    const info = Deno.lstatSync(dir);
    const childUid = child.uid ?? -1;
    const childOwnerTrusted = childUid === 0 ||
      (trustees.user !== undefined && childUid === trustees.user);
    findings.push(...checkEntry(dir, info, trustees, childOwnerTrusted, names));
    child = info;
  }
  return { realPath, findings };
}
