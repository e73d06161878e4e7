/**
 * The CLI: a command line in, text or JSON out, an exit code back. Finds the command, loads
 * its module, parses its options, runs it, and words what it throws.
 *
 * @module
 */
// Imported here: what `--version` needs and the small modules every command goes through
// (the command table, option parsing, choosing the backend), so that a command's own code
// arrives in one dynamic import; each import() costs Deno a graph load of its own. The rest
// is imported where it is used, so `--version` and `help` start like an empty `deno run`.
import type { BindLinkOperation } from "../errors.ts";
import { loadDefaultPlatform } from "../load_platform.ts";
import type { Platform } from "../platform.ts";
import { printable } from "../printable.ts";
import { VERSION } from "../version.ts";
import type { CliContext } from "./command.ts";
import { COMMANDS, findCommand } from "./commands.ts";
import { parseOptions, UnknownOptionError } from "./options.ts";
import { UsageError } from "./usage_error.ts";

/** Where the CLI writes, and which platform it drives. Everything defaults to the real one. */
export interface CliIo {
  /** Receives normal output, one complete text at a time. */
  stdout?: (text: string) => void;
  /** Receives errors. */
  stderr?: (text: string) => void;
  /** Standard input, read whole; by default the process's. */
  stdin?: () => Promise<string>;
  /** The platform to drive; by default the one for this OS. */
  platform?: Platform;
  /**
   * The folder of the lock and operation records of apply, down, run and prune; by default
   * the platform's protected one. For tests that drive a test double.
   */
  stateDir?: string;
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

/** The arguments before a `--`, where global options may stand. */
function beforeDoubleDash(args: readonly string[]): readonly string[] {
  const end = args.indexOf("--");
  return end < 0 ? args : args.slice(0, end);
}

// The options that may stand without a command (and before one).
const GLOBAL_OPTIONS = ["--json", "--help", "-h", "--version", "-V"];

/** Refuses an option that is none of bindlink's own, where no command's options apply. */
function refuseUnknownGlobals(args: readonly string[]): void {
  const unknown = args.find((a) => a.startsWith("-") && a !== "-" && !GLOBAL_OPTIONS.includes(a));
  if (unknown === undefined) return;
  const name = unknown.startsWith("--") ? unknown.replace(/=.*$/s, "") : unknown;
  throw new UsageError(
    `unknown option '${name}' (bindlink's own options are --json, -h/--help and ` +
      "-V/--version; a command's options follow its name, as in bindlink list --json)",
  );
}

async function dispatch(args: readonly string[], context: CliContext): Promise<number> {
  const globals = beforeDoubleDash(args);
  const wantsHelp = globals.includes("--help") || globals.includes("-h");
  const wantsVersion = globals.includes("--version") || globals.includes("-V");
  const at = args.findIndex((a) => !a.startsWith("-"));
  const name = at < 0 || (args.indexOf("--") >= 0 && at > args.indexOf("--"))
    ? undefined
    : args[at];
  const isHelp = name?.toLowerCase() === "help";
  // Without a command only bindlink's own options can be meant: anything else is a mistake,
  // not a request for help (checked before --version, which then loads nothing more).
  if (name === undefined || isHelp) refuseUnknownGlobals(globals);
  const rest = at < 0 ? [] : [...args.slice(0, at), ...args.slice(at + 1)];
  const showVersion = () => {
    context.stdout(
      context.json
        ? JSON.stringify({ ok: true, version: VERSION }) + "\n"
        : `bindlink ${VERSION}\n`,
    );
    return EXIT_OK;
  };
  if (wantsVersion && (name === undefined || isHelp)) return showVersion();
  const showHelp = (text: string) => {
    context.stdout(context.json ? JSON.stringify({ ok: true, help: text }) + "\n" : text);
    return EXIT_OK;
  };
  if (name === undefined) return showHelp((await import("./main_help.ts")).mainHelp());
  if (isHelp) {
    const about = rest.find((a) => !a.startsWith("-"));
    if (about === undefined) return showHelp((await import("./main_help.ts")).mainHelp());
    const entry = findCommand(about);
    if (!entry) throw new UsageError(`there is no command "${about}" to explain`);
    return showHelp((await entry[1].load()).help);
  }
  const entry = findCommand(name);
  if (!entry) {
    throw new UsageError(
      `unknown command "${name}" (the commands are ${Object.keys(COMMANDS).join(", ")})`,
    );
  }
  const [command, { load }] = entry;
  const module = await load();
  const words = module.rewrite ? module.rewrite(rest) : rest;
  if (wantsHelp || wantsVersion) {
    // Help and the version are shown whatever else the line lacks, but never past an option
    // the command does not know: that is a mistake to point out, not to skip.
    try {
      parseOptions(
        words.filter((a) => a !== "--version" && a !== "-V"),
        command,
        module.options,
      );
    } catch (error) {
      if (error instanceof UnknownOptionError) throw error;
    }
    return wantsHelp ? showHelp(module.help) : showVersion();
  }
  const parsed = parseOptions(words, command, module.options);
  return await module.run(parsed, context);
}

/**
 * Each command's code is imported when it runs, and Deno asks for read access to import a
 * local module: a run without `--allow-read` fails there, before bindlink could say anything,
 * unless the failure is put into words here.
 */
function permissionProblem(error: unknown): string | undefined {
  const text = error instanceof Error ? error.message : "";
  if (!(error instanceof TypeError) || !/^Requires (read|import) access/.test(text)) {
    return undefined;
  }
  return `Deno's permissions do not let bindlink load its own code (${text.split("\n")[0]}). ` +
    "Run it with --allow-ffi --allow-read --allow-write (and --allow-run for run and startup), " +
    "or use the compiled bindlink executable, which has them built in.";
}

/** What reached the top without being a BindLinkError, as one, for the command `args` ran. */
async function unexpected(error: unknown, args: readonly string[]) {
  const { BindLinkError, ExplainedFailure } = await import("../errors.ts");
  const [name, first, second] = beforeDoubleDash(args).filter((a) => !a.startsWith("-"));
  // Every command is named for its operation (none found: the failure came before one ran).
  const operation = ((name && findCommand(name)?.[0]) ?? "list") as BindLinkOperation;
  const paths = operation === "create"
    ? { virtualPath: first, backingPath: second }
    : operation === "remove"
    ? { virtualPath: first }
    : {};
  if (error instanceof ExplainedFailure) {
    return new BindLinkError({ operation, ...paths, ...error.meaning, cause: error });
  }
  return new BindLinkError({
    operation,
    ...paths,
    code: "unknown",
    summary: "an unexpected error stopped the command",
    hint: "Run `bindlink list` and `bindlink status` to see where things stand, and report " +
      "this message if it persists.",
    systemMessage: error instanceof Error ? error.message : String(error),
    cause: error,
  });
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
  const json = beforeDoubleDash(args).includes("--json");
  let platform: Platform | undefined = io.platform;
  const context: CliContext = {
    stdout,
    stderr,
    json,
    isTerminal: !io.stderr && Deno.stderr.isTerminal(),
    stateDir: io.stateDir,
    ownPlatform: io.platform === undefined,
    readInput: io.stdin ?? (() => new Response(Deno.stdin.readable).text()),
    platform: async () => platform ??= await loadDefaultPlatform(),
  };
  try {
    return await dispatch(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.topic ? `bindlink ${error.topic} --help` : "bindlink --help";
      if (json) {
        stdout(
          JSON.stringify({ ok: false, error: { code: "usage", message: error.message, help } }) +
            "\n",
        );
      } else {
        stderr(`bindlink: ${printable(error.message)}.\nRun "${help}" for usage.\n`);
      }
      return EXIT_USAGE;
    }
    const denied = permissionProblem(error);
    if (denied) {
      if (json) {
        stdout(
          JSON.stringify({ ok: false, error: { code: "access-denied", message: denied } }) + "\n",
        );
      } else stderr(`bindlink: ${printable(denied)}\n`);
      return EXIT_FAILED;
    }
    const { BindLinkError } = await import("../errors.ts");
    // Every failure is put into words: a bare error would print only a stack trace.
    const failed = error instanceof BindLinkError ? error : await unexpected(error, args);
    if (json) stdout(JSON.stringify({ ok: false, error: failed }) + "\n");
    else stderr(`bindlink: ${printable(failed.message)}\n`);
    return EXIT_FAILED;
  } finally {
    // Only what this call opened is closed: a platform passed in belongs to the caller.
    if (!io.platform) platform?.close();
  }
}
