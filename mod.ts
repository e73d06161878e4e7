/**
 * Windows bind links for Deno: make a local virtual path show a backing path (local or a
 * network share), read-only or merged, with exceptions, without copying a byte. Calls the bind
 * link API of `System32\bindfltapi.dll` (Windows 11 24H2, Windows Server 2025 and later)
 * through `Deno.dlopen`.
 *
 * Run with `--allow-ffi` from an elevated prompt.
 *
 * On Linux the same API makes bind mounts (overlay mounts when merged) in the caller's mount
 * namespace: run as root with `--allow-ffi --allow-read --allow-write`. Paths are POSIX paths
 * (up to 4095 bytes, 255 per name, case-sensitive); symlinks are followed and the link is made
 * where they lead; a folder links over a folder and a file over a file. The async functions
 * do their work synchronously on Linux (errno is per thread).
 *
 * @example Redirect a folder for the length of a scope
 * ```ts
 * import { createBindLink } from "@bindlink/bindlink";
 *
 * await using link = await createBindLink("C:\\app\\data", "D:\\fixtures\\data", {
 *   readOnly: true,
 * });
 * // C:\app\data now shows D:\fixtures\data; the link goes when the scope ends.
 * ```
 *
 * @example The same on Linux (as root)
 * ```ts
 * import { createBindLink } from "@bindlink/bindlink";
 *
 * await using link = await createBindLink("/srv/app/data", "/srv/fixtures/data", {
 *   readOnly: true,
 * });
 * // /srv/app/data now shows /srv/fixtures/data until the scope ends.
 * ```
 *
 * @module
 */
export {
  BindLinkApi,
  createBindLink,
  createBindLinkSync,
  listBindLinks,
  listBindLinksSync,
  type ListOptions,
  removeBindLink,
  removeBindLinkSync,
} from "./lib/api.ts";
export { BindLink } from "./lib/bind_link.ts";
export { defaultPlatform } from "./lib/default_platform.ts";
export {
  BIND_LINK_ERROR_CODES,
  BindLinkError,
  type BindLinkErrorCode,
  type BindLinkErrorInit,
  type BindLinkOperation,
  type ErrorMeaning,
  formatHresult,
} from "./lib/errors.ts";
export type { BindLinkOptions } from "./lib/options.ts";
export type {
  PathLike,
  PathProblem,
  PathRole,
  PathRules,
  Resolved,
  ResolvedPath,
} from "./lib/paths.ts";
export type { BindLinkInfo, LinkSpec, Platform } from "./lib/platform.ts";
export { linuxPlatform } from "./lib/linux/platform.ts";
export type { LinuxPlatformOptions } from "./lib/linux/mounts.ts";
export type { ActStep, LinuxTestHooks } from "./lib/linux/test_hooks.ts";
export { applyBindLinks, type ApplyOptions } from "./lib/manifest/apply.ts";
export {
  type DownAction,
  downBindLinks,
  type DownOptions,
  type DownResult,
} from "./lib/manifest/down.ts";
export {
  DEFAULT_MANIFEST,
  loadManifest,
  loadManifestSync,
  type LoadOptions,
} from "./lib/manifest/load.ts";
export { ManifestError, type ManifestErrorInit } from "./lib/manifest/manifest_error.ts";
export { pruneBindLinks, type PruneOptions, type PruneResult } from "./lib/manifest/prune.ts";
export type { PendingOperation } from "./lib/manifest/recover.ts";
export { type ScopedOptions, withBindLinks } from "./lib/manifest/scoped.ts";
export type { StateOptions } from "./lib/manifest/session.ts";
export {
  bindLinkStatus,
  type LinkStatus,
  type StatusOptions,
  type StatusResult,
} from "./lib/manifest/status.ts";
export type {
  ApplyResult,
  LeftoverPath,
  LinkAction,
  LinkProblem,
  LinkResult,
  Manifest,
  ManifestDocument,
  ManifestLink,
  RecoveredOperation,
} from "./lib/manifest/types.ts";
export type { OwnerState, ProcessFacts } from "./lib/state/process_facts.ts";
export type { StateFiles } from "./lib/state/state_files.ts";
export type { StateLock, StateLockOptions } from "./lib/state/lock.ts";
export type { LockFileCheck, LockHolder } from "./lib/state/lock_file.ts";
export type { LockRequest, LockWait } from "./lib/state/lock_wait.ts";
export type { SettledPath, StatePlace, StateRequest } from "./lib/state/place.ts";
export { VERSION } from "./lib/version.ts";
export { windowsPlatform, type WindowsPlatformOptions } from "./lib/windows/platform.ts";
export type { WindowsVolume } from "./lib/windows/volumes.ts";
