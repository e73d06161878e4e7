/**
 * Where startup keeps its files and which system tools it starts: passed in as a value, so
 * tests point it at a temporary folder and never touch /etc, systemd or Task Scheduler.
 *
 * @module
 */
import path from "node:path";
import { BOOT_LOG_NAME } from "./boot_log.ts";
import type { StartupOs } from "./program.ts";
import { UNIT_NAME } from "./systemd_unit.ts";

/** The places and tools of one machine. The CLI fills in the real ones. */
export interface StartupTargets {
  /** The operating system whose task or unit is made. */
  readonly os: StartupOs;
  /** The protected folder: `/etc/bindlink` or `<ProgramData>\bindlink`. */
  readonly folder: string;
  /** Linux: where the unit goes (`/etc/systemd/system`). */
  readonly unitDir?: string;
  /** Linux: systemctl's absolute path (`/usr/bin/systemctl`). */
  readonly systemctl?: string;
  /** Windows: schtasks.exe's absolute path (`<System32>\schtasks.exe`). */
  readonly schtasks?: string;
}

/** The files startup writes. */
export interface StartupFiles {
  /** The protected copy of the manifest. */
  readonly copy: string;
  /** What was installed from where, with the user's file's hash. */
  readonly record: string;
  /** The boot run's log. */
  readonly bootLog: string;
  /** Windows: the task's XML while schtasks.exe reads it. */
  readonly taskXml: string;
  /** Linux: the unit file. */
  readonly unit?: string;
}

/** How long the boot run waits for backing paths that are not reachable yet, in seconds. */
export const BOOT_RETRY_SECONDS = 120;
/** How long the boot run may take in all before systemd or Task Scheduler stops it. */
export const BOOT_TIMEOUT_SECONDS = 300;

/**
 * The files of `targets`.
 *
 * @example
 * ```ts
 * import { startupFiles } from "./layout.ts";
 * startupFiles({ os: "linux", folder: "/etc/bindlink", unitDir: "/etc/systemd/system" }).copy;
 * // "/etc/bindlink/startup.json"
 * ```
 */
export function startupFiles(targets: StartupTargets): StartupFiles {
  const join = targets.os === "windows" ? path.win32.join : path.posix.join;
  return {
    copy: join(targets.folder, "startup.json"),
    record: join(targets.folder, "install.json"),
    bootLog: join(targets.folder, BOOT_LOG_NAME),
    taskXml: join(targets.folder, "task.xml"),
    unit: targets.unitDir ? path.posix.join(targets.unitDir, UNIT_NAME) : undefined,
  };
}

/** The tool `name` of `targets`, or an error saying it is missing (a bug in the caller). */
export function tool(targets: StartupTargets, name: "systemctl" | "schtasks" | "unitDir"): string {
  const value = targets[name];
  if (!value) throw new Error(`startup targets for ${targets.os} lack ${name}`);
  return value;
}

/** What install writes about itself, read back by status and remove. */
export interface InstallRecord {
  /** The format of this record. */
  readonly version: 1;
  /**
   * The user's manifest as install read it: its real file, every symlink resolved (the folder
   * its relative paths were resolved against), which status compares with.
   */
  readonly source: string;
  /** SHA-256 of the manifest's bytes at install, hex. */
  readonly sourceSha256: string;
  /** When it was installed, ISO 8601. */
  readonly installedAt: string;
  /** The program and fixed arguments the task runs. */
  readonly program: { readonly program: string; readonly args: readonly string[] };
  /** How many links the copy holds. */
  readonly links: number;
}

/** Hex SHA-256 of `data`. */
export async function sha256(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}
