/**
 * The Task Scheduler task that makes the links of the protected manifest copy at boot, as
 * SYSTEM: its XML, for `schtasks.exe /Create /XML`.
 *
 * @module
 */
import { type CommandLine, taskCommand } from "./command_line.ts";

/** The task's name in the Task Scheduler library (its root folder). */
export const TASK_NAME = "bindlink";

/** The well-known SID of the LocalSystem account: the task runs as SYSTEM. */
export const SYSTEM_SID = "S-1-5-18";

/** What the task runs and when. */
export interface TaskSpec {
  /** The program and the arguments before the subcommand (the deno flags and cli.ts). */
  readonly program: CommandLine;
  /** The protected copy of the manifest (`C:\ProgramData\bindlink\startup.json`). */
  readonly manifest: string;
  /** Where the boot run writes its log, beside the copy. */
  readonly bootLog: string;
  /**
   * Start only once a network is available: set when a link's backing path is on a share,
   * which SYSTEM can reach only then.
   */
  readonly needsNetwork: boolean;
  /** How long the run may take before Task Scheduler stops it, in seconds. */
  readonly timeoutSeconds: number;
}

/** Escapes text for an XML element or attribute value. */
export function xmlEscape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&apos;",
  );
}

/** An ISO 8601 duration in whole minutes or seconds, as Task Scheduler reads it. */
function duration(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  return whole % 60 === 0 ? `PT${whole / 60}M` : `PT${whole}S`;
}

/**
 * The task's XML, exactly (UTF-16 is declared: write it with {@linkcode encodeTaskXml}).
 *
 * @example
 * ```ts
 * import { taskXml } from "./task_xml.ts";
 * const xml = taskXml({
 *   program: { program: "C:\\Program Files\\bindlink\\bindlink.exe", args: [] },
 *   manifest: "C:\\ProgramData\\bindlink\\startup.json",
 *   bootLog: "C:\\ProgramData\\bindlink\\boot-log.json",
 *   needsNetwork: false,
 *   timeoutSeconds: 900,
 * });
 * ```
 */
export function taskXml(spec: TaskSpec): string {
  const exec = taskCommand({
    program: spec.program.program,
    args: [...spec.program.args, "apply", "-f", spec.manifest, "--boot-log", spec.bootLog],
  });
  const text = (value: string) => xmlEscape(value);
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    "  <RegistrationInfo>",
    `    <Description>bindlink: bind links of ${text(spec.manifest)}</Description>`,
    `    <URI>\\${TASK_NAME}</URI>`,
    "  </RegistrationInfo>",
    "  <Triggers>",
    "    <BootTrigger>",
    "      <Enabled>true</Enabled>",
    "    </BootTrigger>",
    "  </Triggers>",
    "  <Principals>",
    '    <Principal id="Author">',
    `      <UserId>${SYSTEM_SID}</UserId>`,
    "      <RunLevel>HighestAvailable</RunLevel>",
    "    </Principal>",
    "  </Principals>",
    "  <Settings>",
    "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>",
    "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>",
    "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>",
    "    <AllowHardTerminate>true</AllowHardTerminate>",
    "    <StartWhenAvailable>true</StartWhenAvailable>",
    `    <RunOnlyIfNetworkAvailable>${spec.needsNetwork}</RunOnlyIfNetworkAvailable>`,
    "    <IdleSettings>",
    "      <StopOnIdleEnd>false</StopOnIdleEnd>",
    "      <RestartOnIdle>false</RestartOnIdle>",
    "    </IdleSettings>",
    "    <AllowStartOnDemand>true</AllowStartOnDemand>",
    "    <Enabled>true</Enabled>",
    "    <Hidden>false</Hidden>",
    "    <RunOnlyIfIdle>false</RunOnlyIfIdle>",
    "    <WakeToRun>false</WakeToRun>",
    `    <ExecutionTimeLimit>${duration(spec.timeoutSeconds)}</ExecutionTimeLimit>`,
    "    <Priority>7</Priority>",
    "  </Settings>",
    '  <Actions Context="Author">',
    "    <Exec>",
    `      <Command>${text(exec.command)}</Command>`,
    `      <Arguments>${text(exec.arguments)}</Arguments>`,
    "    </Exec>",
    "  </Actions>",
    "</Task>",
    "",
  ].join("\r\n");
}

/** The XML as UTF-16LE with a byte order mark, the encoding it declares. */
export function encodeTaskXml(xml: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(2 + xml.length * 2);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  for (let i = 0; i < xml.length; i++) {
    const unit = xml.charCodeAt(i);
    bytes[2 + i * 2] = unit & 0xff;
    bytes[3 + i * 2] = unit >> 8;
  }
  return bytes;
}
