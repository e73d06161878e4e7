/** `bindlink list`: show the live links. @module */
import { BindLinkApi } from "../bind_link_api.ts";
import { linkTraits } from "../link_traits.ts";
import type { BindLinkInfo } from "../platform.ts";
import { type CliContext, emit } from "./command.ts";
import { EXAMPLE, EXIT_CODES } from "./help.ts";
import { pendingLine, unfinishedOperations } from "./pending.ts";
import { type OptionSpec, type ParsedArgs, plural } from "./options.ts";
import { printable } from "../printable.ts";
import { UsageError } from "./usage_error.ts";

/** Help for `list`. */
export const help = `Usage: bindlink list [path] [options]

Show the live bind links: on Windows every link on every local drive, whoever made it; on
Linux the links bindlink made. With [path], only the links at or below it.

Options:
      --json  print {"ok":true,"links":[...]}, each link with virtualPath, backingPath,
              readOnly, merged and exceptions
  -h, --help  show this help

Example:
  bindlink list ${EXAMPLE.virtual}

${EXIT_CODES}
`;

/** `list` has only the common options. */
export const options: OptionSpec = {};

const HEADINGS = ["VIRTUAL PATH", "BACKING PATH", "FLAGS"] as const;

function traits(link: BindLinkInfo): string {
  const words = linkTraits(link);
  if (link.exceptions.length) {
    words.push(
      `${plural(link.exceptions.length, "exception")}: ${
        link.exceptions.map(printable).join(", ")
      }`,
    );
  }
  return words.join(", ") || "-";
}

/**
 * The links as a table with one row per link, columns padded to their widest cell; a path
 * with a control character in it (a newline) is shown escaped, so every row stays one line.
 *
 * @example
 * ```ts
 * table([{ virtualPath: "C:\\Foo", backingPath: "C:\\Bar", readOnly: true, merged: false, exceptions: [] }]);
 * // "VIRTUAL PATH  BACKING PATH  FLAGS\nC:\\Foo        C:\\Bar        read-only\n"
 * ```
 */
export function table(links: readonly BindLinkInfo[]): string {
  const rows = [
    [...HEADINGS],
    ...links.map((
      link,
    ) => [printable(link.virtualPath), printable(link.backingPath), traits(link)]),
  ];
  const widths = HEADINGS.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row.map((cell, column) => column === row.length - 1 ? cell : cell.padEnd(widths[column]))
      .join("  ")
  ).join("\n") + "\n";
}

/** Runs `list`. */
export async function run(args: ParsedArgs, context: CliContext): Promise<number> {
  if (args.positionals.length > 1) {
    throw new UsageError(
      `list takes at most one path, but got ${plural(args.positionals.length, "argument")}`,
      "list",
    );
  }
  const [path] = args.positionals;
  const api = new BindLinkApi(await context.platform());
  const links = await api.listBindLinks(path === undefined ? {} : { path });
  const pending = await unfinishedOperations(context);
  const none = path === undefined
    ? "No bind links.\n"
    : `No bind links at or below ${printable(path)}.\n`;
  const notes = pending.length
    ? "Operations not finished:\n" +
      pending.map((p) => pendingLine(p, "bindlink list --json")).join("")
    : "";
  emit(
    context,
    {
      ok: true,
      pending,
      links: links.map((link) => ({
        virtualPath: link.virtualPath,
        backingPath: link.backingPath,
        readOnly: link.readOnly,
        merged: link.merged,
        exceptions: [...link.exceptions],
      })),
    },
    (links.length ? table(links) : none) + notes,
  );
  return 0;
}
