/**
 * libc's symbol table (lib/linux/libc_ffi.ts) through LazyLibrary (lib/native_library.ts):
 * a call binds its own symbol only, errno's reader first; every group's table loads; and
 * closing lets the next call bind again.
 */
import assert from "node:assert/strict";
import { LazyLibrary } from "../../lib/native_library.ts";
import { libcGroups, openLibc } from "../../lib/linux/libc_ffi.ts";
import { libc, libcLibrary } from "../../lib/linux/syscall.ts";

const linux = Deno.build.os === "linux";

Deno.test({
  name: "libc: a call binds its own symbol and no other",
  ignore: !linux,
  fn() {
    const opened: string[] = [];
    const library = new LazyLibrary(libcGroups, (table) => {
      opened.push(Object.keys(table).join(","));
      return openLibc(table);
    });
    try {
      assert.deepEqual(library.boundSymbols, []);
      assert.deepEqual(library.symbols.geteuid(), Deno.uid());
      assert.deepEqual(library.boundSymbols, ["geteuid"]);
      // The same symbol again binds nothing more; another of its group binds itself alone.
      assert.deepEqual(library.symbols.geteuid(), Deno.uid());
      assert(library.symbols.close(-1) === -1);
      assert.deepEqual(library.symbols.getppid(), Deno.ppid);
      assert.deepEqual(library.boundSymbols, ["geteuid", "close", "getppid"]);
      assert.deepEqual(opened, ["geteuid", "close", "getppid"]);
    } finally {
      library.close();
    }
    assert.deepEqual(library.boundSymbols, []);
  },
});

Deno.test({
  name: "libc: errno's reader is bound before a call that could fail",
  ignore: !linux,
  fn() {
    const library = new LazyLibrary(libcGroups, openLibc, "__errno_location");
    try {
      // unlinkat of a name that does not exist fails with ENOENT; reading errno must then find
      // __errno_location already bound, without a dlopen between the call and the read.
      const failed = library.symbols.unlinkat(
        -100, // AT_FDCWD
        new TextEncoder().encode("/nonexistent-bindlink-test/a\0"),
        0,
      );
      assert.equal(failed, -1);
      assert.deepEqual(library.boundSymbols, ["__errno_location", "unlinkat"]);
      const at = library.symbols.__errno_location();
      assert.equal(new Deno.UnsafePointerView(at!).getInt32(), 2 /* ENOENT */);
      assert.deepEqual(library.boundSymbols, ["__errno_location", "unlinkat"]);
    } finally {
      library.close();
    }
  },
});

Deno.test({
  name: "libc: after close a symbol is bound again and still works",
  ignore: !linux,
  fn() {
    let opens = 0;
    const library = new LazyLibrary(libcGroups, (table) => (opens++, openLibc(table)));
    try {
      const first = library.symbols.geteuid;
      assert.deepEqual(first(), Deno.uid());
      library.close();
      assert.deepEqual(library.symbols.geteuid(), Deno.uid());
      assert.deepEqual(opens, 2);
    } finally {
      library.close();
    }
  },
});

Deno.test({
  name: "libc: every group's table loads, and the groups share no symbol",
  ignore: !linux,
  fn() {
    const seen = new Set<string>();
    for (const [name, table] of Object.entries(libcGroups)) {
      for (const symbol of Object.keys(table)) {
        assert(!seen.has(symbol), `${symbol} is in two groups (the second is ${name})`);
        seen.add(symbol);
      }
      openLibc(table).close();
    }
  },
});

Deno.test({
  name: "libc: the process's libc() reaches symbols of every group by name",
  ignore: !linux,
  fn() {
    assert.deepEqual(libc().geteuid(), Deno.uid());
    assert(libcLibrary.boundSymbols.includes("geteuid"));
    assert.deepEqual(typeof libc().fsmount, "function");
    assert(libcLibrary.boundSymbols.includes("fsmount"));
  },
});

Deno.test("LazyLibrary: a symbol whose library cannot load fails on first use, not before", () => {
  const library = new LazyLibrary({
    missing: { nothing_here_at_all: { parameters: [], result: "void" } },
  }, (table) => Deno.dlopen("/nonexistent/bindlink-test-library.so", table));
  assert.deepEqual(library.boundSymbols, []);
  assert.throws(() => library.symbols.nothing_here_at_all());
  library.close();
});
