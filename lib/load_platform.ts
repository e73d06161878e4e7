/**
 * This OS's platform, loaded on demand: only this OS's backend is imported, and on Linux
 * without the code that changes links until a change needs it, so the async entry points
 * that only look (the CLI's `list` and `status`, `bindLinkStatus`) start fast. The blocking
 * API needs everything at once and takes `defaultPlatform` (./default_platform.ts) instead.
 *
 * @module
 */
import type { Platform } from "./platform.ts";

/**
 * The platform for this operating system: Windows' bind links, Linux's mounts, or one that
 * refuses every call in words elsewhere.
 *
 * @example
 * ```ts
 * import { loadDefaultPlatform } from "./load_platform.ts";
 *
 * const platform = await loadDefaultPlatform();
 * console.log(platform.name, (await platform.list()).length);
 * platform.close();
 * ```
 */
export async function loadDefaultPlatform(): Promise<Platform> {
  switch (Deno.build.os) {
    case "windows":
      return (await import("./windows/platform.ts")).windowsPlatform();
    case "linux":
      return new (await import("./linux/mounts.ts")).LinuxMounts({});
    default:
      return (await import("./unsupported_platform.ts")).unsupportedPlatform(Deno.build.os);
  }
}
