/**
 * What the manifest commands (apply, status, down, run) share: the `-f` option, the trust
 * gate an elevated bindlink passes a manifest through, the progress line, and how a link and
 * a recovery are described.
 *
 * @module
 */
import type { BindLinkOperation } from "../errors.ts";
import { DEFAULT_MANIFEST, loadManifest } from "../manifest/load.ts";
import type { LeftoverPath, Manifest, RecoveredOperation } from "../manifest/types.ts";
import type { LinkSpec, Platform } from "../platform.ts";
import { assertTrustedManifest } from "../trust/manifest_gate.ts";
import type { CliContext } from "./command.ts";
import { type OptionSpec, type ParsedArgs, plural } from "./options.ts";
import { printable } from "../printable.ts";
import { pathLines } from "./text.ts";

/** `-f <file>` and `--allow-untrusted-manifest`. */
export const MANIFEST_OPTIONS: OptionSpec = {
  file: { type: "string", short: "f" },
  "allow-untrusted-manifest": { type: "boolean" },
};

/** The help lines of {@linkcode MANIFEST_OPTIONS}. */
export const MANIFEST_HELP =
  `  -f, --file <file>             the manifest (default ${DEFAULT_MANIFEST} in this folder)
      --allow-untrusted-manifest
                                elevated, bindlink reads only a manifest that administrators
                                and you alone can change; this skips that check`;

/**
 * Loads the manifest the command line names, after the trust gate: when elevated, a manifest
 * another user can change is refused (code `untrusted`) unless `--allow-untrusted-manifest`.
 */
export async function manifestFromArgs(
  args: ParsedArgs,
  platform: Platform,
  operation: BindLinkOperation,
): Promise<Manifest> {
  const file = args.string("file") ?? DEFAULT_MANIFEST;
  const { readFrom, bytes } = assertTrustedManifest(file, {
    operation,
    allowUntrusted: args.flag("allow-untrusted-manifest"),
  });
  return await loadManifest(file, platform, { operation, readFrom, bytes });
}

/** `/a -> /b (read-only, merged; exceptions: /a/x)` */
export function describeLink(link: LinkSpec): string {
  const traits = [link.readOnly && "read-only", link.merged && "merged"].filter(Boolean);
  const exceptions = link.exceptions.length
    ? `exceptions: ${link.exceptions.map(printable).join(", ")}`
    : "";
  const extra = [traits.join(", "), exceptions].filter(Boolean).join("; ");
  return `${printable(link.virtualPath)} -> ${printable(link.backingPath)}${
    extra ? ` (${extra})` : ""
  }`;
}

/** A link as JSON output shows it. */
export function linkJson(link: LinkSpec): Record<string, unknown> {
  return {
    virtualPath: link.virtualPath,
    backingPath: link.backingPath,
    readOnly: link.readOnly,
    merged: link.merged,
    exceptions: link.exceptions,
  };
}

/** The `--json` line of an apply or down: each link's index, action and fields, plus `more`. */
export function changeJson<L extends { index: number; action: string; link: LinkSpec }>(
  operation: "apply" | "down",
  file: string | undefined,
  result: { changed: boolean; links: readonly L[]; recovered: unknown },
  dryRun: boolean,
  more: (link: L) => Record<string, unknown>,
): string {
  return JSON.stringify({
    ok: true,
    operation,
    file,
    changed: result.changed,
    dryRun,
    links: result.links.map((l) => ({
      index: l.index,
      action: l.action,
      ...linkJson(l.link),
      ...more(l),
    })),
    recovered: result.recovered,
  }) + "\n";
}

/**
 * A line per interrupted operation that was cleaned up first, then the links it removed and
 * made again, one per line (past about 20, how many more and that `seeAll` lists them).
 */
export function describeRecovered(
  recovered: readonly RecoveredOperation[],
  seeAll = "the same command with --json",
): string {
  const list = (heading: string, paths: readonly string[]) =>
    paths.length ? `  ${heading} (${paths.length}):\n${pathLines(paths, "    ", seeAll)}` : "";
  return recovered.map((r) =>
    `Cleaned up an interrupted ${r.operation} of process ${r.pid}: ${r.outcome}\n` +
    list("links removed", r.removed) + list("links made again", r.restored)
  ).join("");
}

/**
 * What a cleanup deleted (or with `dryRun` would delete) of what killed commands had made,
 * grouped by why, one path per line (past about 20, how many more and that `seeAll` lists
 * them); nothing when the list is empty.
 */
export function describeDeleted(
  deleted: readonly LeftoverPath[],
  seeAll: string,
  dryRun = false,
): string {
  const byWhy = Map.groupBy(deleted, (d) => d.why);
  return [...byWhy].map(([why, items]) =>
    `${dryRun ? "Would delete" : "Deleted"} ${plural(items.length, "path")} ${printable(why)}:\n` +
    pathLines(items.map((d) => d.path), "  ", seeAll)
  ).join("");
}

/**
 * A progress line on a terminal (stderr), redrawn in place while links are made, and
 * cleared at the end; nothing when stderr is not a terminal or `--json` is given.
 */
export function progressLine(context: CliContext): {
  onProgress?: (done: number, total: number, link: LinkSpec) => void;
  clear(): void;
} {
  if (!context.isTerminal || context.json) return { clear() {} };
  let shown = false;
  return {
    onProgress(done, total, link) {
      shown = true;
      const text = done < total
        ? `[${done + 1}/${total}] linking ${printable(link.virtualPath)}`
        : `[${total}/${total}] done`;
      context.stderr(`\r\x1b[K${text.slice(0, 200)}`);
    },
    clear() {
      if (shown) context.stderr("\r\x1b[K");
      shown = false;
    },
  };
}
