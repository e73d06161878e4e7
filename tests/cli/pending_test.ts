/**
 * The operations that have not ended, as `list` and `status` word them, and when the look at
 * the records is skipped. Reading real records is covered by tests/cli/apply_test.ts ("list
 * shows the links a killed run left").
 */
import assert from "node:assert/strict";
import { BindLinkError } from "../../mod.ts";
import type { CliContext } from "../../lib/cli/command.ts";
import { isPermissionProblem, pendingLine, unfinishedOperations } from "../../lib/cli/pending.ts";
import type { PendingOperation } from "../../lib/manifest/recover.ts";
import type { Platform } from "../../lib/platform.ts";
import { FakePlatform } from "../support/fake_platform.ts";

const KILLED: PendingOperation = {
  operation: "run",
  pid: 42,
  startedAt: "2026-01-01T00:00:00Z",
  file: "/m\n.json",
  state: "dead",
  made: ["/v", "/w"],
  taken: ["/u"],
  next: "bindlink prune removes them",
};

Deno.test("pendingLine: the state, the operation, its process, what comes next, then its links", () => {
  assert.equal(
    pendingLine(KILLED),
    "  half done      run of /m\\n.json by process 42 (started 2026-01-01T00:00:00Z): " +
      "bindlink prune removes them\n" +
      "                   links it made (2):\n                     /v\n                     /w\n" +
      "                   links it removed (1):\n                     /u\n",
  );
  const running = { ...KILLED, state: "running", file: undefined, made: [], taken: [] } as const;
  assert.equal(
    pendingLine(running),
    "  running        run by process 42 (started 2026-01-01T00:00:00Z): " +
      "bindlink prune removes them\n",
  );
  assert.match(pendingLine({ ...running, state: "earlier boot" }), /^ {2}stale {10}run by/);
  const many = { ...KILLED, made: Array.from({ length: 22 }, (_, i) => `/v${i}`), taken: [] };
  assert.ok(
    pendingLine(many, "see --json").endsWith("... and 2 more (see --json lists them all)\n"),
  );
});

/** A BindLinkError of `code` from `list`. */
function refusal(code: "access-denied" | "not-found"): BindLinkError {
  return new BindLinkError({ code, operation: "list", summary: code, hint: "" });
}

Deno.test("isPermissionProblem: the system's, Deno's and bindlink's refusals, and nothing else", () => {
  assert.ok(isPermissionProblem(new Deno.errors.PermissionDenied("readdir /run/bindlink")));
  assert.ok(isPermissionProblem(new Deno.errors.NotCapable("Requires read access")));
  assert.ok(
    isPermissionProblem(refusal("access-denied")),
  );
  assert.ok(!isPermissionProblem(refusal("not-found")));
  assert.ok(!isPermissionProblem(new Deno.errors.NotFound("no such folder")));
  assert.ok(!isPermissionProblem({ code: "access-denied" }), "only an Error says so");
});

/** A CLI context over `platform`; `ownPlatform` and `stateDir` as given. */
function contextWith(
  platform: Platform,
  ownPlatform: boolean,
  stateDir?: string,
): CliContext & { asked: number } {
  return {
    asked: 0,
    stdout() {},
    stderr() {},
    json: false,
    isTerminal: false,
    stateDir,
    ownPlatform,
    readInput: () => Promise.resolve(""),
    platform() {
      this.asked++;
      return Promise.resolve(platform);
    },
  };
}

/** A platform whose state folder cannot be found because of `error`. */
function stateRefusedWith(error: Error): Platform {
  return Object.assign(new FakePlatform(), { statePlace: () => Promise.reject(error) });
}

Deno.test("unfinishedOperations: a platform passed in without a state folder has no records", async () => {
  const context = contextWith(stateRefusedWith(new Error("must not be asked")), false);
  assert.deepEqual(await unfinishedOperations(context), []);
  assert.equal(context.asked, 0, "the platform is not even loaded");
});

Deno.test("unfinishedOperations: records the user may not read count as none; other failures are thrown", async () => {
  const denied = stateRefusedWith(new Deno.errors.PermissionDenied("open /run/bindlink"));
  assert.deepEqual(await unfinishedOperations(contextWith(denied, true)), []);
  const broken = stateRefusedWith(new Error("the disk is gone"));
  await assert.rejects(unfinishedOperations(contextWith(broken, true)), /the disk is gone/);
});

Deno.test("unfinishedOperations: an empty state folder means no listing is asked for", async () => {
  const platform = new FakePlatform();
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(await unfinishedOperations(contextWith(platform, false, dir)), []);
    assert.deepEqual(platform.calls, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
