/**
 * lib/manifest/recover.ts on the native double: what counts as a link live as recorded, what
 * status reports of each record without changing anything, and what the next changing command
 * does with a dead one (apply_test.ts covers the same through apply, down and prune).
 */
import assert from "node:assert/strict";
import { Journal } from "../../lib/manifest/journal.ts";
import {
  isLiveAsRecorded,
  pendingOperations,
  recoverInterrupted,
} from "../../lib/manifest/recover.ts";
import { Double } from "../support/double.ts";
import { deadFacts, filesIn, spec } from "./support.ts";

async function setUp() {
  const double = new Double();
  const stateDir = await Deno.makeTempDir({ prefix: "bindlink-recover-" });
  const platform = double.api.platform;
  return {
    double,
    platform,
    stateDir,
    live: async () =>
      (await platform.list()).map((l) => `${l.virtualPath}=${l.backingPath}`).sort(),
    [Symbol.asyncDispose]: async () => {
      double[Symbol.dispose]();
      await Deno.remove(stateDir, { recursive: true });
    },
  };
}

Deno.test("isLiveAsRecorded: only the link the record describes, as Windows compares paths", async () => {
  await using t = await setUp();
  t.double.rawCreate("C:\\Stage", "D:\\Data");
  const live = await t.platform.list();
  const is = (s: ReturnType<typeof spec>) => isLiveAsRecorded(t.platform, live, s);
  assert.equal(is(spec("C:\\Stage", "D:\\Data")), true);
  assert.equal(is(spec("c:\\stage", "d:\\data")), true, "Windows paths compare without case");
  assert.equal(is(spec("C:\\Stage", "D:\\Other")), false, "another backing path");
  assert.equal(is(spec("C:\\Stage", "D:\\Data", { readOnly: true })), false, "another kind");
  assert.equal(is(spec("C:\\Elsewhere", "D:\\Data")), false, "nothing there");
});

Deno.test("pendingOperations: each record's state, what it made and took, and what comes next", async () => {
  await using t = await setUp();
  const dead = await deadFacts();
  const deadJournal = new Journal(t.stateDir, dead);
  const old = spec("C:\\Old", "D:\\Old");
  deadJournal.begin("apply", {
    file: "C:\\work\\bindlink.json",
    removes: [{ ...old }],
    creates: [spec("C:\\A", "D:\\A"), spec("C:\\B", "D:\\B")],
  });
  deadJournal.begin("down", { removes: [{ ...spec("C:\\Gone", "D:\\Gone") }], creates: [] });
  new Journal(t.stateDir, { ...dead, bootId: () => "an-earlier-boot" })
    .begin("prune", { removes: [], creates: [] });
  // The apply made A (B not yet) after taking C:\Old away; the down has not removed C:\Gone.
  t.double.rawCreate("C:\\A", "D:\\A");
  t.double.rawCreate("C:\\Gone", "D:\\Gone");
  const before = filesIn(t.stateDir);

  const pending = pendingOperations(
    t.platform,
    new Journal(t.stateDir, dead),
    await t.platform.list(),
  );
  const byOperation = new Map(pending.map((p) => [p.operation, p]));
  assert.equal(pending.length, 3);
  const apply = byOperation.get("apply")!;
  assert.equal(apply.state, "dead");
  assert.equal(apply.file, "C:\\work\\bindlink.json");
  assert.deepEqual(apply.made, ["C:\\A"]);
  assert.deepEqual(apply.taken, ["C:\\Old"]);
  assert.match(apply.next, /rolls it back/);
  const down = byOperation.get("down")!;
  assert.deepEqual([down.state, down.made, down.taken], ["dead", [], []]);
  assert.match(down.next, /finishes it/);
  const prune = byOperation.get("prune")!;
  assert.equal(prune.state, "earlier boot");
  assert.match(prune.next, /before the last restart/);
  assert.deepEqual(filesIn(t.stateDir), before, "status changes nothing");
});

Deno.test("pendingOperations: a record whose process still runs is reported as running", async () => {
  await using t = await setUp();
  const journal = new Journal(t.stateDir, await deadFacts());
  const alive = { ...(await deadFacts()), isRunning: () => true };
  journal.begin("run", { removes: [], creates: [spec("C:\\R", "D:\\R")] });
  t.double.rawCreate("C:\\R", "D:\\R");
  const [run] = pendingOperations(
    t.platform,
    new Journal(t.stateDir, alive),
    await t.platform.list(),
  );
  assert.equal(run.state, "running");
  assert.deepEqual(run.made, ["C:\\R"]);
  assert.match(run.next, /when the command ends/);
});

Deno.test("recoverInterrupted rolls a dead apply back: only its own links, the old one restored", async () => {
  await using t = await setUp();
  const dead = await deadFacts();
  const journal = new Journal(t.stateDir, dead);
  journal.begin("apply", {
    removes: [{ ...spec("C:\\Old", "D:\\Old") }],
    creates: [spec("C:\\A", "D:\\A"), spec("C:\\B", "D:\\B"), spec("C:\\C", "D:\\C")],
  });
  t.double.rawCreate("C:\\A", "D:\\A");
  t.double.rawCreate("C:\\B", "D:\\Changed"); // changed since: not the apply's to remove

  const [done] = await recoverInterrupted(t.platform, new Journal(t.stateDir, dead), "apply");
  assert.equal(done.outcome, "rolled back");
  assert.deepEqual(done.removed, ["C:\\A"]);
  assert.deepEqual(done.restored, ["C:\\Old"]);
  assert.deepEqual(await t.live(), ["C:\\B=D:\\Changed", "C:\\Old=D:\\Old"]);
  assert.deepEqual(filesIn(t.stateDir), [], "the record is gone");
});

Deno.test("recoverInterrupted finishes a dead down, and leaves a running one alone", async () => {
  await using t = await setUp();
  const dead = await deadFacts();
  new Journal(t.stateDir, dead).begin("down", {
    removes: [{ ...spec("C:\\X", "D:\\X") }, { ...spec("C:\\Y", "D:\\Y") }],
    creates: [],
  });
  t.double.rawCreate("C:\\Y", "D:\\Y");
  const alive = { ...dead, isRunning: () => true };
  assert.deepEqual(
    await recoverInterrupted(t.platform, new Journal(t.stateDir, alive), "down"),
    [],
  );
  assert.equal(filesIn(t.stateDir).length, 1, "a running operation's record stays");
  assert.deepEqual(await t.live(), ["C:\\Y=D:\\Y"]);

  const [done] = await recoverInterrupted(t.platform, new Journal(t.stateDir, dead), "down");
  assert.equal(done.outcome, "completed");
  assert.deepEqual(done.removed, ["C:\\Y"]);
  assert.deepEqual(await t.live(), []);
  assert.deepEqual(filesIn(t.stateDir), []);
});

Deno.test("recoverInterrupted: a cleanup that fails keeps the record and says so", async () => {
  await using t = await setUp();
  const dead = await deadFacts();
  new Journal(t.stateDir, dead).begin("apply", { removes: [], creates: [spec("C:\\A", "D:\\A")] });
  t.double.rawCreate("C:\\A", "D:\\A");
  t.double.script("remove", 0x80070005); // E_ACCESSDENIED
  await assert.rejects(
    recoverInterrupted(t.platform, new Journal(t.stateDir, dead), "apply"),
    /an interrupted apply by process \d+ .* could not be rolled back/,
  );
  assert.equal(filesIn(t.stateDir).length, 1, "kept for the next command");
  assert.deepEqual(await t.live(), ["C:\\A=D:\\A"]);
});
