/**
 * The log the boot run writes beside the protected copy, and `startup status` reads: when it
 * ran, its exit code, and which links failed and why.
 *
 * @module
 */

/** One link the boot run could not make. */
export interface FailedLink {
  /** The link's virtual path. */
  readonly virtual: string;
  /** Its backing path. */
  readonly backing: string;
  /** The error code (`not-found`, `access-denied`, ...). */
  readonly code: string;
  /** The message, in plain words. */
  readonly message: string;
}

/** What one boot run did. */
export interface BootLog {
  /** When the run started, ISO 8601. */
  readonly startedAt: string;
  /** When it ended, ISO 8601. */
  readonly finishedAt: string;
  /** The exit code of the run: 0 when every link is in place. */
  readonly exitCode: number;
  /** How many links the manifest has. */
  readonly links: number;
  /** The links that failed; empty on success. */
  readonly failed: readonly FailedLink[];
  /** Seconds spent waiting for backing paths that were not reachable yet. */
  readonly waitedSeconds: number;
  /** A failure of the run as a whole (the manifest could not be read), if any. */
  readonly error?: string;
}

/** The boot log's file name, beside `startup.json`. */
export const BOOT_LOG_NAME = "boot-log.json";

/**
 * Writes the log atomically (a temporary file renamed over the old one), so `startup status`
 * never reads half a log.
 *
 * @example
 * ```ts
 * import { writeBootLog } from "./boot_log.ts";
 * const now = new Date().toISOString();
 * writeBootLog("/etc/bindlink/boot-log.json", {
 *   startedAt: now, finishedAt: now, exitCode: 0, links: 2, failed: [], waitedSeconds: 0,
 * });
 * ```
 */
export function writeBootLog(file: string, log: BootLog): void {
  const temporary = `${file}.tmp`;
  Deno.writeTextFileSync(temporary, JSON.stringify(log, null, 2) + "\n", { mode: 0o644 });
  Deno.renameSync(temporary, file);
}

/** What {@linkcode readBootLog} found. */
export type BootLogState =
  | { readonly state: "none" }
  | { readonly state: "unreadable"; readonly reason: string }
  | { readonly state: "succeeded" | "failed"; readonly log: BootLog };

function isBootLog(value: unknown): value is BootLog {
  if (value === null || typeof value !== "object") return false;
  const log = value as Record<string, unknown>;
  return typeof log.startedAt === "string" && typeof log.finishedAt === "string" &&
    typeof log.exitCode === "number" && typeof log.links === "number" &&
    Array.isArray(log.failed) && typeof log.waitedSeconds === "number";
}

/**
 * Reads the last boot run's log: `none` before the first boot, `succeeded` or `failed`
 * after one, `unreadable` when the file is damaged.
 *
 * @example
 * ```ts
 * import { readBootLog } from "./boot_log.ts";
 * const last = readBootLog("/etc/bindlink/boot-log.json");
 * if (last.state === "failed") console.log(last.log.failed);
 * ```
 */
export function readBootLog(file: string): BootLogState {
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { state: "none" };
    return { state: "unreadable", reason: error instanceof Error ? error.message : String(error) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { state: "unreadable", reason: `not JSON: ${(error as Error).message}` };
  }
  if (!isBootLog(value)) return { state: "unreadable", reason: "not a boot log" };
  return { state: value.exitCode === 0 ? "succeeded" : "failed", log: value };
}
