/**
 * Who this process is, from its token: the user it runs as and whether it is elevated. The
 * trust rule allows the user's own files; elevation decides whether the rule applies at all
 * and whether a link can be made. Windows only.
 *
 * @module
 */
import { TOKEN_ELEVATION_CLASS, TOKEN_QUERY, TOKEN_USER_CLASS } from "./advapi32_ffi.ts";
import { pointerAt, type SecurityLibraries, sidString, Win32Error } from "./security.ts";

// GetCurrentProcess() returns this pseudo-handle: (HANDLE)-1.
const CURRENT_PROCESS = 0xFFFF_FFFF_FFFF_FFFFn;

function withToken<T>(libs: SecurityLibraries, fn: (token: Deno.PointerObject) => T): T {
  const currentProcess = Deno.UnsafePointer.create(CURRENT_PROCESS);
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

/**
 * The string SID of the user this process runs as (its token's user).
 *
 * @example
 * ```ts
 * import { tokenUserSid } from "./process_token.ts";
 * import { withSecurityLibraries } from "./security.ts";
 *
 * console.log(withSecurityLibraries(tokenUserSid)); // S-1-5-21-…-1001
 * ```
 */
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

/**
 * Whether this process's token is elevated (TokenElevation.TokenIsElevated).
 *
 * @example
 * ```ts
 * import { tokenElevated } from "./process_token.ts";
 * import { withSecurityLibraries } from "./security.ts";
 *
 * if (!withSecurityLibraries(tokenElevated)) console.log("not elevated");
 * ```
 */
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
