/**
 * Which locks the current async call chain holds, so that a lock is re-entrant across the
 * `await`s of the call that took it. Loaded by ./lock.ts only when a hold spans awaits:
 * `node:async_hooks` costs several milliseconds to load, which a command that holds the lock
 * only synchronously (every Linux create and remove) should not pay.
 *
 * @example
 * ```ts
 * import { heldLocks } from "./call_chain.ts";
 *
 * const lock = {};
 * heldLocks.run(new Set([lock]), () => heldLocks.getStore()?.has(lock)); // true
 * ```
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** The locks held by the current async call chain (each lock's shared state, by identity). */
export const heldLocks: AsyncLocalStorage<ReadonlySet<object>> = new AsyncLocalStorage();
