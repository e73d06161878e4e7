/**
 * bindlink's state for this mount namespace: a folder named for the boot and the namespace's
 * 64-bit ID (`<stateDir>/<boot>.<ns>/`) holding the lock and the link records, and the intent
 * records of every namespace side by side in `<stateDir>` itself, so that one directory read
 * shows every half-done operation and every namespace that has state.
 *
 * Namespace and mount IDs start again at every boot, and `/run` is not a tmpfs everywhere, so
 * the boot ID is part of every name: state from an earlier boot is recognized by its name.
 *
 * Nothing in it is believed before it is shown to be root's alone (./state_trust.ts): the
 * place once per command ({@linkcode NamespaceState.verify}), each folder and record as it
 * is opened.
 *
 * @module
 */
import { IntentStore } from "../state/intents.ts";
import { StateLock } from "../state/lock.ts";
import { libcStateFiles } from "./files.ts";
import { heldFolderNames } from "./folders.ts";
import { mountNamespaceId, namespaceExists } from "./mount_tree.ts";
import { linuxProcessFacts } from "./process.ts";
import { LinkRecords } from "./records.ts";
import { assertStateFolder, assertStateLockFile, verifyStatePlace } from "./state_trust.ts";

/** The default state folder. */
export const DEFAULT_STATE_DIR = "/run/bindlink";

/**
 * The state of this process's mount namespace under one state folder.
 *
 * @example
 * ```ts
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * const state = NamespaceState.current("/run/bindlink");
 * state.lock.runSync({ command: "create", subject: "/srv/app" }, () => {
 *   // check, change, record
 * });
 * ```
 */
export class NamespaceState {
  /** The state folder shared by every namespace (holds the intent records). */
  readonly stateDir: string;
  /** `<boot>.<ns>`: this namespace in this boot. */
  readonly key: string;
  /** This namespace's folder. */
  readonly dir: string;
  /** The namespace's lock: every create and remove holds it from first check to record. */
  readonly lock: StateLock;
  /** Intent records of this namespace (in `stateDir`, named `<key>.…`). */
  readonly intents: IntentStore;
  /** Link records of this namespace. */
  readonly records: LinkRecords;

  /** The state of the namespace `key` (see {@linkcode NamespaceState.current}). */
  constructor(stateDir: string, key: string) {
    this.stateDir = stateDir.replace(/\/+$/, "") || "/";
    this.key = key;
    this.dir = `${this.stateDir}/${key}`;
    this.lock = new StateLock(`${this.dir}/lock`, {
      keepOpen: true,
      processFacts: linuxProcessFacts(),
      verify: assertStateLockFile,
    });
    this.intents = new IntentStore(this.stateDir, linuxProcessFacts(), {
      prefix: `${key}.`,
      files: libcStateFiles,
    });
    this.records = new LinkRecords(`${this.dir}/links`);
  }

  #verified = false;

  /**
   * Checks, once for this process, that the state folder and this namespace's folder are
   * root's alone and reached through folders only root can change (see ./state_trust.ts).
   * `make`: a changing command makes the state folder when it is missing (mode 0700); a
   * looking one finds nothing to believe there.
   *
   * @throws {UntrustedStateError} with what to fix.
   */
  verify(make: boolean): void {
    if (this.#verified) return;
    // A missing folder proves nothing about the one a later command may find.
    this.#verified = verifyStatePlace([this.stateDir, this.dir], make);
  }

  /**
   * The names in the state folder, when anything but this namespace's own folder is there:
   * an intent record, or another namespace's folder, that a killed command may have left.
   * Read through the folder's held descriptor, judged root's alone (mode 0700).
   */
  othersPresent(): string[] | undefined {
    const names = heldFolderNames(this.stateDir, assertStateFolder);
    return names.some((name) => name !== this.key) ? names : undefined;
  }

  /** The state of this process's namespace, in this boot. */
  static current(stateDir: string = DEFAULT_STATE_DIR): NamespaceState {
    const key = `${linuxProcessFacts().bootId()}.${mountNamespaceId()}`;
    const cached = cache.get(stateDir);
    if (cached?.key === key) return cached;
    const state = new NamespaceState(stateDir, key);
    cache.set(stateDir, state);
    return state;
  }
}

const cache = new Map<string, NamespaceState>();

/** The parts of a namespace folder's or intent file's name. */
export function parseStateName(name: string): { boot: string; ns: string } | undefined {
  const match = /^([0-9a-f]{32})\.(i?\d+)(?:\.|$)/.exec(name);
  return match ? { boot: match[1], ns: match[2] } : undefined;
}

/**
 * Whether the state named `parsed` belongs to a mount namespace that is gone: one of an
 * earlier boot than `ownBoot`, or one the kernel says no longer exists (an inode-numbered
 * one, `i...`, cannot be asked about, so it is taken to live).
 *
 * @example
 * ```ts
 * import { isGoneNamespace, parseStateName } from "./namespace_state.ts";
 *
 * const parsed = parseStateName("0123456789abcdef0123456789abcdef.4026531841")!;
 * isGoneNamespace(parsed, "fedcba9876543210fedcba9876543210"); // true: an earlier boot
 * ```
 */
export function isGoneNamespace(parsed: { boot: string; ns: string }, ownBoot: string): boolean {
  return parsed.boot !== ownBoot ||
    (!parsed.ns.startsWith("i") && namespaceExists(BigInt(parsed.ns)) === false);
}
