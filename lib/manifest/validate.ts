/**
 * Validates a manifest's content before anything is touched: an unknown key, a wrong type, a
 * virtual path given twice (compared by the platform's path identity), or a path that fails
 * validation is refused with the file, the link's index and what is wrong. Pure: reads no
 * file.
 *
 * @module
 */
import { BindLinkError, type BindLinkOperation } from "../errors.ts";
import type { PathRole } from "../paths.ts";
import type { LinkSpec, Platform } from "../platform.ts";
import { prepareCreate } from "../prepare.ts";
import { ManifestError } from "./manifest_error.ts";
import type { Manifest, ManifestLink } from "./types.ts";

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

/** The hint of every format error: what a manifest looks like. */
export const FORMAT_HINT =
  'Fix the manifest: it is an object { "links": [...] } whose links have ' +
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

/** A refusal that is not about one link (the file itself), worded like the others. */
export function manifestProblem(
  context: ResolveContext,
  summary: string,
): never {
  const checker: Checker = new Checker(context);
  checker.fail(summary);
}
