/** `bindlink status`: is every link of the manifest live as described? @module */
import { linkTraits } from "../link_traits.ts";
import { bindLinkStatus, type LinkStatus } from "../manifest/status.ts";
import type { CliContext } from "./command.ts";
import { MANIFEST_HELP, MANIFEST_OPTIONS, manifestFromArgs } from "./manifest_input.ts";
import { describeLink, linkJson } from "./link_text.ts";
import { type OptionSpec, type ParsedArgs, plural } from "./options.ts";
import { pendingLine } from "./pending.ts";
import { printable } from "../printable.ts";
import { UsageError } from "./usage_error.ts";

/** Help for `status`. */
export const help = `Usage: bindlink status [-f <file>] [options]

Compare the manifest's links with the live ones. Changes nothing. Also reports operations
that were left half done (a killed apply, down or run) and which command will clean them up.

Options:
${MANIFEST_HELP}
      --json                    print one JSON object
  -h, --help                    show this help

Exit codes:
  0  every link is live as described, and nothing is half done
  1  a link is missing, shows another backing path or has other flags, or an operation
     is half done (the report says which); or status itself failed
  2  usage error: the command line itself is wrong
`;

/** The options of `status`. */
export const options: OptionSpec = { ...MANIFEST_OPTIONS };

function flags(l: { readOnly: boolean; merged: boolean }): string {
  return linkTraits(l).join(", ") || "plain";
}

function line(s: LinkStatus): string {
  switch (s.problem) {
    case undefined:
      return `  ok             ${describeLink(s.link)}\n`;
    case "missing":
      return `  missing        ${describeLink(s.link)}\n`;
    case "other-backing":
      return `  other backing  ${printable(s.link.virtualPath)} shows ${
        printable(s.live!.backingPath)
      }, not ${printable(s.link.backingPath)}\n`;
    case "other-flags":
      return `  other flags    ${printable(s.link.virtualPath)} is ${flags(s.live!)}${
        s.live!.exceptions.length
          ? ` (exceptions: ${s.live!.exceptions.map(printable).join(", ")})`
          : ""
      }; the manifest asks for ${describeLink(s.link)}\n`;
  }
}

/** Runs `status`. */
export async function run(args: ParsedArgs, context: CliContext): Promise<number> {
  if (args.positionals.length) {
    throw new UsageError(
      `status takes no arguments (name the manifest with -f), but got ${
        plural(args.positionals.length, "argument")
      }`,
      "status",
    );
  }
  const platform = await context.platform();
  const manifest = await manifestFromArgs(args, platform, "status");
  const status = await bindLinkStatus(manifest, { platform, stateDir: context.stateDir });
  if (context.json) {
    context.stdout(
      JSON.stringify({
        ok: status.ok,
        operation: "status",
        file: manifest.file,
        links: status.links.map((s) => ({
          index: s.index,
          state: s.problem ?? "ok",
          ...linkJson(s.link),
          live: s.live,
        })),
        pending: status.pending,
      }) + "\n",
    );
  } else {
    const bad = status.links.filter((s) => s.problem).length;
    const file = printable(String(manifest.file));
    const summary = status.ok
      ? `${
        status.links.length === 1 ? "The link" : `All ${status.links.length} links`
      } of ${file} ${status.links.length === 1 ? "is" : "are"} live as described.\n`
      : bad
      ? `${bad} of ${plural(status.links.length, "link")} of ${file} ${
        bad === 1 ? "is" : "are"
      } not as described; bindlink apply puts them in place.\n`
      : `The links of ${file} are live as described, but an operation is half done.\n`;
    const pending = status.pending.length
      ? "Operations not finished:\n" + status.pending.map((p) => pendingLine(p)).join("")
      : "";
    context.stdout(status.links.map(line).join("") + pending + summary);
  }
  return status.ok ? 0 : 1;
}
