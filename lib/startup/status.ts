/**
 * `startup status`: is the protected copy in place, is the task or unit registered, has the
 * user's manifest changed since install, and how did the last boot run go. It only reads;
 * it never applies the user's file.
 *
 * @module
 */
import { checkTrustedFile } from "../trust/trusted_file.ts";
import { type BootLogState, readBootLog } from "./boot_log.ts";
import { type InstallRecord, sha256, startupFiles, type StartupTargets, tool } from "./layout.ts";
import { readIfPresent } from "./protected_folder.ts";
import type { CommandRunner } from "./runner.ts";
import { isOurTask, isOurUnit, queryTask } from "./system_task.ts";
import { TASK_NAME } from "./task_xml.ts";
import { UNIT_NAME } from "./systemd_unit.ts";

/** The state of the whole startup set-up. */
export interface StartupStatus {
  /** True when everything is in place, the user's file unchanged, the last boot run fine. */
  readonly ok: boolean;
  /** The protected copy. */
  readonly copy: {
    readonly path: string;
    readonly present: boolean;
    /** Why it cannot be used, when it is present but someone else could change it. */
    readonly problem?: string;
  };
  /** The systemd unit or the Task Scheduler task. */
  readonly task: {
    /** The unit file or the task's name. */
    readonly name: string;
    /** Registered (and made by bindlink). */
    readonly present: boolean;
    /** Enabled: it will run at the next boot. */
    readonly enabled: boolean;
  };
  /** The user's manifest, compared with what was installed. */
  readonly source: {
    readonly path?: string;
    /** `unchanged`, `changed` (install again), `missing`, or `unknown` (no install record). */
    readonly state: "unchanged" | "changed" | "missing" | "unknown";
    readonly installedAt?: string;
  };
  /** The last run at boot, from its log. */
  readonly lastBoot: BootLogState;
}

/** What status reads. */
export interface StatusOptions {
  /** Where the files are and which tools to ask. */
  readonly targets: StartupTargets;
  /** Starts systemctl or schtasks.exe (only to ask). */
  readonly runner: CommandRunner;
}

function readRecord(file: string): InstallRecord | undefined {
  const bytes = readIfPresent(file);
  if (!bytes) return undefined;
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return value?.version === 1 && typeof value.source === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

async function taskState(options: StatusOptions, copy: string) {
  const { targets, runner } = options;
  if (targets.os === "windows") {
    const query = await queryTask(runner, tool(targets, "schtasks"));
    const ours = query.present && isOurTask(query.xml, copy);
    const enabled = ours && !/<Settings>[\s\S]*<Enabled>false<\/Enabled>[\s\S]*<\/Settings>/
      .test(query.xml);
    return { name: TASK_NAME, present: ours, enabled };
  }
  const unit = startupFiles(targets).unit!;
  const text = readIfPresent(unit);
  const present = text !== undefined && isOurUnit(new TextDecoder().decode(text));
  const enabled = present &&
    (await runner.run(tool(targets, "systemctl"), ["is-enabled", UNIT_NAME])).code === 0;
  return { name: unit, present, enabled };
}

/**
 * Reads the state of the startup set-up.
 *
 * @example
 * ```ts
 * import { startupStatus } from "./status.ts";
 * import { systemRunner } from "./runner.ts";
 * const status = await startupStatus({
 *   targets: { os: "linux", folder: "/etc/bindlink", unitDir: "/etc/systemd/system", systemctl: "/usr/bin/systemctl" },
 *   runner: systemRunner(),
 * });
 * console.log(status.ok ? "in place" : "needs attention");
 * ```
 */
export async function startupStatus(options: StatusOptions): Promise<StartupStatus> {
  const files = startupFiles(options.targets);
  const present = readIfPresent(files.copy) !== undefined;
  let problem: string | undefined;
  if (present) {
    try {
      checkTrustedFile(files.copy, {
        role: "protected copy",
        operation: "startup",
        allowUser: false,
      });
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
  }
  const task = await taskState(options, files.copy);
  const record = readRecord(files.record);
  let state: StartupStatus["source"]["state"] = "unknown";
  if (record) {
    const bytes = readIfPresent(record.source);
    state = bytes === undefined
      ? "missing"
      : (await sha256(new Uint8Array(bytes))) === record.sourceSha256
      ? "unchanged"
      : "changed";
  }
  const lastBoot = readBootLog(files.bootLog);
  const ok = present && !problem && task.present && task.enabled && state === "unchanged" &&
    (lastBoot.state === "succeeded" || lastBoot.state === "none");
  return {
    ok,
    copy: { path: files.copy, present, ...(problem ? { problem } : {}) },
    task,
    source: { path: record?.source, state, installedAt: record?.installedAt },
    lastBoot,
  };
}

/**
 * The status in words, one line per part, for the CLI.
 *
 * @example
 * ```ts
 * import { describeStatus, startupStatus } from "./status.ts";
 * // console.log(describeStatus(await startupStatus(options)));
 * ```
 */
export function describeStatus(status: StartupStatus): string {
  const lines: string[] = [];
  lines.push(
    status.copy.present
      ? status.copy.problem
        ? `protected copy: ${status.copy.path}, but ${status.copy.problem}`
        : `protected copy: ${status.copy.path}`
      : `protected copy: missing (${status.copy.path})`,
  );
  lines.push(
    status.task.present
      ? `task: ${status.task.name}, ${status.task.enabled ? "enabled" : "NOT enabled"}`
      : `task: not installed (${status.task.name})`,
  );
  const source = status.source;
  lines.push(
    source.state === "unchanged"
      ? `manifest: ${source.path}, unchanged since install (${source.installedAt})`
      : source.state === "changed"
      ? `manifest: ${source.path} has changed since install; run \`bindlink startup install -f ${source.path}\` to take the new version`
      : source.state === "missing"
      ? `manifest: ${source.path} is gone; the task still applies the copy installed ${source.installedAt}`
      : "manifest: no install record",
  );
  const boot = status.lastBoot;
  if (boot.state === "none") lines.push("last boot run: none yet");
  else if (boot.state === "unreadable") {
    lines.push(`last boot run: log unreadable (${boot.reason})`);
  } else {
    lines.push(
      `last boot run: ${boot.state} at ${boot.log.finishedAt}, exit code ${boot.log.exitCode}` +
        (boot.log.waitedSeconds ? `, waited ${boot.log.waitedSeconds} s for backing paths` : ""),
    );
    if (boot.log.error) lines.push(`  ${boot.log.error}`);
    for (const failed of boot.log.failed) {
      lines.push(
        `  failed: ${failed.virtual} -> ${failed.backing}: ${failed.code}: ${failed.message}`,
      );
    }
  }
  lines.push(status.ok ? "startup: in place" : "startup: needs attention");
  return lines.join("\n") + "\n";
}
