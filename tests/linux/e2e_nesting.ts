/**
 * Nested links on Linux, end to end: a parent made over an earlier child keeps the child's
 * root visible (as Windows does), every link comes off in the order Windows allows (deepest
 * first), and a merged link leaves no overlay traces in its backing path.
 */
import assert from "node:assert/strict";
import { BindLinkApi, linuxPlatform } from "../../mod.ts";
import { rejectsCode } from "../support/expect_error.ts";
import { runScenario, scenarios } from "../../tools/scenarios.ts";
import {
  api,
  assertClean,
  files,
  fresh,
  ls,
  mountsAt,
  mountsBelow,
  stateDir,
} from "./e2e_support.ts";
import { overlayAttributes } from "./e2e_attacker.ts";

function overlayTraces(dir: string): string[] {
  const traces: string[] = [];
  const walk = (at: string) => {
    if (overlayAttributes(at).length) traces.push(`${at} (xattr)`);
    for (const entry of Deno.readDirSync(at)) {
      const path = `${at}/${entry.name}`;
      const info = Deno.lstatSync(path);
      if (info.isCharDevice) traces.push(`${path} (whiteout)`);
      else if (entry.isDirectory) walk(path);
      else if (overlayAttributes(path).length) traces.push(`${path} (xattr)`);
    }
  };
  walk(dir);
  return traces;
}

for (const parentOptions of [{}, { readOnly: true }, { merged: true }]) {
  const label = JSON.stringify(parentOptions);
  Deno.test(`child first, then a parent ${label}: the child's root stays visible, both come off`, async () => {
    const dir = fresh();
    files(dir, ["Foo/Cat.txt", "Foo/In/own.txt", "T1/t1.txt", "T2/t2.txt"]);
    const child = await api.createBindLink(`${dir}/Foo/In`, `${dir}/T2`);
    const parent = await api.createBindLink(`${dir}/Foo`, `${dir}/T1`, parentOptions);
    const expected = "merged" in parentOptions ? ["Cat.txt", "In", "t1.txt"] : ["In", "t1.txt"];
    assert.deepEqual(ls(`${dir}/Foo`), expected);
    assert.deepEqual(ls(`${dir}/Foo/In`), ["t2.txt"], "the earlier child's root is still visible");
    assert.deepEqual(ls(`${dir}/T1`), ["t1.txt"], "the backing path never gets an In folder");
    if (!("readOnly" in parentOptions)) {
      Deno.writeTextFileSync(`${dir}/Foo/new.txt`, "x");
      assert.ok(ls(`${dir}/T1`).includes("new.txt"), "a file written in Foo lands in T1");
      Deno.removeSync(`${dir}/Foo/new.txt`);
    }
    Deno.writeTextFileSync(`${dir}/Foo/In/via-child.txt`, "y");
    assert.deepEqual(ls(`${dir}/T2`), ["t2.txt", "via-child.txt"]);
    Deno.removeSync(`${dir}/T2/via-child.txt`);
    const listed = (await api.listBindLinks({ path: dir })).map((l) => l.virtualPath);
    assert.deepEqual(listed, [`${dir}/Foo`, `${dir}/Foo/In`]);
    const busy = await rejectsCode(parent.remove(), "busy");
    assert.match(busy.message, /another bind link lives below this one \(.*\/Foo\/In\)/);
    await child.remove();
    assert.deepEqual((await api.listBindLinks({ path: dir })).map((l) => l.virtualPath), [
      `${dir}/Foo`,
    ]);
    await parent.remove();
    assert.deepEqual(ls(`${dir}/Foo`), ["Cat.txt", "In"]);
    assert.deepEqual(ls(`${dir}/Foo/In`), ["own.txt"], "the child's covered mount went too");
    assert.deepEqual(ls(dir), ["Foo", "T1", "T2"], "no work folder is left");
    assertClean(dir);
  });
}

Deno.test("an anchorless child, then its parent, then a grandchild; removed deepest first", async () => {
  const dir = fresh();
  files(dir, ["Foo/Cat.txt", "T1/t1.txt", "T2/Deep/t2.txt", "T3/t3.txt"]);
  const child = await api.createBindLink(`${dir}/Foo/New`, `${dir}/T2`);
  const parent = await api.createBindLink(`${dir}/Foo`, `${dir}/T1`);
  const grandchild = await api.createBindLink(`${dir}/Foo/New/Deep`, `${dir}/T3`);
  assert.deepEqual(ls(`${dir}/Foo`), ["New", "t1.txt"]);
  assert.deepEqual(ls(`${dir}/Foo/New/Deep`), ["t3.txt"]);
  await rejectsCode(child.remove(), "busy");
  await grandchild.remove();
  assert.deepEqual(ls(`${dir}/Foo/New/Deep`), ["t2.txt"]);
  await child.remove();
  await parent.remove();
  assert.deepEqual(ls(`${dir}/Foo`), ["Cat.txt"], "the anchor made for the child is gone");
  assert.equal(mountsAt(`${dir}/Foo/New`), 0);
  assertClean(dir);
});

Deno.test("a parent over a child that has exceptions: the child keeps them", async () => {
  const dir = fresh();
  files(dir, ["Foo/In/Keep/mine.txt", "T1/t1.txt", "T2/t2.txt", "T2/Keep/theirs.txt"]);
  const child = await api.createBindLink(`${dir}/Foo/In`, `${dir}/T2`, {
    exceptions: [`${dir}/Foo/In/Keep`],
  });
  const parent = await api.createBindLink(`${dir}/Foo`, `${dir}/T1`, { merged: true });
  assert.deepEqual(ls(`${dir}/Foo/In/Keep`), ["mine.txt"]);
  await child.remove();
  await parent.remove();
  assert.deepEqual(ls(`${dir}/Foo/In/Keep`), ["mine.txt"]);
  assertClean(dir);
});

Deno.test("merged: deletes through the link leave no whiteouts or overlay attributes after remove", async () => {
  const dir = fresh();
  files(dir, ["Foo/Cat.txt", "Foo/Dog.txt", "Foo/Sub/a.txt", "Bar/Cat.txt", "Bar/Cow.txt"]);
  const link = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`, { merged: true });
  Deno.removeSync(`${dir}/Foo/Cat.txt`); // in both: deletes the backing file
  Deno.removeSync(`${dir}/Foo/Dog.txt`); // the virtual path's own file
  Deno.removeSync(`${dir}/Foo/Sub`, { recursive: true });
  Deno.mkdirSync(`${dir}/Foo/Sub`); // re-made: overlay marks it opaque
  Deno.writeTextFileSync(`${dir}/Foo/Sub/b.txt`, "b");
  assert.ok(overlayTraces(`${dir}/Bar`).length > 0, "overlay did leave traces while linked");
  await link.remove();
  assert.deepEqual(overlayTraces(`${dir}/Bar`), [], "no whiteout or trusted.overlay.* left");
  assert.deepEqual(ls(`${dir}/Bar`), ["Cow.txt", "Sub"], "the deleted backing file is gone");
  assert.deepEqual(ls(`${dir}/Bar/Sub`), ["b.txt"]);
  assert.deepEqual(
    ls(`${dir}/Foo`),
    ["Cat.txt", "Dog.txt", "Sub"],
    "the virtual path's own files were never touched",
  );
  assert.deepEqual(mountsBelow(dir), []);
  assertClean(dir);
});

Deno.test("merged: whiteouts that were in the backing path before the link are left alone", async () => {
  const dir = fresh();
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt"]);
  new Deno.Command("mknod", { args: [`${dir}/Bar/Old`, "c", "0", "0"] }).outputSync();
  const before = Deno.lstatSync(`${dir}/Bar/Old`);
  assert.ok(before.isCharDevice);
  await new Promise((resolve) => setTimeout(resolve, 50)); // a later ctime for the link's own
  const link = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`, { merged: true });
  Deno.removeSync(`${dir}/Foo/Cat.txt`);
  await link.remove();
  assert.deepEqual(ls(`${dir}/Bar`), ["Cow.txt", "Old"], "only the link's own whiteout went");
  assertClean(dir);
});

// Kernels that refuse mounts inside a detached tree assemble at a staging folder; this
// kernel takes both routes, so the older one is checked here too.
const staged = new BindLinkApi(linuxPlatform({ stateDir, assembly: "staging" }));

for (const scenario of scenarios("linux")) {
  Deno.test(`${scenario.name}, assembled at a staging folder (the older kernels' route)`, async () => {
    const dir = fresh("s");
    const checks = await runScenario(staged, dir, scenario);
    for (const c of checks) assert.ok(c.ok, `${c.what}: expected ${c.expected}, got ${c.actual}`);
    assertClean(dir);
  });
}

Deno.test("child first, then a merged parent, assembled at a staging folder", async () => {
  const dir = fresh("s");
  files(dir, ["Foo/Cat.txt", "Foo/In/own.txt", "T1/t1.txt", "T2/t2.txt"]);
  const child = await staged.createBindLink(`${dir}/Foo/In`, `${dir}/T2`);
  const parent = await staged.createBindLink(`${dir}/Foo`, `${dir}/T1`, { merged: true });
  assert.deepEqual(ls(`${dir}/Foo`), ["Cat.txt", "In", "t1.txt"]);
  assert.deepEqual(ls(`${dir}/Foo/In`), ["t2.txt"]);
  assert.deepEqual(mountsBelow(stateDir), [], "no staging mount outlives the create");
  await rejectsCode(parent.remove(), "busy");
  await child.remove();
  await parent.remove();
  assertClean(dir);
});
