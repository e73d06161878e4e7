/**
 * What the next command does with what others left (#8, #12), end to end: intent records of
 * killed processes, state from an earlier boot or from a namespace that is gone, stale and
 * torn records. Looking commands only report; changing commands settle, and never unmount
 * what bindlink did not make. Covers lib/linux/state_place.ts's settle (recovery, then the
 * sweep of a gone namespace's records) end to end.
 */
import assert from "node:assert/strict";
import { linuxProcessFacts } from "../../lib/linux/process.ts";
import { NamespaceState } from "../../lib/linux/namespace_state.ts";
import { factsAt } from "../../lib/linux/mount_facts.ts";
import type { LinkSteps } from "../../lib/linux/records.ts";
import { identityOf } from "../../lib/linux/owned_tree.ts";
import { rejectsCode } from "../support/expect_error.ts";
import {
  api,
  assertClean,
  cli,
  denoRunArgs,
  files,
  filesBelow,
  fresh,
  ls,
  mountsAt,
  runCli,
  sh,
  stateDir,
} from "./e2e_support.ts";

const ns = () => NamespaceState.current(stateDir);

/** A process ID and start time that belonged to a process that has ended. */
async function deadProcess(): Promise<{ pid: number; start: string }> {
  const child = new Deno.Command("sh", { args: ["-c", "exit 0"] }).spawn();
  await child.status;
  return { pid: child.pid, start: "1" };
}

/** The `device:inode` bindlink records for what it made. */
function idOf(path: string): string {
  return identityOf(factsAt(path)!);
}

function writeIntent(name: string, body: unknown): string {
  const file = `${stateDir}/${name}`;
  Deno.writeTextFileSync(file, JSON.stringify(body), { mode: 0o600 });
  return file;
}

Deno.test("a killed create that never attached: list only reports it, the next change undoes it", async () => {
  const dir = fresh("r");
  files(dir, ["Bar/Cow.txt", "Other/x.txt"]);
  await api.removeBindLink(`${dir}/Nothing`).catch(() => {}); // the state folder exists
  const dead = await deadProcess();
  const state = ns();
  Deno.mkdirSync(`${dir}/Anchor`);
  Deno.mkdirSync(`${dir}/.bindlink-work.Bar.dead0001/work`, { recursive: true });
  const link = {
    virtualPath: `${dir}/Anchor`,
    backingPath: `${dir}/Bar`,
    readOnly: false,
    merged: true,
    exceptions: [],
    createdAt: Date.now(),
  };
  const file = writeIntent(`${state.key}.${dead.pid}.${dead.start}.1.a.intent.json`, {
    version: 1,
    id: `${state.key}.${dead.pid}.${dead.start}.1.a`,
    operation: "create",
    pid: dead.pid,
    start: dead.start,
    bootId: linuxProcessFacts().bootId(),
    startedAt: new Date().toISOString(),
    steps: {
      link,
      mountId: "u18446744073709551000",
      made: [
        { path: `${dir}/Anchor`, kind: "directory", id: idOf(`${dir}/Anchor`) },
        {
          path: `${dir}/.bindlink-work.Bar.dead0001`,
          kind: "directory",
          tree: true,
          id: idOf(`${dir}/.bindlink-work.Bar.dead0001`),
        },
      ],
    },
  });
  const pending = state.intents.list<LinkSteps>();
  assert.equal(pending.length, 1);
  assert.equal(pending[0].owner, "dead");
  assert.equal(pending[0].record?.steps.link.virtualPath, `${dir}/Anchor`);
  await api.listBindLinks();
  assert.ok(ls(dir).includes("Anchor"), "listing changed nothing");
  const other = await api.createBindLink(`${dir}/Other`, `${dir}/Bar`);
  assert.throws(() => Deno.statSync(file), Deno.errors.NotFound, "the intent record is gone");
  assert.deepEqual(ls(dir), ["Bar", "Other"], "its mount point and work folder are gone");
  await other.remove();
  assertClean(dir);
});

Deno.test("a killed create that attached: the link is kept and completed; remove works", async () => {
  const dir = fresh("r");
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt"]);
  await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`, { merged: true });
  const state = ns();
  const dead = await deadProcess();
  // As if the process had been killed after attaching, before the rename into the record.
  const intent = `${stateDir}/${state.key}.${dead.pid}.${dead.start}.1.b.intent.json`;
  Deno.renameSync(state.records.fileFor(`${dir}/Foo`), intent);
  assert.deepEqual((await api.listBindLinks({ path: dir })).length, 0, "not a recorded link");
  assert.equal(state.intents.list().length, 1);
  const again = await rejectsCode(api.createBindLink(`${dir}/Foo`, `${dir}/Bar`), "already-exists");
  assert.match(again.message, /it shows .*\/Bar\)/);
  assert.equal(mountsAt(`${dir}/Foo`), 1, "nothing was stacked");
  assert.equal((await api.listBindLinks({ path: dir })).length, 1, "the record was completed");
  await api.removeBindLink(`${dir}/Foo`);
  assert.deepEqual(ls(dir), ["Bar", "Foo"]);
  assertClean(dir);
});

Deno.test("a killed create that attached over another spelling of a live link's place is undone; that link keeps its record", async () => {
  const dir = fresh("r");
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt", "Other/x.txt", "Bar2/Pig.txt"]);
  await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`);
  const before = Deno.readTextFileSync(ns().records.fileFor(`${dir}/Foo`));
  // Another link, whose create is made to look killed after attaching at Foo: its mount is
  // moved on top of Foo's link, and its record becomes an intent naming Foo.
  await api.createBindLink(`${dir}/Other`, `${dir}/Bar2`);
  const state = ns();
  const record = JSON.parse(Deno.readTextFileSync(state.records.fileFor(`${dir}/Other`)));
  Deno.removeSync(state.records.fileFor(`${dir}/Other`));
  sh("mount", "--move", `${dir}/Other`, `${dir}/Foo`);
  assert.equal(mountsAt(`${dir}/Foo`), 2);
  const dead = await deadProcess();
  record.id = `${state.key}.${dead.pid}.${dead.start}.1.c`;
  record.pid = dead.pid;
  record.start = dead.start;
  record.steps.link.virtualPath = `${dir}/Foo`;
  record.steps.made = [];
  writeIntent(`${record.id}.intent.json`, record);
  // The next changing command settles it: the stacked mount goes, Foo's record stays.
  await api.createBindLink(`${dir}/Other`, `${dir}/Bar`);
  assert.equal(mountsAt(`${dir}/Foo`), 1, "the stacked mount was taken off");
  assert.deepEqual(ls(`${dir}/Foo`), ["Cow.txt"], "Foo shows its own link again");
  assert.equal(Deno.readTextFileSync(state.records.fileFor(`${dir}/Foo`)), before);
  await api.removeBindLink(`${dir}/Other`);
  await api.removeBindLink(`${dir}/Foo`);
  assertClean(dir);
});

Deno.test("a torn intent (killed while writing it) is discarded; a torn record reads as none", async () => {
  const dir = fresh("r");
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt"]);
  const state = ns();
  const dead = await deadProcess();
  Deno.writeTextFileSync(
    `${stateDir}/${state.key}.${dead.pid}.${dead.start}.1.c.intent.tmp`,
    '{"vers',
    { mode: 0o600 },
  );
  // A first write cut short: intents are written straight to their own name the first time.
  Deno.writeTextFileSync(
    `${stateDir}/${state.key}.${dead.pid}.${dead.start}.2.d.intent.json`,
    '{"version":1,"id":"',
    { mode: 0o600 },
  );
  state.records.prepare(`${dir}/Foo`);
  Deno.writeTextFileSync(state.records.fileFor(`${dir}/Foo`), '{"version":1,"steps":{"li', {
    mode: 0o600,
  });
  const link = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`);
  assert.deepEqual(ls(`${dir}/Foo`), ["Cow.txt"]);
  await link.remove();
  assertClean(dir);
});

Deno.test("a stale record (its mount taken off by hand) is ignored, never acted on", async () => {
  const dir = fresh("r");
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt"]);
  await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`);
  sh("umount", `${dir}/Foo`);
  sh("mount", "-t", "tmpfs", "someone-elses", `${dir}/Foo`);
  const error = await rejectsCode(api.removeBindLink(`${dir}/Foo`), "not-found");
  assert.match(error.message, /there is a mount here, but not a link bindlink made/);
  assert.equal(mountsAt(`${dir}/Foo`), 1, "the tmpfs is still mounted");
  assert.deepEqual(await api.listBindLinks({ path: dir }), []);
  const link = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`);
  assert.equal(mountsAt(`${dir}/Foo`), 2, "a new link over the tmpfs");
  await link.remove();
  assert.equal(mountsAt(`${dir}/Foo`), 1, "only the link came off");
  sh("umount", `${dir}/Foo`);
  assertClean(dir);
});

Deno.test("state from an earlier boot is discarded: no unmount, its work folders deleted", async () => {
  const dir = fresh("r");
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt", "Old/o.txt"]);
  const earlier = "0123456789abcdef0123456789abcdef";
  const oldNs = `${stateDir}/${earlier}.7`;
  Deno.mkdirSync(`${dir}/.bindlink-work.Bar.oldboot1/work`, { recursive: true });
  sh("mount", "-t", "tmpfs", "not-bindlinks", `${dir}/Old`);
  const record = {
    version: 1,
    id: "x",
    operation: "create",
    pid: 1,
    start: "1",
    bootId: earlier,
    startedAt: new Date().toISOString(),
    steps: {
      link: {
        virtualPath: `${dir}/Old`,
        backingPath: `${dir}/Bar`,
        readOnly: false,
        merged: true,
        exceptions: [],
        createdAt: 0,
      },
      mountId: "u1",
      made: [{
        path: `${dir}/.bindlink-work.Bar.oldboot1`,
        kind: "directory",
        tree: true,
        id: idOf(`${dir}/.bindlink-work.Bar.oldboot1`),
      }],
    },
  };
  const encoded = `${oldNs}/links/${dir.split("/").filter(Boolean).map((n) => "_" + n).join("/")}`;
  Deno.mkdirSync(encoded, { recursive: true, mode: 0o700 });
  Deno.writeTextFileSync(`${encoded}/=Old`, JSON.stringify(record), { mode: 0o600 });
  writeIntent(`${earlier}.7.1.1.1.d.intent.json`, record);
  const link = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`);
  assert.ok(
    !filesBelow(stateDir).some((f) => f.startsWith(earlier)),
    "the earlier boot's state is gone",
  );
  assert.deepEqual(ls(dir).filter((n) => n.startsWith(".bindlink-work")), []);
  assert.equal(mountsAt(`${dir}/Old`), 1, "the mount at the old record's path was not touched");
  await link.remove();
  sh("umount", `${dir}/Old`);
  assertClean(dir);
});

/** A link record's file: `=` + the link's name (see lib/linux/records.ts). */
function isRecordFile(file: string): boolean {
  return file.slice(file.lastIndexOf("/") + 1).startsWith("=");
}

Deno.test("a namespace that is gone: its records are cleaned up; a tmpfs there is never unmounted", () => {
  const dir = fresh("r");
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt"]);
  // A CLI create in a private namespace that then ends (a `run` killed in its namespace).
  const inner = new Deno.Command("unshare", {
    args: [
      "-m",
      "--propagation",
      "private",
      Deno.execPath(),
      ...denoRunArgs(cli, [
        "create",
        `${dir}/Foo`,
        `${dir}/Bar`,
      ]),
    ],
    env: { NO_COLOR: "1" },
  }).outputSync();
  assert.equal(inner.code, 0, new TextDecoder().decode(inner.stderr));
  const before = filesBelow("/run/bindlink").filter(isRecordFile);
  assert.equal(before.length, 1, "the gone namespace left its record");
  assert.equal(mountsAt(`${dir}/Foo`), 0, "its mount died with it");
  // Issue 8's reproduction: a tmpfs at the same place must never pass for that link.
  sh("mount", "-t", "tmpfs", "x", `${dir}/Foo`);
  const created = runCli(["create", `${dir}/Foo`, `${dir}/Bar`]);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(
    filesBelow("/run/bindlink").filter(isRecordFile).length,
    1,
    "the gone namespace's record was cleaned up; only the new link's remains",
  );
  const removed = runCli(["remove", `${dir}/Foo`]);
  assert.equal(removed.code, 0, removed.stderr);
  const again = runCli(["remove", `${dir}/Foo`]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /there is a mount here, but not a link bindlink made/);
  assert.equal(mountsAt(`${dir}/Foo`), 1, "the tmpfs is still there");
  sh("umount", `${dir}/Foo`);
  assertClean(dir, "/run/bindlink");
});
