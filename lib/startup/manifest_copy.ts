/**
 * The manifest `startup install` copies: checked as the trust rule says (a manifest, which
 * the login user may own), read once from the descriptor the check judged, validated, and
 * turned into the protected copy's text, every path absolute as the boot run will read it.
 *
 * @module
 */
import path from "node:path";
import { BindLinkError } from "../errors.ts";
import { manifestFolder, parseManifest } from "../manifest/load.ts";
import type { LinkSpec, Platform } from "../platform.ts";
import { checkTrustedFile } from "../trust/trusted_file.ts";
import { bootPath } from "./boot_place.ts";
import { sha256 } from "./layout.ts";

/** Where the manifest is, and whose rules read it. */
export interface ManifestSource {
  /** The user's manifest. */
  readonly manifest: string;
  /** The platform whose path rules resolve the manifest's paths. */
  readonly platform: Platform;
  /** Linux: the login uid allowed to own the manifest; default `/proc/self/loginuid`. */
  readonly user?: number;
}

/** What the copy is made of. */
export interface ManifestCopy {
  /** The copy's text and its links, every path absolute. */
  readonly copy: { text: string; links: LinkSpec[] };
  /** The real file the copy was made from (every symlink resolved); status compares with it. */
  readonly source: string;
  /** SHA-256 of the user's manifest as read. */
  readonly sourceSha256: string;
}

/**
 * Checks, reads and validates `options.manifest` and works out its protected copy; nothing
 * is written. Throws `untrusted` for a manifest others can change, `invalid-argument` for
 * one that is not valid.
 *
 * @example
 * ```ts
 * import { readManifestCopy } from "./manifest_copy.ts";
 * import { linuxPlatform } from "../linux/platform.ts";
 *
 * const { copy, source } = await readManifestCopy(
 *   { manifest: "bindlink.json", platform: linuxPlatform() },
 *   "linux",
 * );
 * console.log(`${copy.links.length} links from ${source}`);
 * ```
 */
export async function readManifestCopy(
  options: ManifestSource,
  os: "linux" | "windows",
): Promise<ManifestCopy> {
  // Read once from the descriptor the check judged. Relative paths resolve against the real
  // file's folder, as `apply` does: through a user's symlink they would otherwise land in
  // that user's folder and be applied as root at every boot.
  const trusted = checkTrustedFile(options.manifest, {
    role: "manifest",
    operation: "startup",
    allowUser: true,
    user: options.user,
    read: true,
  });
  const bytes = trusted.bytes ?? Deno.readFileSync(trusted.realPath);
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new BindLinkError({
      code: "invalid-argument",
      operation: "startup",
      summary: `${options.manifest} is not valid JSON (${(error as Error).message})`,
      hint: "Fix the manifest; `bindlink apply --dry-run -f <file>` shows what is wrong.",
    });
  }
  const manifest = parseManifest(document, options.platform, {
    file: options.manifest,
    folder: manifestFolder(trusted.realPath, options.platform, "startup"),
    operation: "startup",
  });
  const copy = copyDocument(manifest.links, options.platform);
  // The record names the real file, so `startup status` compares against what was read.
  const source = absoluteFile(trusted.realPath, os);
  const sourceSha256 = await sha256(new Uint8Array(bytes));

  return { copy, source, sourceSha256 };
}

/** The copy's text and links: every path as the boot run will read it (bootPath). */
function copyDocument(
  links: readonly LinkSpec[],
  platform: Platform,
): { text: string; links: LinkSpec[] } {
  const boot = links.map((link) => ({
    ...link,
    virtualPath: bootPath(link.virtualPath, platform),
    backingPath: bootPath(link.backingPath, platform),
    exceptions: link.exceptions.map((e) => bootPath(e, platform)),
  }));
  const document = {
    links: boot.map((link) => ({
      virtual: link.virtualPath,
      backing: link.backingPath,
      readOnly: link.readOnly,
      merged: link.merged,
      exceptions: [...link.exceptions],
    })),
  };
  return { text: JSON.stringify(document, null, 2) + "\n", links: boot };
}

/** `file` made absolute against the current folder, by `os`'s path rules. */
function absoluteFile(file: string, os: "linux" | "windows"): string {
  const paths = os === "windows" ? path.win32 : path.posix;
  return paths.isAbsolute(file) ? paths.normalize(file) : paths.resolve(Deno.cwd(), file);
}
