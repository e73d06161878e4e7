/**
 * The Linux backend as the library gives it: {@linkcode LinuxMounts} with the code that
 * changes links loaded from the start, so the blocking calls work at once.
 *
 * @module
 */
import type { Platform } from "../platform.ts";
import { createLink } from "./creation.ts";
import { checkCreateLink } from "./dry_check.ts";
import { LinuxMounts, type LinuxPlatformOptions } from "./mounts.ts";
import { recoverPending } from "./recovery.ts";
import { removeLink } from "./removal.ts";

/**
 * The Linux backend: bind links as bind mounts, merged links as overlay mounts, in the
 * calling process's mount namespace. Needs root, and `--allow-ffi --allow-read
 * --allow-write`. Its async operations run synchronously on the calling thread.
 *
 * @example
 * ```ts
 * import { BindLinkApi, linuxPlatform } from "@bindlink/bindlink";
 *
 * using api = new BindLinkApi(linuxPlatform());
 * await using link = await api.createBindLink("/srv/app/config", "/etc/app/staging", {
 *   readOnly: true,
 * });
 * ```
 */
export function linuxPlatform(options: LinuxPlatformOptions = {}): Platform {
  return new LinuxMounts(options, { createLink, removeLink, recoverPending, checkCreateLink });
}
