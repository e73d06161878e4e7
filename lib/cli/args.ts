/**
 * Turns a command line into a command, or a usage error. Pure: no I/O.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** What the user asked for. */
export type Command =
  | { kind: "help"; topic?: "create" | "remove"; json: boolean }
  | { kind: "version"; json: boolean }
  | {
    kind: "create";
    virtualPath: string;
    backingPath: string;
    readOnly: boolean;
    merged: boolean;
    exceptions: string[];
    json: boolean;
  }
  | { kind: "remove"; virtualPath: string; json: boolean };

/** A command line that cannot be run; `topic` names the help to point at. */
export class UsageError extends Error {
  /** The command whose help explains the mistake. */
  readonly topic?: "create" | "remove";
  /** Whether the user asked for JSON output. */
  readonly json: boolean;

  /** A usage error with its message. */
  constructor(message: string, json: boolean, topic?: "create" | "remove") {
    super(message);
    this.name = "UsageError";
    this.json = json;
    this.topic = topic;
  }
}

const SAMPLE_OPTIONS: Record<string, string> = {
  "/merge": "--merged",
  "/read-only": "--read-only",
};

/**
 * Rewrites the spelling of Microsoft's BindLink sample (`CREATE v b /merge /read-only`) into
 * ours. Only the two exact option words are rewritten; a Linux path that happens to be
 * spelled `/merge` can be given after `--`.
 */
function fromSampleSpelling(args: readonly string[]): string[] {
  const out: string[] = [];
  let ended = false;
  for (const [i, arg] of args.entries()) {
    if (arg === "--") ended = true;
    if (i === 0 && /^(create|remove)$/i.test(arg)) out.push(arg.toLowerCase());
    else if (!ended && SAMPLE_OPTIONS[arg.toLowerCase()]) {
      out.push(SAMPLE_OPTIONS[arg.toLowerCase()]);
    } else out.push(arg);
  }
  return out;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      version: { type: "boolean", short: "V", default: false },
      "read-only": { type: "boolean", short: "r", default: false },
      merged: { type: "boolean", short: "m", default: false },
      exception: { type: "string", short: "e", multiple: true, default: [] },
    },
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Parses `argv` (without the program name). */
export function parseCommandLine(argv: readonly string[]): Command {
  const args = fromSampleSpelling(argv);
  const json = args.includes("--json");
  const first = args.find((a) => !a.startsWith("-"));
  const topic = first === "create" || first === "remove" ? first : undefined;
  let parsed;
  try {
    parsed = parse(args);
  } catch (error) {
    const text = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError(text.replace(/^Unknown option/, "unknown option"), json, topic);
  }
  const { values, positionals } = parsed;
  if (values.version) return { kind: "version", json };
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) return { kind: "help", topic, json };
  const createOnly = ["read-only", "merged", "exception"] as const;
  const misplaced = createOnly.find((name) =>
    name === "exception" ? values.exception.length > 0 : values[name]
  );
  if (command !== "create" && misplaced) {
    throw new UsageError(`--${misplaced} only applies to create`, json, topic);
  }
  switch (command) {
    case "help": {
      const about = rest[0];
      if (about !== undefined && about !== "create" && about !== "remove") {
        throw new UsageError(`there is no command "${about}" to explain`, json);
      }
      return { kind: "help", topic: about, json };
    }
    case "create": {
      if (rest.length !== 2) {
        throw new UsageError(
          `create takes a virtual path and a backing path, but got ${
            plural(rest.length, "argument")
          }`,
          json,
          "create",
        );
      }
      return {
        kind: "create",
        virtualPath: rest[0],
        backingPath: rest[1],
        readOnly: values["read-only"],
        merged: values.merged,
        exceptions: values.exception,
        json,
      };
    }
    case "remove":
      if (rest.length !== 1) {
        throw new UsageError(
          `remove takes one virtual path, but got ${plural(rest.length, "argument")}`,
          json,
          "remove",
        );
      }
      return { kind: "remove", virtualPath: rest[0], json };
    default:
      throw new UsageError(
        `unknown command "${command}" (the commands are create and remove)`,
        json,
      );
  }
}
