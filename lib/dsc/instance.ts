/**
 * Reading what `dsc` passes on standard input: one JSON object of the instance schema, checked
 * here as strictly as `dsc` checks it (an unknown property, a wrong type, a missing or relative
 * `virtualPath` are bad input) before anything is looked at or changed.
 *
 * @module
 */
import type { LinkSpec, Platform } from "../platform.ts";
import { ManifestError } from "../manifest/manifest_error.ts";
import { resolveLinks } from "../manifest/validate.ts";
import type { INSTANCE_SCHEMA } from "./schema.ts";

/** One `BindLink/Link` instance as JSON carries it. */
export interface DscInstance {
  /** Where the link appears (absolute). */
  virtualPath: string;
  /** What it shows (absolute). */
  backingPath?: string;
  /** Read-only through the link. */
  readOnly?: boolean;
  /** The virtual path's own entries stay visible. */
  merged?: boolean;
  /** Paths below the virtual path that keep their content. */
  exceptions?: string[];
  /** Whether the link exists (default true). */
  _exist?: boolean;
  /** Set by `test` only. */
  _inDesiredState?: boolean | null;
}

/**
 * Input that is not a valid instance: DSC's exit code 2, nothing looked at or changed.
 *
 * @example
 * ```ts
 * import { DscInputError } from "./instance.ts";
 *
 * console.log(new DscInputError("virtualPath is missing").message);
 * ```
 */
export class DscInputError extends Error {
  /** @param message What is wrong and what to write instead. */
  constructor(message: string) {
    super(message);
    this.name = "DscInputError";
  }
}

type PropertyType = "string" | "boolean" | "string[]" | "boolean?";

const TYPES: Record<keyof typeof INSTANCE_SCHEMA.properties, PropertyType> = {
  virtualPath: "string",
  backingPath: "string",
  readOnly: "boolean",
  merged: "boolean",
  exceptions: "string[]",
  _exist: "boolean",
  _inDesiredState: "boolean?",
};

function fits(value: unknown, type: PropertyType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "boolean?":
      return typeof value === "boolean" || value === null;
    case "string[]":
      return Array.isArray(value) && value.every((item) => typeof item === "string");
  }
}

const SPOKEN: Record<PropertyType, string> = {
  string: "a string",
  boolean: "true or false",
  "boolean?": "true, false or null",
  "string[]": "an array of strings",
};

/**
 * Parses `text` as one instance. `optional` (export's input) lets empty input mean "none".
 *
 * @example
 * ```ts
 * import { parseInstance } from "./instance.ts";
 *
 * const instance = parseInstance('{"virtualPath": "/srv/app", "backingPath": "/srv/v2"}');
 * console.log(instance?.virtualPath);
 * ```
 */
export function parseInstance(text: string, optional = false): DscInstance | undefined {
  if (optional && text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DscInputError(
      `the input is not JSON (${(error as Error).message}); pass one JSON object such as ` +
        `{"virtualPath": "...", "backingPath": "..."} on standard input`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new DscInputError(
      `the input must be one JSON object, not ${Array.isArray(value) ? "an array" : `${value}`}`,
    );
  }
  const record = value as Record<string, unknown>;
  for (const [key, item] of Object.entries(record)) {
    const type = (TYPES as Record<string, PropertyType | undefined>)[key];
    if (type === undefined) {
      throw new DscInputError(
        `unknown property "${key}" (the properties are ${Object.keys(TYPES).join(", ")})`,
      );
    }
    if (!fits(item, type)) {
      throw new DscInputError(`"${key}" must be ${SPOKEN[type]}, not ${JSON.stringify(item)}`);
    }
  }
  if (!("virtualPath" in record)) {
    throw new DscInputError(`"virtualPath" is missing: it names the link`);
  }
  return record as unknown as DscInstance;
}

/** An instance whose paths were checked and resolved by the platform's rules. */
export interface ResolvedInstance {
  /** The virtual path, absolute, in the platform's spelling. */
  readonly virtualPath: string;
  /** Whether the link should exist. */
  readonly exist: boolean;
  /** The link it describes; absent when `exist` is false and no backing path was given. */
  readonly spec?: LinkSpec;
}

const PROPERTY_OF_KEY: Record<string, string> = {
  virtual: "virtualPath",
  backing: "backingPath",
  readOnly: "readOnly",
  merged: "merged",
};

// The manifest's checks word their findings for a file ("links[0].virtual: ..."); here they
// are about a property of the input.
function asInputError<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    const key = error.key ?? "";
    const property = key.startsWith("exceptions") ? key : PROPERTY_OF_KEY[key] ?? "the input";
    const what = error.summary.slice(error.summary.indexOf(": ") + 2);
    throw new DscInputError(`"${property}": ${what}`);
  }
}

function requireAbsolute(platform: Platform, key: string, value: string): void {
  if (!platform.paths.isAbsolute(value)) {
    throw new DscInputError(
      `"${key}" must be an absolute path, not ${JSON.stringify(value)}: dsc starts bindlink ` +
        "in the resource manifest's folder, so a relative path would name a place nobody meant",
    );
  }
}

/**
 * The absolute virtual path `input`, resolved by the platform's rules (what export filters by).
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { resolveVirtualPath } from "./instance.ts";
 *
 * console.log(resolveVirtualPath("/srv/app/", linuxPlatform())); // "/srv/app"
 * ```
 */
export function resolveVirtualPath(input: string, platform: Platform): string {
  requireAbsolute(platform, "virtualPath", input);
  const resolved = platform.paths.resolve(input, "virtual path", () => platform.cwd());
  if (resolved.problem) {
    throw new DscInputError(`"virtualPath": ${resolved.problem.summary}. ${resolved.problem.hint}`);
  }
  return resolved.shown;
}

/**
 * Refuses an instance with a relative path anywhere, as bad input: every operation asks this
 * first, get too.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { requireAbsolutePaths } from "./instance.ts";
 *
 * requireAbsolutePaths({ virtualPath: "/srv/app", backingPath: "/srv/v2" }, linuxPlatform());
 * ```
 */
export function requireAbsolutePaths(instance: DscInstance, platform: Platform): void {
  requireAbsolute(platform, "virtualPath", instance.virtualPath);
  if (instance.backingPath !== undefined) {
    requireAbsolute(platform, "backingPath", instance.backingPath);
  }
  for (const exception of instance.exceptions ?? []) {
    requireAbsolute(platform, "exceptions", exception);
  }
}

/**
 * Checks that every path is absolute, then resolves them as a manifest's paths are resolved.
 * Path problems (a forbidden character, an exception not below the virtual path) are bad input.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { resolveInstance } from "./instance.ts";
 *
 * const resolved = resolveInstance({ virtualPath: "/srv/app", _exist: false }, linuxPlatform());
 * console.log(resolved.exist); // false
 * ```
 */
export function resolveInstance(instance: DscInstance, platform: Platform): ResolvedInstance {
  const exist = instance._exist ?? true;
  requireAbsolutePaths(instance, platform);
  if (instance.backingPath === undefined) {
    if (exist) {
      throw new DscInputError(`"backingPath" is missing: a link that should exist shows a path`);
    }
    return { virtualPath: resolveVirtualPath(instance.virtualPath, platform), exist };
  }
  const [spec] = asInputError(() =>
    resolveLinks(
      [{
        virtual: instance.virtualPath,
        backing: instance.backingPath,
        readOnly: instance.readOnly ?? false,
        merged: instance.merged ?? false,
        exceptions: instance.exceptions ?? [],
      }],
      platform,
      { folder: platform.cwd(), operation: "dsc" },
    )
  );
  return { virtualPath: spec.virtualPath, exist, spec };
}
