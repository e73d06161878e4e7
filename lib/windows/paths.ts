/**
 * Windows path rules, applied the same way on every operating system so that a script's paths
 * are checked identically on a Linux build box and on the Windows machine that runs it.
 *
 * @module
 */
import path from "node:path";
import type { PathProblem, PathRole, PathRules, Resolved } from "../paths.ts";

/** Longest path, in UTF-16 code units, that Windows accepts with long-path support. */
export const WINDOWS_MAX_PATH = 32_767;

const VERBATIM = "\\\\?\\";
const DEVICE = "\\\\.\\";
const DRIVE_ABSOLUTE = /^[A-Za-z]:\\/;
const DRIVE_RELATIVE = /^([A-Za-z]):(?!\\)/;
// Characters Win32 refuses in a file name, control characters included.
// deno-lint-ignore no-control-regex
const FORBIDDEN = /[<>"|?*\x01-\x1f]/;

/**
 * Upper-cases one UTF-16 code unit at a time, as NTFS's upcase table does: a character whose
 * upper case is longer (German ß becomes SS) is left alone, so lengths never change.
 */
export function upcaseOrdinal(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text[i];
    const upper = unit.toUpperCase();
    out += upper.length === 1 ? upper : unit;
  }
  return out;
}

/** The root of an absolute Windows path: `C:\` or `\\server\share\`. */
function rootOf(absolute: string): string {
  return path.win32.parse(absolute).root || absolute.slice(0, 3);
}

/** Drops trailing separators, except the one of a drive root (`C:\`); `\\srv\share\` loses it. */
function stripTrailingSeparator(absolute: string): string {
  const root = rootOf(absolute);
  const keep = absolute.startsWith("\\\\") ? root.replace(/\\$/, "").length : root.length;
  let end = absolute.length;
  while (end > keep && absolute[end - 1] === "\\") end--;
  return absolute.slice(0, end);
}

function problem(summary: string, hint: string): { problem: PathProblem } {
  return { problem: { summary, hint } };
}

function checkCharacters(
  rest: string,
  role: PathRole,
  shown: string,
): { problem: PathProblem } | undefined {
  const bad = FORBIDDEN.exec(rest);
  if (bad) {
    const ch = bad[0].charCodeAt(0) < 0x20
      ? `control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`
      : `character ${bad[0]}`;
    return problem(
      `the ${role} ${shown} contains the ${ch}, which Windows does not allow in a path`,
      'Remove the character; Windows paths cannot contain < > " | ? * or control characters.',
    );
  }
  if (rest.includes(":")) {
    return problem(
      `the ${role} ${shown} contains a colon outside the drive letter`,
      "Use a path of the form C:\\folder; a colon is only allowed after the drive letter.",
    );
  }
  return undefined;
}

/**
 * Resolves a path by Windows rules: `/` becomes `\`, `.` and `..` are folded, a relative path
 * is joined to `cwd`, a rooted path (`\dir`) takes the drive of `cwd`, UNC paths are kept.
 * A drive-relative path (`D:dir`) on another drive than `cwd` resolves to that drive's root:
 * Windows would consult a hidden per-drive environment variable, and we never let the
 * environment steer an elevated tool.
 *
 * @example
 * ```ts
 * import { resolveWindowsPath } from "./paths.ts";
 * resolveWindowsPath("logs/../data", "virtual path", "C:\\Users\\me"); // { path: "C:\\Users\\me\\data" }
 * ```
 */
export function resolveWindowsPath(input: string, role: PathRole, cwd: string): Resolved {
  const shown = JSON.stringify(input);
  let p = input.replaceAll("/", "\\");
  if (p.startsWith(VERBATIM)) {
    // Windows hands \\?\ paths to the file system unchanged, so we do too.
    const rest = p.startsWith(VERBATIM + "UNC\\") ? p.slice(8) : p.slice(6);
    const bad = checkCharacters(rest, role, shown);
    if (bad) return bad;
    if (!/^[A-Za-z]:/.test(p.slice(4)) && !p.startsWith(VERBATIM + "UNC\\")) {
      return problem(
        `the ${role} ${shown} is a \\\\?\\ path that names neither a drive nor a UNC share`,
        "Use \\\\?\\C:\\folder or \\\\?\\UNC\\server\\share\\folder, or a plain path.",
      );
    }
    return finish(p, role, shown);
  }
  if (p.startsWith(DEVICE)) {
    return problem(
      `the ${role} ${shown} is a device path (\\\\.\\), which cannot take part in a bind link`,
      "Use a plain path such as C:\\folder.",
    );
  }
  if (p.startsWith("\\\\")) {
    const [server, share] = p.slice(2).split("\\");
    if (!server || !share) {
      return problem(
        `the ${role} ${shown} is a UNC path without a server and share name`,
        "Write network paths as \\\\server\\share\\folder.",
      );
    }
  } else {
    const driveRelative = DRIVE_RELATIVE.exec(p);
    if (driveRelative) {
      const drive = driveRelative[1].toUpperCase();
      const sameDrive = upcaseOrdinal(cwd.slice(0, 2)) === `${drive}:`;
      p = sameDrive ? `${cwd}\\${p.slice(2)}` : `${drive}:\\${p.slice(2)}`;
    } else if (p.startsWith("\\")) {
      p = rootOf(cwd) + p.slice(1);
    } else if (!DRIVE_ABSOLUTE.test(p)) {
      p = `${cwd}\\${p}`;
    }
  }
  const rootLength = rootOf(p).length;
  const bad = checkCharacters(p.slice(p.startsWith("\\\\") ? 2 : rootLength), role, shown);
  if (bad) return bad;
  return finish(stripTrailingSeparator(path.win32.normalize(p)), role, shown);
}

function finish(resolved: string, role: PathRole, shown: string): Resolved {
  if (resolved.length > WINDOWS_MAX_PATH) {
    return problem(
      `the ${role} ${
        shown.slice(0, 40)
      }... is ${resolved.length} characters long; Windows allows at most ${WINDOWS_MAX_PATH}`,
      "Use a shorter path.",
    );
  }
  return { path: resolved };
}

/** True when `child` lies strictly below `parent`, compared case-insensitively as NTFS does. */
export function isBelowWindows(child: string, parent: string): boolean {
  const c = upcaseOrdinal(child);
  const p = upcaseOrdinal(parent);
  const prefix = p.endsWith("\\") ? p : p + "\\";
  return c.length > prefix.length && c.startsWith(prefix);
}

/** The Windows path rules. */
export const windowsPathRules: PathRules = {
  resolve: resolveWindowsPath,
  isBelow: isBelowWindows,
  same: (a, b) => upcaseOrdinal(a) === upcaseOrdinal(b),
};
