/**
 * What every CLI command is given and what it provides. Commands live one per file in this
 * folder and are loaded only when run, so `bindlink --version` loads none of them.
 *
 * @module
 */
import type { Platform } from "../platform.ts";
import type { OptionSpec, ParsedArgs } from "./options.ts";

/** What a running command may use: its output streams and, on demand, the platform. */
export interface CliContext {
  /** Normal output, one complete text at a time. */
  stdout(text: string): void;
  /** Errors, progress and warnings. */
  stderr(text: string): void;
  /** Whether `--json` was given: then exactly one JSON object goes to stdout. */
  readonly json: boolean;
  /** Whether stderr is a terminal, so a progress line may be redrawn in place. */
  readonly isTerminal: boolean;
  /** The state folder the caller chose (tests), else undefined: the platform's default. */
  readonly stateDir?: string;
  /** True when no platform was passed in: the CLI drives this OS's own bind links. */
  readonly ownPlatform: boolean;
  /** All of standard input, as text (what `dsc` passes). */
  readInput(): Promise<string>;
  /** The platform: the one the caller passed in, else this OS's, loaded on first use. */
  platform(): Promise<Platform>;
}

/** One command of the CLI. */
export interface CommandModule {
  /** The full help, for `bindlink help <name>` and `bindlink <name> --help`. */
  readonly help: string;
  /** The options the command accepts (`--json` and `--help` are always accepted). */
  readonly options: OptionSpec;
  /** Rewrites other spellings of the arguments (Microsoft's sample) before parsing. */
  readonly rewrite?: (args: readonly string[]) => string[];
  /**
   * Runs the command. Returns the exit code; throws `UsageError` for a wrong command line and
   * `BindLinkError` for a failed operation (the caller prints both).
   */
  run(args: ParsedArgs, context: CliContext): Promise<number>;
}

/** Writes `value` as one JSON line when `--json` was given, else `text`. */
export function emit(context: CliContext, value: Record<string, unknown>, text: string): void {
  context.stdout(context.json ? JSON.stringify(value) + "\n" : text);
}
