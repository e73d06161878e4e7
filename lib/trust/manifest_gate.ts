/**
 * The gate `apply`, `down`, `status` and `run` pass a manifest through: when bindlink runs
 * elevated, it takes orders only from a manifest that administrators and the person who
 * started it alone can change (see {@linkcode checkTrustedFile}).
 *
 * @module
 */
import type { BindLinkOperation } from "../errors.ts";
import { isElevated } from "./elevation.ts";
import { checkTrustedFile } from "./trusted_file.ts";

/** How {@linkcode assertTrustedManifest} decides. */
export interface ManifestGateOptions {
  /** The command, for the error. Default `apply`. */
  readonly operation?: BindLinkOperation;
  /**
   * `--allow-untrusted-manifest`: skip the check, for a person who knows what they are doing.
   * The startup task never passes it.
   */
  readonly allowUntrusted?: boolean;
  /** Whether this process is elevated; default: asked of the system. Tests pass it. */
  readonly elevated?: boolean;
  /** Linux: the login uid allowed besides root; default `/proc/self/loginuid`. */
  readonly user?: number;
}

/**
 * Refuses, with a `BindLinkError` of code `untrusted`, a manifest that someone other than
 * administrators and the person running bindlink can change, when bindlink is elevated.
 * Returns the path to read the manifest from: its real path after the check (every symlink
 * resolved, every folder on it trusted, so it cannot be swapped), or `file` itself when no
 * check was needed.
 *
 * @example In a command, before loading the manifest
 * ```ts
 * import { assertTrustedManifest } from "./manifest_gate.ts";
 * const readFrom = assertTrustedManifest("bindlink.json", {
 *   operation: "apply",
 *   allowUntrusted: false, // --allow-untrusted-manifest
 * });
 * // load the manifest from readFrom; report it under the name the user gave.
 * ```
 */
export function assertTrustedManifest(file: string, options: ManifestGateOptions = {}): string {
  if (options.allowUntrusted) return file;
  if (!(options.elevated ?? isElevated())) return file;
  return checkTrustedFile(file, {
    role: "manifest",
    operation: options.operation ?? "apply",
    allowUser: true,
    user: options.user,
  }).realPath;
}
