/**
 * Which program the startup task or unit runs: the compiled `bindlink` executable, or `deno`
 * on a local `cli.ts`, both by absolute path. Code fetched at boot is never an option: it
 * would run as SYSTEM or root whatever the server sends that day.
 *
 * @module
 */
import path from "node:path";
import { BindLinkError } from "../errors.ts";
import type { CommandLine } from "./command_line.ts";

/** The operating systems a startup task exists for. */
export type StartupOs = "windows" | "linux";

/** The program chosen, and the files the trust rule must hold for. */
export interface StartupProgram {
  /** How the program is started, before the subcommand (`apply -f ...`). */
  readonly command: CommandLine;
  /** `compiled` for a `deno compile` executable, `deno` for deno on a local cli.ts. */
  readonly kind: "compiled" | "deno";
  /** Files that are run or read as code: each must be changeable by administrators only. */
  readonly files: readonly string[];
  /** Folders all of whose contents are imported code: checked file by file, recursively. */
  readonly trees: readonly string[];
}

/** What decides the program: where this process runs from. */
export interface ProgramSource {
  /** The operating system the task is for. */
  readonly os: StartupOs;
  /** `Deno.execPath()`: the deno executable, or the compiled bindlink. */
  readonly execPath: string;
  /** The URL of the CLI entry point (`cli.ts`) this process loaded. */
  readonly cliUrl: string;
}

/**
 * The flags deno gets at boot: no configuration file (which could name an import map or
 * other code), no remote modules, and the permissions the CLI documents, plus read and
 * write on Windows for the manifest copy and the boot log.
 */
export const BOOT_DENO_FLAGS: Readonly<Record<StartupOs, readonly string[]>> = {
  linux: ["run", "--no-config", "--no-remote", "--allow-ffi", "--allow-read", "--allow-write"],
  windows: ["run", "--no-config", "--no-remote", "--allow-ffi", "--allow-read", "--allow-write"],
};

/** Where to put the program so that only administrators can change it. */
export const PROGRAM_HOME: Readonly<Record<StartupOs, string>> = {
  windows: "%ProgramFiles%\\bindlink\\",
  linux: "/usr/local/lib/bindlink/",
};

/** The CLI entry point next to this library, as this process loaded it. */
export const DEFAULT_CLI_URL: string = new URL("../../cli.ts", import.meta.url).href;

function isDeno(execPath: string, os: StartupOs): boolean {
  const base = (os === "windows" ? path.win32 : path.posix).basename(execPath).toLowerCase();
  return base === "deno" || base === "deno.exe";
}

function fail(summary: string, hint: string): never {
  throw new BindLinkError({ code: "invalid-argument", operation: "startup", summary, hint });
}

/**
 * Decides what the task runs. A compiled executable runs itself; deno runs the local
 * `cli.ts` this process was started from, with {@linkcode BOOT_DENO_FLAGS}. A `cli.ts`
 * loaded from `http:` or `https:` is refused with what to do instead.
 *
 * @example
 * ```ts
 * import { startupProgram } from "./program.ts";
 * const program = startupProgram({
 *   os: "linux",
 *   execPath: "/usr/local/bin/deno",
 *   cliUrl: "file:///usr/local/lib/bindlink/cli.ts",
 * });
 * // program.command: /usr/local/bin/deno run --no-config --no-remote ... /usr/local/lib/bindlink/cli.ts
 * ```
 */
export function startupProgram(source: ProgramSource): StartupProgram {
  const paths = source.os === "windows" ? path.win32 : path.posix;
  if (!paths.isAbsolute(source.execPath)) {
    fail(
      `the program path ${JSON.stringify(source.execPath)} is not absolute`,
      "Start bindlink by its full path.",
    );
  }
  if (!isDeno(source.execPath, source.os)) {
    return {
      command: { program: source.execPath, args: [] },
      kind: "compiled",
      files: [],
      trees: [],
    };
  }
  const url = new URL(source.cliUrl);
  if (url.protocol !== "file:") {
    fail(
      `bindlink was started from ${url.href}; the startup task would have to fetch and run ` +
        "that code as " + (source.os === "windows" ? "SYSTEM" : "root") +
        " at every boot, and whoever controls the server (or the network) would decide what runs",
      "Install bindlink locally where only administrators can write, " +
        `such as ${PROGRAM_HOME[source.os]} (the compiled executable, or a copy of the ` +
        "source with cli.ts), and run `startup install` from there.",
    );
  }
  const cli = fromFileUrl(url, source.os);
  return {
    command: { program: source.execPath, args: [...BOOT_DENO_FLAGS[source.os], cli] },
    kind: "deno",
    files: [cli],
    trees: [paths.join(paths.dirname(cli), "lib")],
  };
}

function fromFileUrl(url: URL, os: StartupOs): string {
  const decoded = decodeURIComponent(url.pathname);
  if (os !== "windows") return decoded;
  if (url.hostname) return `\\\\${url.hostname}${decoded.replace(/\//g, "\\")}`;
  return decoded.replace(/^\//, "").replace(/\//g, "\\");
}
