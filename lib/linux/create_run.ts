/**
 * What one create holds while it works, shared by its steps (creation.ts, link_assembly.ts):
 * the descriptors to close, the undo list, the staging area's cleanups and the tree being
 * assembled. Only createLink releases it or undoes it. Types only: nothing here is loaded
 * when the code runs.
 *
 * @module
 */
import type { UndoList } from "../undo.ts";
import type { LinkSpec } from "../platform.ts";
import type { Where } from "./failure.ts";
import type { LinkTree } from "./link_tree.ts";
import type { NamespaceState } from "./namespace_state.ts";

/**
 * What one create holds while it works; only createLink (creation.ts) releases or undoes it.
 *
 * @example
 * ```ts
 * import type { CreateRun } from "./create_run.ts";
 *
 * function stagedAlready(run: CreateRun): boolean {
 *   return run.tree?.staging !== undefined;
 * }
 * ```
 */
export interface CreateRun {
  /** The namespace the link is made in. */
  readonly ns: NamespaceState;
  /** The link asked for. */
  readonly spec: LinkSpec;
  /** What a refusal or failure names. */
  readonly where: Where;
  /** Keeps a descriptor to close at the end of the create; returns it. */
  readonly keep: (fd: number | undefined) => number | undefined;
  /** How to undo each change made so far. */
  readonly undo: UndoList;
  /** What takes the staging area off again, at the end of the create or once attached. */
  readonly cleanups: (() => void)[];
  /** The tree being assembled (replaced on the staging route); closed at the end. */
  tree?: LinkTree;
}
