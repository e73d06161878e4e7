/**
 * A place on Windows, held as parts (a root and the names below it) rather than as text, and
 * the spellings bindlink writes it in: the plain Win32 form, the verbatim `\\?\` form and the
 * NT form whose length Windows limits.
 *
 * @module
 */

/** A drive (`C:`), a share (`\\server\share`) or a volume without a drive letter. */
export type PlaceKind = "drive" | "unc" | "volume";

/** An absolute Windows place: no `.` or `..` among its names, no empty name. */
export interface Place {
  /** Which kind of root it has. */
  readonly kind: PlaceKind;
  /** `C:`, `\\server\share` or `\\?\Volume{GUID}`, with no trailing separator. */
  readonly root: string;
  /** The names below the root, outermost first. */
  readonly names: readonly string[];
}

/** Longest path (without its NUL) that Windows reads without `\\?\` when long paths are off. */
const PLAIN_LIMIT = 259;

/**
 * The Win32 spelling: `C:\a\b`, `C:\` for a drive root, `\\server\share\a`,
 * `\\?\Volume{GUID}\a`.
 *
 * @example
 * ```ts
 * import { win32Form } from "./place.ts";
 * win32Form({ kind: "drive", root: "C:", names: ["v"] }); // "C:\\v"
 * ```
 */
export function win32Form(place: Place): string {
  const below = place.names.join("\\");
  if (place.kind === "unc") return below ? `${place.root}\\${below}` : place.root;
  return `${place.root}\\${below}`;
}

/**
 * The verbatim spelling, which Windows passes on untouched: `\\?\C:\a`, `\\?\UNC\server\share\a`,
 * `\\?\Volume{GUID}\a`.
 *
 * @example
 * ```ts
 * import { verbatimForm } from "./place.ts";
 * verbatimForm({ kind: "unc", root: "\\\\srv\\share", names: ["a"] }); // "\\\\?\\UNC\\srv\\share\\a"
 * ```
 */
export function verbatimForm(place: Place): string {
  const win32 = win32Form(place);
  if (place.kind === "drive") return `\\\\?\\${win32}`;
  if (place.kind === "unc") return `\\\\?\\UNC\\${win32.slice(2)}`;
  return win32;
}

/**
 * Length in UTF-16 units of the NT form Windows builds from the path (`\??\C:\...` or
 * `\??\UNC\server\share\...`): the length Windows limits to 32,767.
 *
 * @example
 * ```ts
 * import { ntFormLength } from "./place.ts";
 * ntFormLength({ kind: "drive", root: "C:", names: ["v"] }); // 8, for \??\C:\v
 * ```
 */
export function ntFormLength(place: Place): number {
  const win32 = win32Form(place);
  if (place.kind === "drive") return 4 + win32.length;
  if (place.kind === "unc") return 8 + win32.length - 2;
  return win32.length;
}

/**
 * True when Windows reads the plain Win32 spelling as this very place: not when the last name
 * ends in a dot or a space (Win32 would trim it), nor for a volume with no drive letter.
 *
 * @example
 * ```ts
 * import { plainReadsSame } from "./place.ts";
 * plainReadsSame({ kind: "drive", root: "C:", names: ["v."] }); // false: C:\v. is read as C:\v
 * ```
 */
export function plainReadsSame(place: Place): boolean {
  if (place.kind === "volume") return false;
  const last = place.names.at(-1);
  return last === undefined || !/[. ]$/.test(last);
}

/**
 * What goes to Windows: the plain spelling when Windows reads it as this place without
 * needing long-path support, else the verbatim one.
 *
 * @example
 * ```ts
 * import { textForWindows } from "./place.ts";
 * textForWindows({ kind: "drive", root: "C:", names: ["v."] }); // "\\\\?\\C:\\v."
 * ```
 */
export function textForWindows(place: Place): string {
  const plain = win32Form(place);
  return plainReadsSame(place) && plain.length <= PLAIN_LIMIT ? plain : verbatimForm(place);
}

/**
 * How bindlink reports the place: the plain spelling whenever Windows reads it back as this
 * place, else the verbatim one (`\\?\C:\v.` names a folder called `v.`).
 *
 * @example
 * ```ts
 * import { shownForm } from "./place.ts";
 * shownForm({ kind: "drive", root: "C:", names: ["v"] }); // "C:\\v"
 * ```
 */
export function shownForm(place: Place): string {
  return plainReadsSame(place) ? win32Form(place) : verbatimForm(place);
}
