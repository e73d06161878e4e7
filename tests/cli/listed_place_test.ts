/**
 * Where a link given by one path is listed when a symlink on that path leads elsewhere, and
 * that the listing is asked only then. On a temporary folder with real symlinks.
 */
import assert from "node:assert/strict";
import { ifOther, listedAt } from "../../lib/cli/listed_place.ts";
import { windowsPlatform } from "../../mod.ts";
import { FakePlatform, spec } from "../support/fake_platform.ts";

// The fake platform has Linux's path rules, and symlinks on Windows need a privilege: the
// symlink cases run where both hold (ifOther below covers Windows' rules too).
const ignore = Deno.build.os === "windows";

/** A folder with `real/` and `b/`, and the symlinks `vl -> real` and `bl -> b`. */
async function folder(): Promise<string & AsyncDisposable> {
  const dir = Deno.realPathSync(await Deno.makeTempDir());
  await Deno.mkdir(`${dir}/real`);
  await Deno.mkdir(`${dir}/b`);
  await Deno.symlink(`${dir}/real`, `${dir}/vl`);
  await Deno.symlink(`${dir}/b`, `${dir}/bl`);
  return Object.assign(dir, {
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  }) as string & AsyncDisposable;
}

Deno.test({ name: "listedAt: plain paths cost no listing and give nothing", ignore }, async () => {
  await using dir = await folder();
  const platform = new FakePlatform([spec(`${dir}/real`, `${dir}/b`)]);
  assert.equal(await listedAt(platform, `${dir}/real`, `${dir}/b`), undefined);
  assert.equal(await listedAt(platform, `${dir}/missing`), undefined);
  assert.deepEqual(platform.calls, []);
});

Deno.test({
  name: "listedAt: a symlinked virtual path gives the link listed where it leads",
  ignore,
}, async () => {
  await using dir = await folder();
  const link = spec(`${dir}/real`, `${dir}/b`);
  const platform = new FakePlatform([spec("/other", "/b"), link]);
  assert.equal(await listedAt(platform, `${dir}/vl`), link);
  assert.equal(await listedAt(new FakePlatform(), `${dir}/vl`), undefined, "none listed there");
});

Deno.test({
  name: "listedAt: a symlinked backing path alone also looks the virtual path up",
  ignore,
}, async () => {
  await using dir = await folder();
  const link = spec(`${dir}/real`, `${dir}/b`);
  const platform = new FakePlatform([link]);
  assert.equal(await listedAt(platform, `${dir}/real`, `${dir}/bl`), link);
  assert.deepEqual(platform.calls, ["list"]);
});

Deno.test("ifOther: another place is named, another spelling of the same place is not", () => {
  const linux = new FakePlatform();
  assert.equal(ifOther(linux, "/srv/vl", "/srv/v"), "/srv/v");
  assert.equal(ifOther(linux, "/srv/v", "/srv/v"), undefined);
  assert.equal(ifOther(linux, "/srv/V", "/srv/v"), "/srv/v", "Linux names differ by case");
  assert.equal(ifOther(linux, "/srv/v", undefined), undefined);
  const windows = windowsPlatform({ volumes: [] });
  assert.equal(ifOther(windows, "C:\\Foo", "C:\\FOO"), undefined, "Windows names do not");
  windows.close();
});
