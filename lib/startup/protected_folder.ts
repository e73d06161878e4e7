/**
 * The folder that holds the startup task's manifest copy, its install record and its boot
 * log: `/etc/bindlink` (root, 0755) on Linux, `<ProgramData>\bindlink` (SYSTEM and
 * Administrators only) on Windows. Files are written into it atomically, owned by root
 * with mode 0644 on Linux; on Windows they inherit the folder's ACL.
 *
 * @module
 */
import path from "node:path";
import { BindLinkError } from "../errors.ts";
import { denoStateFiles } from "../state/state_files.ts";
import { checkTrustedFile } from "../trust/trusted_file.ts";
import { ensureProtectedWindowsFolder } from "../windows/program_data.ts";
import type { StartupOs } from "./program.ts";

function ensureLinuxFolder(folder: string): { created: boolean } {
  let info: Deno.FileInfo | undefined;
  try {
    info = Deno.lstatSync(folder);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const trustOptions = {
    role: "protected folder",
    operation: "startup",
    allowUser: false,
  } as const;
  if (!info) {
    // The folder above must already be root's alone, or the new folder could be swapped.
    checkTrustedFile(path.posix.dirname(folder), trustOptions);
    Deno.mkdirSync(folder, { mode: 0o755 });
    Deno.chownSync(folder, 0, 0);
    Deno.chmodSync(folder, 0o755); // mkdir's mode is masked by the umask
    return { created: true };
  }
  if (info.isSymlink || !info.isDirectory) {
    throw new BindLinkError({
      code: "untrusted",
      operation: "startup",
      summary: `${folder} is ${info.isSymlink ? "a symbolic link" : "not a folder"}`,
      hint: `bindlink keeps the startup manifest in a plain folder owned by root. Check what ` +
        `${folder} is, remove it, and run \`bindlink startup install\` again.`,
    });
  }
  checkTrustedFile(folder, trustOptions);
  return { created: false };
}

/**
 * Makes sure the protected folder exists and only administrators can change it; returns
 * whether it was made now.
 *
 * @example
 * ```ts
 * import { ensureProtectedFolder } from "./protected_folder.ts";
 * ensureProtectedFolder("/etc/bindlink", "linux");
 * ```
 */
export function ensureProtectedFolder(folder: string, os: StartupOs): { created: boolean } {
  return os === "windows" ? ensureProtectedWindowsFolder(folder) : ensureLinuxFolder(folder);
}

/**
 * Writes `data` to `file` in the protected folder atomically: a temporary file beside it,
 * owned by root and mode 0644 on Linux, renamed over the old one.
 *
 * @example
 * ```ts
 * import { writeProtectedFile } from "./protected_folder.ts";
 * writeProtectedFile("/etc/bindlink/startup.json", new TextEncoder().encode("{}"), "linux");
 * ```
 */
export function writeProtectedFile(file: string, data: Uint8Array, os: StartupOs): void {
  const temporary = `${file}.tmp`;
  try {
    Deno.removeSync(temporary);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (os === "linux") {
    using handle = Deno.openSync(temporary, { write: true, createNew: true, mode: 0o600 });
    Deno.chownSync(temporary, 0, 0);
    Deno.chmodSync(temporary, 0o644);
    let written = 0;
    while (written < data.length) written += handle.writeSync(data.subarray(written));
    handle.syncSync();
  } else {
    Deno.writeFileSync(temporary, data, { createNew: true });
  }
  Deno.renameSync(temporary, file);
}

/** The bytes of `file`, or undefined when it does not exist. */
export function readIfPresent(file: string): Uint8Array | undefined {
  try {
    return Deno.readFileSync(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Removes `file`; a file already gone is fine (`false`). */
export function removeIfPresent(file: string): boolean {
  return denoStateFiles.remove(file);
}
