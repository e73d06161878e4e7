/**
 * The contract every platform's path rules fulfil, and the checks that hold on every platform.
 *
 * @module
 */

/** Which argument a path is: used in messages so the user knows which one to fix. */
export type PathRole = "virtual path" | "backing path" | "exception path";

/** A path that could not be used, with what was wrong and what to do. */
export interface PathProblem {
  /** What is wrong with the path, in plain words. */
  summary: string;
  /** What to do about it. */
  hint: string;
}

/**
 * A path resolved by a platform's rules, in the three forms bindlink needs. Every comparison
 * (same place, below, duplicates, listings) uses `identity` and nothing else.
 *
 * @example
 * ```ts
 * import type { ResolvedPath } from "@bindlink/bindlink";
 *
 * // What Windows' rules make of "C:\v." typed by a user:
 * const v: ResolvedPath = { text: "C:\\v", identity: "C:\\V", shown: "C:\\v" };
 * ```
 */
export interface ResolvedPath {
  /** What is handed to the system call: absolute, with no `.` or `..` segment. */
  readonly text: string;
  /**
   * The place the path leads to, in a form where two paths name the same place exactly when
   * their identities are equal (upcased on Windows, links and short names followed).
   */
  readonly identity: string;
  /** How bindlink reports the path: the link as the system makes it. */
  readonly shown: string;
}

/** The result of resolving a path: the resolved path, or why it cannot be used. */
export type Resolved = (ResolvedPath & { problem?: undefined }) | {
  text?: undefined;
  identity?: undefined;
  shown?: undefined;
  problem: PathProblem;
};

/** A resolved path, or an absolute path in the platform's spelling (from a listing, say). */
export type PathLike = string | ResolvedPath;

/** How a platform turns user input into the absolute paths its system call expects. */
export interface PathRules {
  /**
   * Resolves `input` against the current directory `cwd`, by the platform's rules. `cwd` may
   * be a function, asked only when `input` is relative (it costs a system call).
   */
  resolve(input: string, role: PathRole, cwd: string | (() => string)): Resolved;
  /**
   * True when `input` names a place without the current directory (or, on Windows, the
   * current drive): what a caller started in an unknown folder, such as `dsc`, must give.
   */
  isAbsolute(input: string): boolean;
  /** The identity of an absolute path (one the platform produced or listed). */
  identify(path: string): string;
  /** True when `child` lies strictly below `parent`, by identity. */
  isBelow(child: PathLike, parent: PathLike): boolean;
  /** True when both name the same place, by identity. */
  same(a: PathLike, b: PathLike): boolean;
  /**
   * Where the absolute `path` leads now, spelled so that root or SYSTEM reaches it at boot: on
   * Linux every symlink on its deepest existing part resolved; on Windows a mapped or subst
   * drive replaced by what it leads to. A path that leads where it says is returned as given.
   */
  realPlace(path: string): string;
}

/**
 * The current directory given to {@linkcode PathRules.resolve}, asked for now.
 *
 * @example
 * ```ts
 * import { currentFolder } from "./paths.ts";
 * currentFolder(() => "/srv"); // "/srv"
 * ```
 */
export function currentFolder(cwd: string | (() => string)): string {
  return typeof cwd === "function" ? cwd() : cwd;
}

/**
 * The identity of `path` under `rules`: a resolved path carries it, a string is identified.
 *
 * @example
 * ```ts
 * import { identityOf } from "./paths.ts";
 * import { linuxPathRules } from "./linux/path_rules.ts";
 * identityOf(linuxPathRules, "/srv/data"); // "/srv/data"
 * ```
 */
export function identityOf(rules: Pick<PathRules, "identify">, path: PathLike): string {
  return typeof path === "string" ? rules.identify(path) : path.identity;
}

/**
 * True when identity `child` lies strictly below identity `parent`, whose names are
 * separated by `separator`.
 *
 * @example
 * ```ts
 * import { identityIsBelow } from "./paths.ts";
 * identityIsBelow("C:\\V\\E", "C:\\V", "\\"); // true
 * identityIsBelow("C:\\VE", "C:\\V", "\\"); // false
 * ```
 */
export function identityIsBelow(child: string, parent: string, separator: string): boolean {
  const prefix = parent.endsWith(separator) ? parent : parent + separator;
  return child.length > prefix.length && child.startsWith(prefix);
}

/** Shown for a path that is not text at all. */
export function checkPathString(input: unknown, role: PathRole): PathProblem | undefined {
  if (typeof input !== "string") {
    return {
      summary: `the ${role} must be a string, not ${input === null ? "null" : typeof input}`,
      hint: `Pass the ${role} as a string.`,
    };
  }
  if (input.trim() === "") {
    return { summary: `the ${role} is empty`, hint: `Give the ${role} as a non-empty path.` };
  }
  const nul = input.indexOf("\0");
  if (nul >= 0) {
    return {
      summary: `the ${role} contains a NUL character at position ${nul}`,
      hint: "Paths cannot contain NUL characters; check how the path was built.",
    };
  }
  return undefined;
}
