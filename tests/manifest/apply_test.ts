/**
 * apply, status, down and prune through the native double (Windows' C signatures and
 * listing), on Linux and under Windows Deno: order, idempotence, all-or-nothing rollback,
 * drift and replace, dry runs, and recovery after a bindlink killed in the middle. Covers
 * lib/manifest/make.ts (carryOut: the undo in reverse, an undo that fails, a replace put back).
 * Under Windows Deno it also covers lib/windows/state_place.ts for a changing command (the
 * lock and records in a ProgramData\bindlink\state it makes protected).
 */
import assert from "node:assert/strict";
import { applyBindLinks } from "../../lib/manifest/apply.ts";
import { downBindLinks } from "../../lib/manifest/down.ts";
import { Journal } from "../../lib/manifest/journal.ts";
import { pruneBindLinks } from "../../lib/manifest/prune.ts";
import { bindLinkStatus } from "../../lib/manifest/status.ts";
import type { BindLinkInfo } from "../../mod.ts";
import { Double } from "../support/double.ts";
import { rejectsCode } from "../support/expect_error.ts";
import {
  deadFacts,
  failingCreate,
  filesIn,
  overriding,
  spec,
  THREE_IN_ORDER,
  threeLinks,
} from "./support.ts";

const E_ACCESSDENIED = 0x80070005;

async function setUp() {
  const double = new Double();
  const stateDir = await Deno.makeTempDir({ prefix: "bindlink-state-" });
  const platform = double.api.platform;
  return {
    double,
    platform,
    stateDir,
    options: { platform, stateDir },
    live: async () => (await platform.list()).map((l) => l.virtualPath).sort() as string[],
    [Symbol.asyncDispose]: async () => {
      double[Symbol.dispose]();
      await Deno.remove(stateDir, { recursive: true });
    },
  };
}

function creates(double: Double): string[] {
  return double.linkCalls().filter((c) => c.fn === "CreateBindLink").map((c) => c.virtualPath!);
}

function removes(double: Double): string[] {
  return double.linkCalls().filter((c) => c.fn === "RemoveBindLink").map((c) => c.virtualPath!);
}

Deno.test("apply makes links in dependency order; a second apply changes nothing and says so", async () => {
  await using t = await setUp();
  const first = await applyBindLinks(threeLinks(), t.options);
  assert.equal(first.changed, true);
  assert.equal(first.dryRun, false);
  assert.deepEqual(creates(t.double), THREE_IN_ORDER);
  assert.deepEqual(first.links.map((r) => [r.link.virtualPath, r.index, r.action]), [
    ["C:\\Stage", 2, "created"],
    ["C:\\View", 0, "created"],
    ["C:\\Stage\\Sub", 1, "created"],
  ]);
  assert.deepEqual(await t.live(), ["C:\\Stage", "C:\\Stage\\Sub", "C:\\View"]);
  const view = (await t.platform.list()).find((l) => l.virtualPath === "C:\\View")!;
  assert.equal(view.readOnly, true);

  const callsBefore = t.double.linkCalls().length;
  const second = await applyBindLinks(threeLinks(), t.options);
  assert.equal(second.changed, false);
  assert.deepEqual(second.links.map((r) => r.action), ["unchanged", "unchanged", "unchanged"]);
  assert.equal(t.double.linkCalls().length, callsBefore, "no create or remove call");
  assert.deepEqual(filesIn(t.stateDir), [], "no record is left");
});

Deno.test("when link k fails, the links made before it are removed in reverse and the error names k", async () => {
  for (const k of [1, 2, 3]) {
    await using t = await setUp();
    const platform = failingCreate(t.platform, t.double, k, E_ACCESSDENIED);
    const error = await rejectsCode(
      applyBindLinks(threeLinks(), { platform, stateDir: t.stateDir }),
      "access-denied",
    );
    const failed = threeLinks().links.findIndex((l) => l.virtualPath === THREE_IN_ORDER[k - 1]);
    assert.equal(error.operation, "apply");
    assert.equal(error.virtualPath, THREE_IN_ORDER[k - 1]);
    assert.equal(error.hresult, E_ACCESSDENIED);
    assert.match(
      error.summary,
      new RegExp(`links\\[${failed}\\] ${RegExp.escape(THREE_IN_ORDER[k - 1])} -> `),
    );
    assert.match(error.summary, /so nothing was changed$/);
    assert.deepEqual(creates(t.double), THREE_IN_ORDER.slice(0, k), `k=${k}: made up to k`);
    assert.deepEqual(
      removes(t.double),
      THREE_IN_ORDER.slice(0, k - 1).reverse(),
      `k=${k}: undone in reverse`,
    );
    assert.deepEqual(await t.live(), [], "nothing is left");
    assert.deepEqual(filesIn(t.stateDir), [], "no record is left");
  }
});

Deno.test("an undo that fails goes on with the others and names each link left linked", async () => {
  await using t = await setUp();
  const failing = failingCreate(t.platform, t.double, 3, E_ACCESSDENIED);
  const platform = overriding(failing, {
    remove: (v) => v === "C:\\View" ? Promise.reject(new Error("held open")) : t.platform.remove(v),
  });
  const error = await rejectsCode(
    applyBindLinks(threeLinks(), { platform, stateDir: t.stateDir }),
    "access-denied",
  );
  assert.match(error.summary, /; undoing the rest failed: C:\\View is still linked \(held open\)$/);
  assert.deepEqual(removes(t.double), ["C:\\Stage"], "the other undo still ran, after it");
  assert.deepEqual(await t.live(), ["C:\\View"]);
});

Deno.test("drift is refused and changes nothing; --replace replaces it and puts links below back", async () => {
  await using t = await setUp();
  t.double.rawCreate("C:\\Stage", "D:\\Old");
  t.double.rawCreate("C:\\Stage\\Sub", "D:\\Sub");
  t.double.rawCreate("C:\\Other", "D:\\Other");
  const refused = await rejectsCode(applyBindLinks(threeLinks(), t.options), "already-exists");
  assert.match(
    refused.summary,
    /a link differs from the manifest \(links\[2\] C:\\Stage shows D:\\Old, not D:\\Data\); nothing was changed$/,
  );
  assert.deepEqual(
    creates(t.double),
    ["C:\\Stage", "C:\\Stage\\Sub", "C:\\Other"],
    "only the raw ones",
  );
  assert.deepEqual(removes(t.double), []);

  t.double.reset();
  t.double.rawCreate("C:\\Stage", "D:\\Old");
  t.double.rawCreate("C:\\Stage\\Sub", "D:\\Sub");
  t.double.rawCreate("C:\\Other", "D:\\Other");
  const replaced = await applyBindLinks(threeLinks(), { ...t.options, replace: true });
  assert.equal(replaced.changed, true);
  assert.deepEqual(
    replaced.links.map((r) => [r.link.virtualPath, r.action, r.previous?.backingPath]),
    [
      ["C:\\Stage", "replaced", "D:\\Old"],
      ["C:\\View", "created", undefined],
      ["C:\\Stage\\Sub", "replaced", "D:\\Sub"],
    ],
  );
  assert.deepEqual(removes(t.double), ["C:\\Stage\\Sub", "C:\\Stage"], "deepest first");
  const status = await bindLinkStatus(threeLinks(), t.options);
  assert.equal(status.ok, true);
  assert.ok((await t.live()).includes("C:\\Other"), "a link not in the manifest is never touched");
});

Deno.test("a replace whose link k fails puts the replaced links back", async () => {
  await using t = await setUp();
  t.double.rawCreate("C:\\Stage", "D:\\Old");
  const before = await t.platform.list();
  const platform = failingCreate(t.platform, t.double, 2, E_ACCESSDENIED);
  await rejectsCode(
    applyBindLinks(threeLinks(), { platform, stateDir: t.stateDir, replace: true }),
    "access-denied",
  );
  assert.deepEqual(await t.platform.list(), before, "C:\\Stage shows D:\\Old again");
  assert.deepEqual(filesIn(t.stateDir), []);
});

Deno.test("--dry-run reports what apply and down would do and calls nothing that changes", async () => {
  await using t = await setUp();
  t.double.rawCreate("C:\\Stage", "D:\\Data");
  const calls = t.double.linkCalls().length;
  const dry = await applyBindLinks(threeLinks(), { ...t.options, dryRun: true });
  assert.equal(dry.changed, true);
  assert.equal(dry.dryRun, true);
  assert.deepEqual(dry.links.map((r) => r.action), ["unchanged", "created", "created"]);
  const down = await downBindLinks(threeLinks(), { ...t.options, dryRun: true });
  assert.deepEqual(down.links.map((l) => [l.link.virtualPath, l.action]), [
    ["C:\\Stage\\Sub", "absent"],
    ["C:\\View", "absent"],
    ["C:\\Stage", "removed"],
  ]);
  assert.equal(t.double.linkCalls().length, calls, "no create or remove call");
  assert.deepEqual(await t.live(), ["C:\\Stage"]);
});

Deno.test("status: ok, then missing, other backing and other flags per link", async () => {
  await using t = await setUp();
  await applyBindLinks(threeLinks(), t.options);
  assert.deepEqual((await bindLinkStatus(threeLinks(), t.options)).ok, true);
  t.double.rawRemove("C:\\Stage\\Sub");
  t.double.rawRemove("C:\\View");
  t.double.rawCreate("C:\\View", "C:\\Stage\\out", 0); // not read-only any more
  const status = await bindLinkStatus(threeLinks(), t.options);
  assert.equal(status.ok, false);
  assert.deepEqual(status.links.map((s) => [s.link.virtualPath, s.problem]), [
    ["C:\\View", "other-flags"],
    ["C:\\Stage\\Sub", "missing"],
    ["C:\\Stage", undefined],
  ]);
  t.double.rawRemove("C:\\View");
  t.double.rawCreate("C:\\View", "C:\\Elsewhere");
  const other = await bindLinkStatus(threeLinks(), t.options);
  assert.equal(other.links[0].problem, "other-backing");
  assert.equal(other.links[0].live?.backingPath, "C:\\Elsewhere");
});

Deno.test("down removes deepest first, accepts links already gone, keeps what is not the manifest's", async () => {
  await using t = await setUp();
  t.double.rawCreate("C:\\Stage", "D:\\Data");
  t.double.rawCreate("C:\\Stage\\Sub", "D:\\Sub");
  t.double.rawCreate("C:\\View", "C:\\SomeoneElse");
  t.double.rawCreate("C:\\Unrelated", "D:\\U");
  const result = await downBindLinks(threeLinks(), t.options);
  assert.equal(result.changed, true);
  assert.deepEqual(result.links.map((l) => [l.link.virtualPath, l.action]), [
    ["C:\\Stage\\Sub", "removed"],
    ["C:\\View", "kept"],
    ["C:\\Stage", "removed"],
  ]);
  assert.deepEqual(removes(t.double), ["C:\\Stage\\Sub", "C:\\Stage"]);
  assert.deepEqual(await t.live(), ["C:\\Unrelated", "C:\\View"]);
  const again = await downBindLinks(threeLinks(), t.options);
  assert.equal(again.changed, false);
  assert.deepEqual(again.links.map((l) => l.action), ["absent", "kept", "absent"]);
  assert.deepEqual(filesIn(t.stateDir), []);
});

/** Makes the first `k` links of an apply as a process that then "dies" (its record stays). */
async function killedApply(
  t: Awaited<ReturnType<typeof setUp>>,
  k: number,
  replaced?: BindLinkInfo,
) {
  const journal = new Journal(t.stateDir, await deadFacts());
  const links = threeLinks().links;
  const ordered = THREE_IN_ORDER.map((v) => links.find((l) => l.virtualPath === v)!);
  journal.begin("apply", {
    file: "C:\\work\\bindlink.json",
    removes: replaced ? [replaced] : [],
    creates: ordered,
  });
  if (replaced) await t.platform.remove(replaced.virtualPath);
  for (const link of ordered.slice(0, k)) await t.platform.create(link);
}

Deno.test("an apply killed after k links: status says what is half done; the next apply or down cleans up", async () => {
  for (const next of ["apply", "down", "prune"] as const) {
    for (const k of [0, 1, 2, 3]) {
      await using t = await setUp();
      await killedApply(t, k);
      const status = await bindLinkStatus(threeLinks(), t.options);
      assert.equal(status.ok, false, "a half-done apply is not ok");
      assert.equal(status.pending.length, 1);
      assert.equal(status.pending[0].operation, "apply");
      assert.equal(status.pending[0].state, "dead");
      assert.deepEqual(status.pending[0].made, THREE_IN_ORDER.slice(0, k));
      assert.match(status.pending[0].next, /rolls it back/);

      const what = `${next} after a kill at k=${k}`;
      if (next === "apply") {
        const result = await applyBindLinks(threeLinks(), t.options);
        assert.equal(result.recovered.length, 1, what);
        assert.equal(result.recovered[0].outcome, "rolled back");
        assert.deepEqual(result.recovered[0].removed, THREE_IN_ORDER.slice(0, k).reverse());
        assert.deepEqual(
          await t.live(),
          [...THREE_IN_ORDER].sort(),
          `${what}: exactly the manifest's links`,
        );
        assert.equal((await bindLinkStatus(threeLinks(), t.options)).ok, true);
      } else if (next === "down") {
        await downBindLinks(threeLinks(), t.options);
        assert.deepEqual(await t.live(), [], `${what}: none`);
      } else {
        const pruned = await pruneBindLinks(t.options);
        assert.equal(pruned.changed, true);
        assert.deepEqual(await t.live(), [], `${what}: none`);
      }
      assert.deepEqual(filesIn(t.stateDir), [], `${what}: no record is left`);
    }
  }
});

Deno.test("a killed apply --replace is rolled back: the replaced link comes back", async () => {
  await using t = await setUp();
  t.double.rawCreate("C:\\Stage", "D:\\Old");
  const [old] = await t.platform.list();
  await killedApply(t, 2, old);
  const result = await pruneBindLinks(t.options);
  assert.deepEqual(result.recovered[0].restored, ["C:\\Stage"]);
  assert.deepEqual(await t.platform.list(), [old]);
});

Deno.test("recovery removes only links exactly as the dead record describes them", async () => {
  await using t = await setUp();
  await killedApply(t, 0);
  // Someone else linked C:\Stage to another folder after bindlink died: not bindlink's.
  t.double.rawCreate("C:\\Stage", "D:\\NotOurs");
  const result = await pruneBindLinks(t.options);
  assert.deepEqual(result.recovered[0].removed, []);
  assert.deepEqual(await t.live(), ["C:\\Stage"]);
});

Deno.test("a record from an earlier boot is discarded, never acted on", async () => {
  await using t = await setUp();
  const dead = await deadFacts();
  const journal = new Journal(t.stateDir, { ...dead, bootId: () => "an-earlier-boot" });
  journal.begin("run", { removes: [], creates: [spec("C:\\Stage", "D:\\Data")] });
  t.double.rawCreate("C:\\Stage", "D:\\Data");
  const dry = await pruneBindLinks({ ...t.options, dryRun: true });
  assert.equal(dry.pending[0].state, "earlier boot");
  const result = await pruneBindLinks(t.options);
  assert.equal(result.recovered[0].outcome, "discarded");
  assert.deepEqual(await t.live(), ["C:\\Stage"], "the link is left alone");
  assert.deepEqual(filesIn(t.stateDir), []);
});

Deno.test("a record its writer was killed writing is recognized and deleted", async () => {
  await using t = await setUp();
  Deno.mkdirSync(t.stateDir, { recursive: true });
  const name = `operation.${2_000_000_001}.1.1.x.intent.tmp`;
  Deno.writeTextFileSync(`${t.stateDir}/${name}`, '{"version":1,"id":"oper', { mode: 0o600 });
  const status = await bindLinkStatus(threeLinks(), t.options);
  assert.deepEqual(status.pending, [], "no half-written record is shown as an operation");
  await pruneBindLinks(t.options);
  assert.deepEqual(filesIn(t.stateDir), []);
});

Deno.test({
  name: "on Windows the lock and records default to ProgramData\\bindlink\\state, made protected",
  ignore: Deno.build.os !== "windows",
  async fn() {
    using double = new Double();
    const platform = double.api.platform;
    const result = await applyBindLinks(threeLinks(), { platform });
    assert.equal(result.changed, true);
    const { programDataFolder } = await import("../../lib/windows/program_data.ts");
    const state = `${programDataFolder()}\\bindlink\\state`;
    assert.deepEqual([...Deno.readDirSync(state)].map((e) => e.name), ["lock"]);
    // Every later command, looking or changing, checks the folder's owner again, and Wine
    // does not keep the owner bindlink set (it shows the Unix user): there it is refused.
    const status = await bindLinkStatus(threeLinks(), { platform }).catch((error) => error);
    if (status.code === "untrusted") assert.match(status.message, /owned by .*, not by SYSTEM/);
    else assert.equal(status.ok, true);
    for (const link of [...THREE_IN_ORDER].reverse()) await platform.remove(link);
  },
});
