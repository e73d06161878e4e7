/**
 * What every command's help shares. It imports no command, so the command modules and the
 * main help (./main_help.ts, which lists the registry that loads them) both import it
 * without a cycle.
 *
 * @module
 */

/**
 * The exit codes, as every help text lists them.
 *
 * @example
 * ```ts
 * import { EXIT_CODES } from "./help.ts";
 * console.log(`Usage: bindlink prune [--dry-run]\n\n${EXIT_CODES}`);
 * ```
 */
export const EXIT_CODES = `Exit codes:
  0  done
  1  the operation failed (the message says why and what to do)
  2  usage error: the command line itself is wrong`;

/**
 * An example path pair in this OS's spelling, for help texts.
 *
 * @example
 * ```ts
 * import { EXAMPLE } from "./help.ts";
 * console.log(`bindlink create ${EXAMPLE.virtual} ${EXAMPLE.backing}`);
 * ```
 */
export const EXAMPLE = Deno.build.os === "windows"
  ? { virtual: "C:\\app\\config", backing: "D:\\configs\\staging" }
  : { virtual: "/srv/app/config", backing: "/srv/configs/staging" };
