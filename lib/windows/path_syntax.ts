/**
 * How Win32 reads the spelling of a path, before any file system is asked: which prefix it
 * has, whether it is verbatim, how `/`, `.`, `..` and trailing dots and spaces are folded,
 * and which spellings name no folder at all (devices, drive-relative paths, raw NT paths).
 *
 * @module
 */
import type { PathProblem } from "../paths.ts";
import type { Place } from "./place.ts";

/** What a spelling names: a place, an NT device path to map (`\\?\GLOBALROOT\...`), or nothing. */
export type Parsed =
  | { place: Place }
  | { ntPath: string }
  | { problem: PathProblem };

const DRIVE = /^[A-Za-z]:$/;
const VOLUME =
  /^Volume\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/i;
// Device names Win32 reads as devices when they are the whole path, with any trailing dots
// and spaces, in any case (COM¹-COM³ are reserved too).
const RESERVED =
  /^(?:CON|PRN|AUX|NUL|COM[1-9\u00B9\u00B2\u00B3]|LPT[1-9\u00B9\u00B2\u00B3]|CONIN\$|CONOUT\$)[. ]*$/i;

/**
 * Quotes a path for a message as the user typed it: backslashes stay single, control
 * characters are shown as `\uXXXX`.
 *
 * @example
 * ```ts
 * import { quote } from "./path_syntax.ts";
 * quote("C:\\v\0"); // "\"C:\\v\\u0000\""
 * ```
 */
export function quote(text: string): string {
  // deno-lint-ignore no-control-regex
  const control = /[\x00-\x1f\x7f]/g;
  const visible = String(text).replace(
    control,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `"${visible}"`;
}

/**
 * A path refused, with what was wrong and what to do.
 *
 * @example
 * ```ts
 * import { refused } from "./path_syntax.ts";
 * refused("the path is empty", "Give a path."); // { problem: { summary, hint } }
 * ```
 */
export function refused(summary: string, hint: string): { problem: PathProblem } {
  return { problem: { summary, hint } };
}

/** Folds `.` and `..` (never above the root) and empty names; trims the last name's dots. */
function fold(names: readonly string[], trimLast: boolean): string[] {
  const out: string[] = [];
  for (const name of names) {
    if (name === "" || name === ".") continue;
    if (name === "..") out.pop();
    else out.push(name);
  }
  if (trimLast && out.length > 0) {
    const trimmed = out[out.length - 1].replace(/[. ]+$/, "");
    if (trimmed === "") out.pop();
    else out[out.length - 1] = trimmed;
  }
  return out;
}

/** Win32 trims the last name only when the path does not end in a separator (or `.`/`..`). */
function endsInSeparator(names: readonly string[]): boolean {
  const last = names.at(-1);
  return last === undefined || last === "" || last === "." || last === "..";
}

function normalized(
  kind: Place["kind"],
  root: string,
  names: readonly string[],
): { place: Place } {
  return { place: { kind, root, names: fold(names, !endsInSeparator(names)) } };
}

/** `\\?\...` and `\??\...`: taken literally, so only their shape can be checked. */
function parseVerbatim(input: string, said: string): Parsed {
  const prefix = input.slice(0, 4);
  const parts = input.slice(4).split("\\");
  const head = parts[0];
  let kind: Place["kind"];
  let root: string;
  let names: string[];
  if (DRIVE.test(head)) {
    if (parts.length === 1) {
      return refused(
        `${said} names the volume ${head} itself, not a folder on it`,
        `Write ${prefix}${head}\\ for its root folder.`,
      );
    }
    [kind, root, names] = ["drive", head.toUpperCase(), parts.slice(1)];
  } else if (/^[A-Za-z]:/.test(head)) {
    return refused(
      `${said} is a verbatim path with no separator after the drive ${head.slice(0, 2)}`,
      `Write ${prefix}${head.slice(0, 2)}\\${input.slice(6)}; a verbatim path is taken literally.`,
    );
  } else if (head.toUpperCase() === "UNC") {
    if (!parts[1] || !parts[2]) {
      return refused(
        `${said} names no share: a verbatim UNC path needs a server and a share`,
        `Write ${prefix}UNC\\server\\share\\folder.`,
      );
    }
    [kind, root, names] = ["unc", `\\\\${parts[1]}\\${parts[2]}`, parts.slice(3)];
  } else if (VOLUME.test(head)) {
    if (parts.length === 1) {
      return refused(
        `${said} names the volume itself, not a folder on it`,
        `Write ${input}\\ for its root folder.`,
      );
    }
    [kind, root, names] = ["volume", `\\\\?\\${head}`, parts.slice(1)];
  } else if (head.toUpperCase() === "GLOBALROOT" && parts.length > 1) {
    [kind, root, names] = ["drive", "", parts.slice(1)];
  } else {
    return refused(
      `${said} starts with ${prefix} but names no drive, share or volume after it`,
      `Write ${prefix}C:\\folder, ${prefix}UNC\\server\\share\\folder or ` +
        `${prefix}Volume{GUID}\\folder, or a plain path such as C:\\folder.`,
    );
  }
  if (names.length > 0 && names[names.length - 1] === "") names = names.slice(0, -1);
  if (names.includes("")) {
    return refused(
      `${said} has an empty name (two separators in a row), which a verbatim path keeps`,
      `Write it with single separators: ${prefix}${input.slice(4).replace(/\\{2,}/g, "\\")}.`,
    );
  }
  const dots = names.find((name) => name === "." || name === "..");
  if (dots !== undefined) {
    return refused(
      `${said} has a "${dots}" segment; a verbatim (${prefix}) path is taken literally, and no ` +
        `folder can be called "${dots}"`,
      `Drop the ${prefix} prefix to have "${dots}" folded, or write the folded path.`,
    );
  }
  if (root === "") return { ntPath: `\\${names.join("\\")}` };
  return { place: { kind, root, names } };
}

/** `\\.\...` and the other device spellings (`//?/`, `\\?/`): normalized like plain paths. */
function parseDevice(path: string, said: string): Parsed {
  const parts = path.slice(4).split("\\");
  const head = parts[0];
  if (DRIVE.test(head) && parts.length > 1) {
    return normalized("drive", head.toUpperCase(), parts.slice(1));
  }
  if (head.toUpperCase() === "UNC" && parts[1] && parts[2]) {
    return normalized("unc", `\\\\${parts[1]}\\${parts[2]}`, parts.slice(3));
  }
  if (VOLUME.test(head) && parts.length > 1) {
    return normalized("volume", `\\\\?\\${head}`, parts.slice(1));
  }
  if (head.toUpperCase() === "GLOBALROOT" && parts.length > 1) {
    return { ntPath: `\\${fold(parts.slice(1), !endsInSeparator(parts)).join("\\")}` };
  }
  return refused(
    `${said} names the device ${head || "(none)"}, not a folder`,
    "Write a folder path such as C:\\folder, \\\\?\\C:\\folder or \\\\server\\share\\folder.",
  );
}

function parseCwd(
  cwd: string | undefined,
  said: string,
): { place: Place } | { problem: PathProblem } {
  const base = cwd === undefined ? undefined : parseWindowsPath(cwd, `the current folder`);
  if (base !== undefined && "place" in base) return base;
  return refused(
    `${said} is relative, and there is no current Windows folder to resolve it against` +
      (cwd === undefined ? "" : ` (the current folder is ${quote(cwd)})`),
    "Give a full path, such as C:\\folder.",
  );
}

/**
 * Reads the spelling of `input` the way Win32 does; relative spellings are joined to `cwd`.
 *
 * @example
 * ```ts
 * import { parseWindowsPath } from "./path_syntax.ts";
 * parseWindowsPath("\\\\.\\C:\\a\\..\\v.", "the virtual path", undefined);
 * // { place: { kind: "drive", root: "C:", names: ["v"] } }
 * ```
 */
export function parseWindowsPath(input: string, said: string, cwd?: string): Parsed {
  // Exactly \\?\ or \??\ (backslashes only): verbatim, whatever follows.
  if (input.startsWith("\\\\?\\") || input.startsWith("\\??\\")) {
    return parseVerbatim(input, said);
  }
  const path = input.replaceAll("/", "\\");
  if (/^\\\\[.?](?:\\|$)/.test(path)) return parseDevice(path, said);
  if (path.startsWith("\\\\")) {
    const parts = path.slice(2).split("\\");
    if (!parts[0] || !parts[1]) {
      return refused(
        `${said} is a UNC path without a server and share name`,
        "Write network paths as \\\\server\\share\\folder.",
      );
    }
    return normalized("unc", `\\\\${parts[0]}\\${parts[1]}`, parts.slice(2));
  }
  if (/^[A-Za-z]:/.test(path)) {
    const drive = path.slice(0, 2).toUpperCase();
    if (path[2] === "\\") return normalized("drive", drive, path.slice(3).split("\\"));
    return refused(
      `${said} is relative to the current folder of drive ${drive}, which only the shell ` +
        "that started bindlink knows",
      `Give a full path, such as ${drive}\\${path.slice(2) || "folder"} if that is what you ` +
        "mean.",
    );
  }
  if (path.startsWith("\\")) {
    const names = path.slice(1).split("\\");
    if (names[0].toUpperCase() === "DEVICE" && names.length > 1) {
      return refused(
        `${said} is a raw NT device path, which Windows does not accept as a file path (it ` +
          "answers ERROR_PATH_NOT_FOUND)",
        `Write it with its drive letter, or as \\\\?\\GLOBALROOT${path}.`,
      );
    }
    const base = parseCwd(cwd, said);
    if ("problem" in base) return base;
    return normalized(base.place.kind, base.place.root, names);
  }
  if (RESERVED.test(path)) {
    const name = path.replace(/[. ]+$/, "");
    return refused(
      `${said} is the device name ${name.toUpperCase()}, which Windows reads as the device ` +
        `\\\\.\\${name.toUpperCase()}, never as a folder`,
      `Name the folder with a full path, such as ${
        cwd && !cwd.endsWith("\\") ? cwd : "C:\\folder"
      }\\${name}.`,
    );
  }
  const base = parseCwd(cwd, said);
  if ("problem" in base) return base;
  return normalized(base.place.kind, base.place.root, [
    ...base.place.names,
    ...path.split("\\"),
  ]);
}
