/**
 * End-to-end checks of what a create accepts on Linux: a merged link on a virtual path that
 * does not exist yet (made, used and removed with its mount point), places it must never
 * cover (the kernel's own file systems, bindlink's state folder and what holds it), and one
 * writer per overlay upper layer. Run only by ../linux_e2e_test.ts, inside a private mount
 * namespace; the commands that would cover /proc or /run on a broken build run in a
 * namespace of their own (`unshare -m`), so such a failure cannot spoil the other tests.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { rejectsCode, throwsCode } from "../support/expect_error.ts";
import {
  api,
  assertClean,
  createArgs,
  files,
  fresh,
  ls,
  mountsBelow,
  runCli,
  scratch,
  sh,
  stateDir,
} from "./e2e_support.ts";

Deno.test("a merged link on a missing virtual path is made, used, and removed with its mount point", async () => {
  const dir = fresh();
  files(dir, ["releases/v1/app.txt"]);
  const link = await api.createBindLink(`${dir}/view`, `${dir}/releases/v1`, { merged: true });
  assert.deepEqual(ls(`${dir}/view`), ["app.txt"], "merged with nothing: the backing path shows");
  Deno.writeTextFileSync(`${dir}/view/new.txt`, "new");
  assert.deepEqual(ls(`${dir}/releases/v1`), ["app.txt", "new.txt"], "writes land in backing");
  assert.deepEqual((await api.listBindLinks()).map((l) => l.virtualPath), [`${dir}/view`]);
  await link.remove();
  assert.deepEqual(ls(dir), ["releases"], "the mount point and the work folder went with it");
  assertClean(dir);

  // The same through the CLI, read-only too.
  for (const extra of [[], ["--read-only"]]) {
    const made = runCli([...createArgs(`${dir}/view`, `${dir}/releases/v1`), "--merged", ...extra]);
    assert.equal(made.code, 0, made.stdout + made.stderr);
    assert.deepEqual(ls(`${dir}/view`), ["app.txt", "new.txt"]);
    const removed = runCli(["remove", `${dir}/view`]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(ls(dir), ["releases"]);
  }
  assertClean(dir, "/run/bindlink");
});

Deno.test("apply makes a manifest's anchorless merged link that --dry-run said it would", () => {
  const dir = fresh();
  files(dir, ["data/a.txt"]);
  const file = path.join(dir, "bindlink.json");
  Deno.writeTextFileSync(
    file,
    JSON.stringify({ links: [{ virtual: "view", backing: "data", merged: true }] }),
  );
  const dry = runCli(["apply", "-f", file, "--dry-run"]);
  assert.equal(dry.code, 0, dry.stdout + dry.stderr);
  assert.match(dry.stdout, /would create/i);
  const applied = runCli(["apply", "-f", file]);
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  assert.deepEqual(ls(`${dir}/view`), ["a.txt"]);
  const down = runCli(["down", "-f", file]);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  assert.deepEqual(ls(dir), ["bindlink.json", "data"], "down took the mount point away");
  assertClean(dir, "/run/bindlink");
});

function mountFresh(type: string, at: string): void {
  Deno.mkdirSync(at);
  sh("mount", "-t", type, type, at);
}

Deno.test("the kernel's own file systems are refused as the virtual path, by type", () => {
  const dir = fresh();
  files(dir, ["x/x.txt"]);
  const kernel = path.join(dir, "kernel");
  Deno.mkdirSync(kernel);
  mountFresh("proc", `${kernel}/proc`);
  mountFresh("sysfs", `${kernel}/sys`);
  mountFresh("cgroup2", `${kernel}/cgroup`);
  try {
    for (
      const [at, type] of [
        [`${kernel}/proc`, "proc"],
        [`${kernel}/proc/sys`, "proc"],
        [`${kernel}/sys/kernel`, "sysfs"],
        [`${kernel}/cgroup`, "cgroup2"],
        [`${kernel}/cgroup/made-here`, "cgroup2"], // missing: its mount point would be a cgroup
      ]
    ) {
      const refused = throwsCode(() => api.createBindLinkSync(at, `${dir}/x`), "invalid-path");
      assert.match(refused.message, new RegExp(`on ${type}, one of the kernel's own file systems`));
    }
    assert.deepEqual(
      mountsBelow(kernel).sort(),
      ["cgroup", "proc", "sys"].map((name) => `${kernel}/${name}`),
      "nothing was mounted",
    );
    assert.ok(!ls(`${kernel}/cgroup`).includes("made-here"), "no cgroup was made");
  } finally {
    for (const name of ["proc", "sys", "cgroup"]) sh("umount", `${kernel}/${name}`);
  }

  // /proc itself, through the CLI, in a namespace with its own /proc.
  const own = ["unshare", "-m", "--mount-proc"];
  const proc = runCli(createArgs("/proc", `${dir}/x`), own);
  assert.equal(proc.code, 1, proc.stdout + proc.stderr);
  const error = JSON.parse(proc.stdout).error;
  assert.equal(error.code, "invalid-path");
  assert.match(error.message, /is on proc, one of the kernel's own file systems/);
  assertClean(dir);
});

Deno.test("bindlink's state folder, the folders holding it and those inside it are refused", async () => {
  const dir = fresh();
  files(dir, ["x/x.txt"]);
  // The library's state folder lives in the scratch folder (a create makes it first).
  for (
    const [at, what] of [
      [stateDir, "is bindlink's state folder"],
      [scratch, "holds bindlink's state folder"],
      [`${stateDir}/inside`, "lies inside bindlink's state folder"],
    ]
  ) {
    const refused = await rejectsCode(api.createBindLink(at, `${dir}/x`), "invalid-path");
    assert.match(refused.message, new RegExp(what));
  }
  assert.ok(!ls(stateDir).includes("inside"), "no mount point was made in the state folder");
  // The CLI's default state folder /run/bindlink, by identity: /run holds it, and so does a
  // bind mount of /run elsewhere, whatever its name.
  const alias = path.join(dir, "alias");
  Deno.mkdirSync(alias);
  sh("mount", "--bind", "/run", alias);
  try {
    for (const at of ["/run", alias, `${alias}/bindlink`]) {
      const out = runCli(createArgs(at, `${dir}/x`), ["unshare", "-m"]);
      assert.equal(out.code, 1, out.stdout + out.stderr);
      assert.equal(JSON.parse(out.stdout).error.code, "invalid-path");
      assert.match(JSON.parse(out.stdout).error.message, /bindlink's state folder \/run\/bindlink/);
    }
  } finally {
    sh("umount", alias);
  }
  assertClean(dir);
});

Deno.test("a file link on the state folder's device is made; a file inside the state folder is refused", async () => {
  const dir = fresh();
  files(dir, ["b.txt", "v.txt"]);
  // The scratch folder holds the state folder: same device, so the way up is walked, and a
  // file has none of its own (it starts at the file's folder).
  const link = await api.createBindLink(`${dir}/v.txt`, `${dir}/b.txt`);
  assert.equal(Deno.readTextFileSync(`${dir}/v.txt`), "b.txt");
  await link.remove();
  Deno.writeTextFileSync(`${stateDir}/inside.txt`, "");
  try {
    const refused = await rejectsCode(
      api.createBindLink(`${stateDir}/inside.txt`, `${dir}/b.txt`),
      "invalid-path",
    );
    assert.match(refused.message, /lies inside bindlink's state folder/);
  } finally {
    Deno.removeSync(`${stateDir}/inside.txt`);
  }
  assertClean(dir);
});

Deno.test("a second writer on one overlay upper layer is refused as busy, naming the first link", async () => {
  const dir = fresh();
  files(dir, ["shared/in/a.txt", "v1/v.txt", "v2/v.txt", "v3/v.txt", "below/b.txt"]);
  const first = await api.createBindLink(`${dir}/v1`, `${dir}/shared`, { merged: true });
  for (
    const [virtual, backing, how] of [
      [`${dir}/v2`, `${dir}/shared`, "is already the folder"],
      [`${dir}/v3`, `${dir}/shared/in`, "lies inside the folder"],
      [`${dir}/m`, `${dir}/shared`, "is already the folder"], // anchorless, too
    ]
  ) {
    const refused = await rejectsCode(
      api.createBindLink(virtual, backing, { merged: true }),
      "busy",
    );
    assert.match(refused.message, new RegExp(`${how} the link ${dir}/v1 writes into`));
  }
  assert.ok(!ls(dir).includes("m"), "the refused anchorless link made no mount point");
  await first.remove();

  // A link whose upper layer lies inside the new one's, made by a writable plain link over
  // an earlier link's parent (an overlay too): the new merged link around it is refused.
  const inner = await api.createBindLink(`${dir}/v3/sub`, `${dir}/below`);
  const parent = await api.createBindLink(`${dir}/v3`, `${dir}/shared/in`);
  const around = await rejectsCode(
    api.createBindLink(`${dir}/v2`, `${dir}/shared`, { merged: true }),
    "busy",
  );
  assert.match(around.message, new RegExp(`holds the folder the link ${dir}/v3 writes into`));
  await inner.remove();
  await parent.remove();

  // With the first link gone, the same backing path can be merged again.
  const again = await api.createBindLink(`${dir}/v2`, `${dir}/shared`, { merged: true });
  await again.remove();
  assertClean(dir);
});

Deno.test("one writer per upper layer holds for a backing path too long to name its index entry", async () => {
  const dir = fresh();
  // 300 bytes of folder names below dir: escaped, no file name could hold them.
  const deep = `${dir}/${Array.from({ length: 6 }, (_, i) => `${i}${"d".repeat(49)}`).join("/")}`;
  files(dir, [`${deep.slice(dir.length + 1)}/in/a.txt`, "v1/v.txt", "v2/v.txt", "v3/v.txt"]);
  const first = await api.createBindLink(`${dir}/v1`, deep, { merged: true });
  for (
    const [virtual, backing, how] of [[`${dir}/v2`, deep, "is already the folder"], [
      `${dir}/v3`,
      `${deep}/in`,
      "lies inside the folder",
    ]]
  ) {
    const refused = await rejectsCode(
      api.createBindLink(virtual, backing, { merged: true }),
      "busy",
    );
    assert.match(refused.message, new RegExp(`${how} the link ${dir}/v1 writes into`));
  }
  await first.remove();
  const again = await api.createBindLink(`${dir}/v2`, deep, { merged: true });
  await again.remove();
  assertClean(dir);
});

Deno.test("the CLI refuses a second merged link on one backing path with busy", () => {
  const dir = fresh();
  files(dir, ["shared/s.txt", "m1/1.txt"]);
  const one = runCli([...createArgs(`${dir}/m1`, `${dir}/shared`), "--merged"]);
  assert.equal(one.code, 0, one.stdout + one.stderr);
  const two = runCli([...createArgs(`${dir}/m2`, `${dir}/shared`), "--merged"]);
  assert.equal(two.code, 1, two.stdout + two.stderr);
  const error = JSON.parse(two.stdout).error;
  assert.equal(error.code, "busy");
  assert.match(error.message, new RegExp(`the link ${dir}/m1 writes into`));
  assert.equal(runCli(["remove", `${dir}/m1`]).code, 0);
  assertClean(dir, "/run/bindlink");
});

Deno.test("with /proc covered, every command says so and what to do, never a stack trace", () => {
  const dir = fresh();
  files(dir, ["x/x.txt", "v/v.txt"]);
  const covered = ["unshare", "-m", "sh", "-c", 'mount -t tmpfs cover /proc && exec "$0" "$@"'];
  for (
    const [args, start] of [
      [["list"], "Could not list the bind links"],
      [["create", `${dir}/v`, `${dir}/x`], `Could not create the bind link ${dir}/v -> ${dir}/x`],
      [["remove", `${dir}/v`], `Could not remove the bind link at ${dir}/v`],
    ] as const
  ) {
    const out = runCli([...args], covered);
    assert.equal(out.code, 1, out.stdout + out.stderr);
    assert.equal(out.stdout, "");
    assert.ok(out.stderr.startsWith(`bindlink: ${start}: `), out.stderr);
    assert.match(out.stderr, /\/proc is not the kernel's proc file system here/);
    assert.match(out.stderr, /umount \/proc/);
    assert.doesNotMatch(out.stderr, /Uncaught| at .*\.ts:\d+/);
  }
  assertClean(dir, "/run/bindlink");
});
