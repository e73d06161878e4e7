/**
 * Talking to the system's task registry: what `systemctl` and `schtasks.exe` answered, and
 * whether the unit or task found is the one bindlink made.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import type { CommandResult, CommandRunner } from "./runner.ts";
import { TASK_NAME } from "./task_xml.ts";

/** The first line of every unit bindlink writes: how it recognises its own. */
export const UNIT_HEADER = "# Made by `bindlink startup install`";

/** True when `text` is a unit file bindlink wrote. */
export function isOurUnit(text: string): boolean {
  return text.startsWith(UNIT_HEADER);
}

/**
 * The error for a system tool that exited with an error, with its own output.
 *
 * @example
 * ```ts
 * import { commandFailed } from "./system_task.ts";
 * const error = commandFailed("/usr/bin/systemctl", ["enable", "bindlink.service"], { code: 1, stdout: "", stderr: "Failed" });
 * ```
 */
export function commandFailed(
  cmd: string,
  args: readonly string[],
  result: CommandResult,
): BindLinkError {
  return new BindLinkError({
    code: "unknown",
    operation: "startup",
    summary: `${cmd} ${args.join(" ")} exited with code ${result.code}`,
    hint: "Read the tool's message above; nothing was left half-installed.",
    systemMessage: (result.stderr || result.stdout).trim() || undefined,
  });
}

/**
 * True when a task's XML is the one bindlink made for the protected copy `copy`. schtasks
 * prints it in the console's code page, where a path with other than ASCII letters may not
 * survive, so bindlink's own description and boot-log argument are accepted too.
 */
export function isOurTask(xml: string, copy: string): boolean {
  const text = xml.toLowerCase();
  return text.includes(copy.toLowerCase()) ||
    (text.includes("bindlink: bind links of") && text.includes("--boot-log"));
}

/** What `schtasks /Query` says about the bindlink task. */
export type TaskQuery = { readonly present: false } | {
  readonly present: true;
  /** The task's XML as Task Scheduler holds it. */
  readonly xml: string;
};

/**
 * Asks Task Scheduler for the bindlink task's XML. A missing task is `present: false`.
 *
 * @example
 * ```ts
 * import { queryTask } from "./system_task.ts";
 * import { RecordingRunner } from "./runner.ts";
 * const answer = await queryTask(new RecordingRunner(() => ({ code: 1 })), "C:\\Windows\\System32\\schtasks.exe");
 * answer.present; // false
 * ```
 */
export async function queryTask(runner: CommandRunner, schtasks: string): Promise<TaskQuery> {
  const result = await runner.run(schtasks, ["/Query", "/TN", TASK_NAME, "/XML"]);
  if (result.code !== 0) return { present: false };
  return { present: true, xml: result.stdout };
}
