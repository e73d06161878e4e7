/**
 * The systemd unit that makes the links of the protected manifest copy at boot, as root.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import { type CommandLine, systemdCommandLine, systemdPath } from "./command_line.ts";
import { UNIT_HEADER } from "./system_task.ts";

/** The unit's file name in /etc/systemd/system. */
export const UNIT_NAME = "bindlink.service";

/** What the unit runs and on which paths it waits. */
export interface UnitSpec {
  /** The program and the arguments before the subcommand (the deno flags and cli.ts). */
  readonly program: CommandLine;
  /** The protected copy of the manifest (`/etc/bindlink/startup.json`). */
  readonly manifest: string;
  /** Where the boot run writes its log, beside the copy. */
  readonly bootLog: string;
  /**
   * Absolute paths whose file systems must be mounted first (the links' backing and virtual
   * paths): each becomes `RequiresMountsFor=`, so the unit runs after their mounts.
   */
  readonly mountsFor: readonly string[];
  /** How long the boot run may take, in seconds, retries included. */
  readonly timeoutSeconds: number;
}

/**
 * The unit file's text, exactly. `After=`/`Wants=` `network-online.target` make the boot
 * run wait for the network (shares), `local-fs.target` for local disks, and
 * `RequiresMountsFor=` for the mounts holding each path.
 *
 * @example
 * ```ts
 * import { systemdUnit } from "./systemd_unit.ts";
 * const text = systemdUnit({
 *   program: { program: "/usr/local/lib/bindlink/bindlink", args: [] },
 *   manifest: "/etc/bindlink/startup.json",
 *   bootLog: "/etc/bindlink/boot-log.json",
 *   mountsFor: ["/srv/data"],
 *   timeoutSeconds: 600,
 * });
 * ```
 */
export function systemdUnit(spec: UnitSpec): string {
  for (const file of [spec.manifest, spec.bootLog, ...spec.mountsFor]) {
    if (!file.startsWith("/")) {
      throw new BindLinkError({
        code: "invalid-path",
        operation: "startup",
        summary: `the unit would name ${JSON.stringify(file)}, which is not absolute`,
        hint: "Every path in the unit must be absolute; this is a bug in bindlink.",
      });
    }
  }
  const withArgs = (args: string[]): CommandLine => ({
    program: spec.program.program,
    args: [...spec.program.args, ...args],
  });
  const start = systemdCommandLine(
    withArgs(["apply", "-f", spec.manifest, "--boot-log", spec.bootLog]),
  );
  const stop = systemdCommandLine(withArgs(["down", "-f", spec.manifest]));
  const mounts = [...new Set(spec.mountsFor)].sort();
  const lines = [
    `${UNIT_HEADER}; remove it with \`bindlink startup remove\`.`,
    "[Unit]",
    `Description=bindlink: bind links of ${spec.manifest.replace(/%/g, "%%")}`,
    "Wants=network-online.target",
    "After=local-fs.target network-online.target",
    ...mounts.map((file) => `RequiresMountsFor=${systemdPath(file)}`),
    "",
    "[Service]",
    "Type=oneshot",
    "RemainAfterExit=yes",
    `ExecStart=${start}`,
    `ExecStop=${stop}`,
    `TimeoutStartSec=${Math.ceil(spec.timeoutSeconds)}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ];
  return lines.join("\n");
}
