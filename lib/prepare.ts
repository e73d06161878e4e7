/**
 * Turns what a caller passed into a validated {@linkcode LinkSpec}, or throws before anything
 * is called. This is where bad input is stopped, identically for every platform.
 *
 * @module
 */
import { BindLinkError, type BindLinkOperation } from "./errors.ts";
import { checkOptions } from "./options.ts";
import { checkPathString, type PathRole, type ResolvedPath } from "./paths.ts";
import type { LinkSpec, Platform } from "./platform.ts";

interface Context {
  operation: BindLinkOperation;
  virtualPath?: string;
  backingPath?: string;
}

function resolveOrThrow(
  platform: Platform,
  input: unknown,
  role: PathRole,
  context: Context,
): ResolvedPath {
  const refused = checkPathString(input, role);
  const resolved = refused
    ? { problem: refused }
    : platform.paths.resolve(input as string, role, () => platform.cwd());
  if (resolved.problem) {
    throw new BindLinkError({ code: "invalid-path", ...context, ...resolved.problem });
  }
  return resolved;
}

function shown(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Validates and resolves the arguments of a create call into the link to make.
 *
 * @example
 * ```ts
 * import { prepareCreate } from "./prepare.ts";
 * import { windowsPlatform } from "./windows/platform.ts";
 * const spec = prepareCreate(windowsPlatform(), "C:\\v", "D:\\data", { readOnly: true });
 * console.log(spec.readOnly); // true
 * ```
 */
export function prepareCreate(
  platform: Platform,
  virtualPath: unknown,
  backingPath: unknown,
  options: unknown,
): LinkSpec {
  const context: Context = {
    operation: "create",
    virtualPath: shown(virtualPath),
    backingPath: shown(backingPath),
  };
  const optionProblem = checkOptions(options);
  if (optionProblem) {
    throw new BindLinkError({
      code: "invalid-argument",
      ...context,
      summary: optionProblem,
      hint: "Fix the options; see the documentation of BindLinkOptions.",
    });
  }
  const virtual = resolveOrThrow(platform, virtualPath, "virtual path", context);
  context.virtualPath = virtual.shown;
  const backing = resolveOrThrow(platform, backingPath, "backing path", context);
  context.backingPath = backing.shown;
  if (platform.paths.same(virtual, backing)) {
    throw new BindLinkError({
      code: "invalid-path",
      ...context,
      summary: `the virtual path and the backing path are the same place (${virtual.shown})`,
      hint: "A link must show a different path; pick another backing path.",
    });
  }
  const opts = (options ?? {}) as { readOnly?: boolean; merged?: boolean; exceptions?: unknown[] };
  const exceptions: ResolvedPath[] = [];
  for (const raw of opts.exceptions ?? []) {
    const exception = resolveOrThrow(platform, raw, "exception path", context);
    if (!platform.paths.isBelow(exception, virtual)) {
      throw new BindLinkError({
        code: "invalid-path",
        ...context,
        summary: `the exception path ${exception.shown} is not below the virtual path`,
        hint: "An exception names a place inside the virtual path where the link does not apply; " +
          "give a path below the virtual path.",
      });
    }
    if (exceptions.some((seen) => platform.paths.same(seen, exception))) {
      throw new BindLinkError({
        code: "invalid-path",
        ...context,
        summary: `the exception path ${exception.shown} is given twice`,
        hint: "Name each exception once.",
      });
    }
    exceptions.push(exception);
  }
  return {
    virtualPath: virtual.text,
    backingPath: backing.text,
    readOnly: opts.readOnly ?? false,
    merged: opts.merged ?? false,
    exceptions: exceptions.map((exception) => exception.text),
  };
}

/**
 * Validates and resolves one path (the virtual path of a remove, the path of a list), keeping
 * all three forms: the text for the system, the identity to compare, the spelling to report.
 *
 * @example
 * ```ts
 * import { preparePath } from "./prepare.ts";
 * import { windowsPlatform } from "./windows/platform.ts";
 * const path = preparePath(windowsPlatform(), "C:\\v.", "virtual path", "list");
 * console.log(path.shown); // C:\v
 * ```
 */
export function preparePath(
  platform: Platform,
  input: unknown,
  role: PathRole,
  operation: BindLinkOperation,
): ResolvedPath {
  return resolveOrThrow(platform, input, role, { operation, virtualPath: shown(input) });
}

/**
 * Validates and resolves a virtual path: a remove's, or the path a list is limited to.
 *
 * @example
 * ```ts
 * import { prepareVirtualPath } from "./prepare.ts";
 * import { windowsPlatform } from "./windows/platform.ts";
 * console.log(prepareVirtualPath(windowsPlatform(), "C:\\v.", "list")); // C:\v
 * ```
 */
export function prepareVirtualPath(
  platform: Platform,
  virtualPath: unknown,
  operation: BindLinkOperation = "remove",
): string {
  return preparePath(platform, virtualPath, "virtual path", operation).text;
}
