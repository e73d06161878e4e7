/**
 * Windows paths as Windows reads them: one resolver turns what a user typed into the text
 * that goes to Windows, the identity every comparison uses, and the spelling bindlink reports.
 * The rules are those of the reference sheet ("How Windows reads a path"); they apply on
 * every host, so a script's paths are judged the same on a Linux build box. Only the identity
 * asks the file system, and only on Windows (see identity.ts).
 *
 * @module
 */
import {
  currentFolder,
  identityIsBelow,
  identityOf,
  type PathProblem,
  type PathRole,
  type PathRules,
  type Resolved,
} from "../paths.ts";
import { type LookupScope, type PlaceLookup, withPlaceLookup } from "./identity.ts";
import { ntFormLength, type Place, shownForm, textForWindows, win32Form } from "./place.ts";
import { parseWindowsPath, quote, refused } from "./path_syntax.ts";
import { upcaseOrdinal } from "./upcase.ts";

export { upcaseOrdinal };

/** Longest NT form (`\??\C:\...`, `\??\UNC\...`) Windows accepts, in UTF-16 units. */
export const WINDOWS_MAX_PATH = 32_767;

// Characters Win32 refuses in a name, control characters included.
// deno-lint-ignore no-control-regex
const FORBIDDEN = /[<>"|?*:/\x01-\x1f]/;

function checkNames(place: Place, said: string): { problem: PathProblem } | undefined {
  for (const name of place.names) {
    const bad = FORBIDDEN.exec(name);
    if (!bad) continue;
    const code = bad[0].charCodeAt(0);
    if (bad[0] === ":") {
      return refused(
        `${said} contains a colon outside the drive letter (in the name ${quote(name)})`,
        "Use a path of the form C:\\folder; a colon is only allowed after the drive letter.",
      );
    }
    const what = code < 0x20
      ? `control character U+${code.toString(16).padStart(4, "0").toUpperCase()}`
      : `character ${bad[0]}`;
    return refused(
      `${said} contains the ${what}, which Windows does not allow in a name`,
      'Remove the character; Windows names cannot contain < > " | ? * : / or control characters.',
    );
  }
  return undefined;
}

const NOT_LOCAL_HINT =
  "A virtual path must be local; only the backing path may be a share. Use a folder on a " +
  "local drive, such as C:\\links\\name.";

/**
 * Resolves `input` by Windows' rules against the current folder `cwd` (a full Windows path).
 * `lookup` answers the questions only the system can (drive letters of volumes, network
 * drives, where folders lead); by default the system's on Windows, none elsewhere.
 *
 * @example
 * ```ts
 * import { resolveWindowsPath } from "./paths.ts";
 * resolveWindowsPath("C:\\v .. ", "virtual path", "C:\\Users\\me");
 * // off Windows: { text: "C:\\v", identity: "C:\\V", shown: "C:\\v" }
 * ```
 */
export function resolveWindowsPath(
  input: string,
  role: PathRole,
  cwd: string | undefined,
  lookup?: PlaceLookup,
): Resolved {
  if (lookup === undefined) {
    return withPlaceLookup((system) => resolveWindowsPath(input, role, cwd, system));
  }
  const said = `the ${role} ${quote(input)}`;
  if (typeof input !== "string") return refused(`the ${role} is not a string`, "Pass a string.");
  const nul = input.indexOf("\0");
  if (nul >= 0) {
    return refused(
      `the ${role} contains a NUL character at position ${nul}`,
      "Paths cannot contain NUL characters; check how the path was built.",
    );
  }
  const parsed = parseWindowsPath(input, said, cwd);
  if ("problem" in parsed) return parsed;
  let place: Place;
  if ("ntPath" in parsed) {
    const mapped = lookup.placeOfDevicePath(parsed.ntPath);
    if (mapped === undefined) {
      return refused(
        `${said} names the NT device path ${parsed.ntPath}, which is no volume with a drive ` +
          "letter and no network share",
        "Write the path with its drive letter (C:\\...) or as \\\\?\\Volume{GUID}\\....",
      );
    }
    place = mapped;
  } else {
    place = parsed.place;
  }
  if (place.kind === "volume") {
    const drive = lookup.driveOfVolume(place.root);
    if (drive !== undefined) place = { kind: "drive", root: drive, names: place.names };
  }
  const bad = checkNames(place, said);
  if (bad) return bad;
  if (role === "virtual path") {
    if (place.kind === "unc") {
      return refused(`${said} is on a network share (${place.root})`, NOT_LOCAL_HINT);
    }
    if (place.kind === "drive" && lookup.isRemoteDrive(place.root)) {
      return refused(`${said} is on ${place.root}, a mapped network drive`, NOT_LOCAL_HINT);
    }
  }
  const ntLength = ntFormLength(place);
  if (ntLength > WINDOWS_MAX_PATH) {
    return refused(
      `the ${role} ${quote(input.slice(0, 40))}... is ${ntLength} characters long in its NT ` +
        `form (with \\??\\); Windows allows at most ${WINDOWS_MAX_PATH}`,
      "Use a shorter path.",
    );
  }
  const identity = lookup.identify(place);
  if (role === "virtual path" && identity.kind === "unc") {
    return refused(
      `${said} leads to the network share ${win32Form(identity)} (through a link or a ` +
        "substituted drive)",
      NOT_LOCAL_HINT,
    );
  }
  return {
    text: textForWindows(place),
    identity: upcaseOrdinal(win32Form(identity)),
    shown: shownForm(place),
  };
}

/**
 * The identity of a full Windows path that bindlink produced or listed: what
 * {@linkcode resolveWindowsPath} would give it. A string no rule can read is compared by its
 * upcased text.
 *
 * @example
 * ```ts
 * import { identifyWindowsPath } from "./paths.ts";
 * identifyWindowsPath("\\\\?\\c:\\Foo\\"); // "C:\\FOO" (off Windows)
 * ```
 */
export function identifyWindowsPath(path: string, lookup?: PlaceLookup): string {
  const resolved = resolveWindowsPath(path, "backing path", undefined, lookup);
  return resolved.problem ? upcaseOrdinal(path) : resolved.identity;
}

/**
 * True when `child` lies strictly below `parent`, by identity (strings are identified first).
 *
 * @example
 * ```ts
 * import { isBelowWindows } from "./paths.ts";
 * isBelowWindows("c:\\FOO\\bar", "C:\\foo"); // true
 * isBelowWindows("C:\\FooBar", "C:\\Foo"); // false
 * ```
 */
export function isBelowWindows(
  child: Parameters<PathRules["isBelow"]>[0],
  parent: Parameters<PathRules["isBelow"]>[1],
): boolean {
  return identityIsBelow(
    identityOf(windowsPathRules, child),
    identityOf(windowsPathRules, parent),
    "\\",
  );
}

// A drive's root (C:\ or C:/), a UNC or device path (\\server, \\?\, \\.\, //?/), or the
// NT prefix \??\; \foo (the current drive) and C:foo (drive C:'s own folder) are relative.
const ABSOLUTE = /^(?:[A-Za-z]:[\\/]|[\\/]{2}|\\\?\?\\)/;

/**
 * Windows path rules whose system questions `scope` answers: a platform told its drives (a
 * test double off Windows) passes a scope over `tableLookup` (identity.ts), so that a path on its
 * network drive is refused as Windows would refuse it.
 *
 * @example
 * ```ts
 * import { windowsPathRulesWith } from "./paths.ts";
 * import { tableLookup } from "./identity.ts";
 * const lookup = tableLookup([{ drive: "N:", device: "\\Device\\Mup\\nas\\media", local: false }]);
 * const rules = windowsPathRulesWith((use) => use(lookup));
 * rules.resolve("N:\\v", "virtual path", "C:\\"); // refused: a mapped network drive
 * ```
 */
export function windowsPathRulesWith(scope: LookupScope): PathRules {
  const rules: PathRules = {
    resolve: (input, role, cwd) =>
      scope((lookup) => resolveWindowsPath(input, role, currentFolder(cwd), lookup)),
    isAbsolute: (input) => ABSOLUTE.test(input),
    identify: (path) => scope((lookup) => identifyWindowsPath(path, lookup)),
    isBelow: (child, parent) =>
      identityIsBelow(identityOf(rules, child), identityOf(rules, parent), "\\"),
    same: (a, b) => identityOf(rules, a) === identityOf(rules, b),
    // Asked of `this`, so rules built on these with another identify answer by it.
    realPlace(path) {
      const identity = this.identify(path);
      return identity === upcaseOrdinal(path) ? path : identity;
    },
  };
  return rules;
}

/**
 * The Windows path rules of this host, as a platform's `paths`: kernel32 is asked on Windows,
 * nothing elsewhere.
 *
 * @example
 * ```ts
 * import { windowsPathRules } from "./paths.ts";
 * windowsPathRules.same("C:\\v.", "\\\\.\\c:\\V\\"); // true
 * ```
 */
export const windowsPathRules: PathRules = windowsPathRulesWith(withPlaceLookup);
