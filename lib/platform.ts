/**
 * The contract between the public API and a backend (Windows bindflt, Linux mounts, a test
 * library). A platform is a value the caller holds, so nothing in the environment can swap it.
 *
 * @module
 */
import type { PathRules } from "./paths.ts";
import type { StatePlace, StateRequest } from "./state/place.ts";

/** A fully validated request to create a link: every path absolute and checked. */
export interface LinkSpec {
  /** Where the link appears. */
  readonly virtualPath: string;
  /** What the link shows. */
  readonly backingPath: string;
  /** Mask write access to the backing path's files seen through the link. */
  readonly readOnly: boolean;
  /** Keep the virtual path's own entries visible, merged with the backing path's. */
  readonly merged: boolean;
  /** Descendants of the virtual path that keep their original content. */
  readonly exceptions: readonly string[];
}

/**
 * A live link as the system lists it.
 *
 * @example
 * ```ts
 * import { listBindLinks } from "@bindlink/bindlink";
 *
 * for (const link of await listBindLinks()) {
 *   console.log(link.virtualPath, "->", link.backingPath, link.readOnly ? "(read-only)" : "");
 * }
 * ```
 */
export interface BindLinkInfo {
  /** Where the link appears, in the platform's usual spelling (`C:\...` on Windows). */
  readonly virtualPath: string;
  /** What the link shows (`\\server\share\...` for a share on Windows). */
  readonly backingPath: string;
  /** Whether writes through the link are refused. */
  readonly readOnly: boolean;
  /** Whether the virtual path's own entries stay visible. */
  readonly merged: boolean;
  /**
   * The exception paths, where the system reports them (Linux records them; Windows' listing
   * does not, so there this is empty).
   */
  readonly exceptions: readonly string[];
}

/**
 * A backend that creates, removes and lists bind links. Implementations throw
 * {@linkcode BindLinkError} and leave nothing half-done when they do.
 *
 * @example Pass a platform explicitly
 * ```ts
 * import { BindLinkApi, windowsPlatform } from "@bindlink/bindlink";
 *
 * using api = new BindLinkApi(windowsPlatform());
 * await api.removeBindLink("C:\\Foo");
 * ```
 */
export interface Platform {
  /** A short name for messages and JSON output: `windows`, `linux`, `unsupported`. */
  readonly name: string;
  /** How this platform resolves and compares paths. */
  readonly paths: PathRules;
  /**
   * Whether listings carry each link's exceptions, so that they can be compared: Linux's do;
   * Windows' do for the links bindlink made while it keeps its records (the system reports
   * none).
   */
  readonly reportsExceptions: boolean;
  /**
   * Whether links live in a mount namespace, so that `run` can make them in a private one
   * that ends with its command (Linux); false makes them where everyone sees them, removed
   * when the command ends (Windows).
   */
  readonly privateRun: boolean;
  /**
   * Where the commands that change several links take their lock and keep their operation
   * records, and how the backend settles its own half-done work first (Linux: the mount
   * namespace's lock and records named for it; Windows: the protected ProgramData folder).
   * Absent, or answering `undefined`: the plain folder `request.stateDir`, which is then
   * required.
   */
  statePlace?(request: StateRequest): Promise<StatePlace | undefined>;
  /** The directory relative paths are resolved against, in this platform's spelling. */
  cwd(): string;
  /** Creates a link without blocking the event loop. */
  create(spec: LinkSpec): Promise<void>;
  /** Creates a link, blocking until the system call returns. */
  createSync(spec: LinkSpec): void;
  /**
   * Makes every check {@linkcode Platform.create} makes before it changes anything, and
   * changes nothing: throws the `BindLinkError` create would throw for what they
   * find (a path missing, or of the wrong kind, layers that overlap, a link already there,
   * a caller without the rights). What only the system can refuse at the call itself is not
   * foreseen. `apply --dry-run` asks it of every link it would make.
   */
  checkCreate(spec: LinkSpec): Promise<void>;
  /** The blocking twin of {@linkcode Platform.checkCreate}. */
  checkCreateSync(spec: LinkSpec): void;
  /** Removes the link at `virtualPath` (resolved) without blocking the event loop. */
  remove(virtualPath: string): Promise<void>;
  /** Removes the link at `virtualPath` (resolved), blocking. */
  removeSync(virtualPath: string): void;
  /** Lists the live links (on Linux: the ones bindlink made, in this mount namespace). */
  list(): Promise<BindLinkInfo[]>;
  /** The blocking twin of {@linkcode Platform.list}. */
  listSync(): BindLinkInfo[];
  /**
   * Whether a Ctrl+C (SIGINT) that reached this process should be passed on to a command it
   * started: false when the command got it already. On Linux the terminal sends it to its
   * foreground process group, the command included, so it is passed on only when standard
   * input is no terminal or this process is not in its foreground group (a `kill -INT` of
   * this process alone). On Windows the console sends it to every process attached to it,
   * so never.
   */
  forwardsInterrupt(): boolean;
  /** Releases native libraries; a later call opens them again. */
  close(): void;
}
