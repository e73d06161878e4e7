/**
 * The trust rule on Windows, by owner and DACL: a file is trusted when no one but SYSTEM,
 * Administrators, TrustedInstaller (and, where allowed, the user of this process's token)
 * owns it or holds a right that changes, deletes, renames or re-permissions it or a folder on
 * its real path. Rights that only add new entries to a folder (as users have in `C:\` and
 * ProgramData) do not count.
 *
 * @module
 */
import { type FileSecurity, openAndRead, securityOfPath } from "../windows/file_security.ts";
import { WIN32 } from "../windows/hresult.ts";
import { GENERIC_WRITE } from "../windows/kernel32_ffi.ts";
import { tokenElevated, tokenUserSid } from "../windows/process_token.ts";
import { Win32Error, withSecurityLibraries } from "../windows/security.ts";
import type { HostRule, TrustFinding } from "./finding.ts";

/** SIDs that are administrators by definition. */
export const ADMIN_SIDS: Readonly<Record<string, string>> = {
  "S-1-5-18": "NT AUTHORITY\\SYSTEM",
  "S-1-5-32-544": "BUILTIN\\Administrators",
  "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464": "NT SERVICE\\TrustedInstaller",
};

const FILE_WRITE_DATA = 0x2;
const FILE_APPEND_DATA = 0x4;
const FILE_DELETE_CHILD = 0x40;
const DELETE = 0x1_0000;
const WRITE_DAC = 0x4_0000;
const WRITE_OWNER = 0x8_0000;
const GENERIC_ALL = 0x1000_0000;

/** Rights on the file itself that let someone change or replace it. */
export const FILE_RIGHTS = FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE | WRITE_DAC | WRITE_OWNER |
  GENERIC_ALL | GENERIC_WRITE;
/**
 * Rights on a folder of the path that let someone rename or delete it or what it holds, or
 * give themselves those rights; adding entries (FILE_ADD_FILE, FILE_ADD_SUBDIRECTORY) is not
 * among them.
 */
export const FOLDER_RIGHTS = DELETE | WRITE_DAC | WRITE_OWNER | FILE_DELETE_CHILD | GENERIC_ALL;

const RIGHT_NAMES: readonly [number, string][] = [
  [GENERIC_ALL, "full control"],
  [GENERIC_WRITE, "write"],
  [FILE_WRITE_DATA, "write data"],
  [FILE_APPEND_DATA, "append data"],
  [DELETE, "delete"],
  [FILE_DELETE_CHILD, "delete what it holds"],
  [WRITE_DAC, "change permissions"],
  [WRITE_OWNER, "take ownership"],
];

/** The rights in `mask` among `relevant`, in words. */
export function describeRights(mask: number, relevant: number): string {
  return RIGHT_NAMES.filter(([bit]) => mask & bit & relevant).map(([, name]) => name).join(", ");
}

/**
 * Judges one descriptor: the owner must be trusted, and no one untrusted may hold one of
 * `rights`. Pure, so it is tested without Windows.
 */
export function judgeSecurity(
  entry: string,
  kind: "file" | "folder",
  security: FileSecurity,
  rights: number,
  trusted: ReadonlySet<string>,
  names: ReadonlyMap<string, string>,
): TrustFinding[] {
  const name = (sid: string) => names.get(sid) ?? ADMIN_SIDS[sid] ?? sid;
  const quoted = `"${entry}"`;
  const findings: TrustFinding[] = [];
  if (!trusted.has(security.owner)) {
    findings.push({
      path: entry,
      kind,
      who: `its owner, ${name(security.owner)}`,
      fix: `icacls ${quoted} /setowner *S-1-5-32-544 (from an elevated prompt)`,
    });
  }
  if (security.nullDacl) {
    findings.push({
      path: entry,
      kind,
      who: "everyone (it has no access control list)",
      fix: `icacls ${quoted} /reset`,
    });
  }
  const granted = new Map<string, number>();
  for (const ace of security.allowed) {
    if (trusted.has(ace.sid) || !(ace.mask & rights)) continue;
    granted.set(ace.sid, (granted.get(ace.sid) ?? 0) | ace.mask);
  }
  for (const [sid, mask] of granted) {
    findings.push({
      path: entry,
      kind,
      who: `${name(sid)} (${describeRights(mask, rights)})`,
      fix: `icacls ${quoted} /inheritance:d then icacls ${quoted} /remove:g *${sid}`,
    });
  }
  return findings;
}

/** The folders above `realPath`, nearest first, up to its root (`C:\`, `\\server\share\`). */
export function windowsFoldersAbove(realPath: string): string[] {
  // A real path is plain (see plainFinalPath): a drive's root or a share's is where it starts.
  let root = /^(?:[A-Za-z]:\\|\\\\[^\\]+\\[^\\]+\\?)/.exec(realPath)?.[0] ?? "";
  if (!root.endsWith("\\")) root += root ? "\\" : "";
  const names = realPath.slice(root.length).split("\\").filter(Boolean);
  const folders: string[] = [];
  for (let end = names.length - 1; end >= 0; end--) {
    folders.push(root + names.slice(0, end).join("\\"));
  }
  return folders;
}

/**
 * Applies the rule to `file` on Windows: opens it (following junctions and symlinks), reads
 * its real path and descriptor from that handle, then the descriptor of every folder above.
 *
 * @example
 * ```ts
 * import { checkWindowsFile } from "./windows_trust.ts";
 * const { findings } = checkWindowsFile("C:\\ProgramData\\bindlink\\startup.json", { allowUser: false });
 * ```
 */
export function checkWindowsFile(
  file: string,
  options: { allowUser: boolean },
): { realPath: string; findings: TrustFinding[] } {
  return withSecurityLibraries((libs) => {
    const names = new Map<string, string>();
    const trusted = new Set(Object.keys(ADMIN_SIDS));
    if (options.allowUser) trusted.add(tokenUserSid(libs));
    const opened = openAndRead(libs, file, names);
    const findings = judgeSecurity(
      opened.realPath,
      "file",
      opened.security,
      FILE_RIGHTS,
      trusted,
      names,
    );
    for (const folder of windowsFoldersAbove(opened.realPath)) {
      const security = securityOfPath(libs, folder, names);
      findings.push(...judgeSecurity(folder, "folder", security, FOLDER_RIGHTS, trusted, names));
    }
    return { realPath: opened.realPath, findings };
  });
}

/**
 * Windows' rule, for `hostRule` (./host_rule.ts): SYSTEM, Administrators and TrustedInstaller
 * are the administrators; elevation is the token's.
 *
 * @example
 * ```ts
 * import { windowsRule } from "./windows_trust.ts";
 * if (windowsRule.isElevated()) console.log("elevated");
 * ```
 */
export const windowsRule: HostRule = {
  admins: "SYSTEM and Administrators",
  separator: "\\",
  isElevated: () => withSecurityLibraries(tokenElevated),
  judge: (file, { allowUser }) => checkWindowsFile(file, { allowUser }),
  failure(error) {
    if (!(error instanceof Win32Error)) return undefined;
    if (error.code === WIN32.ERROR_FILE_NOT_FOUND || error.code === WIN32.ERROR_PATH_NOT_FOUND) {
      return "not-found";
    }
    return error.code === WIN32.ERROR_ACCESS_DENIED ? "access-denied" : undefined;
  },
};
