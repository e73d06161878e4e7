/**
 * The Linux backend: bind links as mounts. A plain link is a bind mount of the backing path,
 * a merged one an overlay mount whose upper layer is the backing path; exceptions are the
 * virtual path's own content bound back inside the link. Every link is assembled detached
 * and attached with one call, under a per-namespace lock, with an intent record that lets
 * the next command finish or undo the work of a killed one (see creation.ts, removal.ts,
 * recovery.ts).
 *
 * On Linux the async functions do their work synchronously, on the calling thread, before
 * their promise settles: errno is per thread, and a `nonblocking` FFI call runs on another
 * thread whose errno could not be read back. The calls are local and take well under a
 * millisecond each (more with exceptions, or when a backing path sits on a slow network
 * share), during which the event loop waits.
 *
 * The code that changes links (./changes.ts) is given to {@linkcode LinuxMounts} (see
 * ./platform.ts) or, for the CLI, loaded piece by piece by the async calls that run it: a
 * `list` loads none of it.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import type { BindLinkInfo, LinkSpec, Platform } from "../platform.ts";
import type { StatePlace, StateRequest } from "../state/place.ts";
import { describeLockWait, type LockRequest, type LockWait } from "../state/lock_wait.ts";
import type { Assembly } from "./creation.ts";
import { type LinuxChanges, loadChanges } from "./changes.ts";
import { explain, requireRoot, type Where } from "./failure.ts";
import { listLinks } from "./listing.ts";
import { DEFAULT_STATE_DIR, NamespaceState } from "./namespace_state.ts";
import { currentDirectory } from "./files.ts";
import { closeHeldFolders } from "./folders.ts";
import { NotUtf8NameError } from "./kernel_names.ts";
import { linuxPathRules } from "./path_rules.ts";
import { linuxStatePlace } from "./state_place.ts";
import { UntrustedStateError } from "./state_trust.ts";
import { aboutRole, closeLibc } from "./syscall.ts";
import { type LinuxTestHooks, withTestHooks } from "./test_hooks.ts";
import { terminalDeliversInterrupt } from "./terminal.ts";

/** Options for {@linkcode linuxPlatform}. */
export interface LinuxPlatformOptions {
  /**
   * Where bindlink keeps its lock, link records and intent records, per mount namespace.
   * Default `/run/bindlink`. Records carry the boot ID, so a folder that survives a restart
   * is recognized as stale.
   */
  stateDir?: string;
  /**
   * Called when a create or remove has waited about a second for another bindlink command
   * in this mount namespace, with what it waits for. Default: one line on stderr.
   */
  onWait?: (wait: LockWait) => void;
  /**
   * `detached` (default): links are assembled as detached mounts; on a kernel that refuses
   * mounts inside a detached tree, bindlink switches to `staging` by itself. `staging`:
   * always assemble at a private staging folder in the state folder, then move.
   */
  assembly?: "detached" | "staging";
  /**
   * For tests only: called between resolving a path and acting on it, at every step that
   * deletes, unmounts or changes something, so a test can race bindlink deterministically.
   */
  testHooks?: LinuxTestHooks;
}

function sayWaiting(wait: LockWait): void {
  const line = `${describeLockWait(wait)}\n`;
  try {
    Deno.stderr.writeSync(new TextEncoder().encode(line));
  } catch {
    // no stderr: nothing to tell
  }
}

/** The piece of the changing code a change runs (after settling with `recoverPending`). */
type ChangePiece = "createLink" | "removeLink";
type Work<K extends ChangePiece> = (ns: NamespaceState, piece: LinuxChanges[K]) => void;

function createWhere(spec: LinkSpec): Where {
  return {
    operation: "create",
    virtualPath: spec.virtualPath,
    backingPath: spec.backingPath,
    merged: spec.merged,
  };
}

/**
 * The Linux backend's {@linkcode Platform}. Given `changes`, every call works from the start;
 * without, each async call loads the pieces it needs on first use (a remove never loads the
 * creating code) and a blocking call works once they are loaded
 * (the CLI, which calls only async ones, starts without them).
 *
 * @example
 * ```ts
 * import { LinuxMounts } from "./mounts.ts";
 *
 * const platform = new LinuxMounts({});
 * console.log((await platform.list()).length);
 * platform.close();
 * ```
 */
export class LinuxMounts implements Platform {
  readonly name = "linux";
  readonly paths = linuxPathRules;
  readonly reportsExceptions = true;
  // Links belong to a mount namespace: `run` makes them in a private one.
  readonly privateRun = true;
  readonly #stateDir: string;
  readonly #onWait: (wait: LockWait) => void;
  readonly #assembly: Assembly;
  readonly #hooks: LinuxTestHooks | undefined;
  #changes: Partial<LinuxChanges>;

  /** A backend with `options`, and the changing code when the blocking calls need it. */
  constructor(options: LinuxPlatformOptions, changes?: LinuxChanges) {
    this.#changes = { ...changes };
    this.#hooks = options.testHooks;
    this.#stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
    this.#onWait = options.onWait ?? sayWaiting;
    this.#assembly = options.assembly ?? "detached";
  }

  cwd(): string {
    // getcwd through libc: cheaper than Deno's op, and asked for every path of every call.
    // When libc cannot be loaded (too narrow a grant) Deno answers, and the call's own
    // first use of libc says what is wrong, as a BindLinkError.
    try {
      return currentDirectory();
    } catch {
      return Deno.cwd();
    }
  }

  // The work itself is synchronous (see the module doc); the async forms wait, without
  // blocking, for other async calls of this process that hold the namespace's lock.
  create(spec: LinkSpec): Promise<void> {
    return this.#changingAsync(
      createWhere(spec),
      "createLink",
      (ns, createLink) => createLink(ns, spec, this.#assembly),
    );
  }

  async checkCreate(spec: LinkSpec): Promise<void> {
    await this.#load(["checkCreateLink"]);
    this.checkCreateSync(spec);
  }

  checkCreateSync(spec: LinkSpec): void {
    // No lock: nothing is changed, and a dry run must not wait for a long apply.
    const where = createWhere(spec);
    const { checkCreateLink } = this.#loaded(["checkCreateLink"]);
    const ns = this.#namespace(where);
    try {
      checkCreateLink(ns, spec, where);
    } catch (error) {
      throw this.#failed(error, where);
    }
  }

  remove(virtualPath: string): Promise<void> {
    return this.#changingAsync(
      { operation: "remove", virtualPath },
      "removeLink",
      (ns, removeLink) => removeLink(ns, virtualPath),
    );
  }

  list(): Promise<BindLinkInfo[]> {
    return Promise.resolve().then(() => this.listSync());
  }

  createSync(spec: LinkSpec): void {
    this.#changing(
      createWhere(spec),
      "createLink",
      (ns, createLink) => createLink(ns, spec, this.#assembly),
    );
  }

  removeSync(virtualPath: string): void {
    this.#changing(
      { operation: "remove", virtualPath },
      "removeLink",
      (ns, removeLink) => removeLink(ns, virtualPath),
    );
  }

  listSync(): BindLinkInfo[] {
    const where: Where = { operation: "list", virtualPath: "" };
    requireRoot(where, "reading bindlink's records needs root");
    try {
      const ns = NamespaceState.current(this.#stateDir);
      ns.verify(false);
      // Half-done work is not listed, but a record here that cannot be trusted is said.
      ns.intents.list();
      return listLinks(ns);
    } catch (error) {
      throw explain(error, where);
    }
  }

  forwardsInterrupt(): boolean {
    return !terminalDeliversInterrupt();
  }

  statePlace(request: StateRequest): Promise<StatePlace> {
    // The namespace's lock, the one this platform's create and remove take; a refusal
    // rejects the promise, as from the other async calls.
    return Promise.resolve().then(() =>
      linuxStatePlace({ ...request, stateDir: request.stateDir ?? this.#stateDir })
    );
  }

  close(): void {
    closeHeldFolders();
    closeLibc();
  }

  #namespace(where: Where): NamespaceState {
    requireRoot(where, "bind mounts need root");
    try {
      const ns = NamespaceState.current(this.#stateDir);
      ns.verify(true);
      return ns;
    } catch (error) {
      throw explain(error, where);
    }
  }

  #failed(error: unknown, where: Where): BindLinkError {
    // Errors met deep down without knowing the call are told as this call's by explain.
    const unplaced = error instanceof UntrustedStateError || error instanceof NotUtf8NameError;
    if (error instanceof BindLinkError && !unplaced) return error;
    // The lock file or the state folder could not be made or opened.
    return explain(aboutRole(error, "state folder"), where);
  }

  #request(where: Where): LockRequest {
    return { command: where.operation, subject: where.virtualPath, onWait: this.#onWait };
  }

  // The pieces `names` of the changing code, loaded by an async call before.
  #loaded<K extends keyof LinuxChanges>(names: readonly K[]): Pick<LinuxChanges, K> {
    if (names.every((name) => this.#changes[name])) return this.#changes as Pick<LinuxChanges, K>;
    throw new Error(
      "this Linux platform loads the code that changes links on its first async call; " +
        "for blocking calls from the start use linuxPlatform()",
    );
  }

  async #load<K extends keyof LinuxChanges>(names: readonly K[]): Promise<Pick<LinuxChanges, K>> {
    await loadChanges(this.#changes, names);
    return this.#loaded(names);
  }

  // Every change first settles what a killed command left in this namespace, under the lock.
  #settledThen<K extends ChangePiece>(
    ns: NamespaceState,
    changes: Pick<LinuxChanges, "recoverPending" | K>,
    piece: K,
    work: Work<K>,
  ): () => void {
    return () =>
      withTestHooks(this.#hooks, () => {
        changes.recoverPending(ns);
        work(ns, changes[piece]);
      });
  }

  #changing<K extends ChangePiece>(where: Where, piece: K, work: Work<K>): void {
    // Before anything is looked at: a blocking call without the changing code is a misuse.
    const changes = this.#loaded(["recoverPending", piece]);
    const ns = this.#namespace(where);
    try {
      ns.lock.runSync(this.#request(where), this.#settledThen(ns, changes, piece, work));
    } catch (error) {
      throw this.#failed(error, where);
    }
  }

  async #changingAsync<K extends ChangePiece>(
    where: Where,
    piece: K,
    work: Work<K>,
  ): Promise<void> {
    const changes = await this.#load(["recoverPending", piece]);
    const ns = this.#namespace(where);
    try {
      await ns.lock.runWhenFree(this.#request(where), this.#settledThen(ns, changes, piece, work));
    } catch (error) {
      throw this.#failed(error, where);
    }
  }
}
