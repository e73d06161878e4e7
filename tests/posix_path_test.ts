/**
 * lib/posix_path.ts answers as node:path's posix does, over every combination of a set of
 * awkward inputs (roots, repeated and trailing slashes, `.`, `..` above the root, empty).
 */
import assert from "node:assert/strict";
import nodePath from "node:path";
import path from "../lib/posix_path.ts";

const INPUTS = [
  "",
  "/",
  "//",
  "///",
  ".",
  "..",
  "a",
  "a/",
  "/a",
  "/a/",
  "//a",
  "/a//b",
  "/a/./b/",
  "/a/../b",
  "/../a",
  "../a/b",
  "a/../..",
  "/a/b/c",
  "/a/b/c/..",
  "/a/bc",
  "/a/b/../../..",
  "./a/.",
  "/srv/app",
  "/srv/app/",
  "/srv/application",
  "/srv/app/x/y",
  "/.bindlink-work",
  "é/ü",
];

for (const name of ["dirname", "basename"] as const) {
  Deno.test(`posix_path: ${name} as node:path`, () => {
    for (const input of INPUTS) {
      assert.equal(path.posix[name](input), nodePath.posix[name](input), `${name}(${input})`);
    }
  });
}

// resolve and relative of relative paths use the current folder, which on Windows Deno is a
// Windows path: lib/posix_path.ts serves the Linux backend, so they are compared on Linux.
const onWindows = Deno.build.os === "windows";

for (const name of ["join", "resolve", "relative"] as const) {
  Deno.test({
    name: `posix_path: ${name} as node:path, for every pair${
      onWindows && name !== "join" ? " (skipped: Linux backend only)" : ""
    }`,
    ignore: onWindows && name !== "join",
  }, () => {
    for (const a of INPUTS) {
      for (const b of INPUTS) {
        assert.equal(
          path.posix[name](a, b),
          nodePath.posix[name](a, b),
          `${name}(${JSON.stringify(a)}, ${JSON.stringify(b)})`,
        );
      }
    }
  });
}

Deno.test({
  name: `posix_path: join and resolve of one and three arguments as node:path${
    onWindows ? " (skipped: Linux backend only)" : ""
  }`,
  ignore: onWindows,
}, () => {
  for (const a of INPUTS) {
    assert.equal(path.posix.resolve(a), nodePath.posix.resolve(a), `resolve(${a})`);
    assert.equal(path.posix.join(a), nodePath.posix.join(a), `join(${a})`);
    for (const c of ["x", "../y", "/z", ""]) {
      assert.equal(path.posix.join(a, "m", c), nodePath.posix.join(a, "m", c));
      assert.equal(path.posix.resolve(a, "m", c), nodePath.posix.resolve(a, "m", c));
    }
  }
  assert.equal(path.posix.join(), nodePath.posix.join());
  assert.equal(path.posix.resolve(), nodePath.posix.resolve());
});
