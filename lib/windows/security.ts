/**
 * The ground every Windows security call stands on: advapi32 and kernel32 opened for the
 * length of one operation, the Win32Error those calls fail with, SIDs in their string form and
 * by account name, and descriptors built from SDDL. What a file's descriptor says is
 * file_security.ts's; who this process is, process_token.ts's. Windows only.
 *
 * @module
 */
import { advapi32Path, advapi32Symbols, SDDL_REVISION_1 } from "./advapi32_ffi.ts";
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
 * import { withSecurityLibraries } from "./security.ts";
 * import { tokenUserSid } from "./process_token.ts";
 *
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

/**
 * The pointer a Windows call wrote into `cell` (an out-parameter of pointer size), or null.
 *
 * @example
 * ```ts
 * import { pointerAt } from "./security.ts";
 *
 * const cell = new BigUint64Array(1); // filled in by, say, ConvertSidToStringSidW
 * console.log(pointerAt(cell)); // null until then
 * ```
 */
export function pointerAt(cell: BigUint64Array): Deno.PointerValue {
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
