/**
 * Helpers for the manifest tests on the native double: a manifest of Windows paths, a
 * platform that fails its k-th create with a chosen HRESULT, and process facts with a
 * process that is gone, to stand for a killed bindlink.
 */
import type { Platform } from "../../mod.ts";
import type { Manifest } from "../../lib/manifest/types.ts";
import { hostProcessFacts } from "../../lib/state/place.ts";
import type { ProcessFacts } from "../../lib/state/process_facts.ts";
import type { Double } from "../support/double.ts";

import { spec } from "../support/fake_platform.ts";

// A resolved link, as every test that needs one builds it.
export { spec };

/**
 * Three links on the double, given out of order: C:\Stage must come before C:\View (which
 * shows it) and C:\Stage\Sub (which lies inside it).
 */
export function threeLinks(): Manifest {
  return {
    file: "C:\\work\\bindlink.json",
    links: [
      spec("C:\\View", "C:\\Stage\\out", { readOnly: true }),
      spec("C:\\Stage\\Sub", "D:\\Sub"),
      spec("C:\\Stage", "D:\\Data"),
    ],
  };
}

/** The making order of {@linkcode threeLinks}. */
export const THREE_IN_ORDER = ["C:\\Stage", "C:\\View", "C:\\Stage\\Sub"];

/** `platform` with some of its members replaced: every other call goes to `platform`. */
export function overriding(platform: Platform, overrides: Partial<Platform>): Platform {
  return {
    name: platform.name,
    paths: platform.paths,
    reportsExceptions: platform.reportsExceptions,
    privateRun: platform.privateRun,
    statePlace: platform.statePlace && ((request) => platform.statePlace!(request)),
    cwd: () => platform.cwd(),
    create: (s) => platform.create(s),
    createSync: (s) => platform.createSync(s),
    checkCreate: (s) => platform.checkCreate(s),
    checkCreateSync: (s) => platform.checkCreateSync(s),
    remove: (v) => platform.remove(v),
    removeSync: (v) => platform.removeSync(v),
    list: () => platform.list(),
    listSync: () => platform.listSync(),
    forwardsInterrupt: () => platform.forwardsInterrupt(),
    close: () => platform.close(),
    ...overrides,
  };
}

/** `platform`, except that its `k`-th create (from 1) returns `hresult` from the double. */
export function failingCreate(
  platform: Platform,
  double: Double,
  k: number,
  hresult: number,
): Platform {
  let n = 0;
  const before = () => {
    if (++n === k) double.script("create", hresult);
  };
  return overriding(platform, {
    create: (s) => (before(), platform.create(s)),
    createSync: (s) => (before(), platform.createSync(s)),
  });
}

/** A process that never runs: what a killed bindlink looks like to the next command. */
export const DEAD = { pid: 2_000_000_001, start: "1" };

/** The real facts, except that `self()` is {@linkcode DEAD}: records written are a dead one's. */
export async function deadFacts(): Promise<ProcessFacts> {
  const host = await hostProcessFacts();
  return {
    bootId: () => host.bootId(),
    self: () => DEAD,
    isRunning: (pid, start) => pid === DEAD.pid ? false : host.isRunning(pid, start),
  };
}

/** The files in `dir` (none when it does not exist). */
export function filesIn(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n !== "lock").sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}
