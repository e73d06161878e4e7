/**
 * End-to-end tests of the Linux backend, CLI and library down to the kernel. Run only by
 * ../linux_e2e_test.ts, as root inside `unshare -m --propagation private`: every mount made
 * here, including the scratch tmpfs and the tmpfs over /run, dies with that namespace. The
 * CLI runs as its own process with exactly the documented flags.
 */
import assert from "node:assert/strict";
import path from "node:path";
import type { BindLinkOptions } from "../../mod.ts";
import { type Linker, runScenario, scenarios, snapshot } from "../../tools/scenarios.ts";
import { rejectsCode, throwsCode } from "../support/expect_error.ts";
import {
  api,
  assertClean,
  createArgs,
  files,
  fresh,
  ls,
  runCli,
  scratch,
  sh,
  stateDir,
} from "./e2e_support.ts";
import { readableCli } from "../support/readable_checkout.ts";

/** The CLI, as a separate process with its default state folder, driven as a user would. */
const cliLinker: Linker = {
  createBindLink(virtualPath: string, backingPath: string, options: BindLinkOptions = {}) {
    const args = createArgs(virtualPath, backingPath, options);
    const created = runCli(args);
    assert.equal(created.code, 0, created.stdout + created.stderr);
    assert.equal(JSON.parse(created.stdout).link.virtualPath, virtualPath);
    return Promise.resolve({
      remove() {
        const removed = runCli(["remove", virtualPath]);
        assert.equal(removed.code, 0, removed.stderr);
        assert.equal(removed.stdout, `Removed bind link at ${virtualPath}\n`);
        return Promise.resolve();
      },
    });
  },
};

for (
  const [via, linker, state] of [["library", api, stateDir], [
    "CLI",
    cliLinker,
    "/run/bindlink",
  ]] as const
) {
  for (const scenario of scenarios("linux")) {
    Deno.test(`${scenario.name}, through the ${via}`, async () => {
      const dir = fresh();
      const checks = await runScenario(linker, dir, scenario);
      for (const c of checks) assert.ok(c.ok, `${c.what}: expected ${c.expected}, got ${c.actual}`);
      assertClean(dir, state);
    });
  }
}

Deno.test("the Sync API makes and removes the same links", () => {
  const dir = fresh();
  files(dir, ["Foo/Cat.txt", "Foo/Keep/own.txt", "Bar/Cow.txt"]);
  const link = api.createBindLinkSync(`${dir}/Foo`, `${dir}/Bar`, {
    exceptions: [`${dir}/Foo/Keep`],
  });
  assert.deepEqual(ls(`${dir}/Foo`), ["Cow.txt", "Keep"]);
  assert.deepEqual(ls(`${dir}/Foo/Keep`), ["own.txt"]);
  link.removeSync();
  assert.deepEqual(ls(`${dir}/Foo`), ["Cat.txt", "Keep"]);
  assert.deepEqual(
    ls(`${dir}/Bar`),
    ["Cow.txt"],
    "the exception's mount point left the backing path",
  );
  assertClean(dir);
});

Deno.test("read-only: writes refused through the link, allowed through the backing path", async () => {
  const dir = fresh();
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt"]);
  await using _link = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`, { readOnly: true });
  assert.throws(
    () => Deno.writeTextFileSync(`${dir}/Foo/Cow.txt`, "changed"),
    /Read-only file system/,
  );
  assert.throws(() => Deno.writeTextFileSync(`${dir}/Foo/New.txt`, "new"), /Read-only file system/);
  Deno.writeTextFileSync(`${dir}/Bar/Cow.txt`, "changed behind");
  assert.equal(Deno.readTextFileSync(`${dir}/Foo/Cow.txt`), "changed behind", "the link shows it");
});

Deno.test("merged and writable: new files land in the backing path, work folder removed after", async () => {
  const dir = fresh();
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt"]);
  const link = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`, { merged: true });
  Deno.writeTextFileSync(`${dir}/Foo/New.txt`, "new");
  assert.deepEqual(ls(`${dir}/Bar`), ["Cow.txt", "New.txt"]);
  assert.ok(ls(dir).some((n) => n.startsWith(".bindlink-work.")), "overlay needs a work folder");
  await link.remove();
  assert.deepEqual(ls(dir), ["Bar", "Foo"], "the work folder went with the link");
  assert.deepEqual(ls(`${dir}/Foo`), ["Cat.txt"]);
  assertClean(dir);
});

Deno.test("errors: each is refused by code and message, and changes nothing", async () => {
  const dir = fresh();
  files(dir, ["Foo/Cat.txt", "Foo/Sub/x.txt", "Bar/Cow.txt", "file.txt"]);
  const before = snapshot(dir);
  const missing = await rejectsCode(api.createBindLink(`${dir}/Foo`, `${dir}/Nope`), "not-found");
  assert.match(missing.message, /the backing path does not exist/);
  const parent = await rejectsCode(api.createBindLink(`${dir}/No/Foo`, `${dir}/Bar`), "not-found");
  assert.match(parent.message, /parent folder .*\/No does not exist/);
  const kinds = throwsCode(
    () => api.createBindLinkSync(`${dir}/Foo`, `${dir}/file.txt`),
    "invalid-path",
  );
  assert.match(kinds.message, /the virtual path is a directory and the backing path a file/);
  const mergedFile = throwsCode(
    () => api.createBindLinkSync(`${dir}/file2.txt`, `${dir}/file.txt`, { merged: true }),
    "invalid-argument",
  );
  assert.match(
    mergedFile.message,
    /a merged link needs folders, and the backing path is a file\. Drop --merged/,
  );
  const anchorless = await rejectsCode(
    api.createBindLink(`${dir}/New`, `${dir}/Bar`, { exceptions: [`${dir}/New/x`] }),
    "invalid-argument",
  );
  assert.match(anchorless.message, /anchorless/);
  const noException = await rejectsCode(
    api.createBindLink(`${dir}/Foo`, `${dir}/Bar`, { exceptions: [`${dir}/Foo/Gone`] }),
    "not-found",
  );
  assert.match(noException.message, /the exception path .*Gone does not exist/);
  const unknown = await rejectsCode(api.removeBindLink(`${dir}/Foo`), "not-found");
  assert.match(unknown.message, /there is no bind link at this path/);
  sh("mount", "--bind", `${dir}/Bar`, `${dir}/Foo`);
  const foreign = await rejectsCode(api.removeBindLink(`${dir}/Foo`), "not-found");
  assert.match(
    foreign.message,
    /not a link bindlink made\. bindlink only removes its own links; use umount/,
  );
  sh("umount", `${dir}/Foo`);
  assert.deepEqual(snapshot(dir), before);
  assertClean(dir);
});

Deno.test("a second link on the same path is already-exists; nested links go deepest first", async () => {
  const dir = fresh();
  files(dir, ["Foo/Sub/x.txt", "Bar/Sub/y.txt", "Other/z.txt"]);
  const outer = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`);
  const again = await rejectsCode(
    api.createBindLink(`${dir}/Foo`, `${dir}/Other`),
    "already-exists",
  );
  assert.match(again.message, /a bind link already exists at the virtual path/);
  const inner = await api.createBindLink(`${dir}/Foo/Sub`, `${dir}/Other`);
  assert.deepEqual(ls(`${dir}/Foo/Sub`), ["z.txt"]);
  const busy = await rejectsCode(outer.remove(), "busy");
  assert.match(busy.message, /another bind link lives below this one \(.*Foo\/Sub\)/);
  assert.deepEqual(ls(`${dir}/Foo/Sub`), ["z.txt"], "nothing was removed");
  await inner.remove();
  await outer.remove();
  assertClean(dir);
});

Deno.test("a failure half-way undoes every step, work folder included, and says only what is true", async () => {
  const dir = fresh();
  // The exception is a folder; the backing path has a file of that name, so grafting the
  // exception fails after the work folder, the intent record and the overlay were made.
  files(dir, ["Foo/Keep/own.txt", "Bar/Keep"]);
  const before = snapshot(dir);
  const error = await rejectsCode(
    api.createBindLink(`${dir}/Foo`, `${dir}/Bar`, {
      merged: true,
      exceptions: [`${dir}/Foo/Keep`],
    }),
    "invalid-path",
  );
  assert.match(
    error.message,
    /the exception .*\/Foo\/Keep is a directory, and the backing path has a file at that place/,
  );
  assert.doesNotMatch(error.message, /Undoing the partial link also failed/);
  assert.deepEqual(snapshot(dir), before, "no work folder or mount point is left");
  assertClean(dir);
});

Deno.test("a symlink in the virtual path: the link is made where it leads, and errors say so", async () => {
  const dir = fresh();
  files(dir, ["Real/Sub/x.txt", "Bar/Cow.txt"]);
  Deno.symlinkSync(`${dir}/Real`, `${dir}/RealLink`);
  const link = await api.createBindLink(`${dir}/RealLink/Sub`, `${dir}/Bar`);
  assert.deepEqual(ls(`${dir}/Real/Sub`), ["Cow.txt"], "mounted on the resolved place");
  const listed = await api.listBindLinks();
  assert.ok(
    listed.some((l) => l.virtualPath === `${dir}/Real/Sub`),
    "listed resolved, as Windows does",
  );
  const again = await rejectsCode(
    api.createBindLink(`${dir}/Real/Sub`, `${dir}/Bar`),
    "already-exists",
  );
  assert.match(again.message, /it shows .*\/Bar\)/);
  await link.remove(); // through the symlink again
  assert.deepEqual(ls(`${dir}/Real/Sub`), ["x.txt"]);
  Deno.symlinkSync(`${dir}/Nowhere`, `${dir}/Dangling`);
  const dangling = await rejectsCode(
    api.createBindLink(`${dir}/Dangling`, `${dir}/Bar`),
    "not-found",
  );
  assert.match(dangling.message, /the virtual path is a symlink to a place that does not exist/);
  const merged = await rejectsCode(
    api.createBindLink(`${dir}/RealLink/Sub`, `${dir}/RealLink/Sub/..`, { merged: true }),
    "invalid-argument",
  );
  assert.match(merged.message, /through a symlink: the virtual path resolves to .*\/Real\/Sub/);
  assertClean(dir);
});

Deno.test("a failure after making an anchor removes the anchor (read-only file system)", async () => {
  const dir = fresh();
  files(dir, ["ro/data/x.txt"]);
  sh("mount", "--bind", `${dir}/ro`, `${dir}/ro`);
  sh("mount", "-o", "remount,bind,ro", `${dir}/ro`);
  try {
    const error = await rejectsCode(
      api.createBindLink(`${dir}/Anchor`, `${dir}/ro/data`, { merged: true }),
      "access-denied",
    );
    assert.match(error.message, /the work folder is on a read-only file system/);
    assert.match(error.message, /add --read-only, or use a backing path on a writable file system/);
    assert.equal(error.errnoName, "EROFS");
    assert.deepEqual(ls(dir), ["ro"], "the anchor folder made for the link is gone");
  } finally {
    sh("umount", `${dir}/ro`);
  }
  assertClean(`${dir}/ro`);
});

Deno.test("not root: the CLI says to run as root, exits 1 and touches nothing", () => {
  const dir = fresh();
  files(dir, ["Bar/Cow.txt"]);
  const readable = readableCli(scratch);
  Deno.mkdirSync(path.join(scratch, ".deno"), { recursive: true });
  Deno.chmodSync(path.join(scratch, ".deno"), 0o777);
  const result = runCli(
    ["create", `${dir}/Anchor`, `${dir}/Bar`],
    ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"],
    readable,
  );
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /bind mounts need root, and this process runs as uid 65534/);
  assert.match(result.stderr, /run the command with sudo, or as root/);
  assert.deepEqual(ls(dir), ["Bar"]);
});

Deno.test("root without CAP_SYS_ADMIN: EPERM with the system's text, and the anchor is undone", () => {
  const dir = fresh();
  files(dir, ["Bar/Cow.txt"]);
  const result = runCli(
    ["create", `${dir}/Anchor`, `${dir}/Bar`, "--json"],
    ["setpriv", "--bounding-set=-sys_admin", "--"],
  );
  assert.equal(result.code, 1, result.stderr);
  const { error } = JSON.parse(result.stdout);
  assert.equal(error.code, "access-denied");
  assert.equal(error.errno, 1);
  assert.equal(error.errnoName, "EPERM");
  assert.equal(error.systemMessage, "Operation not permitted");
  assert.match(
    error.message,
    /errno 1 \(EPERM\): "Operation not permitted"\. Either this process lacks CAP_SYS_ADMIN/,
  );
  assert.deepEqual(ls(dir), ["Bar"], "the mount point made for the anchorless link was removed");
  assertClean(dir, "/run/bindlink");
});

Deno.test("CLI errors on Linux: unknown link and missing backing path, exit 1", () => {
  const dir = fresh();
  const unknown = runCli(["remove", `${dir}/Nothing`]);
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /^bindlink: Could not remove the bind link at .*Nothing: there is no bind link/,
  );
  const missing = runCli(["create", `${dir}/X`, `${dir}/Missing`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /the backing path does not exist/);
});

Deno.test("a mount stacked on top of a link makes remove busy, and nothing is removed", async () => {
  const dir = fresh();
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt"]);
  const link = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`);
  sh("mount", "-t", "tmpfs", "on-top", `${dir}/Foo`);
  try {
    const busy = await rejectsCode(link.remove(), "busy");
    assert.match(busy.message, /another mount has been stacked on top of the link/);
    assert.match(busy.message, /Unmount what covers .*Foo first/);
  } finally {
    sh("umount", `${dir}/Foo`);
  }
  assert.deepEqual(ls(`${dir}/Foo`), ["Cow.txt"], "the link itself is still there");
  await link.remove();
  assert.deepEqual(ls(`${dir}/Foo`), ["Cat.txt"]);
  assertClean(dir);
});

Deno.test("remove reports a mount point it made but cannot delete, after removing the link", async () => {
  const dir = fresh();
  files(dir, ["Foo/Keep/own.txt", "Bar/Cow.txt"]);
  const link = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`, {
    exceptions: [`${dir}/Foo/Keep`],
  });
  // The mount point made inside the backing path gets a file, written through the backing path.
  Deno.writeTextFileSync(`${dir}/Bar/Keep/someone-elses.txt`, "x");
  const error = await rejectsCode(link.remove(), "busy");
  assert.match(error.message, /the link is gone, but .*Bar\/Keep could not be deleted/);
  assert.match(error.message, /check and delete it by hand/);
  assert.deepEqual(ls(`${dir}/Foo`), ["Keep"], "the link itself was removed");
  assert.deepEqual(
    ls(`${dir}/Bar/Keep`),
    ["someone-elses.txt"],
    "nothing of anyone else's was deleted",
  );
  assertClean(dir);
});
