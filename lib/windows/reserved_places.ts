/**
 * The places a Windows bind link must never cover: bindlink's own folder under ProgramData
 * (its locks and records), the folders holding it (ProgramData, the drive's root) and those
 * inside it. A link there would hide what bindlink needs to undo its links. They are told by
 * identity (upcased, links and short names followed), never by spelling; ProgramData itself
 * comes from SHGetKnownFolderPath, never from `%ProgramData%`.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import { identityIsBelow } from "../paths.ts";
import type { LinkSpec } from "../platform.ts";
import { withPlaceLookup } from "./identity.ts";
import { programDataFolder } from "./program_data.ts";
import { resolveWindowsPath } from "./paths.ts";

let stateFolder: string | undefined;

/**
 * Refuses, with `invalid-path` saying why, a link whose virtual path is bindlink's folder
 * `stateDir` (by default `<ProgramData>\bindlink`), holds it, or lies inside it.
 *
 * @example
 * ```ts
 * import { refuseStateFolder } from "./reserved_places.ts";
 * refuseStateFolder({
 *   virtualPath: "C:\\ProgramData",
 *   backingPath: "C:\\b",
 *   readOnly: false,
 *   merged: false,
 *   exceptions: [],
 * }); // throws invalid-path
 * ```
 */
export function refuseStateFolder(spec: LinkSpec, stateDir?: string): void {
  const folder = stateDir ?? (stateFolder ??= `${programDataFolder()}\\bindlink`);
  withPlaceLookup((lookup) => {
    const state = resolveWindowsPath(folder, "virtual path", undefined, lookup).identity;
    const virtual = resolveWindowsPath(spec.virtualPath, "virtual path", undefined, lookup)
      .identity;
    if (state === undefined || virtual === undefined) return; // the boundary check says why
    const summary = virtual === state
      ? `the virtual path is bindlink's state folder ${folder}`
      : identityIsBelow(state, virtual, "\\")
      ? `the virtual path holds bindlink's state folder ${folder}`
      : identityIsBelow(virtual, state, "\\")
      ? `the virtual path lies inside bindlink's state folder ${folder}`
      : undefined;
    if (summary === undefined) return;
    throw new BindLinkError({
      code: "invalid-path",
      operation: "create",
      virtualPath: spec.virtualPath,
      backingPath: spec.backingPath,
      summary,
      hint: "A link there would hide bindlink's locks and records, and bindlink could no " +
        "longer undo its links: pick another virtual path.",
    });
  });
}
