/** `bindlink create`: make one link. @module */
import { BindLinkApi } from "../bind_link_api.ts";
import { linkTraits } from "../link_traits.ts";
import type { BindLink } from "../bind_link.ts";
import type { CliContext } from "./command.ts";
import { EXAMPLE, EXIT_CODES } from "./help.ts";
import { type OptionSpec, type ParsedArgs, plural } from "./options.ts";
import { ifOther, listedAt } from "./listed_place.ts";
import { settleDeadOperations } from "./settle_first.ts";
import { prepareCreate } from "../prepare.ts";
import { printable } from "../printable.ts";
import { givenAndActual } from "./text.ts";
import { UsageError } from "./usage_error.ts";

// Where the platforms differ, each shows its own rules.
const PLATFORM_RULES = Deno.build.os === "windows"
  ? `Paths may be up to 32,767 characters; < > " | ? * are refused. A file may be linked
over a folder.`
  : `On Linux: symlinks in either path are followed (the link is made where they lead); a
folder links over a folder and a file over a file; --read-only with --merged makes the
whole view read-only; the link lives in this mount namespace.`;

/** Help for `create`. */
export const help = `Usage: bindlink create <virtual> <backing> [options]

Make <virtual> show the contents of <backing>. If <virtual> exists its own contents are
hidden (unless --merged); if it does not exist, its parent must.
${PLATFORM_RULES}

Options:
  -r, --read-only         files of <backing> are read-only when reached through <virtual>
  -m, --merged            keep <virtual>'s own entries visible; <backing> wins on clashes
  -e, --exception <path>  a path below <virtual> that keeps its original content
                          (repeatable; <virtual> must exist)
      --json              print the result as JSON
  -h, --help              show this help

Example:
  bindlink create ${EXAMPLE.virtual} ${EXAMPLE.backing} --read-only

${EXIT_CODES}
`;

/** The options of `create`. */
export const options: OptionSpec = {
  "read-only": { type: "boolean", short: "r" },
  merged: { type: "boolean", short: "m" },
  exception: { type: "string", short: "e", multiple: true },
};

const SAMPLE_OPTIONS: Record<string, string> = {
  "/merge": "--merged",
  "/read-only": "--read-only",
};

/**
 * Rewrites the option words of Microsoft's BindLink sample (`/merge`, `/read-only`, any case)
 * into ours. Only those two exact words, and only before `--`: a Linux path spelled `/merge`
 * can be given after `--`.
 */
export function rewrite(args: readonly string[]): string[] {
  const end = args.indexOf("--");
  return args.map((arg, i) =>
    (end < 0 || i < end) ? SAMPLE_OPTIONS[arg.toLowerCase()] ?? arg : arg
  );
}

function describe(link: BindLink, live: { virtualPath?: string; backingPath?: string }): string {
  const traits = linkTraits(link);
  const exceptions = link.exceptions.length
    ? `; ${link.exceptions.length === 1 ? "exception" : "exceptions"}: ${
      link.exceptions.map(printable).join(", ")
    }`
    : "";
  const extra = traits.length || exceptions
    ? ` (${traits.join(", ") || "plain"}${exceptions})`
    : "";
  return `Created bind link ${givenAndActual(link.virtualPath, live.virtualPath)} -> ${
    givenAndActual(link.backingPath, live.backingPath)
  }${extra}\n`;
}

/** Runs `create`. */
export async function run(args: ParsedArgs, context: CliContext): Promise<number> {
  if (args.positionals.length !== 2) {
    throw new UsageError(
      `create takes a virtual path and a backing path, but got ${
        plural(args.positionals.length, "argument")
      }`,
      "create",
    );
  }
  const [virtualPath, backingPath] = args.positionals;
  const options = {
    readOnly: args.flag("read-only"),
    merged: args.flag("merged"),
    exceptions: args.strings("exception"),
  };
  const api = new BindLinkApi(await context.platform());
  // Refused before anything is settled: wrong input changes nothing.
  prepareCreate(api.platform, virtualPath, backingPath, options);
  const { recovered, deleted } = await settleDeadOperations(context, "create");
  const link = await api.createBindLink(virtualPath, backingPath, options);
  if (context.json) {
    context.stdout(
      JSON.stringify({ ok: true, operation: "create", link, recovered, deleted }) + "\n",
    );
  } else {
    const live = await listedAt(api.platform, link.virtualPath, link.backingPath);
    context.stdout(describe(link, {
      virtualPath: ifOther(api.platform, link.virtualPath, live?.virtualPath),
      backingPath: ifOther(api.platform, link.backingPath, live?.backingPath),
    }));
  }
  return 0;
}
