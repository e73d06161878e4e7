/**
 * lib/native_library.ts: the library opens on first use, a nonblocking call keeps its buffers
 * and the library alive until it settles, and a close asked for meanwhile waits for the last
 * call in flight. The library is the real libc, its `usleep` the call that takes time.
 */
import assert from "node:assert/strict";
import { NativeLibrary } from "../lib/native_library.ts";
import { libcPath } from "../lib/linux/libc_ffi.ts";

const linux = Deno.build.os === "linux";
const gc = (globalThis as { gc?: () => void }).gc;

const symbols = {
  /** int usleep(useconds_t usec) */
  usleep: { parameters: ["u32" /* useconds_t usec */], result: "i32", nonblocking: true },
} as const satisfies Deno.ForeignLibraryInterface;

/** A NativeLibrary over libc that counts how often it was opened and closed. */
function counted() {
  const counts = { opens: 0, closes: 0 };
  const library = new NativeLibrary(() => {
    counts.opens++;
    const opened = Deno.dlopen(libcPath(), symbols);
    const close = opened.close.bind(opened);
    opened.close = () => {
      counts.closes++;
      close();
    };
    return opened;
  });
  return { library, counts };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

Deno.test(
  { name: "NativeLibrary opens on first use, once, and again after close", ignore: !linux },
  () => {
    const { library, counts } = counted();
    assert.equal(counts.opens, 0, "constructing opens nothing");
    assert.equal(library.isOpen, false);
    const first = library.symbols;
    assert.equal(library.symbols, first, "the second use reuses the handle");
    assert.equal(counts.opens, 1);
    assert.ok(library.isOpen);
    library.close();
    assert.deepEqual(counts, { opens: 1, closes: 1 });
    assert.equal(library.isOpen, false);
    library.close();
    assert.equal(counts.closes, 1, "closing a closed library does nothing");
    library.symbols;
    assert.equal(counts.opens, 2);
    library.close();
  },
);

Deno.test(
  { name: "NativeLibrary.close waits for the last call in flight", ignore: !linux },
  async () => {
    const { library, counts } = counted();
    const short = library.track({}, (s) => s.usleep(50_000));
    const long = library.track({}, (s) => s.usleep(200_000));
    assert.equal(counts.opens, 1, "both calls share one handle");
    library.close();
    assert.equal(counts.closes, 0, "not while two calls are in flight");
    assert.ok(library.isOpen);
    await short;
    assert.equal(counts.closes, 0, "not while one call is still in flight");
    assert.ok(library.isOpen);
    await long;
    assert.equal(counts.closes, 1, "closed once the last call settled");
    assert.equal(library.isOpen, false);
  },
);

Deno.test({
  name: "NativeLibrary: a failed call still lets the deferred close happen",
  ignore: !linux,
}, async () => {
  const { library, counts } = counted();
  const failing = library.track({}, async (s) => {
    await s.usleep(20_000);
    throw new Error("the call failed");
  });
  library.close();
  await assert.rejects(failing, /the call failed/);
  assert.equal(counts.closes, 1);
  assert.equal(library.isOpen, false);
});

Deno.test(
  { name: "NativeLibrary: a use after the close was asked for cancels it", ignore: !linux },
  async () => {
    const { library, counts } = counted();
    const call = library.track({}, (s) => s.usleep(20_000));
    library.close();
    library.symbols; // someone needs the library again before the call settled
    await call;
    assert.equal(counts.closes, 0, "the library stays open for its new user");
    assert.ok(library.isOpen);
    library.close();
    assert.equal(counts.closes, 1);
  },
);

Deno.test({
  name: "NativeLibrary.track keeps the call's buffers alive until it settles " +
    "(skipped without --expose-gc)",
  ignore: !linux || gc === undefined,
}, async () => {
  const { library } = counted();
  // Made in a function so that only the weak references and track know the buffers.
  const start = () => {
    const pinned = new Uint8Array(1 << 20);
    const unpinned = new Uint8Array(1 << 20);
    const call = library.track({ pinned }, (s) => s.usleep(300_000));
    return { call, pinned: new WeakRef(pinned), unpinned: new WeakRef(unpinned) };
  };
  const { call, pinned, unpinned } = start();
  await tick(); // a WeakRef's target is kept until the task that made it has ended
  gc!();
  assert.equal(unpinned.deref(), undefined, "the garbage collector did run");
  assert.ok(pinned.deref() !== undefined, "the buffer of the call in flight was kept");
  await call;
  await tick();
  gc!();
  assert.equal(pinned.deref(), undefined, "released once the call settled");
  library.close();
});
