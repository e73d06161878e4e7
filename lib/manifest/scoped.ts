/**
 * `withBindLinks`: links that exist while a function runs, and are removed when it returns,
 * throws, or the process gets Ctrl+C or SIGTERM. Links are made all or nothing under the
 * lock, with an intent record that stays while they live: if the process is killed, `status`
 * shows them and the next changing command (or `bindlink prune`) removes them.
 *
 * @module
 */
import { loadDefaultPlatform } from "../load_platform.ts";
import { BindLinkError } from "../errors.ts";
import type { LinkSpec, Platform } from "../platform.ts";
import type { Intent } from "../state/intents.ts";
import type { OperationSteps } from "./journal.ts";
import { resolveLinks } from "./validate.ts";
import { carryOut, changesOf, MakeError, takeDown } from "./make.ts";
import { planApply } from "./plan.ts";
import { isLiveAsRecorded } from "./recover.ts";
import { changeLinks, type StateOptions } from "./session.ts";
import type { LinkResult, Manifest, ManifestLink } from "./types.ts";

/**
 * Options for {@linkcode withBindLinks}.
 *
 * @example
 * ```ts
 * import type { ScopedOptions } from "@bindlink/bindlink";
 *
 * const options: ScopedOptions = { signals: false };
 * ```
 */
export interface ScopedOptions extends StateOptions {
  /** The platform; default this operating system's. */
  platform?: Platform;
  /**
   * Remove the links on Ctrl+C and SIGTERM (SIGINT and SIGBREAK on Windows) too, then exit
   * with 130 or 143 as the signal would have: default true. Pass false when the caller
   * handles signals itself (the `run` command waits for its child instead).
   */
  signals?: boolean;
  /** Called before each link is made. */
  onProgress?: (done: number, total: number, link: LinkSpec) => void;
}

const SIGNALS: readonly [Deno.Signal, number][] = Deno.build.os === "windows"
  ? [["SIGINT", 130], ["SIGBREAK", 149]]
  : [["SIGINT", 130], ["SIGTERM", 143]];

/** The links made for one scope, and how to take them down. */
export class LinkScope {
  readonly #platform: Platform;
  readonly #options: StateOptions;
  readonly #made: readonly LinkSpec[];
  readonly #intent: Intent<OperationSteps> | undefined;
  /** Per link: `created`, or `unchanged` when it was already live as described (kept after). */
  readonly links: readonly LinkResult[];
  #closed?: Promise<void>;

  /** Use {@linkcode openLinkScope}. */
  constructor(
    platform: Platform,
    options: StateOptions,
    links: readonly LinkResult[],
    made: readonly LinkSpec[],
    intent: Intent<OperationSteps> | undefined,
  ) {
    this.#platform = platform;
    this.#options = options;
    this.links = links;
    this.#made = made;
    this.#intent = intent;
  }

  /** Removes the links this scope made (deepest first), once; later calls wait for the first. */
  close(): Promise<void> {
    return this.#closed ??= this.#close();
  }

  async #close(): Promise<void> {
    if (!this.#made.length) return;
    await changeLinks(this.#platform, this.#options, "run", undefined, async () => {
      const left = await takeDown(
        this.#platform,
        this.#made,
        (live, spec) => isLiveAsRecorded(this.#platform, live, spec),
      );
      if (left.length) {
        throw new BindLinkError({
          code: "busy",
          operation: "run",
          virtualPath: this.#made[0].virtualPath,
          summary: `the links could not all be removed: ${left.join("; ")}`,
          hint: "Their record is kept: remove what is in the way, then run bindlink prune.",
        });
      }
      this.#intent?.finish();
    });
  }
}

/** The plan of a run's links against what is live now (`run` and scoped links share it). */
export async function planRun(
  specs: readonly LinkSpec[],
  platform: Platform,
  file?: string,
): Promise<ReturnType<typeof planApply>> {
  const live = await platform.list();
  return planApply(specs, live, platform.paths, platform.reportsExceptions, "run", file);
}

/**
 * Makes `links` and returns the scope that removes them; the lower-level form of
 * {@linkcode withBindLinks}. A link already live as described is kept, and left in place at
 * the end; a place that shows something else is refused before anything changes.
 */
export async function openLinkScope(
  specs: readonly LinkSpec[],
  platform: Platform,
  options: StateOptions & { onProgress?: ScopedOptions["onProgress"]; file?: string } = {},
): Promise<LinkScope> {
  return await changeLinks(platform, options, "run", options.file, async (session) => {
    const plan = await planRun(specs, platform, options.file);
    if (plan.drift.length) {
      const d = plan.drift[0];
      throw new BindLinkError({
        code: "already-exists",
        operation: "run",
        virtualPath: d.link.virtualPath,
        backingPath: d.link.backingPath,
        summary: `links[${d.index}] ${d.link.virtualPath} already shows ${d.live!.backingPath}${
          d.problem === "other-flags" ? " with other flags" : ""
        }; nothing was changed`,
        hint: "Remove that link first (bindlink remove), or pick another virtual path.",
      });
    }
    const { creates } = changesOf(plan.links);
    const made = creates.map((p) => p.link);
    const intent = made.length
      ? session.journal.begin("run", { file: options.file, removes: [], creates: made })
      : undefined;
    try {
      await carryOut(platform, plan.links, {
        operation: "run",
        file: options.file,
        onProgress: options.onProgress,
      });
    } catch (error) {
      if (error instanceof MakeError && error.undone) intent?.finish();
      throw error;
    }
    const results: LinkResult[] = plan.links.map((p) => ({
      index: p.index,
      link: p.link,
      action: p.action === "create" ? "created" : "unchanged",
    }));
    return new LinkScope(platform, options, results, made, intent);
  });
}

/**
 * Runs `fn` with `links` in place, and removes them when it returns or throws, and (unless
 * `signals: false`) on Ctrl+C or SIGTERM, after which the process exits as the signal would
 * have made it. Links are made in dependency order, all or nothing. Relative paths resolve
 * against the current directory. A link already live as described is used and left alone.
 *
 * @returns What `fn` returns.
 * @throws {BindLinkError} when a link cannot be made (then none is left), or whatever `fn`
 *   throws (after the links are removed).
 *
 * @example Point a build at other dependencies for its length
 * ```ts
 * import { withBindLinks } from "@bindlink/bindlink";
 *
 * const code = await withBindLinks(
 *   [{ virtual: "C:\\build\\deps", backing: "D:\\deps\\v42", readOnly: true }],
 *   async () => (await new Deno.Command("build.cmd").output()).code,
 * );
 * ```
 */
export async function withBindLinks<T>(
  links: readonly ManifestLink[] | Manifest,
  fn: (links: readonly LinkResult[]) => T | Promise<T>,
  options: ScopedOptions = {},
): Promise<T> {
  const platform = options.platform ?? await loadDefaultPlatform();
  try {
    const specs = Array.isArray(links)
      ? resolveLinks(links, platform, { folder: platform.cwd(), operation: "run" })
      : (links as Manifest).links;
    const file = Array.isArray(links) ? undefined : (links as Manifest).file;
    const scope = await openLinkScope(specs, platform, { ...options, file });
    const listeners: [Deno.Signal, () => void][] = [];
    if (options.signals ?? true) {
      for (const [signal, code] of SIGNALS) {
        const listener = () => {
          scope.close().finally(() => Deno.exit(code));
        };
        Deno.addSignalListener(signal, listener);
        listeners.push([signal, listener]);
      }
    }
    try {
      return await fn(scope.links);
    } finally {
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
      await scope.close();
    }
  } finally {
    if (!options.platform) platform.close();
  }
}
