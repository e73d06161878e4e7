/**
 * The four operations `dsc` calls on a `BindLink/Link` instance. `set` converges through the
 * same code as `bindlink apply --replace` and `bindlink down` of a one-link manifest, so it is
 * whole or not at all, under the same lock and intent records, and a set killed midway is
 * rolled back or finished by the next changing command.
 *
 * @module
 */
import type { BindLinkInfo, Platform } from "../platform.ts";
import { applyBindLinks } from "../manifest/apply.ts";
import { downBindLinks } from "../manifest/down.ts";
import { compareLink, liveAt } from "../manifest/plan.ts";
import { specOf } from "../manifest/recover.ts";
import type { StateOptions } from "../manifest/session.ts";
import type { DscInstance, ResolvedInstance } from "./instance.ts";

/** What an operation needs: the platform, and where its state lives (tests). */
export interface DscOptions extends StateOptions {
  /** The platform whose links are managed. */
  platform: Platform;
}

/**
 * The actual state of one live link, as get, set and export print it.
 *
 * @example
 * ```ts
 * import { stateOf } from "./resource.ts";
 *
 * const link = { virtualPath: "/v", backingPath: "/b", readOnly: false, merged: true, exceptions: [] };
 * console.log(stateOf(link)._exist); // true
 * ```
 */
export function stateOf(live: BindLinkInfo): DscInstance {
  return {
    virtualPath: live.virtualPath,
    backingPath: live.backingPath,
    readOnly: live.readOnly,
    merged: live.merged,
    exceptions: [...live.exceptions],
    _exist: true,
  };
}

async function actual(virtualPath: string, platform: Platform): Promise<DscInstance> {
  const live = liveAt(await platform.list(), virtualPath, platform.paths);
  return live ? stateOf(live) : { virtualPath, _exist: false };
}

/**
 * `get`: the link at `virtualPath` (absolute, resolved) as it is now.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { dscGet } from "./resource.ts";
 *
 * console.log(await dscGet("/srv/app", { platform: linuxPlatform() }));
 * ```
 */
export function dscGet(virtualPath: string, options: DscOptions): Promise<DscInstance> {
  return actual(virtualPath, options.platform);
}

function inDesiredState(want: ResolvedInstance, live: BindLinkInfo | undefined, p: Platform) {
  if (!want.exist) return live === undefined;
  return compareLink(want.spec!, live, p.paths, p.reportsExceptions) === undefined;
}

/**
 * `test`: the actual state plus `_inDesiredState`.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { resolveInstance } from "./instance.ts";
 * import { dscTest } from "./resource.ts";
 *
 * const platform = linuxPlatform();
 * const want = resolveInstance({ virtualPath: "/srv/app", _exist: false }, platform);
 * console.log((await dscTest(want, { platform }))._inDesiredState);
 * ```
 */
export async function dscTest(want: ResolvedInstance, options: DscOptions): Promise<DscInstance> {
  const { platform } = options;
  const live = liveAt(await platform.list(), want.virtualPath, platform.paths);
  const state = live ? stateOf(live) : { virtualPath: want.virtualPath, _exist: false };
  return { ...state, _inDesiredState: inDesiredState(want, live, platform) };
}

/**
 * `set`: makes the link, replaces one that shows something else, or removes it for
 * `_exist: false`; does nothing when it is already in the desired state. Returns the state
 * after.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { resolveInstance } from "./instance.ts";
 * import { dscSet } from "./resource.ts";
 *
 * const platform = linuxPlatform();
 * const want = resolveInstance({ virtualPath: "/srv/app", backingPath: "/srv/v2" }, platform);
 * console.log(await dscSet(want, { platform }));
 * ```
 */
export async function dscSet(want: ResolvedInstance, options: DscOptions): Promise<DscInstance> {
  const { platform } = options;
  if (want.exist) {
    await applyBindLinks({ links: [want.spec!] }, { ...options, replace: true });
  } else {
    const live = liveAt(await platform.list(), want.virtualPath, platform.paths);
    // Whatever shows there is taken down, as an engine asks; down re-checks it under the lock.
    if (live) await downBindLinks({ links: [specOf(live)] }, options);
  }
  return await actual(want.virtualPath, platform);
}

/**
 * `export`: every live link, or only the one at `virtualPath`.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { dscExport } from "./resource.ts";
 *
 * for (const state of await dscExport(undefined, { platform: linuxPlatform() })) {
 *   console.log(JSON.stringify(state));
 * }
 * ```
 */
export async function dscExport(
  virtualPath: string | undefined,
  options: DscOptions,
): Promise<DscInstance[]> {
  const { platform } = options;
  const live = await platform.list();
  return live
    .filter((l) => virtualPath === undefined || platform.paths.same(l.virtualPath, virtualPath))
    .map(stateOf);
}
