/**
 * Compiles the C baselines (bench/c/*.c) with the system's `cc` into bench/.build/, which git
 * ignores. A build is redone only when its source is newer than its output.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** bench/.build/, where compiled baselines go. */
export const BUILD_DIR = fileURLToPath(new URL("./.build/", import.meta.url));

/**
 * Compiles `bench/c/<name>.c` into a shared library and returns its absolute path.
 *
 * @example
 * ```ts
 * const so = buildSharedLibrary("baseline"); // ".../bench/.build/libbaseline.so"
 * ```
 */
export function buildSharedLibrary(name: string): string {
  return compile(name, `${BUILD_DIR}lib${name}.so`, ["-shared", "-fPIC"]);
}

/**
 * Compiles `bench/c/<name>.c` into an executable and returns its absolute path.
 *
 * @example
 * ```ts
 * const peak = buildExecutable("peak_rss"); // ".../bench/.build/peak_rss"
 * ```
 */
export function buildExecutable(name: string): string {
  return compile(name, `${BUILD_DIR}${name}`, []);
}

function compile(name: string, output: string, flags: readonly string[]): string {
  const source = fileURLToPath(new URL(`./c/${name}.c`, import.meta.url));
  Deno.mkdirSync(BUILD_DIR, { recursive: true });
  if (isFresh(output, source)) return output;
  const result = new Deno.Command("cc", {
    args: ["-O2", "-Wall", "-Wextra", "-Werror", ...flags, "-o", output, source],
    stdout: "inherit",
    stderr: "piped",
  }).outputSync();
  if (!result.success) {
    throw new Error(`cc failed on ${source}:\n${new TextDecoder().decode(result.stderr)}`);
  }
  return output;
}

function isFresh(output: string, source: string): boolean {
  try {
    return Deno.statSync(output).mtime! >= Deno.statSync(source).mtime!;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
