/**
 * The CLI's default platform, imported only when a command needs it, and only this OS's
 * backend, so commands that change nothing start fast.
 *
 * @module
 */
import type { Platform } from "../platform.ts";

/** The platform for this operating system (see `defaultPlatform`), loaded on demand. */
export async function loadDefaultPlatform(): Promise<Platform> {
  switch (Deno.build.os) {
    case "windows":
      return (await import("../windows/platform.ts")).windowsPlatform();
    case "linux":
      return (await import("../linux/platform.ts")).linuxPlatform();
    default:
      return (await import("../unsupported_platform.ts")).unsupportedPlatform(Deno.build.os);
  }
}
