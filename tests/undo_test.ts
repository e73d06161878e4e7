/** lib/undo.ts: the one undo mechanism, synchronous and asynchronous steps. */
import assert from "node:assert/strict";
import { UndoList } from "../lib/undo.ts";

Deno.test("rollback undoes newest first and goes on past a failing step", () => {
  const done: string[] = [];
  const undo = new UndoList();
  undo.push(() => void done.push("a"));
  undo.push(() => {
    throw new Error("b failed");
  });
  undo.push(() => void done.push("c"));
  const errors = undo.rollback();
  assert.deepEqual(done, ["c", "a"]);
  assert.deepEqual(errors.map((e) => (e as Error).message), ["b failed"]);
  assert.deepEqual(undo.rollback(), [], "nothing is undone twice");
});

Deno.test("rollback counts an asynchronous step as failed: it could not be waited for", () => {
  const undo = new UndoList();
  undo.push(() => Promise.resolve());
  const errors = undo.rollback();
  assert.match((errors[0] as Error).message, /rollbackAsync/);
});

Deno.test("rollbackAsync awaits each step, newest first; stopAtFirst ends at the first error", async () => {
  const done: string[] = [];
  const steps = (undo: UndoList) => {
    undo.push(async () => void done.push(await Promise.resolve("a")));
    undo.push(() => Promise.reject(new Error("b failed")));
    undo.push(async () => void done.push(await Promise.resolve("c")));
  };
  const all = new UndoList();
  steps(all);
  assert.deepEqual((await all.rollbackAsync()).map((e) => (e as Error).message), ["b failed"]);
  assert.deepEqual(done, ["c", "a"]);
  done.length = 0;
  const first = new UndoList();
  steps(first);
  assert.equal((await first.rollbackAsync(true)).length, 1);
  assert.deepEqual(done, ["c"], "the step before the failed one is not run");
  assert.deepEqual(await first.rollbackAsync(), [], "and not left for later");
});

Deno.test("commit forgets every step", async () => {
  const undo = new UndoList();
  undo.push(() => {
    throw new Error("must not run");
  });
  undo.commit();
  assert.deepEqual(await undo.rollbackAsync(), []);
});
