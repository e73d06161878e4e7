/**
 * Quoting of the startup command line, by the rules of the format that holds it: systemd's
 * `ExecStart=`/`ExecStop=` lines, and the `Command`/`Arguments` pair of a Task Scheduler
 * task (which Windows hands to the C runtime's argument parser of the program it starts).
 *
 * Every word of these command lines is chosen by bindlink (the program, fixed flags, the
 * protected copy's path), never taken from the user's manifest or environment; quoting is
 * still exact, because those paths may hold spaces (`C:\Program Files\...`).
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";

/** One program and its arguments, before they are put into a format. */
export interface CommandLine {
  /** The absolute path of the program. */
  readonly program: string;
  /** Its arguments, one string each. */
  readonly args: readonly string[];
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

function refuse(summary: string, hint: string): never {
  throw new BindLinkError({ code: "invalid-argument", operation: "startup", summary, hint });
}

function refuseControl(word: string, where: string): void {
  if (CONTROL.test(word)) {
    refuse(
      `the ${where} ${JSON.stringify(word)} holds a control character`,
      "Move the program or the manifest to a path without line breaks or control characters.",
    );
  }
}

/**
 * A word as systemd's unquoting splitter reads it back: bare when it has no blank, quote,
 * backslash or `;`, else in double quotes, where `\\` and `\"` stand for themselves (with or
 * without C unescaping). `%` is doubled first: every directive bindlink writes expands
 * specifiers.
 */
function quotedWord(word: string, escaped: string): string {
  refuseControl(word, "unit file word");
  if (escaped !== "" && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replace(/[\\"]/g, (c) => "\\" + c)}"`;
}

/**
 * One word of a systemd command line (`ExecStart=`, `ExecStop=`). systemd expands `%`
 * specifiers when it loads the line and `$` variables when it runs it, so both are doubled;
 * a word with a blank, a quote or a backslash is put in double quotes.
 *
 * @example
 * ```ts
 * import { systemdWord } from "./command_line.ts";
 * systemdWord("/opt/my tools/bindlink"); // "\"/opt/my tools/bindlink\""
 * systemdWord("100%");                    // "100%%"
 * systemdWord("a$HOME");                  // "a$$HOME"
 * ```
 */
export function systemdWord(word: string): string {
  return quotedWord(word, word.replace(/%/g, "%%").replace(/\$/g, "$$$$"));
}

/**
 * One path of a space-separated path list (`RequiresMountsFor=`). systemd unquotes each
 * entry and expands `%` specifiers in it, but never `$` variables: there `$$` would stay two
 * dollars and name another path, so only `%` is doubled.
 *
 * @example
 * ```ts
 * import { systemdPath } from "./command_line.ts";
 * systemdPath("/srv/a$HOME"); // "/srv/a$HOME"
 * systemdPath("/srv/c d");    // "\"/srv/c d\""
 * ```
 */
export function systemdPath(path: string): string {
  return quotedWord(path, path.replace(/%/g, "%%"));
}

/**
 * The value of an `ExecStart=` or `ExecStop=` line: the program and each argument as one
 * systemd word.
 *
 * @example
 * ```ts
 * import { systemdCommandLine } from "./command_line.ts";
 * systemdCommandLine({ program: "/usr/local/lib/bindlink/bindlink", args: ["apply", "-f", "/etc/bindlink/startup.json"] });
 * // "/usr/local/lib/bindlink/bindlink apply -f /etc/bindlink/startup.json"
 * ```
 */
export function systemdCommandLine(line: CommandLine): string {
  if (!line.program.startsWith("/")) {
    refuse(
      `the program ${JSON.stringify(line.program)} is not an absolute path`,
      "systemd runs a program by absolute path; give its full path.",
    );
  }
  return [line.program, ...line.args].map(systemdWord).join(" ");
}

/**
 * One argument as the Microsoft C runtime (and Rust's std, which Deno uses) splits a
 * Windows command line back into words: quoted when it holds a blank or a quote or is
 * empty; backslashes are doubled only where they precede a quote.
 *
 * @example
 * ```ts
 * import { windowsArgument } from "./command_line.ts";
 * windowsArgument("C:\\Program Files\\bindlink\\cli.ts"); // "\"C:\\Program Files\\bindlink\\cli.ts\""
 * ```
 */
export function windowsArgument(word: string): string {
  refuseControl(word, "command line word");
  if (word !== "" && !/[\s"]/.test(word)) return word;
  let out = '"';
  let backslashes = 0;
  for (const c of word) {
    if (c === "\\") {
      backslashes++;
      continue;
    }
    if (c === '"') out += "\\".repeat(backslashes * 2 + 1) + '"';
    else out += "\\".repeat(backslashes) + c;
    backslashes = 0;
  }
  return out + "\\".repeat(backslashes * 2) + '"';
}

/** The `Command` and `Arguments` of a Task Scheduler `Exec` action. */
export interface TaskCommand {
  /** The program's absolute path, as `Command` holds it. */
  readonly command: string;
  /** The arguments, quoted into one string, as `Arguments` holds it. */
  readonly arguments: string;
}

/**
 * The `Command` and `Arguments` of a task. Task Scheduler replaces `%NAME%` in both with
 * environment variables and offers no escape for `%`, so any word holding `%` is refused:
 * the task would run something other than what was checked.
 *
 * @example
 * ```ts
 * import { taskCommand } from "./command_line.ts";
 * const { command, arguments: args } = taskCommand({
 *   program: "C:\\Program Files\\bindlink\\bindlink.exe",
 *   args: ["apply", "-f", "C:\\ProgramData\\bindlink\\startup.json"],
 * });
 * ```
 */
export function taskCommand(line: CommandLine): TaskCommand {
  for (const word of [line.program, ...line.args]) {
    if (word.includes("%")) {
      refuse(
        `${JSON.stringify(word)} holds a "%", which Task Scheduler would expand as an ` +
          "environment variable (it has no way to escape it)",
        'Install the program in a folder whose path has no "%", such as ' +
          "%ProgramFiles%\\bindlink\\.",
      );
    }
  }
  if (!/^[A-Za-z]:\\/.test(line.program) && !line.program.startsWith("\\\\")) {
    refuse(
      `the program ${JSON.stringify(line.program)} is not an absolute Windows path`,
      "Give the program's full path.",
    );
  }
  refuseControl(line.program, "program path");
  if (line.program.includes('"')) {
    refuse(
      `the program path ${JSON.stringify(line.program)} holds a quote`,
      "Windows paths cannot hold quotes; give the program's real path.",
    );
  }
  return { command: line.program, arguments: line.args.map(windowsArgument).join(" ") };
}
