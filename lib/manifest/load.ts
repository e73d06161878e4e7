/**
 * Reads a manifest file and validates it (see ./validate.ts); relative paths resolve against
 * the file's folder.
 *
 * @module
 */
import type { BindLinkError, BindLinkOperation } from "../errors.ts";
import type { Platform } from "../platform.ts";
import { ManifestError } from "./manifest_error.ts";
import type { Manifest } from "./types.ts";
import { FORMAT_HINT, manifestProblem, parseManifest } from "./validate.ts";

// The validation is its own module; these stay importable from here too.
export { parseManifest, type ResolveContext, resolveLinks } from "./validate.ts";

/**
 * Options for {@linkcode loadManifest}.
 *
 * @example
 * ```ts
 * import type { LoadOptions } from "@bindlink/bindlink";
 *
 * const options: LoadOptions = { operation: "status" };
 * ```
 */
export interface LoadOptions {
  /** The command, for errors; default `apply`. */
  operation?: BindLinkOperation;
  /**
   * Read this file instead, resolving relative paths against its folder, but name `file` in
   * messages: the real path a trust check returned, so the file read is the file checked.
   */
  readFrom?: string;
  /**
   * The file's bytes, already read by the trust check from the descriptor it judged: parsed
   * instead of reading `readFrom` again, which another process could have changed since.
   */
  bytes?: Uint8Array;
}

/** The manifest `-f` reads when none is named. */
export const DEFAULT_MANIFEST = "bindlink.json";

/** The folder a manifest's relative paths resolve against, in the platform's spelling. */
export function manifestFolder(file: string, platform: Platform, operation: BindLinkOperation) {
  // Both platforms fold ".." lexically, so this is the file's folder without touching disk.
  const resolved = platform.paths.resolve(`${file}/..`, "virtual path", platform.cwd());
  if (resolved.problem) {
    manifestProblem(
      { file, folder: platform.cwd(), operation },
      `the manifest's own path cannot be used: ${resolved.problem.summary}`,
    );
  }
  return resolved.text;
}

function readError(error: unknown, file: string, operation: BindLinkOperation): BindLinkError {
  const systemMessage = error instanceof Error ? error.message : String(error);
  const base = { operation, file, systemMessage, cause: error };
  if (error instanceof Deno.errors.NotFound) {
    return new ManifestError({
      ...base,
      code: "not-found",
      summary: `the manifest ${file} does not exist`,
      hint:
        `Name the manifest with -f <file>, or run bindlink in the folder that holds ${DEFAULT_MANIFEST}.`,
    });
  }
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
    return new ManifestError({
      ...base,
      code: "access-denied",
      summary: `the manifest ${file} cannot be read`,
      hint: "Check the file's permissions, and that Deno runs with --allow-read.",
    });
  }
  return new ManifestError({
    ...base,
    code: "invalid-argument",
    summary: `the manifest ${file} cannot be read`,
    hint: "Name a JSON file with -f <file>.",
  });
}

function parseText(
  text: string,
  file: string,
  readFrom: string,
  platform: Platform,
  operation: BindLinkOperation,
) {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ManifestError({
      code: "invalid-argument",
      operation,
      file,
      summary: `${file} is not valid JSON (${error instanceof Error ? error.message : error})`,
      hint: FORMAT_HINT,
    });
  }
  return parseManifest(document, platform, {
    file,
    folder: manifestFolder(readFrom, platform, operation),
    operation,
  });
}

/**
 * Reads `file` and validates it for `platform`; relative paths resolve against the file's
 * folder. Throws {@linkcode ManifestError} (a `BindLinkError`) with the file, the link's index
 * and the key when the manifest cannot be used.
 *
 * @example
 * ```ts
 * import { loadManifest, linuxPlatform } from "@bindlink/bindlink";
 *
 * const manifest = await loadManifest("deploy/bindlink.json", linuxPlatform());
 * for (const link of manifest.links) console.log(link.virtualPath, "->", link.backingPath);
 * ```
 */
export async function loadManifest(
  file: string,
  platform: Platform,
  options: LoadOptions = {},
): Promise<Manifest> {
  const operation = options.operation ?? "apply";
  let text: string;
  try {
    text = options.bytes
      ? new TextDecoder().decode(options.bytes)
      : await Deno.readTextFile(options.readFrom ?? file);
  } catch (error) {
    throw readError(error, file, operation);
  }
  return parseText(text, file, options.readFrom ?? file, platform, operation);
}

/**
 * The blocking twin of {@linkcode loadManifest}.
 *
 * @example
 * ```ts
 * import { loadManifestSync, linuxPlatform } from "@bindlink/bindlink";
 *
 * const manifest = loadManifestSync("bindlink.json", linuxPlatform());
 * ```
 */
export function loadManifestSync(
  file: string,
  platform: Platform,
  options: LoadOptions = {},
): Manifest {
  const operation = options.operation ?? "apply";
  let text: string;
  try {
    text = options.bytes
      ? new TextDecoder().decode(options.bytes)
      : Deno.readTextFileSync(options.readFrom ?? file);
  } catch (error) {
    throw readError(error, file, operation);
  }
  return parseText(text, file, options.readFrom ?? file, platform, operation);
}
