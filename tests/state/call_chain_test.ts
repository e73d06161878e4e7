/**
 * The locks an async call chain holds (lib/state/call_chain.ts): what `run` stores is seen
 * after every kind of await inside it, and nowhere outside it, not even by work that runs
 * while it is suspended. StateLock's re-entrancy across awaits rests on exactly this.
 */
import assert from "node:assert/strict";
import { heldLocks } from "../../lib/state/call_chain.ts";

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

Deno.test("inside run the held set is seen after awaits of promises, timers and nested calls", async () => {
  const lock = {};
  const seen = await heldLocks.run(new Set([lock]), async () => {
    const before = heldLocks.getStore()?.has(lock);
    await Promise.resolve();
    const afterMicrotask = heldLocks.getStore()?.has(lock);
    await tick();
    const afterTimer = heldLocks.getStore()?.has(lock);
    const inNested = await (async () => {
      await tick();
      return heldLocks.getStore()?.has(lock);
    })();
    return [before, afterMicrotask, afterTimer, inNested];
  });
  assert.deepEqual(seen, [true, true, true, true]);
});

Deno.test("outside run nothing is held: not before, not after, not while it awaits", async () => {
  const lock = {};
  assert.equal(heldLocks.getStore(), undefined);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const inside = heldLocks.run(new Set([lock]), async () => {
    await gate;
    return heldLocks.getStore()?.has(lock);
  });
  // The chain above is suspended at its await: code here is not part of it.
  assert.equal(heldLocks.getStore(), undefined);
  await tick();
  assert.equal(heldLocks.getStore(), undefined);
  release();
  assert.equal(await inside, true);
  assert.equal(heldLocks.getStore(), undefined);
});

Deno.test("two chains each see only their own set, and a nested run adds to the outer one only inside", async () => {
  const a = {};
  const b = {};
  const chain = (lock: object) =>
    heldLocks.run(new Set([lock]), async () => {
      await tick();
      return [...heldLocks.getStore() ?? []];
    });
  const [first, second] = await Promise.all([chain(a), chain(b)]);
  assert.deepEqual(first, [a]);
  assert.deepEqual(second, [b]);

  const outer = await heldLocks.run(new Set([a]), async () => {
    const inner = await heldLocks.run(new Set([...heldLocks.getStore()!, b]), async () => {
      await tick();
      return heldLocks.getStore()?.has(b);
    });
    await tick();
    return { inner, outerHasB: heldLocks.getStore()?.has(b) };
  });
  assert.deepEqual(outer, { inner: true, outerHasB: false });
});
