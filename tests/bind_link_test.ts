/** A live BindLink: what it reports, and that it removes its link once, and again on a retry. */
import assert from "node:assert/strict";
import { BindLink } from "../mod.ts";
import { FakePlatform, spec } from "./support/fake_platform.ts";

const LINK = spec("/v", "/b", { readOnly: true, exceptions: ["/v/keep"] });

Deno.test("a BindLink reports its spec, keeps its own frozen copy of the exceptions, and says so as JSON", () => {
  const exceptions = ["/v/keep"];
  const link = new BindLink({ ...LINK, exceptions }, new FakePlatform());
  exceptions.push("/v/later");
  assert.deepEqual(link.exceptions, ["/v/keep"]);
  assert.ok(Object.isFrozen(link.exceptions));
  assert.deepEqual(link.toJSON(), {
    virtualPath: "/v",
    backingPath: "/b",
    readOnly: true,
    merged: false,
    exceptions: ["/v/keep"],
    removed: false,
  });
});

Deno.test("remove() removes the link once, however often and however concurrently it is called", async () => {
  const platform = new FakePlatform([LINK]);
  const link = new BindLink(LINK, platform);
  await Promise.all([link.remove(), link.remove()]);
  await link.remove();
  link.removeSync();
  assert.deepEqual(platform.calls, ["remove /v"]);
  assert.equal(link.removed, true);
  assert.equal(link.toJSON().removed, true);
});

Deno.test("a failed remove() leaves the link not removed, and the next call tries again", async () => {
  const platform = new FakePlatform([LINK]);
  const link = new BindLink(LINK, platform);
  platform.failNextRemove = new Error("busy");
  await assert.rejects(link.remove(), /busy/);
  assert.equal(link.removed, false);
  await link.remove();
  assert.equal(link.removed, true);
  assert.deepEqual(platform.calls, ["remove /v", "remove /v"]);
});

Deno.test("a failed removeSync() can be retried too", () => {
  const platform = new FakePlatform([LINK]);
  const link = new BindLink(LINK, platform);
  platform.failNextRemove = new Error("busy");
  assert.throws(() => link.removeSync(), /busy/);
  assert.equal(link.removed, false);
  link.removeSync();
  assert.equal(link.removed, true);
  assert.deepEqual(platform.calls, ["remove /v", "remove /v"]);
});

Deno.test("using and await using remove the link when the scope ends, also by an exception", async () => {
  const platform = new FakePlatform([LINK, spec("/w", "/b")]);
  {
    using _link = new BindLink(LINK, platform);
  }
  await assert.rejects(async () => {
    await using _link = new BindLink(spec("/w", "/b"), platform);
    throw new Error("the scope fails");
  }, /the scope fails/);
  assert.deepEqual(platform.calls, ["remove /v", "remove /w"]);
  assert.equal(platform.links.size, 0);
});
