/**
 * The Windows answer to `Platform.statePlace`: the lock and operation records in the
 * protected ProgramData\bindlink\state folder, which only SYSTEM and Administrators can
 * write, so no ordinary user can hold the lock or forge a record.
 *
 * @module
 */
import { folderStatePlace, type StatePlace, type StateRequest } from "../state/place.ts";
import { ensureProtectedWindowsFolder, programDataFolder } from "./program_data.ts";

/**
 * The state place for `request`: its `stateDir` when given; otherwise, on Windows,
 * ProgramData\bindlink\state, and off Windows (a test double) none of its own.
 *
 * @example
 * ```ts
 * import { windowsStatePlace } from "./state_place.ts";
 *
 * const place = await windowsStatePlace({ forChange: true, operation: "apply", recordPrefix: "operation." });
 * console.log(place?.dir); // C:\ProgramData\bindlink\state
 * ```
 */
export async function windowsStatePlace(request: StateRequest): Promise<StatePlace | undefined> {
  if (request.stateDir !== undefined) return await folderStatePlace(request.stateDir, request);
  if (Deno.build.os !== "windows") return undefined;
  // Only a command that changes links makes the protected folder; one that only looks finds
  // no records when it is missing, and believes the ones there only when the folder is the
  // administrators' alone, as a changing command does.
  const folder = request.forChange ? protectedFolder() : existingProtectedFolder();
  return await folderStatePlace(`${folder}\\state`, request);
}

/**
 * ProgramData\\bindlink, checked (owned by SYSTEM or Administrators, not a reparse point) or
 * made with an ACL that lets only them write.
 */
function protectedFolder(): string {
  const folder = `${programDataFolder()}\\bindlink`;
  ensureProtectedWindowsFolder(folder);
  return folder;
}

/**
 * ProgramData\\bindlink for a command that only looks: checked as {@linkcode protectedFolder}
 * does when it exists, never made.
 */
function existingProtectedFolder(): string {
  const folder = `${programDataFolder()}\\bindlink`;
  let exists: boolean;
  try {
    Deno.lstatSync(folder);
    exists = true;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    exists = false;
  }
  // Gone between the two calls: the check makes it, protected, which is harmless.
  if (exists) ensureProtectedWindowsFolder(folder);
  return folder;
}
