/**
 * Whether this process runs with administrator rights: root's effective uid on Linux (from
 * libc's `geteuid`), an elevated token on Windows (`TokenElevation`). The trust rule applies
 * only then: an unelevated bindlink can do no more than its user can anyway.
 *
 * @module
 */
import { effectiveUid } from "../linux/proc.ts";
import { tokenElevated } from "../windows/process_token.ts";
import { withSecurityLibraries } from "../windows/security.ts";

/**
 * True when this process is elevated: effective uid 0 on Linux, an elevated token on Windows.
 * Other systems have no bind link backend and report false.
 *
 * @example
 * ```ts
 * import { isElevated } from "./elevation.ts";
 * if (isElevated()) console.log("running as an administrator");
 * ```
 */
export function isElevated(os: string = Deno.build.os): boolean {
  if (os === "windows") return withSecurityLibraries(tokenElevated);
  if (os === "linux") return effectiveUid() === 0;
  return false;
}
