/**
 * Security descriptors as the trust rule reads them: the owner and the access-allowed ACEs
 * that apply to a file or folder, the user and elevation of this process's token, and
 * descriptors built from SDDL. Windows only.
 *
 * @module
 */
import {
  ACCESS_ALLOWED_ACE_TYPE,
  ACCESS_ALLOWED_CALLBACK_ACE_TYPE,
  advapi32Path,
  advapi32Symbols,
  DACL_SECURITY_INFORMATION,
  INHERIT_ONLY_ACE,
  OWNER_SECURITY_INFORMATION,
  SDDL_REVISION_1,
  SE_FILE_OBJECT,
  TOKEN_ELEVATION_CLASS,
  TOKEN_QUERY,
  TOKEN_USER_CLASS,
} from "./advapi32_ffi.ts";
import { kernel32Symbols } from "./kernel32_ffi.ts";
import { system32Path } from "./system_root.ts";
import { fromWide, wideString } from "./wide.ts";

type Advapi32 = Deno.DynamicLibrary<typeof advapi32Symbols>["symbols"];
type Kernel32 = Deno.DynamicLibrary<typeof kernel32Symbols>["symbols"];

/** Both libraries, open for the length of one operation. */
export interface SecurityLibraries {
  /** advapi32.dll */
  readonly advapi32: Advapi32;
  /** kernel32.dll */
  readonly kernel32: Kernel32;
}

/** A Win32 error from a security call, with the call's name. */
export class Win32Error extends Error {
  /** Builds the error for `call` failing with `code`. */
  constructor(readonly call: string, readonly code: number) {
    super(`${call} failed with Win32 error ${code}`);
    this.name = "Win32Error";
  }
}

/**
 * Opens advapi32 and kernel32 from System32, runs `fn`, and closes them.
 *
 * @example
 * ```ts
 * import { withSecurityLibraries, tokenUserSid } from "./security.ts";
 * const sid = withSecurityLibraries(tokenUserSid);
 * ```
 */
export function withSecurityLibraries<T>(fn: (libs: SecurityLibraries) => T): T {
  const advapi32 = Deno.dlopen(advapi32Path(), advapi32Symbols);
  try {
    const kernel32 = Deno.dlopen(system32Path("kernel32.dll"), kernel32Symbols);
    try {
      return fn({ advapi32: advapi32.symbols, kernel32: kernel32.symbols });
    } finally {
      kernel32.close();
    }
  } finally {
    advapi32.close();
  }
}

/** One access-allowed ACE that applies to the object itself. */
export interface AllowedAce {
  /** The trustee, as a string SID (`S-1-5-32-545`). */
  readonly sid: string;
  /** The access mask it grants. */
  readonly mask: number;
}

/** The owner and the DACL of a file or folder. */
export interface FileSecurity {
  /** The owner's string SID. */
  readonly owner: string;
  /** True when the object has no DACL at all: everyone has every right. */
  readonly nullDacl: boolean;
  /** The access-allowed ACEs that apply to the object (inherit-only ones left out). */
  readonly allowed: readonly AllowedAce[];
}

const INVALID_HANDLE = 0xFFFF_FFFF_FFFF_FFFFn;
const READ_CONTROL = 0x0002_0000;
const FILE_READ_ATTRIBUTES = 0x80;
const FILE_SHARE_ALL = 0x7;
const OPEN_EXISTING = 3;
const FILE_FLAG_BACKUP_SEMANTICS = 0x0200_0000;

function pointerAt(cell: BigUint64Array): Deno.PointerValue {
  return Deno.UnsafePointer.create(cell[0]);
}

/** Reads a NUL-terminated UTF-16 string at `pointer`. */
function wideAt(pointer: Deno.PointerObject): string {
  const view = new Deno.UnsafePointerView(pointer);
  let length = 0;
  while (view.getUint16(length * 2) !== 0) length++;
  return fromWide(new Uint16Array(view.getArrayBuffer(length * 2)), length);
}

/** The string form of a SID in memory. */
export function sidString(libs: SecurityLibraries, sid: Deno.PointerObject): string {
  const out = new BigUint64Array(1);
  if (!libs.advapi32.ConvertSidToStringSidW(sid, out)) {
    throw new Win32Error("ConvertSidToStringSidW", libs.kernel32.GetLastError());
  }
  const text = pointerAt(out)!;
  try {
    return wideAt(text);
  } finally {
    libs.kernel32.LocalFree(text);
  }
}

/** `DOMAIN\name` for a SID, or undefined when it has no name here. */
export function accountName(libs: SecurityLibraries, sid: Deno.PointerObject): string | undefined {
  const name = new Uint16Array(256);
  const domain = new Uint16Array(256);
  const nameLength = new Uint32Array([name.length]);
  const domainLength = new Uint32Array([domain.length]);
  const use = new Uint32Array(1);
  const ok = libs.advapi32.LookupAccountSidW(
    null,
    sid,
    name,
    nameLength,
    domain,
    domainLength,
    use,
  );
  if (!ok) return undefined;
  const user = fromWide(name);
  const where = fromWide(domain);
  return where ? `${where}\\${user}` : user;
}

/**
 * Reads the owner and the DACL out of a descriptor that GetSecurityInfo or
 * GetNamedSecurityInfoW filled in, then frees it.
 */
function readDescriptor(
  libs: SecurityLibraries,
  owner: BigUint64Array,
  dacl: BigUint64Array,
  descriptor: BigUint64Array,
  names: Map<string, string>,
): FileSecurity {
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

/** The owner and DACL of the folder or file at `path`. `names` collects account names. */
export function securityOfPath(
  libs: SecurityLibraries,
  path: string,
  names: Map<string, string>,
): FileSecurity {
  const owner = new BigUint64Array(1);
  const dacl = new BigUint64Array(1);
  const descriptor = new BigUint64Array(1);
  const status = libs.advapi32.GetNamedSecurityInfoW(
    wideString(path),
    SE_FILE_OBJECT,
    OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
    owner,
    null,
    dacl,
    null,
    descriptor,
  );
  if (status !== 0) throw new Win32Error("GetNamedSecurityInfoW", status);
  return readDescriptor(libs, owner, dacl, descriptor, names);
}

/** A file or folder opened to read its descriptor, and where it really is. */
export interface OpenedFile {
  /** The final path, every junction and symlink resolved, without the `\\?\` prefix. */
  readonly realPath: string;
  /** Its owner and DACL, read from the handle: the object opened, not a path. */
  readonly security: FileSecurity;
}

/** Strips the `\\?\` (or `\\?\UNC\`) prefix GetFinalPathNameByHandleW puts in front. */
export function plainFinalPath(final: string): string {
  if (final.startsWith("\\\\?\\UNC\\")) return "\\" + final.slice(7);
  if (final.startsWith("\\\\?\\")) return final.slice(4);
  return final;
}

/**
 * Opens `path` (following junctions and symlinks), reads where it really is and its
 * descriptor from the same handle, and closes it.
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
  if (handle === null || BigInt(Deno.UnsafePointer.value(handle)) === INVALID_HANDLE) {
    throw new Win32Error("CreateFileW", libs.kernel32.GetLastError());
  }
  try {
    const buffer = new Uint16Array(32_768);
    const length = libs.kernel32.GetFinalPathNameByHandleW(handle, buffer, buffer.length, 0);
    if (length === 0 || length >= buffer.length) {
      throw new Win32Error("GetFinalPathNameByHandleW", libs.kernel32.GetLastError());
    }
    const owner = new BigUint64Array(1);
    const dacl = new BigUint64Array(1);
    const descriptor = new BigUint64Array(1);
    const status = libs.advapi32.GetSecurityInfo(
      handle,
      SE_FILE_OBJECT,
      OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
      owner,
      null,
      dacl,
      null,
      descriptor,
    );
    if (status !== 0) throw new Win32Error("GetSecurityInfo", status);
    return {
      realPath: plainFinalPath(fromWide(buffer, length)),
      security: readDescriptor(libs, owner, dacl, descriptor, names),
    };
  } finally {
    libs.kernel32.CloseHandle(handle);
  }
}

function withToken<T>(libs: SecurityLibraries, fn: (token: Deno.PointerObject) => T): T {
  const currentProcess = Deno.UnsafePointer.create(INVALID_HANDLE); // GetCurrentProcess()
  const cell = new BigUint64Array(1);
  if (!libs.advapi32.OpenProcessToken(currentProcess, TOKEN_QUERY, cell)) {
    throw new Win32Error("OpenProcessToken", libs.kernel32.GetLastError());
  }
  const token = pointerAt(cell)!;
  try {
    return fn(token);
  } finally {
    libs.kernel32.CloseHandle(token);
  }
}

/** The string SID of the user this process runs as (its token's user). */
export function tokenUserSid(libs: SecurityLibraries): string {
  return withToken(libs, (token) => {
    const buffer = new BigUint64Array(64); // TOKEN_USER and the SID it points into
    const needed = new Uint32Array(1);
    if (!libs.advapi32.GetTokenInformation(token, TOKEN_USER_CLASS, buffer, 512, needed)) {
      throw new Win32Error("GetTokenInformation(TokenUser)", libs.kernel32.GetLastError());
    }
    return sidString(libs, pointerAt(buffer)!); // TOKEN_USER.User.Sid
  });
}

/** Whether this process's token is elevated (TokenElevation.TokenIsElevated). */
export function tokenElevated(libs: SecurityLibraries): boolean {
  return withToken(libs, (token) => {
    const elevation = new Uint32Array(1);
    const needed = new Uint32Array(1);
    if (!libs.advapi32.GetTokenInformation(token, TOKEN_ELEVATION_CLASS, elevation, 4, needed)) {
      throw new Win32Error("GetTokenInformation(TokenElevation)", libs.kernel32.GetLastError());
    }
    return elevation[0] !== 0;
  });
}

/**
 * A self-relative security descriptor from SDDL, passed to `use` and freed after it.
 */
export function withSddlDescriptor<T>(
  libs: SecurityLibraries,
  sddl: string,
  use: (descriptor: Deno.PointerObject) => T,
): T {
  const cell = new BigUint64Array(1);
  const ok = libs.advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(
    wideString(sddl),
    SDDL_REVISION_1,
    cell,
    null,
  );
  if (!ok) {
    throw new Win32Error(
      "ConvertStringSecurityDescriptorToSecurityDescriptorW",
      libs.kernel32.GetLastError(),
    );
  }
  const descriptor = pointerAt(cell)!;
  try {
    return use(descriptor);
  } finally {
    libs.kernel32.LocalFree(descriptor);
  }
}
