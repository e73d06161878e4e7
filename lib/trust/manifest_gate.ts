/**
 * The gate `apply`, `down`, `status` and `run` pass a manifest through: when bindlink runs
 * elevated, it takes orders only from a manifest that administrators and the person who
 * started it alone can change (see {@linkcode checkTrustedFile}).
 *
 * @module
 */
import type { BindLinkOperation } from "../errors.ts";
import { hostRule } from "./host_rule.ts";
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

/** Where to read a manifest from, after the gate. */
export interface GatedManifest {
  /**
   * Its real path after the check (every symlink resolved, every folder on it trusted), whose
   * folder relative paths resolve against; `file` itself when no check was needed.
   */
  readonly readFrom: string;
  /**
   * Linux, when checked: the bytes, read from the descriptor the check judged, so the text
   * obeyed is the text checked. Undefined: read {@linkcode GatedManifest.readFrom}.
   */
  readonly bytes?: Uint8Array<ArrayBuffer>;
}

/**
 * Refuses, with a `BindLinkError` of code `untrusted`, a manifest that someone other than
 * administrators and the person running bindlink can change, when bindlink is elevated.
 * Returns where to read it from (see {@linkcode GatedManifest}).
 *
 * @example In a command, before loading the manifest
 * ```ts
 * import { assertTrustedManifest } from "./manifest_gate.ts";
 * const { readFrom, bytes } = assertTrustedManifest("bindlink.json", {
 *   operation: "apply",
 *   allowUntrusted: false, // --allow-untrusted-manifest
 * });
 * // load the manifest from bytes (or readFrom); report it under the name the user gave.
 * ```
 */
export function assertTrustedManifest(
  file: string,
  options: ManifestGateOptions = {},
): GatedManifest {
  if (options.allowUntrusted) return { readFrom: file };
  if (!(options.elevated ?? hostRule.isElevated())) return { readFrom: file };
  const { realPath, bytes } = checkTrustedFile(file, {
    role: "manifest",
    operation: options.operation ?? "apply",
    allowUser: true,
    user: options.user,
    read: true,
  });
  return { readFrom: realPath, bytes };
}
