/**
 * The run at boot (`apply -f <protected copy> --boot-log <file>`): wait, for a bounded time,
 * for backing paths that are not reachable yet (a share before the network is up, a disk
 * still being mounted), apply the links, and write the boot log that `startup status` reads.
 * Task Scheduler does not rerun a task that failed, so the retrying happens here.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import type { LinkSpec } from "../platform.ts";
import { type BootLog, type FailedLink, writeBootLog } from "./boot_log.ts";
import { BOOT_RETRY_SECONDS } from "./layout.ts";

/** What the boot run needs; everything but `links`, `apply` and `logFile` has a default. */
export interface BootRunOptions {
  /** The links of the protected copy, resolved. */
  readonly links: readonly LinkSpec[];
  /**
   * Applies the links given (those whose backing path is reachable) and returns the ones
   * that failed. Throwing fails them all with the error's message.
   */
  readonly apply: (links: readonly LinkSpec[]) => Promise<readonly FailedLink[]>;
  /** Where the log goes, beside the protected copy. */
  readonly logFile: string;
  /** How long to wait for unreachable backing paths, in seconds. */
  readonly retrySeconds?: number;
  /** Pause between checks, in milliseconds. */
  readonly intervalMs?: number;
  /** Whether a backing path can be reached now; default: it can be stat'ed. */
  readonly reachable?: (path: string) => boolean;
  /**
   * Where a link's virtual path leads now when that is not where the copy says (a symlink or
   * junction planted on the way since install), else undefined. Such a link is refused.
   */
  readonly moved?: (link: LinkSpec) => string | undefined;
  /** Waits `ms` milliseconds. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock. */
  readonly now?: () => Date;
}

function statable(file: string): boolean {
  try {
    Deno.statSync(file);
    return true;
  } catch {
    return false;
  }
}

function failure(link: LinkSpec, code: string, message: string): FailedLink {
  return { virtual: link.virtualPath, backing: link.backingPath, code, message };
}

/**
 * Runs the boot apply and writes its log. Returns the log; its `exitCode` is the process's.
 *
 * @example
 * ```ts
 * import { bootRun } from "./boot_run.ts";
 * const log = await bootRun({
 *   links: [],
 *   apply: () => Promise.resolve([]),
 *   logFile: "/etc/bindlink/boot-log.json",
 * });
 * Deno.exitCode = log.exitCode;
 * ```
 */
export async function bootRun(options: BootRunOptions): Promise<BootLog> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const reachable = options.reachable ?? statable;
  const interval = options.intervalMs ?? 2_000;
  const startedAt = now();
  const failed: FailedLink[] = [];
  const links = options.links.filter((link) => {
    const elsewhere = options.moved?.(link);
    if (elsewhere === undefined) return true;
    failed.push(failure(
      link,
      "untrusted",
      `the virtual path now leads to ${elsewhere} (a symbolic link or junction on the way ` +
        "changed since install); the link was not made there. Check who changed it, then run " +
        "`bindlink startup install` again",
    ));
    return false;
  });
  const deadline = startedAt.getTime() + (options.retrySeconds ?? BOOT_RETRY_SECONDS) * 1000;
  let waiting = links.filter((link) => !reachable(link.backingPath));
  while (waiting.length && now().getTime() < deadline) {
    await sleep(interval);
    waiting = waiting.filter((link) => !reachable(link.backingPath));
  }
  const waitedSeconds = Math.round((now().getTime() - startedAt.getTime()) / 1000);
  const unreachable = new Set(waiting);
  failed.push(...waiting.map((link) =>
    failure(
      link,
      "not-found",
      `the backing path was not reachable within ${options.retrySeconds ?? BOOT_RETRY_SECONDS} s`,
    )
  ));
  const ready = links.filter((link) => !unreachable.has(link));
  if (ready.length) {
    try {
      failed.push(...await options.apply(ready));
    } catch (error) {
      const code = error instanceof BindLinkError ? error.code : "unknown";
      const message = error instanceof Error ? error.message : String(error);
      failed.push(...ready.map((link) => failure(link, code, message)));
    }
  }
  const log: BootLog = {
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    exitCode: failed.length ? 1 : 0,
    links: options.links.length,
    failed,
    waitedSeconds,
  };
  writeBootLog(options.logFile, log);
  return log;
}

/**
 * Writes the log of a boot run that could not start at all (the copy is missing, untrusted
 * or invalid), so `startup status` shows why.
 *
 * @example
 * ```ts
 * import { writeBootFailure } from "./boot_run.ts";
 * writeBootFailure("/etc/bindlink/boot-log.json", new Error("startup.json is missing"));
 * ```
 */
export function writeBootFailure(logFile: string, error: unknown, now = new Date()): BootLog {
  const log: BootLog = {
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    exitCode: 1,
    links: 0,
    failed: [],
    waitedSeconds: 0,
    error: error instanceof Error ? error.message : String(error),
  };
  writeBootLog(logFile, log);
  return log;
}
