/**
 * What the manifest commands (apply, status, down, run) share: the `-f` option, the trust
 * gate an elevated bindlink passes a manifest through, the progress line, and how a link and
 * a recovery are described.
 *
 * @module
 */
import type { BindLinkOperation } from "../errors.ts";
import { DEFAULT_MANIFEST, loadManifest } from "../manifest/load.ts";
import type { Manifest } from "../manifest/types.ts";
import type { LinkSpec, Platform } from "../platform.ts";
import { assertTrustedManifest } from "../trust/manifest_gate.ts";
import type { CliContext } from "./command.ts";
import type { OptionSpec, ParsedArgs } from "./options.ts";
import { printable } from "../printable.ts";

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
