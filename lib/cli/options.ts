/**
 * A small, strict parser for one command's options. Written here rather than taken from
 * `node:util` so that `bindlink --version` and `help` load nothing but what they print.
 *
 * @module
 */
import { UsageError } from "./usage_error.ts";

/** One option a command accepts. */
export interface OptionDef {
  /** `boolean` takes no value; `string` takes the next argument (or `--name=value`). */
  readonly type: "boolean" | "string";
  /** One-letter alias, without the dash. */
  readonly short?: string;
  /** A string option that may be given more than once. */
  readonly multiple?: boolean;
}

/**
 * The {@linkcode UsageError} for an option no one accepts, apart from the other mistakes: a
 * command's `--help` and `--version` still refuse it, whatever else is missing.
 *
 * @example
 * ```ts
 * import { parseOptions, UnknownOptionError } from "./options.ts";
 *
 * try {
 *   parseOptions(["--bogus"], "list", {});
 * } catch (error) {
 *   if (!(error instanceof UnknownOptionError)) throw error;
 * }
 * ```
 */
export class UnknownOptionError extends UsageError {}

/** The options of a command, by long name (without dashes). */
export type OptionSpec = Readonly<Record<string, OptionDef>>;

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpec = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/** What a command line said, checked against the command's {@linkcode OptionSpec}. */
export class ParsedArgs {
  /** Operands, in order, including those after `--`. */
  readonly positionals: readonly string[];
  /** The operands given after `--`, or undefined when there was no `--`. */
  readonly afterDoubleDash: readonly string[] | undefined;
  readonly #values: ReadonlyMap<string, boolean | string[]>;

  /** Wraps parsed values; see {@linkcode parseOptions}. */
  constructor(
    values: ReadonlyMap<string, boolean | string[]>,
    positionals: readonly string[],
    afterDoubleDash: readonly string[] | undefined,
  ) {
    this.#values = values;
    this.positionals = positionals;
    this.afterDoubleDash = afterDoubleDash;
  }

  /** True when the boolean option `name` was given. */
  flag(name: string): boolean {
    return this.#values.get(name) === true;
  }

  /** The last value of the string option `name`, if given. */
  string(name: string): string | undefined {
    const value = this.#values.get(name);
    return Array.isArray(value) ? value.at(-1) : undefined;
  }

  /** Every value of the repeatable string option `name`, in order. */
  strings(name: string): string[] {
    const value = this.#values.get(name);
    return Array.isArray(value) ? [...value] : [];
  }

  /** The long names of the options that were given. */
  given(): string[] {
    return [...this.#values.keys()];
  }
}

/**
 * Parses `args` for the command `command` against `spec` (plus {@linkcode COMMON_OPTIONS}).
 * Throws {@linkcode UsageError} for an unknown option, a missing value, or a value given to a
 * boolean option.
 *
 * @example
 * ```ts
 * import { parseOptions } from "./options.ts";
 *
 * const parsed = parseOptions(["a", "-r", "--exception=x"], "create", {
 *   "read-only": { type: "boolean", short: "r" },
 *   exception: { type: "string", multiple: true },
 * });
 * parsed.flag("read-only"); // true
 * ```
 */
export function parseOptions(
  args: readonly string[],
  command: string,
  spec: OptionSpec,
): ParsedArgs {
  const all: Record<string, OptionDef> = { ...COMMON_OPTIONS, ...spec };
  const byShort = new Map<string, string>();
  for (const [name, def] of Object.entries(all)) if (def.short) byShort.set(def.short, name);
  const values = new Map<string, boolean | string[]>();
  const positionals: string[] = [];
  let afterDoubleDash: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (afterDoubleDash) {
      afterDoubleDash.push(arg);
      positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      afterDoubleDash = [];
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const eq = long ? arg.indexOf("=") : -1;
    const key = long ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1);
    const name = long ? key : byShort.get(key);
    const def = name === undefined ? undefined : all[name];
    if (name === undefined || def === undefined || (!long && key.length !== 1)) {
      throw new UnknownOptionError(
        `unknown option '${long ? `--${key}` : arg}' for ${command}`,
        command,
      );
    }
    if (def.type === "boolean") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`, command);
      values.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length) value = args[++i];
    if (value === undefined) {
      throw new UsageError(`--${name} needs a value (--${name} <value>)`, command);
    }
    const list = values.get(name);
    if (Array.isArray(list) && def.multiple) list.push(value);
    else values.set(name, [value]);
  }
  return new ParsedArgs(values, positionals, afterDoubleDash);
}

/** "1 argument", "2 arguments". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
