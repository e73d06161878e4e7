/**
 * Builds the race tests' attacker programs (C, with `cc`) into tests/.build/, once per
 * source change, world-executable so the unprivileged user (uid 65534) can run them.
 *
 * @module
 */
const here = new URL(".", import.meta.url).pathname;
const buildDir = new URL("../.build/", import.meta.url).pathname;

/** The attacker programs, by source name. */
export type AttackerProgram = "exchange";

/**
 * Returns the path of `program`, built from `tests/attacker/<program>.c` when missing or older
 * than its source.
 *
 * @example
 * ```ts
 * import { buildAttacker } from "./build.ts";
 *
 * const exchange = buildAttacker("exchange");
 * new Deno.Command(exchange, { args: ["/tmp/x", "a", "b", "1"] }).outputSync();
 * ```
 */
export function buildAttacker(program: AttackerProgram): string {
  const source = `${here}${program}.c`;
  const binary = `${buildDir}attacker-${program}`;
  const built = statTime(binary);
  if (built !== undefined && built >= (statTime(source) ?? Infinity)) return binary;
  Deno.mkdirSync(buildDir, { recursive: true });
  const temporary = `${binary}.${Deno.pid}.tmp`;
  const result = new Deno.Command("cc", {
    args: ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-o", temporary, source],
  }).outputSync();
  if (!result.success) {
    throw new Error(`building ${program} failed:\n${new TextDecoder().decode(result.stderr)}`);
  }
  Deno.chmodSync(temporary, 0o755);
  Deno.renameSync(temporary, binary);
  return binary;
}

function statTime(file: string): number | undefined {
  try {
    return Deno.statSync(file).mtime?.getTime();
  } catch {
    return undefined;
  }
}
