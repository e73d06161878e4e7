/**
 * `startup install`: validate the user's manifest, copy it with every path absolute into
 * the protected folder, and make the systemd unit or Task Scheduler task that applies that
 * copy at every boot, as root or SYSTEM. The task names the copy, never the user's file, and
 * runs only a program no one but administrators can change.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import type { LinkSpec, Platform } from "../platform.ts";
import { checkTrustedFile, checkTrustedTree } from "../trust/trusted_file.ts";
import { UndoList } from "../undo.ts";
import {
  BOOT_TIMEOUT_SECONDS,
  type InstallRecord,
  startupFiles,
  type StartupTargets,
  tool,
} from "./layout.ts";
import { readManifestCopy } from "./manifest_copy.ts";
import { type ProgramSource, type StartupProgram, startupProgram } from "./program.ts";
import {
  ensureProtectedFolder,
  readIfPresent,
  removeIfPresent,
  writeProtectedFile,
} from "./protected_folder.ts";
import type { CommandRunner } from "./runner.ts";
import { systemdUnit, UNIT_NAME } from "./systemd_unit.ts";
import { encodeTaskXml, TASK_NAME, taskXml } from "./task_xml.ts";
import { commandFailed, isOurTask, isOurUnit, queryTask } from "./system_task.ts";

/** What `startup install` needs. */
export interface InstallOptions {
  /** The user's manifest. */
  readonly manifest: string;
  /** Where the files go and which tools to start. */
  readonly targets: StartupTargets;
  /** Starts systemctl or schtasks.exe. */
  readonly runner: CommandRunner;
  /** The platform whose path rules resolve the manifest's paths. */
  readonly platform: Platform;
  /** Where this process runs from, which decides the program the task runs. */
  readonly program: ProgramSource;
  /** Linux: the login uid allowed to own the manifest; default `/proc/self/loginuid`. */
  readonly user?: number;
  /**
   * Checks that only administrators can change the program's files. Default: the trust rule
   * ({@linkcode checkProgramTrusted}); tests under Wine, where every file belongs to the
   * user, record the call instead.
   */
  readonly checkProgram?: (program: StartupProgram) => void;
  /** The clock, for the install record. */
  readonly now?: () => Date;
}

/** What install did. */
export interface InstallResult {
  /** The protected copy. */
  readonly copy: string;
  /** The unit file (Linux) or the task's name (Windows). */
  readonly task: string;
  /** The program the task runs, with the fixed arguments before the subcommand. */
  readonly program: StartupProgram["command"];
  /** How many links the copy holds. */
  readonly links: number;
  /** Things the person should know (shares reached as the computer's account). */
  readonly warnings: readonly string[];
  /** The real file the copy was made from (every symlink resolved); status compares with it. */
  readonly source: string;
  /** SHA-256 of the user's manifest as installed. */
  readonly sourceSha256: string;
}

/**
 * The trust rule for the program the task runs: its executable and, for deno, cli.ts and
 * every file of the library it imports, changeable by administrators only.
 */
export function checkProgramTrusted(program: StartupProgram, os: "linux" | "windows"): void {
  const options = { role: "program file", operation: "startup", allowUser: false } as const;
  try {
    checkTrustedFile(program.command.program, options);
    for (const file of program.files) checkTrustedFile(file, options);
    for (const tree of program.trees) checkTrustedTree(tree, options);
  } catch (error) {
    if (error instanceof BindLinkError && error.code === "untrusted") {
      const home = os === "windows" ? "%ProgramFiles%\\bindlink\\" : "/usr/local/lib/bindlink/";
      throw new BindLinkError({
        code: "untrusted",
        operation: "startup",
        summary: `${error.summary}; the startup task runs it as ${
          os === "windows" ? "SYSTEM" : "root"
        } at every boot, for every user`,
        hint: `Put bindlink where only administrators can write, such as ${home}, and run ` +
          `\`startup install\` from there. ${error.hint}`,
        cause: error,
      });
    }
    throw error;
  }
}

function shareWarnings(links: readonly LinkSpec[], os: "linux" | "windows"): string[] {
  if (os !== "windows") return [];
  return links.filter((link) => link.backingPath.startsWith("\\\\")).map((link) =>
    `${link.virtualPath} -> ${link.backingPath}: at boot SYSTEM reaches this share as the ` +
    "computer's account (DOMAIN\\COMPUTER$), not as you; give that account access to the " +
    "share, or the link will fail at boot"
  );
}

/** Restores `file` to `before` (its bytes, or absent) when the install is rolled back. */
function restorer(file: string, before: Uint8Array | undefined, os: "linux" | "windows") {
  return () => {
    if (before === undefined) removeIfPresent(file);
    else writeProtectedFile(file, before, os);
  };
}

/**
 * Installs the startup task or unit. Everything is checked before anything is written; if a
 * step fails, what was written is put back as it was.
 *
 * @example
 * ```ts
 * import { installStartup } from "./install.ts";
 * import { RecordingRunner } from "./runner.ts";
 * import { linuxPlatform } from "../linux/platform.ts";
 *
 * const result = await installStartup({
 *   manifest: "bindlink.json",
 *   targets: { os: "linux", folder: "/tmp/t/etc-bindlink", unitDir: "/tmp/t/units", systemctl: "/usr/bin/systemctl" },
 *   runner: new RecordingRunner(),
 *   platform: linuxPlatform(),
 *   program: { os: "linux", execPath: "/usr/local/lib/bindlink/bindlink", cliUrl: "file:///x/cli.ts" },
 * });
 * ```
 */
export async function installStartup(options: InstallOptions): Promise<InstallResult> {
  const { targets, runner } = options;
  const os = targets.os;
  const files = startupFiles(targets);

  // 1. The program: local, and only administrators can change it.
  const program = startupProgram(options.program);
  (options.checkProgram ?? ((p) => checkProgramTrusted(p, os)))(program);

  // 2. The manifest: trusted, valid, read once, and its copy worked out (manifest_copy.ts).
  const { copy, source, sourceSha256 } = await readManifestCopy(options, os);
  const links = copy.links;

  // 3. What the task or unit will be, fully worked out before anything is written.
  const spec = { program: program.command, manifest: files.copy, bootLog: files.bootLog };
  const taskText = os === "windows"
    ? taskXml({
      ...spec,
      needsNetwork: links.some((l) => l.backingPath.startsWith("\\\\")),
      timeoutSeconds: BOOT_TIMEOUT_SECONDS,
    })
    : systemdUnit({
      ...spec,
      mountsFor: links.flatMap((l) => [l.virtualPath, l.backingPath]),
      timeoutSeconds: BOOT_TIMEOUT_SECONDS,
    });
  if (os === "windows") {
    const existing = await queryTask(runner, tool(targets, "schtasks"));
    if (existing.present && !isOurTask(existing.xml, files.copy)) {
      throw notOurs(
        `a Task Scheduler task named "${TASK_NAME}" already exists`,
        "schtasks /Query /TN bindlink /XML",
      );
    }
  } else {
    const before = readIfPresent(files.unit!);
    if (before && !isOurUnit(new TextDecoder().decode(before))) {
      throw notOurs(`${files.unit} already exists`, `cat ${files.unit}`);
    }
  }

  // 4. Write, then register; undo in reverse on failure.
  const undo = new UndoList();
  try {
    const folder = ensureProtectedFolder(targets.folder, os);
    if (folder.created) undo.push(() => Deno.removeSync(targets.folder, { recursive: true }));
    const record: InstallRecord = {
      version: 1,
      source,
      sourceSha256,
      installedAt: (options.now?.() ?? new Date()).toISOString(),
      program: program.command,
      links: links.length,
    };
    const encoder = new TextEncoder();
    for (
      const [file, data] of [
        [files.copy, encoder.encode(copy.text)],
        [files.record, encoder.encode(JSON.stringify(record, null, 2) + "\n")],
      ] as const
    ) {
      undo.push(restorer(file, readIfPresent(file), os));
      writeProtectedFile(file, data, os);
    }
    if (os === "windows") {
      await registerTask(runner, tool(targets, "schtasks"), files.taskXml, taskText);
    } else {
      await registerUnit(runner, tool(targets, "systemctl"), files.unit!, taskText, undo);
    }
    undo.commit();
  } catch (error) {
    undo.rollback();
    throw error;
  }
  return {
    copy: files.copy,
    task: os === "windows" ? TASK_NAME : files.unit!,
    program: program.command,
    links: links.length,
    warnings: shareWarnings(links, os),
    source,
    sourceSha256,
  };
}

function notOurs(summary: string, look: string): BindLinkError {
  return new BindLinkError({
    code: "already-exists",
    operation: "startup",
    summary: `${summary} and bindlink did not make it`,
    hint: `bindlink does not replace what it did not make. Look at it (${look}); remove it ` +
      "yourself if it is not needed, then run `bindlink startup install` again.",
  });
}

async function registerUnit(
  runner: CommandRunner,
  systemctl: string,
  unitFile: string,
  text: string,
  undo: UndoList,
): Promise<void> {
  const before = readIfPresent(unitFile);
  undo.push(() => {
    restorer(unitFile, before, "linux")();
    // Best effort: systemd forgets the unit on its next reload anyway.
    runner.run(systemctl, ["daemon-reload"]).catch(() => {});
  });
  writeProtectedFile(unitFile, new TextEncoder().encode(text), "linux");
  for (const args of [["daemon-reload"], ["enable", UNIT_NAME]]) {
    const result = await runner.run(systemctl, args);
    if (result.code !== 0) throw commandFailed(systemctl, args, result);
  }
}

async function registerTask(
  runner: CommandRunner,
  schtasks: string,
  xmlFile: string,
  xml: string,
): Promise<void> {
  writeProtectedFile(xmlFile, encodeTaskXml(xml), "windows");
  try {
    const args = ["/Create", "/XML", xmlFile, "/TN", TASK_NAME, "/F"];
    const result = await runner.run(schtasks, args);
    if (result.code !== 0) throw commandFailed(schtasks, args, result);
  } finally {
    removeIfPresent(xmlFile);
  }
}
