/** `bindlink down`: take a manifest's links away. @module */
import { downBindLinks, type DownResult } from "../manifest/down.ts";
import type { CliContext } from "./command.ts";
import { EXIT_CODES } from "./help.ts";
import { MANIFEST_HELP, MANIFEST_OPTIONS, manifestFromArgs } from "./manifest_input.ts";
import { changeJson, describeLink, describeRecovered } from "./link_text.ts";
import { type OptionSpec, type ParsedArgs, plural } from "./options.ts";
import { printable } from "../printable.ts";
import { UsageError } from "./usage_error.ts";

/** Help for `down`. */
export const help = `Usage: bindlink down [-f <file>] [options]

Remove the manifest's links, deepest first. A link already gone is fine. A place that shows
something other than the manifest says, and links not in the manifest, are never touched.

Options:
${MANIFEST_HELP}
  -n, --dry-run                 say what down would remove; change nothing
      --json                    print one JSON object, with a top-level "changed"
  -h, --help                    show this help

${EXIT_CODES}
`;

/** The options of `down`. */
export const options: OptionSpec = {
  ...MANIFEST_OPTIONS,
  "dry-run": { type: "boolean", short: "n" },
};

function line(l: DownResult["links"][number], dryRun: boolean): string {
  switch (l.action) {
    case "removed":
      return `  ${dryRun ? "would remove" : "removed     "} ${describeLink(l.link)}\n`;
    case "absent":
      return `  already gone ${printable(l.link.virtualPath)}\n`;
    case "kept":
      return `  kept         ${printable(l.link.virtualPath)}: it shows ${
        printable(l.live!.backingPath)
      }, not the manifest's link\n`;
  }
}

/** Runs `down`. */
export async function run(args: ParsedArgs, context: CliContext): Promise<number> {
  if (args.positionals.length) {
    throw new UsageError(
      `down takes no arguments (name the manifest with -f), but got ${
        plural(args.positionals.length, "argument")
      }`,
      "down",
    );
  }
  const platform = await context.platform();
  const manifest = await manifestFromArgs(args, platform, "down");
  const dryRun = args.flag("dry-run");
  const result = await downBindLinks(manifest, {
    platform,
    dryRun,
    stateDir: context.stateDir,
    onWait: (message) => context.stderr(message + "\n"),
  });
  if (context.json) {
    context.stdout(
      changeJson("down", manifest.file, result, dryRun, (l) => ({ live: l.live })),
    );
    return 0;
  }
  const file = printable(String(manifest.file));
  const removed = result.links.filter((l) => l.action === "removed").length;
  const summary = removed === 0
    ? `Nothing to remove: no link of ${file} is live.\n`
    : `${dryRun ? "Dry run, nothing was changed: would remove" : "Removed"} ${
      plural(removed, "link")
    } of ${file}.\n`;
  context.stdout(
    describeRecovered(result.recovered) + result.links.map((l) => line(l, dryRun)).join("") +
      summary,
  );
  return 0;
}
