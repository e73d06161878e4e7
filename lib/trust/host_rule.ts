/**
 * The trust rule of the operating system this process runs on, loaded alone: a Linux command
 * never loads Windows' security code, nor Windows' libc's. The rule follows the host, not the
 * platform value: a test double of Windows on Linux still reads Linux files.
 *
 * @module
 */
import type { HostRule } from "./finding.ts";

export type { HostRule } from "./finding.ts";

/**
 * The host's rule: Windows' on Windows, Linux's elsewhere (where it never finds bindlink
 * elevated, as only Linux and Windows have a backend).
 *
 * @example
 * ```ts
 * import { hostRule } from "./host_rule.ts";
 * if (hostRule.isElevated()) console.log(`running as ${hostRule.admins}`);
 * ```
 */
export const hostRule: HostRule = Deno.build.os === "windows"
  ? (await import("./windows_trust.ts")).windowsRule
  : (await import("./linux_rule.ts")).linuxRule;
