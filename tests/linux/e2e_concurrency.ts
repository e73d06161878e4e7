/**
 * Links under concurrency and kill -9, end to end (#12): one link per path, made whole or
 * not at all, and the next command recovers. Fixed numbers of rounds; no timing is asserted.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BindLinkError } from "../../mod.ts";
import { snapshot } from "../../tools/scenarios.ts";
import { NamespaceState } from "../../lib/linux/namespace_state.ts";
import { rejectsCode, throwsCode } from "../support/expect_error.ts";
import {
  api,
  assertClean,
  createArgs,
  denoRunArgs,
  files,
  filesBelow,
  fresh,
  ls,
  mountsAt,
  mountsBelow,
  runCli,
  scratch,
  spawnCli,
  stateDir,
} from "./e2e_support.ts";

const worker = fileURLToPath(new URL("./link_worker.ts", import.meta.url));
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function spawnWorker(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: denoRunArgs(worker, args),
    env: { NO_COLOR: "1", DENO_DIR: path.join(scratch, ".deno") },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

interface Summary {
  ok: number;
  codes: Record<string, number>;
  other: string[];
  maxMounts: number;
}

Deno.test("two creators and two removers on one path: never two mounts, every failure coded", async () => {
  const dir = fresh("c");
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt"]);
  const rounds = "150";
  const start = `${dir}/go`;
  const workers = ["create", "create", "remove", "remove"].map((mode) =>
    spawnWorker([mode, stateDir, `${dir}/Foo`, `${dir}/Bar`, rounds, "", start])
  );
  await new Promise((resolve) => setTimeout(resolve, 1500)); // let all four start up
  Deno.writeTextFileSync(start, "");
  const results = await Promise.all(workers.map((w) => w.output()));
  Deno.removeSync(start);
  const summaries: Summary[] = results.map((r) => {
    assert.equal(r.code, 0, decode(r.stderr));
    return JSON.parse(decode(r.stdout).trim().split("\n").at(-1)!);
  });
  for (const s of summaries) {
    assert.deepEqual(s.other, [], "every failure is a BindLinkError");
    assert.ok(s.maxMounts <= 1, `never more than one mount at the path (saw ${s.maxMounts})`);
  }
  const creates = summaries.slice(0, 2);
  const removes = summaries.slice(2);
  for (const s of creates) {
    assert.deepEqual(Object.keys(s.codes).filter((c) => c !== "already-exists"), []);
  }
  for (const s of removes) {
    assert.deepEqual(Object.keys(s.codes).filter((c) => c !== "not-found"), []);
  }
  const made = creates[0].ok + creates[1].ok;
  const removed = removes[0].ok + removes[1].ok;
  console.log(`${made} creates and ${removed} removes succeeded`);
  assert.ok(made - removed === 0 || made - removed === 1, `${made} creates, ${removed} removes`);
  assert.equal(mountsAt(`${dir}/Foo`), made - removed);
  if (made - removed === 1) await api.removeBindLink(`${dir}/Foo`);
  assert.deepEqual(ls(`${dir}/Foo`), ["Cat.txt"]);
  await rejectsCode(api.removeBindLink(`${dir}/Foo`), "not-found");
  assertClean(dir);
});

Deno.test("two CLI creates at once, 12 rounds: exactly one wins, the other says already-exists", async () => {
  const dir = fresh("c");
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt", "Baz/Pig.txt"]);
  for (let round = 0; round < 12; round++) {
    const [a, b] = [
      spawnCli(createArgs(`${dir}/Foo`, `${dir}/Bar`)),
      spawnCli(createArgs(`${dir}/Foo`, `${dir}/Baz`)),
    ];
    const outs = await Promise.all([a.output(), b.output()]);
    const winners = outs.filter((o) => o.code === 0);
    assert.equal(
      winners.length,
      1,
      `round ${round}: ${outs.map((o) => decode(o.stdout)).join(" | ")}`,
    );
    const loser = outs.find((o) => o.code !== 0)!;
    assert.equal(loser.code, 1);
    const { error } = JSON.parse(decode(loser.stdout));
    assert.equal(error.code, "already-exists", error.message);
    const shown = JSON.parse(decode(winners[0].stdout)).link.backingPath;
    assert.match(error.message, new RegExp(`it shows ${shown.replace(/[/.]/g, "\\$&")}\\)`));
    assert.equal(mountsAt(`${dir}/Foo`), 1);
    const removed = runCli(["remove", `${dir}/Foo`]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(mountsAt(`${dir}/Foo`), 0);
  }
  assertClean(dir, "/run/bindlink");
});

for (const [mode, rounds] of [["cycle", 20], ["cycle-staged", 10]] as const) {
  Deno.test(`SIGKILL at random points of a merged create/remove loop (${mode}): the next commands leave nothing`, async () => {
    const dir = fresh("k");
    files(dir, ["Foo/Cat.txt", "Foo/Keep/own.txt", "Bar/Cow.txt", "Bar/Sub/deep.txt"]);
    const backingBefore = snapshot(`${dir}/Bar`);
    const exceptionBefore = snapshot(`${dir}/Foo/Keep`);
    const virtual = `${dir}/Foo`;
    const options = { merged: true, exceptions: [`${dir}/Foo/Keep`] };
    let halfDone = 0;
    for (let round = 0; round < rounds; round++) {
      const child = spawnWorker([mode, stateDir, virtual, `${dir}/Bar`, "0", `${dir}/Foo/Keep`]);
      const reader = child.stdout.getReader();
      const first = await reader.read(); // "ready": the loop starts now
      assert.match(decode(first.value ?? new Uint8Array()), /ready/);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
      child.kill("SIGKILL");
      await child.status;
      reader.releaseLock();
      await child.stdout.cancel();
      await child.stderr.cancel();

      const left = filesBelow(stateDir);
      if (left.some((f) => f.endsWith(".intent.json") || f.endsWith(".tmp"))) halfDone++;
      const seen = `round ${round}: the kill left ${JSON.stringify(left)}, ${
        mountsAt(virtual)
      } mounts`;
      // A create never stacks: it makes the link, or finds the one the killed loop attached.
      const made = await api.createBindLink(virtual, `${dir}/Bar`, options).catch((e) => e);
      if (!(made instanceof Error)) assert.equal(mountsAt(virtual), 1, seen);
      else {
        assert.ok(made instanceof BindLinkError, String(made));
        assert.equal(made.code, "already-exists", made.message);
        assert.equal(mountsAt(virtual), 1, `${seen}; the killed loop's link, alone`);
      }
      assert.deepEqual(ls(`${dir}/Foo/Keep`), ["own.txt"], "the exception shows its own files");
      await api.removeBindLink(virtual);
      assert.equal(mountsAt(virtual), 0, `round ${round}: remove leaves nothing mounted`);
      assert.deepEqual(mountsAt(`${dir}/Foo/Keep`), 0);
      assert.deepEqual(ls(dir), ["Bar", "Foo"], `round ${round}: no work folder is left`);
      assertClean(dir);
    }
    console.log(`${halfDone} of ${rounds} kills left a half-done operation for the next command`);
    assert.deepEqual(
      snapshot(`${dir}/Bar`),
      backingBefore,
      "the backing folder's files are unchanged",
    );
    assert.deepEqual(snapshot(`${dir}/Foo/Keep`), exceptionBefore, "the exception's files too");
    assert.equal(Deno.readTextFileSync(`${dir}/Bar/Sub/deep.txt`), "deep.txt");
    assert.equal(Deno.readTextFileSync(`${dir}/Foo/Keep/own.txt`), "own.txt");
    assert.deepEqual(ls(`${dir}/Foo`), ["Cat.txt", "Keep"]);
  });
}

Deno.test("SIGKILL at random points of a child-then-parent loop: every link still comes off, deepest first", async () => {
  const dir = fresh("n");
  files(dir, ["Foo/Cat.txt", "Foo/In/own.txt", "T1/t1.txt", "T12/t2.txt"]);
  const before = snapshot(dir);
  const [parent, child] = [`${dir}/Foo`, `${dir}/Foo/In`];
  for (let round = 0; round < 15; round++) {
    const worker = spawnWorker(["nested-cycle", stateDir, parent, `${dir}/T1`, "0", child]);
    const reader = worker.stdout.getReader();
    assert.match(decode((await reader.read()).value ?? new Uint8Array()), /ready/);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
    worker.kill("SIGKILL");
    await worker.status;
    reader.releaseLock();
    await worker.stdout.cancel();
    await worker.stderr.cancel();
    // Whatever the kill left, the links that exist come off deepest first, and nothing stays.
    for (const at of [child, parent]) {
      await api.removeBindLink(at).catch((error) => {
        assert.ok(error instanceof BindLinkError, String(error));
        assert.equal(error.code, "not-found", error.message);
      });
    }
    assert.deepEqual(mountsBelow(dir), [], `round ${round}: nothing stays mounted`);
    assert.deepEqual(snapshot(dir), before, `round ${round}: no work folder or mount point left`);
    assertClean(dir);
  }
});

Deno.test("async calls of one process are serialized: one create wins; a call waits for an async holder", async () => {
  const dir = fresh("c");
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt", "Baz/Pig.txt"]);
  const results = await Promise.allSettled([
    api.createBindLink(`${dir}/Foo`, `${dir}/Bar`),
    api.createBindLink(`${dir}/Foo`, `${dir}/Baz`),
  ]);
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
  assert.ok(lost.reason instanceof BindLinkError);
  assert.equal(lost.reason.code, "already-exists");
  assert.equal(mountsAt(`${dir}/Foo`), 1);

  // An async holder of the namespace's lock in this process (as apply is): an async remove
  // waits for it; a blocking one cannot wait without stopping it, and says so.
  const ns = NamespaceState.current(stateDir);
  let release!: () => void;
  const held = ns.lock.run(
    { command: "apply", subject: "m.json" },
    () => new Promise<void>((resolve) => release = resolve),
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  let removed = false;
  const waiting = api.removeBindLink(`${dir}/Foo`).then(() => removed = true);
  const blocking = throwsCode(() => api.removeBindLinkSync(`${dir}/Foo`), "busy");
  assert.match(blocking.message, /an unfinished asynchronous bindlink call of this process/);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(removed, false, "the remove waited for the holder");
  assert.equal(mountsAt(`${dir}/Foo`), 1);
  release();
  await held;
  await waiting;
  assert.equal(mountsAt(`${dir}/Foo`), 0);
  assertClean(dir);
});
