/**
 * Ordering and planning, pure: which link is made first, how the live links differ from the
 * manifest, and what a replace must take off first. Paths are compared by the platform's
 * rules only (Windows case-insensitively).
 */
import assert from "node:assert/strict";
import { type BindLinkInfo, type LinkSpec, linuxPlatform, windowsPlatform } from "../../mod.ts";
import { compareLink, orderLinks, planApply } from "../../lib/manifest/plan.ts";
import { ManifestError } from "../../lib/manifest/manifest_error.ts";

const posix = linuxPlatform().paths;
const windows = windowsPlatform().paths;

function spec(virtualPath: string, backingPath: string, extra: Partial<LinkSpec> = {}): LinkSpec {
  return { virtualPath, backingPath, readOnly: false, merged: false, exceptions: [], ...extra };
}

function info(virtualPath: string, backingPath: string, extra: Partial<BindLinkInfo> = {}) {
  return { virtualPath, backingPath, readOnly: false, merged: false, exceptions: [], ...extra };
}

const order = (links: LinkSpec[], rules = posix) => orderLinks(links, rules).map((l) => l.index);

Deno.test("independent links keep the manifest's order", () => {
  assert.deepEqual(order([spec("/c", "/x"), spec("/a", "/y"), spec("/b", "/z")]), [0, 1, 2]);
});

Deno.test("a link below another link's virtual path is made after it", () => {
  assert.deepEqual(order([spec("/a/b/c", "/x"), spec("/a/b", "/y"), spec("/a", "/z")]), [2, 1, 0]);
  // A sibling whose name only starts the same is not below.
  assert.deepEqual(order([spec("/ab", "/x"), spec("/a", "/y")]), [0, 1]);
});

Deno.test("a link that shows another link's virtual path, or below it, is made after it", () => {
  assert.deepEqual(order([spec("/view", "/stage"), spec("/stage", "/data")]), [1, 0]);
  assert.deepEqual(order([spec("/view", "/stage/sub"), spec("/stage", "/data")]), [1, 0]);
  // Chains resolve fully: 0 shows 1's, 1 shows 2's.
  assert.deepEqual(
    order([spec("/one", "/two"), spec("/two", "/three"), spec("/three", "/data")]),
    [2, 1, 0],
  );
});

Deno.test("Windows ordering compares as Windows does: case-insensitively", () => {
  assert.deepEqual(
    order([spec("C:\\View", "c:\\STAGE\\x"), spec("C:\\Stage", "D:\\Data")], windows),
    [1, 0],
  );
  assert.deepEqual(order([spec("C:\\A\\b", "D:\\x"), spec("c:\\a", "D:\\y")], windows), [1, 0]);
});

Deno.test("links that show each other in a circle are refused, naming them", () => {
  try {
    orderLinks([spec("/a", "/b"), spec("/b", "/a/x"), spec("/c", "/d")], posix, "apply", "m.json");
    assert.fail("a circle was accepted");
  } catch (error) {
    assert.ok(error instanceof ManifestError);
    assert.equal(error.code, "invalid-argument");
    assert.equal(
      error.summary,
      "m.json: links[0] (/a), links[1] (/b) each show or lie inside another of them, in a " +
        "circle, so none can be made first",
    );
  }
});

Deno.test("compareLink: missing, other backing, other flags, exceptions where listed", () => {
  const want = spec("/v", "/b", { readOnly: true, exceptions: ["/v/keep"] });
  assert.equal(compareLink(want, undefined, posix, true), "missing");
  assert.equal(
    compareLink(want, info("/v", "/other", { readOnly: true }), posix, true),
    "other-backing",
  );
  assert.equal(compareLink(want, info("/v", "/b"), posix, true), "other-flags");
  assert.equal(compareLink(want, info("/v", "/b", { readOnly: true }), posix, true), "other-flags");
  assert.equal(
    compareLink(want, info("/v", "/b", { readOnly: true, exceptions: ["/v/keep"] }), posix, true),
    undefined,
  );
  // Windows' listing has no exceptions: they are not compared there.
  const w = spec("C:\\V", "D:\\B", { exceptions: ["C:\\V\\keep"] });
  assert.equal(compareLink(w, info("c:\\v", "d:\\b"), windows, false), undefined);
  assert.equal(
    compareLink(w, info("c:\\v", "d:\\b", { merged: true }), windows, false),
    "other-flags",
  );
});

Deno.test("planApply: create, unchanged and drift, in making order", () => {
  const links = [spec("/a/b", "/x"), spec("/a", "/y"), spec("/c", "/z")];
  const live = [info("/a", "/y"), info("/c", "/elsewhere"), info("/unrelated", "/q")];
  const plan = planApply(links, live, posix, true);
  assert.deepEqual(plan.links.map((p) => [p.index, p.action]), [
    [1, "unchanged"],
    [0, "create"],
    [2, "replace"],
  ]);
  assert.deepEqual(plan.drift.map((p) => [p.index, p.problem, p.live?.backingPath]), [
    [2, "other-backing", "/elsewhere"],
  ]);
  assert.deepEqual(plan.blockers, []);
});

Deno.test("planApply: links below a replaced one come off and go back; others' links block", () => {
  const links = [spec("/a", "/new"), spec("/a/b", "/x")];
  const live = [info("/a", "/old"), info("/a/b", "/x"), info("/a/foreign", "/f")];
  const plan = planApply(links, live, posix, true);
  assert.deepEqual(plan.links.map((p) => [p.index, p.action, p.becauseOf]), [
    [0, "replace", undefined],
    [1, "replace", 0],
  ]);
  assert.deepEqual(plan.drift.map((p) => p.index), [0], "only the real drift is drift");
  assert.deepEqual(plan.blockers.map((b) => [b.live.virtualPath, b.below.index]), [[
    "/a/foreign",
    0,
  ]]);
});
