/**
 * BindLinkApi over a plain-data platform: the resolved link is what reaches the platform and
 * what comes back, the sync and async calls do the same, `list` keeps the path and what lies
 * below it, and disposing closes the platform.
 */
import assert from "node:assert/strict";
import { BindLinkApi } from "../mod.ts";
import { FakePlatform, spec } from "./support/fake_platform.ts";
import { rejectsCode } from "./support/expect_error.ts";

Deno.test("create resolves the paths against the platform's cwd and returns the link it made", async () => {
  const platform = new FakePlatform();
  const api = new BindLinkApi(platform);
  const link = await api.createBindLink("v", "/b/", { merged: true, exceptions: ["v/x"] });
  const made = api.createBindLinkSync("/w", "b", { readOnly: true });
  assert.deepEqual(platform.calls, ["create /work-dir/v", "create /w"]);
  assert.deepEqual(platform.links.get("/work-dir/v"), {
    virtualPath: "/work-dir/v",
    backingPath: "/b",
    readOnly: false,
    merged: true,
    exceptions: ["/work-dir/v/x"],
  });
  assert.deepEqual(
    [link.virtualPath, link.backingPath, link.merged, made.backingPath, made.readOnly],
    ["/work-dir/v", "/b", true, "/work-dir/b", true],
  );
  await link.remove();
  assert.equal(
    platform.calls.at(-1),
    "remove /work-dir/v",
    "the link removes through the platform",
  );
});

Deno.test("bad arguments are refused before the platform is asked", async () => {
  const platform = new FakePlatform();
  const api = new BindLinkApi(platform);
  await rejectsCode(api.createBindLink("/same", "/same/"), "invalid-path");
  await rejectsCode(api.removeBindLink(""), "invalid-path");
  assert.deepEqual(platform.calls, []);
});

Deno.test("remove and removeSync take the resolved path", async () => {
  const platform = new FakePlatform([spec("/work-dir/v", "/b"), spec("/w", "/b")]);
  const api = new BindLinkApi(platform);
  await api.removeBindLink("v/");
  api.removeBindLinkSync("/x/../w");
  assert.deepEqual(platform.calls, ["remove /work-dir/v", "remove /w"]);
  assert.equal(platform.links.size, 0);
});

Deno.test("list { path } keeps the link at the path and those below it, not its neighbours", async () => {
  const links = ["/srv", "/srv/app", "/srv/app/data", "/srv/app2", "/opt"].map((v) =>
    spec(v, "/b")
  );
  const api = new BindLinkApi(new FakePlatform(links));
  const virtual = (list: { virtualPath: string }[]) => list.map((l) => l.virtualPath);
  assert.deepEqual(virtual(await api.listBindLinks({ path: "/srv/app/" })), [
    "/srv/app",
    "/srv/app/data",
  ]);
  assert.deepEqual(virtual(api.listBindLinksSync({ path: "/srv/app" })), [
    "/srv/app",
    "/srv/app/data",
  ]);
  assert.equal((await api.listBindLinks()).length, 5);
  assert.equal(api.listBindLinksSync().length, 5);
});

Deno.test("disposing the API closes the platform", () => {
  const platform = new FakePlatform();
  {
    using api = new BindLinkApi(platform);
    assert.equal(api.platform, platform);
  }
  assert.equal(platform.closed, 1);
});
