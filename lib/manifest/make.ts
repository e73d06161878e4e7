/**
 * Carrying out a plan all or nothing: take away what is to be replaced (deepest first), make
 * the links in order, and when a step fails undo every step before it (newest first, through
 * the one {@linkcode UndoList}) and throw an error that names the link, why, and that nothing
 * was changed.
 *
 * @module
 */
import { BindLinkError, type BindLinkErrorInit, type BindLinkOperation } from "../errors.ts";
import type { BindLinkInfo, LinkSpec, Platform } from "../platform.ts";
import type { PlannedLink } from "./plan.ts";
import { UndoList } from "../undo.ts";
import { specOf } from "./recover.ts";

/** Progress while links are made: `done` of `total`, and the link about to be made. */
export type ProgressCallback = (done: number, total: number, link: LinkSpec) => void;

/** The links of a plan that change, and what comes off first, in the order they are done. */
export function changesOf(plan: readonly PlannedLink[]): {
  removes: PlannedLink[];
  creates: PlannedLink[];
} {
  const creates = plan.filter((p) => p.action !== "unchanged");
  const removes = creates.filter((p) => p.action === "replace").reverse();
  return { removes, creates };
}

/** Takes `spec` away again; an error says, in words, that it is still linked. */
async function unmake(platform: Platform, spec: LinkSpec): Promise<void> {
  try {
    await platform.remove(spec.virtualPath);
  } catch (error) {
    throw new Error(`${spec.virtualPath} is still linked (${(error as Error).message})`);
  }
}

/** Puts the link `info` back; an error says, in words, that it could not be. */
async function relink(platform: Platform, info: BindLinkInfo): Promise<void> {
  try {
    await platform.create(specOf(info));
  } catch (error) {
    throw new Error(`${info.virtualPath} could not be linked again (${(error as Error).message})`);
  }
}

/**
 * Carries out `plan`. On failure everything this call did is undone and a
 * {@linkcode BindLinkError} naming the failed link is thrown; its `undone` tells the caller
 * whether the undo was complete (then the intent record may go).
 *
 * @example
 * ```ts
 * import { carryOut } from "./make.ts";
 * import type { PlannedLink } from "./plan.ts";
 * import type { Platform } from "../platform.ts";
 *
 * declare const platform: Platform, plan: PlannedLink[];
 * await carryOut(platform, plan, { operation: "apply", file: "bindlink.json" });
 * ```
 */
export async function carryOut(
  platform: Platform,
  plan: readonly PlannedLink[],
  context: { operation: BindLinkOperation; file?: string; onProgress?: ProgressCallback },
): Promise<void> {
  const { removes, creates } = changesOf(plan);
  const undo = new UndoList();
  let current: PlannedLink | undefined;
  let step = "";
  try {
    for (const p of removes) {
      current = p;
      step = `removing the link that was there (-> ${p.live!.backingPath})`;
      const live = p.live!;
      await platform.remove(live.virtualPath);
      undo.push(() => relink(platform, live));
    }
    for (const [i, p] of creates.entries()) {
      current = p;
      step = "making it";
      context.onProgress?.(i, creates.length, p.link);
      await platform.create(p.link);
      undo.push(() => unmake(platform, p.link));
    }
    if (creates.length) context.onProgress?.(creates.length, creates.length, creates.at(-1)!.link);
  } catch (error) {
    const left = (await undo.rollbackAsync()).map((e) => (e as Error).message);
    throw new MakeError(
      left.length === 0,
      linkFailure(
        context,
        current!,
        error,
        `failed while ${step}`,
        left.length === 0
          ? `the links this ${context.operation} had changed were put back, so nothing was changed`
          : `undoing the rest failed: ${left.join("; ")}`,
      ),
    );
  }
}

/**
 * The error of link `p` of a manifest failing (or, in a dry run, going to fail) with `error`:
 * its code and the system's words, the link named, what happened (`what`) and to the rest
 * (`outcome`).
 *
 * @example
 * ```ts
 * import { linkFailure } from "./make.ts";
 *
 * const link = { virtualPath: "/v", backingPath: "/b", readOnly: false, merged: false, exceptions: [] };
 * const init = linkFailure({ operation: "apply" }, { index: 0, link }, new Error("no"), "failed", "nothing was changed");
 * console.log(init.summary);
 * ```
 */
export function linkFailure(
  context: { operation: BindLinkOperation; file?: string },
  p: { index: number; link: LinkSpec },
  error: unknown,
  what: string,
  outcome: string,
): BindLinkErrorInit {
  const cause = error instanceof BindLinkError ? error : undefined;
  return {
    code: cause?.code ?? "unknown",
    operation: context.operation,
    virtualPath: p.link.virtualPath,
    backingPath: p.link.backingPath,
    hresult: cause?.hresult,
    errno: cause?.errno,
    errnoName: cause?.errnoName,
    systemMessage: cause?.systemMessage,
    summary: `${context.file ?? "the links"}: links[${p.index}] ` +
      `${p.link.virtualPath} -> ${p.link.backingPath} ${what}: ${
        cause?.summary ?? String(error)
      }; ${outcome}`,
    hint: cause?.hint ?? "See the message above.",
    cause: error,
  };
}

/** The error of {@linkcode carryOut}: a BindLinkError that says whether the undo was whole. */
export class MakeError extends BindLinkError {
  /** True when every step before the failed one was undone. */
  readonly undone: boolean;

  /** See {@linkcode carryOut}. */
  constructor(undone: boolean, init: ConstructorParameters<typeof BindLinkError>[0]) {
    super(init);
    this.undone = undone;
  }
}

/**
 * Removes links this process made, deepest first (the reverse of `made`), only where the
 * listing still shows them as made. Returns what could not be removed, in words.
 */
export async function takeDown(
  platform: Platform,
  made: readonly LinkSpec[],
  isLive: (live: readonly BindLinkInfo[], spec: LinkSpec) => boolean,
): Promise<string[]> {
  const live = await platform.list();
  const left: string[] = [];
  for (const spec of [...made].reverse()) {
    if (!isLive(live, spec)) continue;
    try {
      await platform.remove(spec.virtualPath);
    } catch (error) {
      if (error instanceof BindLinkError && error.code === "not-found") continue;
      left.push(`${spec.virtualPath} (${(error as Error).message})`);
    }
  }
  return left;
}
