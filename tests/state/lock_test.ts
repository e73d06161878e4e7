/** StateLock: across processes (the kernel's lock), within one process (queue, re-entrancy). */
import assert from "node:assert/strict";
import { LockHeldByAsyncCallError, type LockWait, StateLock } from "../../lib/state/lock.ts";

const child = `
import { StateLock } from ${
  JSON.stringify(new URL("../../lib/state/lock.ts", import.meta.url).href)
};
const [path, marker] = Deno.args;
new StateLock(path).runSync({ command: "hold", subject: "/srv/held" }, () => {
  Deno.writeTextFileSync(marker, "held");
  // Hold until killed: the kernel must release the lock when this process dies.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
});
`;

async function holdInChild(dir: string): Promise<Deno.ChildProcess> {
  const script = `${dir}/child.ts`;
  Deno.writeTextFileSync(script, child);
  const marker = `${dir}/marker`;
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", script, `${dir}/lock`, marker],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  for (let i = 0; i < 3000; i++) {
    try {
      if (Deno.readTextFileSync(marker) === "held") return process;
    } catch { /* not yet */ }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the child never took the lock");
}

Deno.test("a waiter is told who holds the lock, and gets it when the holder is killed", async () => {
  const dir = Deno.makeTempDirSync();
  const holder = await holdInChild(dir);
  const waits: LockWait[] = [];
  let ran = false;
  const lock = new StateLock(`${dir}/lock`);
  const done = lock.run({
    command: "create",
    subject: "/srv/mine",
    noticeAfterMs: 50,
    onWait: (wait) => {
      waits.push(wait);
      holder.kill("SIGKILL");
    },
  }, () => {
    ran = true;
  });
  await done;
  await holder.status;
  assert.ok(ran);
  assert.equal(waits.length, 1);
  assert.equal(waits[0].holder?.command, "hold");
  assert.equal(waits[0].holder?.subject, "/srv/held");
  assert.equal(waits[0].holder?.pid, holder.pid);
  assert.equal(waits[0].command, "create");
  lock.close();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test({
  name: "the blocking form waits too, reports, and runs once the holder is gone",
  ignore: Deno.build.os === "windows", // the killer is a shell
}, async () => {
  const dir = Deno.makeTempDirSync();
  const holder = await holdInChild(dir);
  const lock = new StateLock(`${dir}/lock`);
  // The kill has to come from another process: this thread is blocked while it waits.
  const killer = new Deno.Command("sh", {
    args: ["-c", `sleep 0.3; kill -9 ${holder.pid}`],
  }).spawn();
  const waits: LockWait[] = [];
  const result = lock.runSync(
    { command: "remove", noticeAfterMs: 20, onWait: (w) => waits.push(w) },
    () => "ran",
  );
  await killer.status;
  await holder.status;
  assert.equal(result, "ran");
  assert.equal(waits.length, 1);
  assert.equal(waits[0].holder?.pid, holder.pid);
  lock.close();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("async calls in one process run one at a time, in order", async () => {
  const dir = Deno.makeTempDirSync();
  const lock = new StateLock(`${dir}/lock`);
  const events: string[] = [];
  let inside = 0;
  const task = (name: string) =>
    lock.run({ command: name }, async () => {
      inside++;
      assert.equal(inside, 1, "two holders at once");
      events.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`${name} out`);
      inside--;
    });
  await Promise.all([task("a"), task("b"), task("c")]);
  assert.deepEqual(events, ["a in", "a out", "b in", "b out", "c in", "c out"]);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("re-entrant: inside the lock, taking it again (async or blocking) does not wait", async () => {
  const dir = Deno.makeTempDirSync();
  const lock = new StateLock(`${dir}/lock`);
  const other = new StateLock(`${dir}/lock`); // another instance, same file: same lock
  const value = await lock.run({ command: "apply" }, async () => {
    await Promise.resolve();
    const inner = await other.run({ command: "create" }, () => 1);
    return inner + other.runSync({ command: "remove" }, () => 2);
  });
  assert.equal(value, 3);
  assert.equal(lock.runSync({ command: "x" }, () => lock.heldHere()), true);
  assert.equal(lock.heldHere(), false);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("a blocking call while an async call of this process holds the lock is refused", async () => {
  const dir = Deno.makeTempDirSync();
  const lock = new StateLock(`${dir}/lock`);
  let release!: () => void;
  const held = lock.run(
    { command: "apply", subject: "m.json" },
    () => new Promise<void>((resolve) => release = resolve),
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  const error = (() => {
    try {
      lock.runSync({ command: "create" }, () => {});
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof LockHeldByAsyncCallError, String(error));
  assert.match(error.message, /apply m\.json/);
  release();
  await held;
  assert.equal(lock.runSync({ command: "create" }, () => "free again"), "free again");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("an exception inside releases the lock", async () => {
  const dir = Deno.makeTempDirSync();
  const lock = new StateLock(`${dir}/lock`);
  assert.throws(() =>
    lock.runSync({ command: "x" }, () => {
      throw new Error("boom");
    }), /boom/);
  await assert.rejects(lock.run({ command: "y" }, () => Promise.reject(new Error("bang"))), /bang/);
  assert.equal(await lock.run({ command: "z" }, () => "ok"), "ok");
  Deno.removeSync(dir, { recursive: true });
});
