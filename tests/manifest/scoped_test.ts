/**
 * withBindLinks and the Windows side of run through the native double: links live for the
 * scope and only for it, a record names the running scope, and the links of a killed run are
 * shown by status and removed by prune.
 */
import assert from "node:assert/strict";
import { Journal } from "../../lib/manifest/journal.ts";
import { pruneBindLinks } from "../../lib/manifest/prune.ts";
import { withBindLinks } from "../../lib/manifest/scoped.ts";
import { bindLinkStatus } from "../../lib/manifest/status.ts";
import { Double } from "../support/double.ts";
import { rejectsCode } from "../support/expect_error.ts";
import { deadFacts, filesIn, spec, THREE_IN_ORDER, threeLinks } from "./support.ts";

async function setUp() {
  const double = new Double();
  const stateDir = await Deno.makeTempDir({ prefix: "bindlink-scoped-" });
  const platform = double.api.platform;
  return {
    double,
    platform,
    stateDir,
    options: { platform, stateDir, signals: false },
    live: async () => (await platform.list()).map((l) => l.virtualPath).sort(),
    [Symbol.asyncDispose]: async () => {
      double[Symbol.dispose]();
      await Deno.remove(stateDir, { recursive: true });
    },
  };
}

Deno.test("withBindLinks: the links live inside the scope, in order, and go after it", async () => {
  await using t = await setUp();
  const seen = await withBindLinks(threeLinks(), async (links) => {
    assert.deepEqual(links.map((l) => [l.link.virtualPath, l.action]), [
      ["C:\\Stage", "created"],
      ["C:\\View", "created"],
      ["C:\\Stage\\Sub", "created"],
    ]);
    const status = await bindLinkStatus(threeLinks(), t.options);
    assert.equal(status.ok, true, "a running scope is no fault");
    assert.deepEqual(status.pending.map((p) => [p.operation, p.state]), [["run", "running"]]);
    return await t.live();
  }, t.options);
  assert.deepEqual(seen, [...THREE_IN_ORDER].sort());
  assert.deepEqual(await t.live(), []);
  const removes = t.double.linkCalls().filter((c) => c.fn === "RemoveBindLink");
  assert.deepEqual(removes.map((c) => c.virtualPath), [...THREE_IN_ORDER].reverse());
  assert.deepEqual(filesIn(t.stateDir), []);
});

Deno.test("withBindLinks: the links go when the function throws; the error passes through", async () => {
  await using t = await setUp();
  await assert.rejects(
    withBindLinks(threeLinks(), () => {
      throw new Error("build failed");
    }, t.options),
    /build failed/,
  );
  assert.deepEqual(await t.live(), []);
  assert.deepEqual(filesIn(t.stateDir), []);
});

Deno.test("withBindLinks: relative paths from the current directory; an identical live link is kept", async () => {
  await using t = await setUp();
  t.double.rawCreate("C:\\Stage", "D:\\Data");
  const result = await withBindLinks(
    [{ virtual: "C:\\Stage", backing: "D:\\Data" }, { virtual: "C:\\Other", backing: "x" }],
    (links) => {
      assert.deepEqual(links.map((l) => l.action), ["unchanged", "created"]);
      return links[1].link.backingPath;
    },
    t.options,
  );
  assert.ok(t.platform.paths.same(result, `${t.platform.cwd()}\\x`), result);
  assert.deepEqual(await t.live(), ["C:\\Stage"], "the link it found is left; its own is gone");
});

Deno.test("withBindLinks: a place showing something else is refused before anything changes", async () => {
  await using t = await setUp();
  t.double.rawCreate("C:\\Stage", "D:\\Other");
  let ran = false;
  const error = await rejectsCode(
    withBindLinks(threeLinks(), () => ran = true, t.options),
    "already-exists",
  );
  assert.match(error.summary, /C:\\Stage already shows D:\\Other; nothing was changed/);
  assert.equal(ran, false);
  assert.deepEqual(await t.live(), ["C:\\Stage"]);
});

Deno.test("a killed run's links are shown by status and removed by prune, and only those", async () => {
  await using t = await setUp();
  const journal = new Journal(t.stateDir, await deadFacts());
  const made = [spec("C:\\Run\\A", "D:\\A"), spec("C:\\Run\\B", "D:\\B", { readOnly: true })];
  journal.begin("run", { removes: [], creates: made });
  for (const link of made) await t.platform.create(link);
  t.double.rawCreate("C:\\Keep", "D:\\Keep");

  const status = await bindLinkStatus({ links: [] }, t.options);
  assert.equal(status.ok, false);
  assert.deepEqual(status.pending.map((p) => [p.operation, p.state, p.made]), [
    ["run", "dead", ["C:\\Run\\A", "C:\\Run\\B"]],
  ]);
  const dry = await pruneBindLinks({ ...t.options, dryRun: true });
  assert.equal(dry.changed, true);
  assert.deepEqual(
    await t.live(),
    ["C:\\Keep", "C:\\Run\\A", "C:\\Run\\B"],
    "dry run changed nothing",
  );

  const pruned = await pruneBindLinks(t.options);
  assert.deepEqual(pruned.recovered.map((r) => [r.operation, r.outcome, r.removed]), [
    ["run", "rolled back", ["C:\\Run\\B", "C:\\Run\\A"]],
  ]);
  assert.deepEqual(await t.live(), ["C:\\Keep"]);
  assert.deepEqual(filesIn(t.stateDir), []);
  assert.equal((await pruneBindLinks(t.options)).changed, false);
});
