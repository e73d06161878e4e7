/**
 * The CLI: a command line in, text or JSON out, an exit code back.
 *
 * @module
 */
import { BindLinkApi } from "../api.ts";
import type { BindLink } from "../bind_link.ts";
import { defaultPlatform } from "../default_platform.ts";
import { BindLinkError } from "../errors.ts";
import type { Platform } from "../platform.ts";
import { prepareRemove } from "../prepare.ts";
import { VERSION } from "../version.ts";
import { type Command, parseCommandLine, UsageError } from "./args.ts";
import { CREATE_HELP, MAIN_HELP, REMOVE_HELP } from "./help.ts";

/** Where the CLI writes, and which platform it drives. Everything defaults to the real one. */
export interface CliIo {
  /** Receives normal output, one complete text at a time. */
  stdout?: (text: string) => void;
  /** Receives errors. */
  stderr?: (text: string) => void;
  /** The platform to drive; by default the one for this OS. */
  platform?: Platform;
}

/** 0: done. */
export const EXIT_OK = 0;
/** 1: the operation failed. */
export const EXIT_FAILED = 1;
/** 2: the command line is wrong. */
export const EXIT_USAGE = 2;

const encoder = new TextEncoder();
function writer(file: { writeSync(p: Uint8Array): number }): (text: string) => void {
  return (text) => {
    const bytes = encoder.encode(text);
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
  };
}

function describeLink(link: BindLink): string {
  const traits = [link.readOnly && "read-only", link.merged && "merged"].filter(Boolean);
  const exceptions = link.exceptions.length
    ? `; ${link.exceptions.length === 1 ? "exception" : "exceptions"}: ${
      link.exceptions.join(", ")
    }`
    : "";
  const extra = traits.length || exceptions
    ? ` (${traits.join(", ") || "plain"}${exceptions})`
    : "";
  return `Created bind link ${link.virtualPath} -> ${link.backingPath}${extra}\n`;
}

async function execute(command: Command, api: () => BindLinkApi, out: (t: string) => void) {
  switch (command.kind) {
    case "help": {
      const text = command.topic === "create"
        ? CREATE_HELP
        : command.topic === "remove"
        ? REMOVE_HELP
        : MAIN_HELP;
      out(command.json ? JSON.stringify({ ok: true, help: text }) + "\n" : text);
      return;
    }
    case "version":
      out(
        command.json
          ? JSON.stringify({ ok: true, version: VERSION }) + "\n"
          : `bindlink ${VERSION}\n`,
      );
      return;
    case "create": {
      const link = await api().createBindLink(command.virtualPath, command.backingPath, {
        readOnly: command.readOnly,
        merged: command.merged,
        exceptions: command.exceptions,
      });
      out(
        command.json
          ? JSON.stringify({ ok: true, operation: "create", link }) + "\n"
          : describeLink(link),
      );
      return;
    }
    case "remove": {
      const virtualPath = prepareRemove(api().platform, command.virtualPath);
      await api().platform.remove(virtualPath);
      out(
        command.json
          ? JSON.stringify({ ok: true, operation: "remove", virtualPath }) + "\n"
          : `Removed bind link at ${virtualPath}\n`,
      );
      return;
    }
  }
}

/**
 * Runs the CLI on `args` (without the program name) and returns the exit code.
 *
 * @example Drive it in-process
 * ```ts
 * import { main } from "@bindlink/bindlink/cli";
 *
 * let output = "";
 * const code = await main(["--version"], { stdout: (text) => output += text });
 * console.log(code, output); // 0 "bindlink 0.1.0\n"
 * ```
 */
export async function main(args: readonly string[], io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? writer(Deno.stdout);
  const stderr = io.stderr ?? writer(Deno.stderr);
  let json = args.includes("--json");
  let created: BindLinkApi | undefined;
  const api = () => created ??= new BindLinkApi(io.platform ?? defaultPlatform());
  try {
    const command = parseCommandLine(args);
    json = command.json;
    await execute(command, api, stdout);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.topic ? `bindlink ${error.topic} --help` : "bindlink --help";
      if (json) {
        stdout(
          JSON.stringify({ ok: false, error: { code: "usage", message: error.message, help } }) +
            "\n",
        );
      } else {
        stderr(`bindlink: ${error.message}.\nRun "${help}" for usage.\n`);
      }
      return EXIT_USAGE;
    }
    if (error instanceof BindLinkError) {
      if (json) stdout(JSON.stringify({ ok: false, error }) + "\n");
      else stderr(`bindlink: ${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  } finally {
    // Only what this call opened is closed: a platform passed in belongs to the caller.
    if (!io.platform) created?.close();
  }
}
