/**
 * A pause for tests between resolving a path and acting on it, at every step of the Linux
 * backend that deletes, unmounts or changes something it made. Tests play the attacker in
 * that pause (a rename, an exchange, a symlink swap) and so race bindlink deterministically.
 *
 * The hooks come from {@linkcode LinuxPlatformOptions.testHooks}, a value the caller passes
 * to the platform, never from the environment. The platform makes them the active hooks for
 * the duration of one synchronous call (the Linux backend's work never awaits), so they
 * cannot leak into another platform's call.
 *
 * @module
 */

/** What a step is about to do. */
export type ActStep =
  | "delete-tree" // a folder bindlink made, emptied through its descriptor, entry by entry
  | "delete-folder" // an (emptied) folder bindlink made, taken out of its parent
  | "delete-file" // an empty mount point file bindlink made
  | "delete-whiteout" // a whiteout overlayfs left in a merged link's backing path
  | "remove-attribute" // a trusted.overlay.* attribute on an entry of the backing path
  | "unmount"; // a mount bindlink made (a covered link, a staged tree)

/** Test-only hooks of the Linux platform. */
export interface LinuxTestHooks {
  /**
   * Called after `path` was resolved (opened and proved bindlink's own) and before `step`
   * acts on it. Whatever it does to the file system, the step must still act only on what
   * bindlink made, or leave it and say so.
   */
  beforeAct?(step: ActStep, path: string): void;
}

let active: LinuxTestHooks | undefined;

/**
 * Runs `work` with `hooks` active (restoring the previous ones after).
 *
 * @example
 * ```ts
 * import { withTestHooks } from "./test_hooks.ts";
 *
 * withTestHooks({ beforeAct: (step, path) => console.log(step, path) }, () => {
 *   // a create or remove, synchronously
 * });
 * ```
 */
export function withTestHooks<T>(hooks: LinuxTestHooks | undefined, work: () => T): T {
  if (hooks === undefined) return work();
  const previous = active;
  active = hooks;
  try {
    return work();
  } finally {
    active = previous;
  }
}

/**
 * The pause before a step acts on `path`: nothing unless a test gave hooks.
 *
 * @example
 * ```ts
 * import { beforeAct } from "./test_hooks.ts";
 *
 * beforeAct("delete-file", "/srv/app/config");
 * ```
 */
export function beforeAct(step: ActStep, path: string): void {
  active?.beforeAct?.(step, path);
}
