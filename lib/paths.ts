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

/** The result of resolving a path: the absolute path, or why it cannot be used. */
export type Resolved = { path: string; problem?: undefined } | {
  path?: undefined;
  problem: PathProblem;
};

/** How a platform turns user input into the absolute paths its system call expects. */
export interface PathRules {
  /** Resolves `input` against the current directory `cwd`, by the platform's rules. */
  resolve(input: string, role: PathRole, cwd: string): Resolved;
  /** True when `child` lies strictly below `parent` (both resolved). */
  isBelow(child: string, parent: string): boolean;
  /** True when both resolved paths name the same place. */
  same(a: string, b: string): boolean;
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
