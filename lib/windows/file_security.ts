/**
 * What a file's or folder's security descriptor says, as the trust rule reads it: the owner
 * and the access-allowed ACEs that apply to the object itself, read by path or (to judge the
 * object really opened, not a path that may change under it) from one handle together with
 * where it really is. Windows only.
 *
 * @module
 */
import {
  ACCESS_ALLOWED_ACE_TYPE,
  ACCESS_ALLOWED_CALLBACK_ACE_TYPE,
  DACL_SECURITY_INFORMATION,
  INHERIT_ONLY_ACE,
  OWNER_SECURITY_INFORMATION,
  SE_FILE_OBJECT,
} from "./advapi32_ffi.ts";
import {
  accountName,
  pointerAt,
  type SecurityLibraries,
  sidString,
  Win32Error,
} from "./security.ts";
import {
  FILE_FLAG_BACKUP_SEMANTICS,
  FILE_READ_ATTRIBUTES,
  FILE_SHARE_ALL,
  isValidHandle,
  OPEN_EXISTING,
  READ_CONTROL,
} from "./kernel32_ffi.ts";
import { fromWide, wideString } from "./wide.ts";

/**
 * One access-allowed ACE that applies to the object itself.
 *
 * @example
 * ```ts
 * import type { AllowedAce } from "./file_security.ts";
 *
 * const usersRead: AllowedAce = { sid: "S-1-5-32-545", mask: 0x0012_0089 };
 * ```
 */
export interface AllowedAce {
  /** The trustee, as a string SID (`S-1-5-32-545`). */
  readonly sid: string;
  /** The access mask it grants. */
  readonly mask: number;
}

/**
 * The owner and the DACL of a file or folder.
 *
 * @example
 * ```ts
 * import type { FileSecurity } from "./file_security.ts";
 *
 * const adminsOnly: FileSecurity = {
 *   owner: "S-1-5-32-544",
 *   nullDacl: false,
 *   allowed: [{ sid: "S-1-5-18", mask: 0x001F_01FF }],
 * };
 * ```
 */
export interface FileSecurity {
  /** The owner's string SID. */
  readonly owner: string;
  /** True when the object has no DACL at all: everyone has every right. */
  readonly nullDacl: boolean;
  /** The access-allowed ACEs that apply to the object (inherit-only ones left out). */
  readonly allowed: readonly AllowedAce[];
}

// GetSecurityInfo and GetNamedSecurityInfoW: the object (a handle, a path), then the same seven.
type SecurityInfoCall<T> = (
  object: T,
  type: number,
  info: number,
  owner: BigUint64Array,
  group: null,
  dacl: BigUint64Array,
  sacl: null,
  descriptor: BigUint64Array,
) => number;

/**
 * The owner and the DACL of `object` as `get` (named `call`) reads them into a descriptor,
 * which is freed after.
 */
function securityFrom<T>(
  libs: SecurityLibraries,
  names: Map<string, string>,
  call: string,
  get: SecurityInfoCall<T>,
  object: T,
): FileSecurity {
  const owner = new BigUint64Array(1);
  const dacl = new BigUint64Array(1);
  const descriptor = new BigUint64Array(1);
  const info = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;
  const status = get(object, SE_FILE_OBJECT, info, owner, null, dacl, null, descriptor);
  if (status !== 0) throw new Win32Error(call, status);
  const sd = pointerAt(descriptor);
  try {
    const ownerSid = pointerAt(owner);
    if (!ownerSid) throw new Win32Error("GetSecurityInfo (no owner)", 1336);
    const ownerText = sidString(libs, ownerSid);
    const ownerName = accountName(libs, ownerSid);
    if (ownerName) names.set(ownerText, ownerName);
    const acl = pointerAt(dacl);
    if (!acl) return { owner: ownerText, nullDacl: true, allowed: [] };
    const count = new Deno.UnsafePointerView(acl).getUint16(4); // ACL.AceCount
    const allowed: AllowedAce[] = [];
    for (let i = 0; i < count; i++) {
      const cell = new BigUint64Array(1);
      if (!libs.advapi32.GetAce(acl, i, cell)) {
        throw new Win32Error("GetAce", libs.kernel32.GetLastError());
      }
      const ace = pointerAt(cell)!;
      const view = new Deno.UnsafePointerView(ace);
      const type = view.getUint8(0);
      const flags = view.getUint8(1);
      if (type !== ACCESS_ALLOWED_ACE_TYPE && type !== ACCESS_ALLOWED_CALLBACK_ACE_TYPE) continue;
      if (flags & INHERIT_ONLY_ACE) continue;
      const sid = Deno.UnsafePointer.offset(ace, 8)!; // ACCESS_ALLOWED_ACE.SidStart
      const text = sidString(libs, sid);
      if (!names.has(text)) {
        const name = accountName(libs, sid);
        if (name) names.set(text, name);
      }
      allowed.push({ sid: text, mask: view.getUint32(4) });
    }
    return { owner: ownerText, nullDacl: false, allowed };
  } finally {
    if (sd) libs.kernel32.LocalFree(sd);
  }
}

/**
 * The owner and DACL of the folder or file at `path`. `names` collects account names.
 *
 * @example
 * ```ts
 * import { securityOfPath } from "./file_security.ts";
 * import { withSecurityLibraries } from "./security.ts";
 *
 * const names = new Map<string, string>();
 * const security = withSecurityLibraries((libs) => securityOfPath(libs, "C:\\ProgramData", names));
 * console.log(security.owner, names.get(security.owner));
 * ```
 */
export function securityOfPath(
  libs: SecurityLibraries,
  path: string,
  names: Map<string, string>,
): FileSecurity {
  const { GetNamedSecurityInfoW } = libs.advapi32;
  return securityFrom(
    libs,
    names,
    "GetNamedSecurityInfoW",
    GetNamedSecurityInfoW,
    wideString(path),
  );
}

/**
 * A file or folder opened to read its descriptor, and where it really is.
 *
 * @example
 * ```ts
 * import type { OpenedFile } from "./file_security.ts";
 *
 * const describe = (file: OpenedFile) => `${file.realPath} (owner ${file.security.owner})`;
 * ```
 */
export interface OpenedFile {
  /** The final path, every junction and symlink resolved, without the `\\?\` prefix. */
  readonly realPath: string;
  /** Its owner and DACL, read from the handle: the object opened, not a path. */
  readonly security: FileSecurity;
}

/**
 * Strips the `\\?\` (or `\\?\UNC\`) prefix GetFinalPathNameByHandleW puts in front.
 *
 * @example
 * ```ts
 * import { plainFinalPath } from "./file_security.ts";
 *
 * console.log(plainFinalPath("\\\\?\\UNC\\srv\\share\\a")); // \\srv\share\a
 * ```
 */
export function plainFinalPath(final: string): string {
  if (final.startsWith("\\\\?\\UNC\\")) return "\\" + final.slice(7);
  if (final.startsWith("\\\\?\\")) return final.slice(4);
  return final;
}

/**
 * Opens `path` (following junctions and symlinks), reads where it really is and its
 * descriptor from the same handle, and closes it.
 *
 * @example
 * ```ts
 * import { openAndRead } from "./file_security.ts";
 * import { withSecurityLibraries } from "./security.ts";
 *
 * const opened = withSecurityLibraries((libs) =>
 *   openAndRead(libs, "C:\\ProgramData\\bindlink", new Map())
 * );
 * console.log(opened.realPath, opened.security.allowed);
 * ```
 */
export function openAndRead(
  libs: SecurityLibraries,
  path: string,
  names: Map<string, string>,
): OpenedFile {
  const handle = libs.kernel32.CreateFileW(
    wideString(path),
    READ_CONTROL | FILE_READ_ATTRIBUTES,
    FILE_SHARE_ALL,
    null,
    OPEN_EXISTING,
    FILE_FLAG_BACKUP_SEMANTICS,
    null,
  );
  if (!isValidHandle(handle)) {
    throw new Win32Error("CreateFileW", libs.kernel32.GetLastError());
  }
  try {
    const buffer = new Uint16Array(32_768);
    const length = libs.kernel32.GetFinalPathNameByHandleW(handle, buffer, buffer.length, 0);
    if (length === 0 || length >= buffer.length) {
      throw new Win32Error("GetFinalPathNameByHandleW", libs.kernel32.GetLastError());
    }
    const { GetSecurityInfo } = libs.advapi32;
    const security = securityFrom(libs, names, "GetSecurityInfo", GetSecurityInfo, handle);
    return { realPath: plainFinalPath(fromWide(buffer, length)), security };
  } finally {
    libs.kernel32.CloseHandle(handle);
  }
}
