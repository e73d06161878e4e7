/**
 * {@linkcode ProcessFacts} on Linux, for judging intent records' owners: the boot ID from
 * /proc/sys/kernel/random/boot_id and a process's start time from field 22 of
 * /proc/<pid>/stat (clock ticks since boot), both read through libc.
 *
 * @module
 */
import { ExplainedFailure } from "../errors.ts";
import type { ProcessFacts } from "../state/process_facts.ts";
import { readProcFile } from "./proc.ts";

/** Field 22 (starttime) and field 3 (state) of a /proc/<pid>/stat text. */
export function parseProcStat(text: string): { state: string; start: string } | undefined {
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ")".
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = rest[0];
  const start = rest[19]; // field 22 is the 20th after the name
  return state && start && /^\d+$/.test(start) ? { state, start } : undefined;
}

/** /proc is covered (a mount over it), or not mounted: bindlink cannot tell its state apart. */
function procUnusable(file: string): ExplainedFailure {
  return new ExplainedFailure({
    code: "not-supported",
    summary: `${file} could not be read: /proc is not the kernel's proc file system here ` +
      "(something is mounted over it, or it is not mounted)",
    hint: "bindlink reads the boot ID and process facts from /proc to know its own state. " +
      "Take off what covers /proc (umount /proc, until mount shows proc there), or mount it " +
      "(mount -t proc proc /proc), then run the command again.",
  });
}

let bootIdCache: string | undefined;
let selfCache: { pid: number; start: string } | undefined;

/**
 * The Linux process facts.
 *
 * @example
 * ```ts
 * import { linuxProcessFacts } from "./process.ts";
 *
 * const facts = linuxProcessFacts();
 * const me = facts.self();
 * console.log(facts.isRunning(me.pid, me.start)); // true
 * ```
 */
export function linuxProcessFacts(): ProcessFacts {
  return facts;
}

// One object for the process: every answer it caches is the process's own.
const facts: ProcessFacts = {
  bootId() {
    if (bootIdCache === undefined) {
      const text = readProcFile("/proc/sys/kernel/random/boot_id")?.trim();
      if (!text) throw procUnusable("/proc/sys/kernel/random/boot_id");
      bootIdCache = text.replaceAll("-", "");
    }
    return bootIdCache;
  },
  self() {
    if (!selfCache) {
      const stat = readProcFile("/proc/self/stat");
      const parsed = stat ? parseProcStat(stat) : undefined;
      if (!parsed) throw procUnusable("/proc/self/stat");
      selfCache = { pid: Deno.pid, start: parsed.start };
    }
    return selfCache;
  },
  isRunning(pid, start) {
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    const stat = readProcFile(`/proc/${pid}/stat`);
    const parsed = stat ? parseProcStat(stat) : undefined;
    // A zombie has exited: its files, and so its locks, are already released.
    return parsed !== undefined && parsed.start === start && parsed.state !== "Z";
  },
};
