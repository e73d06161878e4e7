/**
 * The DSC resource end to end on Linux: the harness calls `deno run <the README's flags>
 * cli.ts dsc ...` as dsc starts `bindlink` (in the manifest's folder, instance on stdin), down
 * to the kernel. Started by tests/manifest/linux_e2e_test.ts as root inside
 * `unshare -m --propagation private`, so every mount (the tmpfs over /run and /srv included)
 * dies with that namespace.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readMountInfo } from "../support/mountinfo.ts";
import { dependencyOrder, discover, type Executor, ResourceError } from "./harness.ts";
import { exampleDocument } from "./example_documents.ts";

if (Deno.env.get("BINDLINK_E2E_IN_PRIVATE_NAMESPACE") !== "1") {
  throw new Error("run tests/manifest/linux_e2e_test.ts, which starts this file in a namespace");
}

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const cli = path.join(root, "cli.ts");
const FLAGS = ["--allow-ffi", "--allow-read", "--allow-write"];
const decoder = new TextDecoder();

function sh(cmd: string, ...args: string[]): void {
  const out = new Deno.Command(cmd, { args, stderr: "piped" }).outputSync();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")}: ${decoder.decode(out.stderr)}`);
}

sh("mount", "-t", "tmpfs", "bindlink-dsc-e2e-run", "/run");
sh("mount", "-t", "tmpfs", "bindlink-dsc-e2e-srv", "/srv");

function command(args: readonly string[], cwd: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", ...FLAGS, cli, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
}

// dsc starts `bindlink` by name; there is no compiled one here, so the harness starts what
// the README documents for it.
const exec: Executor = async (executable, args, stdin, cwd) => {
  assert.equal(executable, "bindlink");
  const child = command(args, cwd).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const out = await child.output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
};

const resource = discover(root, "BindLink/Link", exec);
let counter = 0;

function fresh(): string {
  const dir = `/srv/t${++counter}`;
  for (const name of ["one", "two", "v"]) Deno.mkdirSync(`${dir}/${name}`, { recursive: true });
  Deno.writeTextFileSync(`${dir}/one/which.txt`, "one");
  Deno.writeTextFileSync(`${dir}/two/which.txt`, "two");
  return dir;
}

function mountsAt(at: string): number {
  return readMountInfo().filter((m) => m.mountPoint === at).length;
}

function records(): string[] {
  try {
    return [...Deno.readDirSync("/run/bindlink")].map((e) => e.name)
      .filter((n) => n.startsWith("operation."));
  } catch {
    return [];
  }
}

Deno.test("dsc on Linux: get, test, set, test, set again, export, then _exist false twice", async () => {
  const dir = fresh();
  const want = { virtualPath: `${dir}/v`, backingPath: `${dir}/one`, readOnly: true };
  assert.deepEqual(await resource.get(want), { virtualPath: `${dir}/v`, _exist: false });
  assert.equal((await resource.test(want))._inDesiredState, false);
  const set = await resource.set(want);
  assert.equal(set.skipped, false);
  assert.deepEqual(set.after, { ...want, merged: false, exceptions: [], _exist: true });
  assert.equal(Deno.readTextFileSync(`${dir}/v/which.txt`), "one");
  assert.equal((await resource.test(want))._inDesiredState, true);
  assert.equal((await resource.set(want)).skipped, true);
  assert.equal(mountsAt(`${dir}/v`), 1);
  const exported = await resource.export();
  assert.deepEqual(exported.filter((s) => s.virtualPath === `${dir}/v`), [set.after]);
  assert.deepEqual(await resource.export({ virtualPath: `${dir}/v/` }), [set.after]);
  const gone = await resource.set({ virtualPath: `${dir}/v`, _exist: false });
  assert.deepEqual(gone.after, { virtualPath: `${dir}/v`, _exist: false });
  assert.equal(mountsAt(`${dir}/v`), 0);
  assert.equal((await resource.set({ virtualPath: `${dir}/v`, _exist: false })).skipped, true);
  assert.deepEqual(records(), []);
});

Deno.test("dsc on Linux: set converges to another backing path, whole", async () => {
  const dir = fresh();
  await resource.set({ virtualPath: `${dir}/v`, backingPath: `${dir}/one` });
  const moved = await resource.set({ virtualPath: `${dir}/v`, backingPath: `${dir}/two` });
  assert.equal(moved.before.backingPath, `${dir}/one`);
  assert.equal(moved.after.backingPath, `${dir}/two`);
  assert.equal(Deno.readTextFileSync(`${dir}/v/which.txt`), "two");
  assert.equal(mountsAt(`${dir}/v`), 1);
  // A set that cannot make the new link puts the old one back and says why.
  const error = await resource.set({ virtualPath: `${dir}/v`, backingPath: `${dir}/missing` })
    .catch((e) => e);
  assert.ok(error instanceof ResourceError, String(error));
  assert.equal(error.code, 1);
  assert.match(error.errors.join("\n"), /missing/);
  assert.equal(Deno.readTextFileSync(`${dir}/v/which.txt`), "two");
  await resource.set({ virtualPath: `${dir}/v`, _exist: false });
});

Deno.test("dsc on Linux: a mount bindlink did not make is never taken down by set", async () => {
  const dir = fresh();
  sh("mount", "--bind", `${dir}/one`, `${dir}/v`);
  try {
    // Not a link: get says so, and _exist false has nothing to take down.
    assert.equal((await resource.get({ virtualPath: `${dir}/v`, _exist: false }))._exist, false);
    assert.equal((await resource.set({ virtualPath: `${dir}/v`, _exist: false })).skipped, true);
    assert.equal(mountsAt(`${dir}/v`), 1, "the foreign mount is untouched");
    // A link set there goes on top of it, and its removal leaves the foreign mount as it was.
    await resource.set({ virtualPath: `${dir}/v`, backingPath: `${dir}/two` });
    assert.equal(Deno.readTextFileSync(`${dir}/v/which.txt`), "two");
    await resource.set({ virtualPath: `${dir}/v`, _exist: false });
    assert.equal(mountsAt(`${dir}/v`), 1);
    assert.equal(Deno.readTextFileSync(`${dir}/v/which.txt`), "one");
  } finally {
    while (mountsAt(`${dir}/v`)) sh("umount", `${dir}/v`);
  }
});

Deno.test("dsc on Linux: bad input is exit 2, one JSON error line, nothing changed", async () => {
  const dir = fresh();
  for (
    const input of [{ virtualPath: "v", backingPath: `${dir}/one` }, { virtualPath: `${dir}/v` }]
  ) {
    const error = await resource.call("set", input).catch((e) => e);
    assert.ok(error instanceof ResourceError, String(error));
    assert.equal(error.code, 2);
    assert.match(error.meaning!, /^Invalid input/);
    assert.equal(error.errors.length, 1);
  }
  assert.equal(mountsAt(`${dir}/v`), 0);
  assert.equal(mountsAt(path.join(root, "v")), 0, "nothing relative to the manifest's folder");
});

Deno.test("dsc on Linux: a set killed midway is finished or rolled back by the next set", async () => {
  const dir = fresh();
  await resource.set({ virtualPath: `${dir}/v`, backingPath: `${dir}/one` });
  let halfDone = 0;
  for (let round = 0; round < 6; round++) {
    const target = round % 2 === 0 ? "two" : "one";
    const child = command(["dsc", "set"], root).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(
      JSON.stringify({ virtualPath: `${dir}/v`, backingPath: `${dir}/${target}` }),
    ));
    await writer.close();
    for (let i = 0; i < 5000 && records().length === 0; i++) {
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, round % 3));
    try {
      child.kill("SIGKILL");
    } catch { /* it had finished */ }
    await child.output();
    if (records().some((n) => n.endsWith(".intent.json"))) halfDone++;
    assert.ok(mountsAt(`${dir}/v`) <= 1, "never two links at one place");
    const next = await resource.set({ virtualPath: `${dir}/v`, backingPath: `${dir}/${target}` });
    assert.equal(next.after.backingPath, `${dir}/${target}`);
    assert.equal(Deno.readTextFileSync(`${dir}/v/which.txt`), target);
    assert.equal(mountsAt(`${dir}/v`), 1);
    assert.deepEqual(records(), []);
  }
  console.log(`  ${halfDone} of 6 sets were killed half way`);
  await resource.set({ virtualPath: `${dir}/v`, _exist: false });
});

Deno.test("dsc on Linux: the example document's resources, set in dependsOn order", async () => {
  const document = exampleDocument("linux");
  for (
    const folder of [
      "site/releases/v2/fonts",
      "site/current",
      "shared/fonts",
      "shared/cache",
      "build/cache",
    ]
  ) {
    Deno.mkdirSync(`/srv/${folder}`, { recursive: true });
  }
  Deno.writeTextFileSync("/srv/shared/fonts/font.ttf", "font");
  const order = dependencyOrder(document.resources);
  for (const r of order) {
    assert.equal((await resource.set(r.properties)).after._exist, true, r.name);
  }
  assert.equal(Deno.readTextFileSync("/srv/site/current/fonts/font.ttf"), "font");
  for (const r of document.resources) {
    assert.equal((await resource.test(r.properties))._inDesiredState, true, r.name);
  }
  for (const r of order.toReversed()) {
    await resource.set({ virtualPath: r.properties.virtualPath, _exist: false });
  }
  assert.equal(readMountInfo().filter((m) => m.mountPoint.startsWith("/srv/")).length, 0);
});
