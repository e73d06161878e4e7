/**
 * The machinery of `bindlink run -- command`: links that exist while a command runs.
 *
 * - Windows (links are system-wide): the links are made under the lock with an intent record
 *   naming this process, the command runs, and the links are removed when it ends. If
 *   bindlink is killed, `status` shows the links and `prune` (or any changing command)
 *   removes them.
 * - Linux: the command runs in a private mount namespace, so its links are invisible to
 *   everyone else and cannot outlive it. `unshare(CLONE_NEWNS)` from Deno would move only the
 *   calling thread of a multi-threaded process, so a helper enters the namespace:
 *   `/usr/bin/unshare --mount --propagation private` (by absolute path) starts bindlink's own
 *   CLI again with a hidden `run --inside-namespace`, which makes the links there, runs the
 *   command, and removes them. This needs `--allow-run` besides the usual flags.
 *
 * Ctrl+C reaches the command from the terminal (its foreground process group holds both);
 * bindlink waits for it to end, then removes the links. A Ctrl+C the command did not get from
 * the terminal (a `kill -INT` of bindlink alone, or no terminal) is passed on once, as the
 * platform says ({@linkcode Platform.forwardsInterrupt}); Windows never passes it on. SIGTERM
 * is passed on to the command. The exit code is the command's.
 *
 * On Linux the command ends with its parent: the inner bindlink asks for SIGTERM when the
 * outer one dies (`prctl(PR_SET_PDEATHSIG)`), and starts the command under
 * `/usr/bin/setpriv --pdeathsig TERM`, so it gets SIGTERM when the inner bindlink dies. A
 * `kill -9` of either leaves no orphaned command, and the namespace and its links go with it.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { BindLinkError } from "../errors.ts";
import type { LinkSpec, Platform } from "../platform.ts";
import { carryOut, takeDown } from "./make.ts";
import { isLiveAsRecorded } from "./recover.ts";
import { openLinkScope, planRun } from "./scoped.ts";
import type { StateOptions } from "./session.ts";

/** The absolute path of the helper that starts a process in a new mount namespace. */
export const UNSHARE_PATH = "/usr/bin/unshare";

/** The hidden option of `run` that the namespace helper starts bindlink with. */
export const INSIDE_NAMESPACE = "inside-namespace";

/**
 * The absolute path of the helper that starts the command with a parent-death signal
 * (util-linux), so the command ends when the inner bindlink does.
 */
export const SETPRIV_PATH = "/usr/bin/setpriv";

/** The Deno permissions the namespace helper's bindlink runs with. */
export const INNER_PERMISSIONS = ["--allow-ffi", "--allow-read", "--allow-write", "--allow-run"];

/**
 * Options for {@linkcode runWithBindLinks}.
 *
 * @example
 * ```ts
 * import type { RunOptions } from "./run.ts";
 *
 * const options: RunOptions = { namespace: false };
 * ```
 */
export interface RunOptions extends StateOptions {
  /** The manifest the links came from, for messages and records. */
  file?: string;
  /** Progress while links are made. */
  onProgress?: (done: number, total: number, link: LinkSpec) => void;
  /**
   * Run the command in a private mount namespace, where the platform can
   * (`Platform.privateRun`: Linux); default true. False makes the links in the current
   * namespace, as on Windows.
   */
  namespace?: boolean;
  /** The command line that starts bindlink's CLI again; default this process's. */
  self?: readonly string[];
  /**
   * Inside the namespace: the process ID of the outer bindlink. The inner one ends with it,
   * and starts the command so that it ends with the inner one (Linux).
   */
  parent?: number;
}

const FORWARDED: readonly Deno.Signal[] = Deno.build.os === "windows" ? [] : ["SIGTERM"];
const FROM_TERMINAL: readonly Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT", "SIGBREAK"]
  : ["SIGINT"];

/**
 * Spawns `command` with the terminal, passes signals on as described above, and resolves to
 * its exit code (128 + the signal's number when a signal ended it).
 */
export async function runChild(
  command: readonly string[],
  platform: Platform,
  operation: "run" = "run",
): Promise<number> {
  // Listening starts before the command does: a Ctrl+C at the moment it starts must not
  // find bindlink without a listener, which would end it (and, inside the namespace, the
  // links) with the command still running.
  let child: Deno.ChildProcess | undefined;
  const listeners: [Deno.Signal, () => void][] = [];
  const pass = (signal: Deno.Signal) => {
    try {
      child?.kill(signal);
    } catch { /* already gone */ }
  };
  for (const signal of [...FORWARDED, ...FROM_TERMINAL]) {
    // A listener on Ctrl+C keeps bindlink alive to remove the links once the command ends;
    // it passes Ctrl+C on only when the terminal did not deliver it to the command too.
    const listener = () => {
      if (FORWARDED.includes(signal) || forwardsInterrupt(platform)) pass(signal);
    };
    Deno.addSignalListener(signal, listener);
    listeners.push([signal, listener]);
  }
  try {
    try {
      child = new Deno.Command(command[0], {
        args: command.slice(1),
        stdin: "inherit",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
    } catch (error) {
      throw new BindLinkError({
        code: error instanceof Deno.errors.NotFound ? "not-found" : "access-denied",
        operation,
        summary: `the command ${command[0]} could not be started (${(error as Error).message})`,
        hint: error instanceof Deno.errors.NotCapable
          ? "bindlink run starts commands: give Deno --allow-run."
          : "Check the command's name and that it is on PATH.",
        cause: error,
      });
    }
    return (await child.status).code;
  } finally {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  }
}

function forwardsInterrupt(platform: Platform): boolean {
  try {
    return platform.forwardsInterrupt();
  } catch {
    return true; // cannot tell (libc not loadable): a Ctrl+C unanswered would be worse
  }
}

/** The command line that starts this bindlink's CLI again, with `permissions`. */
export function selfCommand(permissions: readonly string[] = INNER_PERMISSIONS): string[] {
  if (Deno.build.standalone) return [Deno.execPath()];
  const cli = new URL("../../cli.ts", import.meta.url);
  const script = cli.protocol === "file:" ? fileURLToPath(cli) : cli.href;
  return [Deno.execPath(), "run", "--no-config", "--no-prompt", ...permissions, script];
}

/** Throws `not-supported` unless the util-linux helper at `path` is there. */
function requireHelper(path: string, purpose: string): void {
  try {
    Deno.statSync(path);
  } catch (error) {
    throw new BindLinkError({
      code: "not-supported",
      operation: "run",
      summary: `${path} is missing, and bindlink run needs it ${purpose}`,
      hint: "Install util-linux (it provides unshare and setpriv).",
      cause: error,
    });
  }
}

async function inNamespace(
  specs: readonly LinkSpec[],
  command: readonly string[],
  platform: Platform,
  options: RunOptions,
): Promise<number> {
  const self = options.self ?? selfCommand();
  const args = [
    "--mount",
    "--propagation",
    "private",
    ...self,
    "run",
    `--${INSIDE_NAMESPACE}`,
    JSON.stringify({ file: options.file, links: specs, parent: Deno.pid }),
    "--",
    ...command,
  ];
  requireHelper(UNSHARE_PATH, "to start the command in a private mount namespace");
  requireHelper(SETPRIV_PATH, "to end the command when bindlink ends");
  return await runChild([UNSHARE_PATH, ...args], platform);
}

/**
 * Inside the private namespace (the hidden `run --inside-namespace`): make the links, run the
 * command, remove them. No record is kept: the namespace, and every mount in it, ends with
 * the last process in it. With `options.parent`, this process and the command end with the
 * outer bindlink (see the module text); when it has already ended, nothing is made and the
 * answer is 143, as SIGTERM would have given.
 */
export async function runInsideNamespace(
  specs: readonly LinkSpec[],
  command: readonly string[],
  platform: Platform,
  options: RunOptions = {},
): Promise<number> {
  let child = command;
  if (options.parent !== undefined) {
    const { endWithParent } = await import("../linux/parent_death.ts");
    if (!endWithParent(options.parent)) return 143;
    child = [SETPRIV_PATH, "--pdeathsig", "TERM", "--", ...command];
  }
  const plan = await planRun(specs, platform, options.file);
  await carryOut(platform, plan.links, {
    operation: "run",
    file: options.file,
    onProgress: options.onProgress,
  });
  const made = plan.links.filter((p) => p.action !== "unchanged").map((p) => p.link);
  try {
    return await runChild(child, platform);
  } finally {
    await takeDown(platform, made, (live, spec) => isLiveAsRecorded(platform, live, spec));
  }
}

/**
 * Runs `command` with `specs` linked, and returns its exit code; see the module text for how
 * on each system.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { runWithBindLinks } from "./run.ts";
 *
 * const spec = { virtualPath: "/srv/app/deps", backingPath: "/srv/deps/v2", readOnly: true,
 *   merged: false, exceptions: [] };
 * const code = await runWithBindLinks([spec], ["make", "test"], linuxPlatform());
 * ```
 */
export async function runWithBindLinks(
  specs: readonly LinkSpec[],
  command: readonly string[],
  platform: Platform,
  options: RunOptions = {},
): Promise<number> {
  if (command.length === 0) {
    throw new BindLinkError({
      code: "invalid-argument",
      operation: "run",
      summary: "no command was given",
      hint: "Put the command after --: bindlink run -- make test",
    });
  }
  if (platform.privateRun && (options.namespace ?? true)) {
    return await inNamespace(specs, command, platform, options);
  }
  const scope = await openLinkScope(specs, platform, options);
  try {
    return await runChild(command, platform);
  } finally {
    await scope.close();
  }
}
