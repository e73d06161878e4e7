/** `bindlink remove`: take one link away. @module */
import { BindLinkApi } from "../bind_link_api.ts";
import { prepareVirtualPath } from "../prepare.ts";
import { type CliContext, emit } from "./command.ts";
import { EXAMPLE, EXIT_CODES } from "./help.ts";
import { type OptionSpec, type ParsedArgs, plural } from "./options.ts";
import { ifOther, listedAt } from "./listed_place.ts";
import { settleDeadOperations } from "./settle_first.ts";
import { givenAndActual } from "./text.ts";
import { UsageError } from "./usage_error.ts";

/** Help for `remove`. */
export const help = `Usage: bindlink remove <virtual> [options]

Remove the bind link at <virtual>. Remove nested links deepest first.

Options:
      --json  print the result as JSON
  -h, --help  show this help

Example:
  bindlink remove ${EXAMPLE.virtual}

${EXIT_CODES}
`;

/** `remove` has only the common options. */
export const options: OptionSpec = {};

/** Runs `remove`. */
export async function run(args: ParsedArgs, context: CliContext): Promise<number> {
  if (args.positionals.length !== 1) {
    throw new UsageError(
      `remove takes one virtual path, but got ${plural(args.positionals.length, "argument")}`,
      "remove",
    );
  }
  const api = new BindLinkApi(await context.platform());
  const platform = api.platform;
  // Refused before anything is settled: a wrong path changes nothing.
  const virtualPath = prepareVirtualPath(platform, args.positionals[0]);
  const { recovered, deleted } = await settleDeadOperations(context, "remove");
  // Where a symlink leads (Linux follows it), as list showed the link: for the message only.
  const actual = ifOther(
    platform,
    virtualPath,
    (await listedAt(platform, virtualPath))?.virtualPath,
  );
  await api.removeBindLink(virtualPath);
  emit(
    context,
    { ok: true, operation: "remove", virtualPath, recovered, deleted },
    `Removed bind link at ${givenAndActual(virtualPath, actual)}\n`,
  );
  return 0;
}
