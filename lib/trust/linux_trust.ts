/**
 * The trust rule on Linux, by owner, mode bits and POSIX ACLs: a file is trusted when only
 * root and the allowed user can change it or replace it, or any folder on its real path.
 *
 * @module
 */
import type { TrustFinding } from "./finding.ts";
import {
  closeEntry,
  type OpenedEntry,
  openEntry,
  readEntry,
  wasReplaced,
} from "./linux_descriptor.ts";
import { type AclWriter, groupOwnerWrites, parseAcl, untrustedWriters } from "./posix_acl.ts";

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
  /** With `read`, the file's bytes, read from the descriptor that was judged. */
  readonly bytes?: Uint8Array<ArrayBuffer>;
}

const S_ISVTX = 0o1000;
const GROUP_WRITE = 0o020;
const OTHER_WRITE = 0o002;

type Names = { users: Map<number, string>; groups: Map<number, string> };

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

/** The findings for the ACL entries that let someone untrusted write. */
function aclFindings(
  entry: string,
  kind: "file" | "folder",
  value: Uint8Array | undefined,
  which: "access" | "default",
  user: number | undefined,
  names: Names,
): TrustFinding[] {
  if (!value) return [];
  let writers: AclWriter[];
  try {
    writers = untrustedWriters(parseAcl(value), user);
  } catch (error) {
    return [{
      path: entry,
      kind,
      who: `whoever its ${which} ACL names (bindlink cannot read it: ${(error as Error).message})`,
      fix: `sudo setfacl ${which === "default" ? "-k" : "-b"} "${entry}"`,
    }];
  }
  const prefix = which === "default" ? "default:" : "";
  return writers.map((w) => {
    const short = w.kind === "user" ? "u" : "g";
    const name = (w.kind === "user" ? names.users : names.groups).get(w.id) ?? String(w.id);
    const who = w.kind === "user"
      ? `user ${describe(w.id, names.users, "uid")}`
      : `the members of group ${describe(w.id, names.groups, "gid")}`;
    const via = which === "default"
      ? `its default ACL entry ${prefix}${w.kind}:${name}:${w.perm}, given to what is made in it`
      : `its ACL entry ${w.kind}:${name}:${w.perm} (effective ${w.effective})`;
    return {
      path: entry,
      kind,
      who: `${who}, through ${via}`,
      fix: `sudo setfacl ${which === "default" ? "-d " : ""}-x ${short}:${name} "${entry}"`,
    };
  });
}

/**
 * Checks one entry: the file, or a folder on its path. `childOwnerTrusted` is about the entry
 * below a folder, so a sticky folder writable by others is accepted when that entry's owner is
 * trusted.
 */
function checkEntry(
  entry: string,
  info: OpenedEntry,
  trustees: LinuxTrustees,
  childOwnerTrusted: boolean | undefined,
  names: Names,
): TrustFinding[] {
  const findings: TrustFinding[] = [];
  const { uid, gid, mode } = info;
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
  const octal = mode.toString(8).padStart(4, "0");
  let access: ReturnType<typeof parseAcl> | undefined;
  try {
    access = info.accessAcl ? parseAcl(info.accessAcl) : undefined;
  } catch {
    // aclFindings below reports the unreadable ACL; the mode bits still count.
  }
  // With an ACL mask the mode's group bits are the mask; the group's own entry decides.
  const groupWrites = (access && groupOwnerWrites(access)) ?? (mode & GROUP_WRITE) !== 0;
  if (groupWrites && gid !== 0 && !stickyProtects) {
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
  if (!stickyProtects) {
    findings.push(...aclFindings(entry, kind, info.accessAcl, "access", trustees.user, names));
  }
  // What a default ACL gives, it gives to every new file in the folder, sticky or not.
  findings.push(...aclFindings(entry, kind, info.defaultAcl, "default", trustees.user, names));
  return findings;
}

/**
 * Applies the rule to `file`: resolves symlinks, then opens `/` and each folder of the real
 * path below the one before it (never following a symlink), and the file last, judging each
 * from its descriptor: owner, mode, ACLs. With `read`, the file's bytes come from that same
 * descriptor. Returns the findings instead of throwing; {@linkcode checkTrustedFile} words
 * them.
 *
 * @example
 * ```ts
 * import { checkLinuxFile } from "./linux_trust.ts";
 * const { findings } = checkLinuxFile("/etc/bindlink/startup.json", {});
 * if (findings.length) console.log("someone else can change it");
 * ```
 */
export function checkLinuxFile(
  file: string,
  trustees: LinuxTrustees,
  options: { read?: boolean } = {},
): LinuxTrustResult {
  const realPath = Deno.realPathSync(file);
  const names = { users: nameTable("/etc/passwd"), groups: nameTable("/etc/group") };
  const parts = realPath.split("/").filter(Boolean);
  const chain: { path: string; entry: OpenedEntry }[] = [];
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  try {
    chain.push({ path: "/", entry: openEntry(-1, "/", true) });
    for (const [i, name] of parts.entries()) {
      const last = i === parts.length - 1;
      const parent = chain[chain.length - 1].entry;
      const at = "/" + parts.slice(0, i + 1).join("/");
      chain.push({ path: at, entry: openEntry(parent.fd, name, !last) });
    }
    if (options.read) bytes = readEntry(chain[chain.length - 1].entry, realPath);
  } catch (error) {
    if (!wasReplaced(error)) throw error;
    // A name on the path turned into a symlink (or a file) after it was resolved.
    return {
      realPath,
      findings: [{
        path: realPath,
        kind: "file",
        who: "someone who replaced it while bindlink was checking it",
        fix: "Find out who changes this file, then run the command again.",
      }],
    };
  } finally {
    for (const { entry } of chain) closeEntry(entry);
  }
  // The file first, then its folders nearest first: the message shows the nearest places.
  const findings: TrustFinding[] = [];
  for (let i = chain.length - 1; i >= 0; i--) {
    const child = i === chain.length - 1 ? undefined : chain[i + 1].entry;
    const childOwnerTrusted = child &&
      (child.uid === 0 || (trustees.user !== undefined && child.uid === trustees.user));
    findings.push(...checkEntry(chain[i].path, chain[i].entry, trustees, childOwnerTrusted, names));
  }
  return { realPath, findings, bytes };
}
