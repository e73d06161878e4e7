/**
 * Reads and validates a manifest. Everything is checked before anything is touched: an
 * unknown key, a wrong type, a virtual path given twice (compared by the platform's path
 * identity), or a path that fails validation is refused with the file, the link's index and
 * what is wrong.
 *
 * @module
 */
import type { BindLinkOperation } from "../errors.ts";
import type { PathRole } from "../paths.ts";
import type { LinkSpec, Platform } from "../platform.ts";
import { prepareCreate } from "../prepare.ts";
import { BindLinkError } from "../errors.ts";
import { ManifestError } from "./manifest_error.ts";
import type { Manifest, ManifestLink } from "./types.ts";

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
}

/** The manifest `-f` reads when none is named. */
export const DEFAULT_MANIFEST = "bindlink.json";

/** Where the links come from and what the user is doing, for messages. */
export interface ResolveContext {
  /** The manifest file, named in every message. */
  file?: string;
  /** The folder relative paths resolve against, in the platform's spelling. */
  folder: string;
  /** The command, for the error's operation. */
  operation: BindLinkOperation;
}

const TOP_KEYS = ["$schema", "links"];
const LINK_KEYS = ["virtual", "backing", "readOnly", "merged", "exceptions"];
const ROLE_OF_KEY: Record<string, PathRole> = {
  virtual: "virtual path",
  backing: "backing path",
  exceptions: "exception path",
};

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "object") return "an object";
  return `the ${typeof value} ${String(value)}`;
}

function where(context: ResolveContext, index?: number, key?: string): string {
  const file = context.file ?? "the links";
  if (index === undefined) return key === undefined ? file : `${file}, "${key}"`;
  return `${file}, links[${index}]${key === undefined ? "" : `.${key}`}`;
}

const FORMAT_HINT = 'Fix the manifest: it is an object { "links": [...] } whose links have ' +
  '"virtual" and "backing" paths and optionally "readOnly", "merged" (true or false) and ' +
  '"exceptions" (an array of paths); lib/manifest/schema.json describes it for editors.';

class Checker {
  constructor(readonly context: ResolveContext) {}

  fail(
    summary: string,
    index?: number,
    key?: string,
    code: "invalid-argument" | "invalid-path" = "invalid-argument",
    extra: Partial<ManifestError> = {},
  ): never {
    throw new ManifestError({
      code,
      operation: this.context.operation,
      summary: `${where(this.context, index, key)}: ${summary}`,
      hint: code === "invalid-path" ? "Fix this path in the manifest." : FORMAT_HINT,
      file: this.context.file,
      linkIndex: index,
      key,
      virtualPath: extra.virtualPath,
      backingPath: extra.backingPath,
    });
  }

  unknownKeys(record: Record<string, unknown>, known: string[], index?: number): void {
    for (const key of Object.keys(record)) {
      if (known.includes(key)) continue;
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
      this.fail(
        `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}; the keys are ${
          known.join(", ")
        }`,
        index,
      );
    }
  }

  link(raw: unknown, index: number): ManifestLink {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      this.fail(
        `a link must be an object with "virtual" and "backing", not ${describeValue(raw)}`,
        index,
      );
    }
    const record = raw as Record<string, unknown>;
    this.unknownKeys(record, LINK_KEYS, index);
    for (const key of ["virtual", "backing"]) {
      if (!(key in record)) this.fail(`"${key}" is missing (a path, as a string)`, index);
      if (typeof record[key] !== "string") {
        this.fail(`must be a path (a string), not ${describeValue(record[key])}`, index, key);
      }
    }
    for (const key of ["readOnly", "merged"]) {
      if (key in record && typeof record[key] !== "boolean") {
        this.fail(
          `must be true or false (a boolean), not ${describeValue(record[key])}`,
          index,
          key,
        );
      }
    }
    if ("exceptions" in record) {
      const list = record.exceptions;
      if (!Array.isArray(list)) {
        this.fail(
          `must be an array of paths (strings), not ${describeValue(list)}`,
          index,
          "exceptions",
        );
      }
      list.forEach((item, j) => {
        if (typeof item !== "string") {
          this.fail(
            `must be a path (a string), not ${describeValue(item)}`,
            index,
            `exceptions[${j}]`,
          );
        }
      });
    }
    return record as unknown as ManifestLink;
  }

  resolvePath(platform: Platform, input: string, key: string, index: number): string {
    const role = ROLE_OF_KEY[key.replace(/\[\d+\]$/, "")];
    if (input.trim() === "") this.fail(`the ${role} is empty`, index, key, "invalid-path");
    if (input.includes("\0")) {
      this.fail(`the ${role} contains a NUL character`, index, key, "invalid-path");
    }
    const resolved = platform.paths.resolve(input, role, this.context.folder);
    if (resolved.problem) {
      this.fail(
        `${resolved.problem.summary}. ${resolved.problem.hint}`,
        index,
        key,
        "invalid-path",
      );
    }
    return resolved.text;
  }

  spec(platform: Platform, link: ManifestLink, index: number): LinkSpec {
    const virtualPath = this.resolvePath(platform, link.virtual, "virtual", index);
    const backingPath = this.resolvePath(platform, link.backing, "backing", index);
    const exceptions = (link.exceptions ?? []).map((e, j) =>
      this.resolvePath(platform, e, `exceptions[${j}]`, index)
    );
    try {
      // The rules between the paths (not the same place, exceptions below the virtual path,
      // each once) are the library's own: the paths are absolute now, so cwd plays no part.
      return prepareCreate(platform, virtualPath, backingPath, {
        readOnly: link.readOnly ?? false,
        merged: link.merged ?? false,
        exceptions,
      });
    } catch (error) {
      if (!(error instanceof BindLinkError)) throw error;
      const key = /exception/.test(error.summary) ? "exceptions" : undefined;
      this.fail(error.summary, index, key, "invalid-path", { virtualPath, backingPath });
    }
  }
}

/**
 * Validates links given as objects (a parsed manifest's `links`, or a script's own) and
 * resolves their paths against `context.folder`. Throws {@linkcode ManifestError} for the
 * first problem; touches nothing.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { resolveLinks } from "./load.ts";
 *
 * const specs = resolveLinks([{ virtual: "a", backing: "b" }], linuxPlatform(), {
 *   folder: "/srv",
 *   operation: "run",
 * });
 * console.log(specs[0].virtualPath); // "/srv/a"
 * ```
 */
export function resolveLinks(
  links: unknown,
  platform: Platform,
  context: ResolveContext,
): LinkSpec[] {
  const checker: Checker = new Checker(context);
  if (!Array.isArray(links)) {
    checker.fail(`must be an array of links, not ${describeValue(links)}`, undefined, "links");
  }
  const specs: LinkSpec[] = [];
  links.forEach((raw, index) => {
    const spec = checker.spec(platform, checker.link(raw, index), index);
    const twice = specs.findIndex((seen) =>
      platform.paths.same(seen.virtualPath, spec.virtualPath)
    );
    if (twice >= 0) {
      checker.fail(
        `the virtual path ${spec.virtualPath} is the same place as links[${twice}]'s ` +
          `(${specs[twice].virtualPath}); a place can show only one link`,
        index,
        "virtual",
        "invalid-path",
        { virtualPath: spec.virtualPath },
      );
    }
    specs.push(spec);
  });
  return specs;
}

/**
 * Validates a parsed manifest document (`{ "$schema"?, "links": [...] }`). Relative paths
 * resolve against `context.folder`.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { parseManifest } from "./load.ts";
 *
 * const manifest = parseManifest({ links: [] }, linuxPlatform(), {
 *   folder: "/srv",
 *   operation: "apply",
 * });
 * ```
 */
export function parseManifest(
  document: unknown,
  platform: Platform,
  context: ResolveContext,
): Manifest {
  const checker: Checker = new Checker(context);
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    checker.fail(
      `a manifest must be a JSON object with a "links" array, not ${describeValue(document)}`,
    );
  }
  const record = document as Record<string, unknown>;
  checker.unknownKeys(record, TOP_KEYS);
  if (!("links" in record)) checker.fail(`"links" is missing (an array of links)`);
  if ("$schema" in record && typeof record.$schema !== "string") {
    checker.fail(`must be a string, not ${describeValue(record.$schema)}`, undefined, "$schema");
  }
  return { file: context.file, links: resolveLinks(record.links, platform, context) };
}

/** The folder a manifest's relative paths resolve against, in the platform's spelling. */
export function manifestFolder(file: string, platform: Platform, operation: BindLinkOperation) {
  const checker: Checker = new Checker({ file, folder: platform.cwd(), operation });
  // Both platforms fold ".." lexically, so this is the file's folder without touching disk.
  const resolved = platform.paths.resolve(`${file}/..`, "virtual path", platform.cwd());
  if (resolved.problem) {
    checker.fail(`the manifest's own path cannot be used: ${resolved.problem.summary}`);
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
    text = await Deno.readTextFile(options.readFrom ?? file);
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
    text = Deno.readTextFileSync(options.readFrom ?? file);
  } catch (error) {
    throw readError(error, file, operation);
  }
  return parseText(text, file, options.readFrom ?? file, platform, operation);
}
