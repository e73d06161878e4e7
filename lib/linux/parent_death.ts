/**
 * Ties this process's life to its parent's: `prctl(PR_SET_PDEATHSIG, SIGTERM)` makes the
 * kernel send SIGTERM here when the parent ends. The inner bindlink of `run` uses it, so a
 * `kill -9` of the outer bindlink still ends the command and, with it, the private namespace
 * and its links.
 *
 * The kernel fires the signal when the parent *thread* that forked this process ends, not
 * the parent process: Deno forks children from the thread that runs JavaScript (the main
 * thread, which lives as long as the process), so the signal comes only when the parent dies.
 *
 * @module
 */
import { PR_SET_PDEATHSIG } from "./libc_constants.ts";
import { check, libc } from "./syscall.ts";

/** SIGTERM's number on Linux (every architecture Deno runs on). */
const SIGTERM = 15n;

/**
 * Asks for SIGTERM when the parent ends, and returns whether the parent is still `parentPid`:
 * false when it had already ended before the request (the process was then handed to
 * init or a subreaper, and no signal will ever come).
 *
 * @example
 * ```ts
 * import { endWithParent } from "./parent_death.ts";
 *
 * if (!endWithParent(Deno.ppid)) Deno.exit(143);
 * ```
 */
export function endWithParent(parentPid: number): boolean {
  const c = libc();
  check(c.prctl(PR_SET_PDEATHSIG, SIGTERM, 0n, 0n, 0n), "prctl(PR_SET_PDEATHSIG)");
  // Asked after the request: a parent that dies later is covered by the signal.
  return c.getppid() === parentPid;
}
