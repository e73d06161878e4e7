/** The boot run: bounded waiting for backing paths, per-link failures, the log status reads. */
import assert from "node:assert/strict";
import { readBootLog } from "../../lib/startup/boot_log.ts";
import { bootRun, writeBootFailure } from "../../lib/startup/boot_run.ts";
import type { LinkSpec } from "../../lib/platform.ts";
import { BindLinkError } from "../../lib/errors.ts";

function link(virtualPath: string, backingPath: string): LinkSpec {
  return { virtualPath, backingPath, readOnly: false, merged: false, exceptions: [] };
}

/** A clock that only moves when the run sleeps. */
function fakeTime() {
  let now = Date.parse("2026-01-01T00:00:00Z");
  return {
    now: () => new Date(now),
    sleep: (ms: number) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

function withLog(fn: (file: string) => Promise<void>) {
  const dir = Deno.makeTempDirSync({ prefix: "bindlink-boot-" });
  return fn(`${dir}/boot-log.json`).finally(() => Deno.removeSync(dir, { recursive: true }));
}

Deno.test("a share that comes up while the run waits is applied; the log says it succeeded", () =>
  withLog(async (logFile) => {
    const time = fakeTime();
    let checks = 0;
    const applied: string[][] = [];
    const log = await bootRun({
      links: [link("/a", "/local"), link("/b", "/net/share")],
      apply: (links) => {
        applied.push(links.map((l) => l.virtualPath));
        return Promise.resolve([]);
      },
      logFile,
      retrySeconds: 60,
      intervalMs: 5_000,
      reachable: (p) => p === "/local" || ++checks > 3,
      ...time,
    });
    assert.deepEqual(applied, [["/a", "/b"]]);
    assert.equal(log.exitCode, 0);
    assert.equal(log.waitedSeconds, 15);
    const read = readBootLog(logFile);
    assert.equal(read.state, "succeeded");
  }));

Deno.test("a backing path still unreachable after the bound fails alone; the rest is applied", () =>
  withLog(async (logFile) => {
    const time = fakeTime();
    let sleeps = 0;
    const log = await bootRun({
      links: [link("/a", "/local"), link("/b", "/net/share")],
      apply: (links) => {
        assert.deepEqual(links.map((l) => l.virtualPath), ["/a"]);
        return Promise.resolve([]);
      },
      logFile,
      retrySeconds: 30,
      intervalMs: 10_000,
      reachable: (p) => p === "/local",
      now: time.now,
      sleep: (ms) => {
        sleeps++;
        return time.sleep(ms);
      },
    });
    assert.equal(sleeps, 3, "bounded: 30 s in steps of 10 s");
    assert.equal(log.exitCode, 1);
    assert.deepEqual(log.failed, [{
      virtual: "/b",
      backing: "/net/share",
      code: "not-found",
      message: "the backing path was not reachable within 30 s",
    }]);
    const read = readBootLog(logFile);
    assert.equal(read.state, "failed");
    if (read.state === "failed") assert.equal(read.log.failed[0].virtual, "/b");
  }));

Deno.test("an apply that throws fails every link it was given, with the error's code", () =>
  withLog(async (logFile) => {
    const log = await bootRun({
      links: [link("/a", "/x")],
      apply: () =>
        Promise.reject(
          new BindLinkError({
            code: "access-denied",
            operation: "apply",
            summary: "no",
            hint: "Run as root.",
          }),
        ),
      logFile,
      reachable: () => true,
    });
    assert.equal(log.exitCode, 1);
    assert.equal(log.failed[0].code, "access-denied");
  }));

Deno.test("a run that cannot start leaves its reason; a damaged log reads as unreadable", () =>
  withLog((logFile) => {
    writeBootFailure(logFile, new Error("startup.json is missing"));
    const read = readBootLog(logFile);
    assert.equal(read.state, "failed");
    if (read.state === "failed") assert.equal(read.log.error, "startup.json is missing");
    Deno.writeTextFileSync(logFile, "{");
    assert.equal(readBootLog(logFile).state, "unreadable");
    Deno.removeSync(logFile);
    assert.equal(readBootLog(logFile).state, "none");
    return Promise.resolve();
  }));

Deno.test("a virtual path that now leads elsewhere is refused and reported; the rest is applied", () =>
  withLog(async (logFile) => {
    const applied: string[] = [];
    const log = await bootRun({
      links: [link("/a", "/x"), link("/etc/sudoers.d", "/home/user/evil")],
      apply: (links) => {
        applied.push(...links.map((l) => l.virtualPath));
        return Promise.resolve([]);
      },
      logFile,
      reachable: () => true,
      moved: (l) => l.virtualPath === "/etc/sudoers.d" ? "/home/user/planted" : undefined,
    });
    assert.deepEqual(applied, ["/a"]);
    assert.equal(log.exitCode, 1);
    assert.equal(log.failed[0].code, "untrusted");
    assert.match(log.failed[0].message, /now leads to \/home\/user\/planted/);
  }));
