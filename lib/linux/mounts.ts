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
 * @module
 */
import { BindLinkError } from "../errors.ts";
import type { BindLinkInfo, LinkSpec, Platform } from "../platform.ts";
import type { StatePlace, StateRequest } from "../state/place.ts";
import { describeLockWait, type LockRequest, type LockWait } from "../state/lock.ts";
import { type Assembly, createLink } from "./creation.ts";
import { checkCreateLink } from "./dry_check.ts";
import { explain, requireRoot, type Where } from "./failure.ts";
import { listLinks } from "./listing.ts";
import { DEFAULT_STATE_DIR, NamespaceState } from "./namespace_state.ts";
import { closeHeldFolders, currentDirectory } from "./files.ts";
import { NotUtf8NameError } from "./kernel_names.ts";
import { linuxPathRules } from "./paths.ts";
import { recoverPending } from "./recovery.ts";
import { removeLink } from "./removal.ts";
import { UntrustedStateError } from "./state_trust.ts";
import { closeLibc } from "./syscall.ts";
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

function createWhere(spec: LinkSpec): Where {
  return {
    operation: "create",
    virtualPath: spec.virtualPath,
    backingPath: spec.backingPath,
    merged: spec.merged,
  };
}

// Every change first settles what a killed command left in this namespace, under the lock.
function settledThen(
  ns: NamespaceState,
  hooks: LinuxTestHooks | undefined,
  work: (ns: NamespaceState) => void,
): void {
  withTestHooks(hooks, () => {
    recoverPending(ns);
    work(ns);
  });
}

class LinuxMounts implements Platform {
  readonly name = "linux";
  readonly paths = linuxPathRules;
  readonly reportsExceptions = true;
  // Links belong to a mount namespace: `run` makes them in a private one.
  readonly privateRun = true;
  readonly #stateDir: string;
  readonly #onWait: (wait: LockWait) => void;
  readonly #assembly: Assembly;
  readonly #hooks: LinuxTestHooks | undefined;

  constructor(options: LinuxPlatformOptions) {
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
    return this.#changingAsync(createWhere(spec), (ns) => createLink(ns, spec, this.#assembly));
  }

  checkCreate(spec: LinkSpec): Promise<void> {
    return Promise.resolve().then(() => this.checkCreateSync(spec));
  }

  checkCreateSync(spec: LinkSpec): void {
    // No lock: nothing is changed, and a dry run must not wait for a long apply.
    const where = createWhere(spec);
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
      (ns) => removeLink(ns, virtualPath),
    );
  }

  list(): Promise<BindLinkInfo[]> {
    return Promise.resolve().then(() => this.listSync());
  }

  createSync(spec: LinkSpec): void {
    this.#changing(createWhere(spec), (ns) => createLink(ns, spec, this.#assembly));
  }

  removeSync(virtualPath: string): void {
    this.#changing({ operation: "remove", virtualPath }, (ns) => removeLink(ns, virtualPath));
  }

  listSync(): BindLinkInfo[] {
    const where: Where = { operation: "list", virtualPath: "" };
    this.#requireRoot(where, "reading bindlink's records needs root");
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

  async statePlace(request: StateRequest): Promise<StatePlace> {
    // The namespace's lock, the one this platform's create and remove take.
    const { linuxStatePlace } = await import("./state_place.ts");
    return linuxStatePlace({ ...request, stateDir: request.stateDir ?? this.#stateDir });
  }

  close(): void {
    closeHeldFolders();
    closeLibc();
  }

  #namespace(where: Where): NamespaceState {
    this.#requireRoot(where, "bind mounts need root");
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
    if (error instanceof Error) (error as { role?: string }).role ??= "state folder";
    return explain(error, where);
  }

  #request(where: Where): LockRequest {
    return { command: where.operation, subject: where.virtualPath, onWait: this.#onWait };
  }

  #changing(where: Where, work: (ns: NamespaceState) => void): void {
    const ns = this.#namespace(where);
    try {
      ns.lock.runSync(this.#request(where), () => settledThen(ns, this.#hooks, work));
    } catch (error) {
      throw this.#failed(error, where);
    }
  }

  async #changingAsync(where: Where, work: (ns: NamespaceState) => void): Promise<void> {
    const ns = this.#namespace(where);
    try {
      await ns.lock.run(this.#request(where), () => settledThen(ns, this.#hooks, work));
    } catch (error) {
      throw this.#failed(error, where);
    }
  }

  // Once root, taken to stay root (Deno itself cannot drop it): a geteuid saved per call.
  #isRoot = false;

  #requireRoot(where: Where, what: string): void {
    if (this.#isRoot) return;
    requireRoot(where, what);
    this.#isRoot = true;
  }
}

/**
 * The Linux backend: bind links as bind mounts, merged links as overlay mounts, in the
 * calling process's mount namespace. Needs root, and `--allow-ffi --allow-read
 * --allow-write`. Its async operations run synchronously on the calling thread.
 *
 * @example
 * ```ts
 * import { BindLinkApi, linuxPlatform } from "@bindlink/bindlink";
 *
 * using api = new BindLinkApi(linuxPlatform());
 * await using link = await api.createBindLink("/srv/app/config", "/etc/app/staging", {
 *   readOnly: true,
 * });
 * ```
 */
export function linuxPlatform(options: LinuxPlatformOptions = {}): Platform {
  return new LinuxMounts(options);
}
