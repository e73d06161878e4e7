/**
 * Which platform the plain functions use: chosen from the operating system Deno was built
 * for, never from anything the environment holds.
 *
 * @module
 */
import { linuxPlatform } from "./linux/platform.ts";
import type { Platform } from "./platform.ts";
import { unsupportedPlatform } from "./unsupported_platform.ts";
import { windowsPlatform } from "./windows/platform.ts";

/**
 * The platform for this operating system: Windows bind links on Windows, bind mounts on
 * Linux, and an `unsupported-platform` error everywhere else.
 *
 * @example
 * ```ts
 * import { defaultPlatform } from "@bindlink/bindlink";
 * console.log(defaultPlatform().name); // "windows" on Windows
 * ```
 */
export function defaultPlatform(): Platform {
  switch (Deno.build.os) {
    case "windows":
      return windowsPlatform();
    case "linux":
      return linuxPlatform();
    default:
      return unsupportedPlatform(Deno.build.os);
  }
}
