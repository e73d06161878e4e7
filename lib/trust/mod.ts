/**
 * The trust rule of an elevated bindlink, in one place: which files it reads or runs.
 *
 * @module
 */
export { isElevated } from "./elevation.ts";
export type { TrustFinding } from "./finding.ts";
export { loginUid } from "./login_user.ts";
export {
  assertTrustedManifest,
  type GatedManifest,
  type ManifestGateOptions,
} from "./manifest_gate.ts";
export {
  checkTrustedFile,
  checkTrustedTree,
  type TrustedFile,
  type TrustOptions,
} from "./trusted_file.ts";
