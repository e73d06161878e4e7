/**
 * `startup remove`: delete the task or unit and the protected copy, with its record and
 * boot log. Only what bindlink made is removed: a unit or task of the same name that is not
 * bindlink's is refused.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import { startupFiles, type StartupTargets, tool } from "./layout.ts";
import { readIfPresent, removeIfPresent } from "./protected_folder.ts";
import type { CommandRunner } from "./runner.ts";
import { commandFailed, isOurTask, isOurUnit, queryTask } from "./system_task.ts";
import { UNIT_NAME } from "./systemd_unit.ts";
import { TASK_NAME } from "./task_xml.ts";

/** What remove did. */
export interface RemoveResult {
  /** Whether a task or unit was there and was removed. */
  readonly task: boolean;
  /** The files removed. */
  readonly removed: readonly string[];
}

/** What `startup remove` needs. */
export interface RemoveOptions {
  /** Where the files are and which tools to start. */
  readonly targets: StartupTargets;
  /** Starts systemctl or schtasks.exe. */
  readonly runner: CommandRunner;
}

function notOurs(what: string): BindLinkError {
  return new BindLinkError({
    code: "invalid-argument",
    operation: "startup",
    summary: `${what} was not made by bindlink`,
    hint: "bindlink removes only what it made; nothing was changed. Remove it yourself if it " +
      "is not needed.",
  });
}

/**
 * Removes the startup task or unit, then the protected files. Removing twice is fine.
 *
 * @example
 * ```ts
 * import { removeStartup } from "./remove.ts";
 * import { RecordingRunner } from "./runner.ts";
 * await removeStartup({
 *   targets: { os: "linux", folder: "/tmp/t/etc-bindlink", unitDir: "/tmp/t/units", systemctl: "/usr/bin/systemctl" },
 *   runner: new RecordingRunner(),
 * });
 * ```
 */
export async function removeStartup(options: RemoveOptions): Promise<RemoveResult> {
  const { targets, runner } = options;
  const files = startupFiles(targets);
  let task = false;
  if (targets.os === "windows") {
    const schtasks = tool(targets, "schtasks");
    const query = await queryTask(runner, schtasks);
    if (query.present) {
      if (!isOurTask(query.xml, files.copy)) {
        throw notOurs(`The Task Scheduler task "${TASK_NAME}"`);
      }
      const args = ["/Delete", "/TN", TASK_NAME, "/F"];
      const result = await runner.run(schtasks, args);
      if (result.code !== 0) throw commandFailed(schtasks, args, result);
      task = true;
    }
  } else {
    const systemctl = tool(targets, "systemctl");
    const unit = files.unit!;
    const text = readIfPresent(unit);
    if (text !== undefined) {
      if (!isOurUnit(new TextDecoder().decode(text))) throw notOurs(unit);
      const disable = ["disable", UNIT_NAME];
      const result = await runner.run(systemctl, disable);
      if (result.code !== 0) throw commandFailed(systemctl, disable, result);
      removeIfPresent(unit);
      const reload = await runner.run(systemctl, ["daemon-reload"]);
      if (reload.code !== 0) throw commandFailed(systemctl, ["daemon-reload"], reload);
      task = true;
    }
  }
  const removed = [files.copy, files.record, files.bootLog, files.taskXml].filter(
    removeIfPresent,
  );
  try {
    Deno.removeSync(targets.folder); // only when empty: anything else in it is not ours
    removed.push(targets.folder);
  } catch (error) {
    if (
      !(error instanceof Deno.errors.NotFound) &&
      !(error instanceof Error && /not empty|ENOTEMPTY|directory is not empty/i.test(error.message))
    ) throw error;
  }
  return { task, removed };
}
