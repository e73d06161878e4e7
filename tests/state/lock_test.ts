/** StateLock: across processes (the kernel's lock), within one process (queue, re-entrancy). */
import assert from "node:assert/strict";
import { StateLock } from "../../lib/state/lock.ts";
import {
  describeLockWait,
  LockHeldByAsyncCallError,
  type LockWait,
} from "../../lib/state/lock_wait.ts";
import { hostProcessFacts } from "../../lib/state/place.ts";

const processFacts = await hostProcessFacts();
const href = (file: string) => JSON.stringify(new URL(file, import.meta.url).href);

// A bindlink command holding the lock, with its record; `end` makes it let go and exit.
const child = `
import { StateLock } from ${href("../../lib/state/lock.ts")};
import { hostProcessFacts } from ${href("../../lib/state/place.ts")};
const [path, marker, mode] = Deno.args;
const lock = new StateLock(path, { processFacts: await hostProcessFacts() });
lock.runSync({ command: "hold", subject: "/srv/held" }, () => {
  Deno.writeTextFileSync(marker, "held");
  if (mode === "end") return;
  // Hold until killed: the kernel must release the lock when this process dies.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
});
`;

// Another program: takes the lock and writes nothing into the file.
const stranger = `
const [path, marker] = Deno.args;
const file = Deno.openSync(path, { read: true, write: true });
file.lockSync(true);
Deno.writeTextFileSync(marker, "held");
for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
`;

async function holdInChild(
  dir: string,
  source = child,
  mode = "hold",
): Promise<Deno.ChildProcess> {
  const script = `${dir}/child-${mode}.ts`;
  Deno.writeTextFileSync(script, source);
  const marker = `${dir}/marker`;
  try {
    Deno.removeSync(marker);
  } catch { /* first one */ }
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script, `${dir}/lock`, marker, mode],
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
  const lock = new StateLock(`${dir}/lock`, { processFacts });
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
  const lock = new StateLock(`${dir}/lock`, { processFacts });
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
  let inside = false;
  const held = lock.run(
    { command: "apply", subject: "m.json" },
    () => new Promise<void>((resolve) => (inside = true, release = resolve)),
  );
  // However slow the file lock (Wine's is), the holder is inside before the blocking call.
  while (!inside) await new Promise((resolve) => setTimeout(resolve, 1));
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

Deno.test("a blocking call while an async call of this process waits for the lock is refused, never left waiting", async () => {
  const dir = Deno.makeTempDirSync();
  const lock = new StateLock(`${dir}/lock`);
  // The async call has not taken the file lock yet (it may be taking it on a worker thread):
  // a blocking wait here would stop the event loop that call needs to finish.
  const held = lock.run({ command: "apply", subject: "m.json" }, () => "done");
  assert.throws(
    () => lock.runSync({ command: "create" }, () => "ran"),
    (error: unknown) =>
      error instanceof LockHeldByAsyncCallError && /or about to be/.test(error.message),
  );
  assert.equal(await held, "done");
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

Deno.test("a record of a holder that is gone names no one: the waiter says only that the lock is held", async () => {
  const dir = Deno.makeTempDirSync();
  for (const before of ["end", "hold"]) {
    // A bindlink command held the lock and let go ("end"), or was killed holding it ("hold").
    const first = await holdInChild(dir, child, before);
    if (before === "hold") first.kill("SIGKILL");
    await first.status;
    // Then a program that writes no record takes the lock.
    const other = await holdInChild(dir, stranger, "stranger");
    const waits: LockWait[] = [];
    const lock = new StateLock(`${dir}/lock`, { processFacts });
    await lock.run({
      command: "create",
      subject: "/srv/new\nline",
      noticeAfterMs: 50,
      onWait: (wait) => {
        waits.push(wait);
        other.kill("SIGKILL");
      },
    }, () => {});
    await other.status;
    lock.close();
    assert.equal(waits.length, 1, before);
    assert.equal(waits[0].holder, undefined, `${before}: ${JSON.stringify(waits[0].holder)}`);
    const line = describeLockWait(waits[0]);
    assert.ok(!line.includes(String(first.pid)), line);
    assert.match(
      line,
      /^bindlink create \/srv\/new\\nline waits: the lock .*lock is held by another process/,
    );
  }
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("a holder is named only with this system's facts to prove it runs, and its line says so", async () => {
  const dir = Deno.makeTempDirSync();
  const holder = await holdInChild(dir);
  try {
    assert.equal(new StateLock(`${dir}/lock`).holderNow(), undefined, "no facts: no name");
    const named = new StateLock(`${dir}/lock`, { processFacts }).holderNow();
    assert.equal(named?.pid, holder.pid);
    assert.match(
      describeLockWait({ path: "/l", command: "remove", waitedMs: 1, holder: named }),
      new RegExp(
        `^bindlink remove waits for bindlink hold /srv/held \\(process ${holder.pid}, since `,
      ),
    );
  } finally {
    holder.kill("SIGKILL");
    await holder.status;
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runWhenFree holds the lock for synchronous work, queues behind an async holder, and is re-entrant inside run", async () => {
  const dir = Deno.makeTempDirSync();
  const lock = new StateLock(`${dir}/lock`);
  // Uncontended, the work holds the lock while it runs; closing the descriptor after each hold
  // (the default, as Windows needs) it runs after the call returns.
  let ran = false;
  const done = lock.runWhenFree({ command: "create" }, () => {
    ran = true;
    return lock.heldHere();
  });
  assert.equal(ran, false);
  assert.equal(await done, true);
  assert.equal(lock.heldHere(), false);
  if (Deno.build.os !== "windows") {
    // Kept open (flock unlocks cleanly), an uncontended hold runs before the call returns.
    const kept = new StateLock(`${dir}/kept.lock`, { keepOpen: true });
    let now = false;
    const held = kept.runWhenFree({ command: "create" }, () => (now = true) && kept.heldHere());
    assert.equal(now, true);
    assert.equal(await held, true);
    kept.close();
  }
  // Behind an async holder of this process it waits, without blocking, for it to let go.
  const events: string[] = [];
  let release!: () => void;
  const holder = lock.run({ command: "apply" }, async () => {
    events.push("apply in");
    await new Promise<void>((resolve) => release = resolve);
    events.push("apply out");
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const queued = lock.runWhenFree({ command: "remove" }, () => events.push("remove"));
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(events, ["apply in"]);
  release();
  await Promise.all([holder, queued]);
  assert.deepEqual(events, ["apply in", "apply out", "remove"]);
  // Inside an async hold (across an await) it runs at once.
  const inner = await lock.run({ command: "apply" }, async () => {
    await Promise.resolve();
    return await lock.runWhenFree({ command: "create" }, () => "inside");
  });
  assert.equal(inner, "inside");
  lock.close();
  Deno.removeSync(dir, { recursive: true });
});
