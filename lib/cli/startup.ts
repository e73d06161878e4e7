/** `bindlink startup install -f <file> | remove | status`: links back after a restart. @module */
import { BindLinkError } from "../errors.ts";
import { installStartup } from "../startup/install.ts";
import type { StartupTargets } from "../startup/layout.ts";
import { DEFAULT_CLI_URL, type ProgramSource, type StartupOs } from "../startup/program.ts";
import { removeStartup } from "../startup/remove.ts";
import { type CommandRunner, systemRunner } from "../startup/runner.ts";
import { describeStatus, startupStatus } from "../startup/status.ts";
import { hostRule } from "../trust/host_rule.ts";
import type { CliContext } from "./command.ts";
import { EXIT_CODES } from "./help.ts";
import type { OptionSpec, ParsedArgs } from "./options.ts";
import { UsageError } from "./usage_error.ts";

/** Help for `startup`. */
export const help = `Usage: bindlink startup install -f <file>
       bindlink startup remove
       bindlink startup status

Make a manifest's links come back after every restart.

  install  checks the manifest and copies it, every path made absolute, to a folder only
           administrators can write (/etc/bindlink/startup.json on Linux,
           <ProgramData>\\bindlink\\startup.json on Windows), then makes a systemd unit
           (bindlink.service) or a Task Scheduler task (bindlink) that applies that copy at
           every boot, as root or SYSTEM. Run it again after changing the manifest.
  remove   deletes the unit or task and the copy.
  status   says whether the copy and the unit or task are in place, whether the manifest
           changed since install, and how the last run at boot went (exit 0 when all is well).

The unit or task runs the program you run now, by its full path: the compiled bindlink, or
deno on this local cli.ts. It and the manifest must be changeable only by administrators
(and you, for the manifest); bindlink refuses otherwise and says what to fix. Needs root or
an elevated prompt, and --allow-run besides the usual permissions.

Options:
  -f, --file <file>  the manifest to install (install only)
      --json         print one JSON object
  -h, --help         show this help

${EXIT_CODES}
`;

/** The options of `startup`. */
export const options: OptionSpec = { file: { type: "string", short: "f" } };

/** The machine's real places and tools, and how to reach them: only the CLI uses these. */
export interface StartupEnvironment {
  /** Where the files go and which tools run. */
  readonly targets: StartupTargets;
  /** Starts the tools. */
  readonly runner: CommandRunner;
  /** Where this process runs from. */
  readonly program: ProgramSource;
  /** Whether this process is elevated. */
  readonly elevated: boolean;
}

function startupOs(): StartupOs {
  if (Deno.build.os === "windows" || Deno.build.os === "linux") return Deno.build.os;
  throw new BindLinkError({
    code: "unsupported-platform",
    operation: "startup",
    summary: `bindlink has no startup task for ${Deno.build.os}`,
    hint: "Use Windows or Linux.",
  });
}

function firstExisting(candidates: string[]): string {
  for (const file of candidates) {
    try {
      if (Deno.statSync(file).isFile) return file;
    } catch {
      // try the next one
    }
  }
  return candidates[0];
}

/** The real targets: /etc/bindlink and systemd, or ProgramData\bindlink and schtasks.exe. */
export async function realEnvironment(): Promise<StartupEnvironment> {
  const os = startupOs();
  let targets: StartupTargets;
  if (os === "windows") {
    const { programDataFolder } = await import("../windows/program_data.ts");
    const { system32Path } = await import("../windows/system_root.ts");
    targets = {
      os,
      folder: `${programDataFolder()}\\bindlink`,
      schtasks: system32Path("schtasks.exe"),
    };
  } else {
    targets = {
      os,
      folder: "/etc/bindlink",
      unitDir: "/etc/systemd/system",
      systemctl: firstExisting(["/usr/bin/systemctl", "/bin/systemctl"]),
    };
  }
  return {
    targets,
    runner: systemRunner(),
    program: { os, execPath: Deno.execPath(), cliUrl: DEFAULT_CLI_URL },
    elevated: hostRule.isElevated(),
  };
}

function requireElevated(environment: StartupEnvironment, what: string): void {
  if (environment.elevated) return;
  const windows = environment.targets.os === "windows";
  throw new BindLinkError({
    code: "access-denied",
    operation: "startup",
    summary: `startup ${what} changes what runs at boot for everyone, and this process is not ` +
      (windows ? "elevated" : "root"),
    hint: windows ? "Run it from an elevated prompt." : "Run it as root (sudo).",
  });
}

function requireRunPermission(environment: StartupEnvironment): void {
  const tool = environment.targets.os === "windows"
    ? environment.targets.schtasks
    : environment.targets.systemctl;
  if (!tool || Deno.permissions.querySync({ name: "run", command: tool }).state === "granted") {
    return;
  }
  throw new BindLinkError({
    code: "access-denied",
    operation: "startup",
    summary: `Deno does not allow bindlink to start ${tool}`,
    hint: "startup needs --allow-run (for systemctl or schtasks.exe) besides --allow-ffi " +
      "--allow-read --allow-write.",
  });
}

/**
 * Runs `startup` with the places and tools of `environment`; tests pass temporary ones.
 *
 * @example
 * ```ts
 * import { realEnvironment, runStartup } from "./startup.ts";
 * // const code = await runStartup(args, context, await realEnvironment());
 * ```
 */
export async function runStartup(
  args: ParsedArgs,
  context: CliContext,
  environment: StartupEnvironment,
): Promise<number> {
  const [action, ...extra] = args.positionals;
  if (action === undefined) {
    throw new UsageError("startup needs an action: install, remove or status", "startup");
  }
  if (extra.length) {
    throw new UsageError(
      `startup ${action} takes no more arguments, but got ${extra.join(" ")}`,
      "startup",
    );
  }
  const file = args.string("file");
  if (file !== undefined && action !== "install") {
    throw new UsageError("-f only applies to startup install", "startup");
  }
  const { targets, runner } = environment;
  switch (action) {
    case "install": {
      if (file === undefined) {
        throw new UsageError("startup install needs the manifest: -f <file>", "startup");
      }
      requireElevated(environment, "install");
      requireRunPermission(environment);
      const result = await installStartup({
        manifest: file,
        targets,
        runner,
        platform: await context.platform(),
        program: environment.program,
      });
      if (context.json) {
        context.stdout(
          JSON.stringify({ ok: true, operation: "startup install", ...result }) + "\n",
        );
      } else {
        for (const warning of result.warnings) context.stderr(`bindlink: warning: ${warning}\n`);
        const who = targets.os === "windows" ? "SYSTEM" : "root";
        context.stdout(
          `Installed ${result.task}: at every boot, as ${who}, it applies ${result.copy} ` +
            `(${result.links} ${
              result.links === 1 ? "link" : "links"
            }, copied from ${result.source}).\n` +
            `It runs: ${[result.program.program, ...result.program.args].join(" ")}\n` +
            "After changing the manifest, run `bindlink startup install` again.\n",
        );
      }
      return 0;
    }
    case "remove": {
      requireElevated(environment, "remove");
      requireRunPermission(environment);
      const result = await removeStartup({ targets, runner });
      if (context.json) {
        context.stdout(JSON.stringify({ ok: true, operation: "startup remove", ...result }) + "\n");
      } else {
        context.stdout(
          result.task || result.removed.length
            ? `Removed the startup ${targets.os === "windows" ? "task" : "unit"}${
              result.removed.length ? ` and ${result.removed.join(", ")}` : ""
            }.\n`
            : "Nothing to remove: no startup task is installed.\n",
        );
      }
      return 0;
    }
    case "status": {
      requireRunPermission(environment);
      const status = await startupStatus({ targets, runner });
      if (context.json) {
        context.stdout(JSON.stringify({ operation: "startup status", ...status }) + "\n");
      } else {
        context.stdout(describeStatus(status));
      }
      return status.ok ? 0 : 1;
    }
    default:
      throw new UsageError(
        `unknown startup action "${action}" (the actions are install, remove and status)`,
        "startup",
      );
  }
}

/** Runs `startup` on this machine. */
export async function run(args: ParsedArgs, context: CliContext): Promise<number> {
  return runStartup(args, context, await realEnvironment());
}
