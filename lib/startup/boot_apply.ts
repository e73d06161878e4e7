/**
 * `apply --boot-log <file>`, as the startup task runs it: the bounded wait of
 * {@linkcode bootRun} around {@linkcode applyBindLinks}, with the outcome written to the boot
 * log. Apply stays all or nothing: when one link fails, the log names it with its error and
 * marks the others as not made because of it.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import { applyBindLinks } from "../manifest/apply.ts";
import type { Manifest } from "../manifest/types.ts";
import type { LinkSpec, Platform } from "../platform.ts";
import type { BootLog, FailedLink } from "./boot_log.ts";
import { movedPlace } from "./boot_place.ts";
import { bootRun } from "./boot_run.ts";

/** What the boot apply needs. */
export interface BootApplyOptions {
  /** The platform that makes the links. */
  readonly platform: Platform;
  /** Where the boot log goes (beside the protected copy). */
  readonly logFile: string;
  /** The state folder of the manifest commands; default the platform's. */
  readonly stateDir?: string;
  /** How long to wait for unreachable backing paths, in seconds. */
  readonly retrySeconds?: number;
  /** Whether a backing path can be reached now; default: it can be stat'ed. */
  readonly reachable?: (path: string) => boolean;
}

function failedLinks(links: readonly LinkSpec[], error: unknown): FailedLink[] {
  const code = error instanceof BindLinkError ? error.code : "unknown";
  const message = error instanceof Error ? error.message : String(error);
  const culprit = error instanceof BindLinkError ? error.virtualPath : undefined;
  const match = links.find((l) => l.virtualPath === culprit);
  return links.map((link) =>
    !match || link === match
      ? { virtual: link.virtualPath, backing: link.backingPath, code, message }
      : {
        virtual: link.virtualPath,
        backing: link.backingPath,
        code: "not-made",
        message: `not made: apply is all or nothing, and ${match.virtualPath} failed`,
      }
  );
}

/**
 * Applies `manifest` at boot: waits (bounded) for its backing paths, applies the links that
 * can be reached, and writes the boot log. Returns the log; its `exitCode` is the process's.
 *
 * @example In `bindlink apply`, when `--boot-log <file>` is given
 * ```ts
 * import { bootApply } from "./boot_apply.ts";
 * // const log = await bootApply(manifest, { platform, logFile });
 * // return log.exitCode;
 * ```
 */
export function bootApply(manifest: Manifest, options: BootApplyOptions): Promise<BootLog> {
  return bootRun({
    links: manifest.links,
    logFile: options.logFile,
    retrySeconds: options.retrySeconds,
    reachable: options.reachable,
    moved: (link) => movedPlace(link.virtualPath, options.platform),
    apply: async (links) => {
      try {
        await applyBindLinks({ ...manifest, links }, {
          platform: options.platform,
          stateDir: options.stateDir,
        });
        return [];
      } catch (error) {
        return failedLinks(links, error);
      }
    },
  });
}
