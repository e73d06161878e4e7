/**
 * The protected folder of the startup task on Windows: `bindlink` under ProgramData, which
 * only SYSTEM and Administrators can write.
 *
 * ProgramData is found with SHGetKnownFolderPath, never from `%ProgramData%`, which the
 * caller controls. Ordinary users may create folders in ProgramData, so a `bindlink` folder
 * that is already there is used only when SYSTEM or Administrators own it, it is not a
 * junction or symlink, and no one else may change it; otherwise bindlink refuses and says
 * what to do. A new folder gets an explicit ACL, with nothing inherited.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import { INVALID_FILE_ATTRIBUTES } from "./kernel32_ffi.ts";
import { ole32Path, ole32Symbols } from "./ole32_ffi.ts";
import { type FileSecurity, securityOfPath } from "./file_security.ts";
import {
  type SecurityLibraries,
  Win32Error,
  withSddlDescriptor,
  withSecurityLibraries,
} from "./security.ts";
import { FOLDERID_PROGRAM_DATA, shell32Path, shell32Symbols } from "./shell32_ffi.ts";
import { fromWide, wideString } from "./wide.ts";
import { ADMIN_SIDS, FILE_RIGHTS, FOLDER_RIGHTS, judgeSecurity } from "../trust/windows_trust.ts";

/**
 * The folder's security: owned by Administrators; full control for SYSTEM and Administrators,
 * inherited by everything inside; `P` (protected) so nothing is inherited from ProgramData.
 */
export const PROTECTED_FOLDER_SDDL = "O:BAD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";

const FILE_ATTRIBUTE_DIRECTORY = 0x10;
const FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
const OWNERS = new Set(["S-1-5-18", "S-1-5-32-544"]);

/**
 * The ProgramData folder, from SHGetKnownFolderPath(FOLDERID_ProgramData).
 *
 * @example
 * ```ts
 * import { programDataFolder } from "./program_data.ts";
 * console.log(programDataFolder()); // C:\ProgramData
 * ```
 */
export function programDataFolder(): string {
  const shell32 = Deno.dlopen(shell32Path(), shell32Symbols);
  try {
    const ole32 = Deno.dlopen(ole32Path(), ole32Symbols);
    try {
      const cell = new BigUint64Array(1);
      const hresult = shell32.symbols.SHGetKnownFolderPath(FOLDERID_PROGRAM_DATA, 0, null, cell);
      const text = Deno.UnsafePointer.create(cell[0]);
      try {
        if (hresult < 0 || text === null) {
          throw new BindLinkError({
            code: "unknown",
            operation: "startup",
            hresult,
            summary: "Windows did not say where the ProgramData folder is",
            hint: "Check the Windows installation; bindlink does not guess it from %ProgramData%.",
          });
        }
        const view = new Deno.UnsafePointerView(text);
        let length = 0;
        while (view.getUint16(length * 2) !== 0) length++;
        return fromWide(new Uint16Array(view.getArrayBuffer(length * 2)), length);
      } finally {
        ole32.symbols.CoTaskMemFree(text);
      }
    } finally {
      ole32.close();
    }
  } finally {
    shell32.close();
  }
}

function refuse(folder: string, summary: string): never {
  throw new BindLinkError({
    code: "untrusted",
    operation: "startup",
    summary: `the folder ${folder} ${summary}`,
    hint: `bindlink did not make it this way, and the startup task must not read files that ` +
      `others can change. From an elevated prompt, check what it holds, delete it ` +
      `(rd /s "${folder}"), and run \`bindlink startup install\` again: bindlink then makes ` +
      "it with access for SYSTEM and Administrators only.",
  });
}

function createProtected(libs: SecurityLibraries, folder: string): void {
  withSddlDescriptor(libs, PROTECTED_FOLDER_SDDL, (descriptor) => {
    const attributes = new BigUint64Array(3); // SECURITY_ATTRIBUTES, 24 bytes on x64
    new DataView(attributes.buffer).setUint32(0, 24, true); // nLength
    attributes[1] = BigInt(Deno.UnsafePointer.value(descriptor)); // lpSecurityDescriptor
    // bInheritHandle (offset 16) stays FALSE.
    if (!libs.kernel32.CreateDirectoryW(wideString(folder), attributes)) {
      throw new Win32Error("CreateDirectoryW", libs.kernel32.GetLastError());
    }
  });
}

/**
 * Makes sure `folder` (`<ProgramData>\bindlink`) exists as a folder only SYSTEM and
 * Administrators can change: creates it with {@linkcode PROTECTED_FOLDER_SDDL}, or checks the
 * one already there. Returns whether it was created.
 *
 * @example
 * ```ts
 * import { ensureProtectedWindowsFolder, programDataFolder } from "./program_data.ts";
 * ensureProtectedWindowsFolder(`${programDataFolder()}\\bindlink`);
 * ```
 */
export function ensureProtectedWindowsFolder(folder: string): { created: boolean } {
  return withSecurityLibraries((libs) => {
    const problem = judgeFolder(libs, folder);
    if (problem === "missing") {
      createProtected(libs, folder);
      return { created: true };
    }
    if (problem !== undefined) refuse(folder, problem);
    return { created: false };
  });
}

/**
 * Why `folder` is not a folder only SYSTEM and Administrators can change (`missing` when there
 * is none), or undefined when it is: what a command that only reads bindlink's records asks
 * before it believes them. Creates nothing.
 *
 * @example
 * ```ts
 * import { programDataFolder, protectedFolderProblem } from "./program_data.ts";
 * console.log(protectedFolderProblem(`${programDataFolder()}\\bindlink`) ?? "protected");
 * ```
 */
export function protectedFolderProblem(folder: string): string | undefined {
  return withSecurityLibraries((libs) => judgeFolder(libs, folder));
}

function judgeFolder(libs: SecurityLibraries, folder: string): string | undefined {
  const attributes = libs.kernel32.GetFileAttributesW(wideString(folder));
  if (attributes === INVALID_FILE_ATTRIBUTES) return "missing";
  if (attributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    return "is a junction or symbolic link, which could lead anywhere";
  }
  if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) return "is a file, not a folder";
  const names = new Map<string, string>();
  const security = securityOfPath(libs, folder, names);
  if (!OWNERS.has(security.owner)) {
    return `already exists and is owned by ${names.get(security.owner) ?? security.owner}, ` +
      "not by SYSTEM or Administrators";
  }
  const others = judgeSecurity(
    folder,
    "folder",
    security,
    FILE_RIGHTS | FOLDER_RIGHTS,
    new Set(Object.keys(ADMIN_SIDS)),
    names,
  );
  return others.length
    ? `already exists and ${others.map((f) => f.who).join("; ")} can change it`
    : undefined;
}

/**
 * The owner and the allowed ACEs of `folder`, for tests and `startup status`.
 *
 * @example
 * ```ts
 * import { folderSecurity } from "./program_data.ts";
 * folderSecurity("C:\\ProgramData\\bindlink").owner; // "S-1-5-32-544"
 * ```
 */
export function folderSecurity(folder: string): FileSecurity {
  return withSecurityLibraries((libs) => securityOfPath(libs, folder, new Map()));
}
