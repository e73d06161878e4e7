/**
 * Symlinks and races (#8, point 6): a path component that someone else can write is swapped
 * between symlinks to two places, in a loop, while links are made through it. bindlink resolves each path
 * once and works on descriptors from then on, so every link lands wholly on the place its
 * path resolved to at that moment: the mount, its anchor and its exception, together, and
 * exactly where bindlink reports it. Nothing lands anywhere else, and nothing is left.
 */
import assert from "node:assert/strict";
import { BindLinkError } from "../../mod.ts";
import { readMountInfo } from "../support/mountinfo.ts";
import { api, assertClean, files, fresh, ls } from "./e2e_support.ts";

Deno.test("a component swapped for a symlink in a loop: no mount ever lands outside the place reported", async () => {
  const dir = fresh("race");
  // `a` points to the folder `inside` at one moment and to `outside` the next (each swap
  // one atomic rename over it, and for a moment no `a` at all).
  files(dir, ["inside/Keep/mine.txt", "outside/Keep/theirs.txt", "Bar/Cow.txt", "Bar/Keep/b.txt"]);
  Deno.symlinkSync(`${dir}/inside`, `${dir}/a`);
  Deno.symlinkSync(`${dir}/inside`, `${dir}/to-inside`);
  Deno.symlinkSync(`${dir}/outside`, `${dir}/to-outside`);
  const swapper = new Deno.Command("sh", {
    args: [
      "-c",
      `cd ${dir} && while :; do cp -P to-outside n; mv -T n a; rm a; cp -P to-inside n; mv -T n a; done`,
    ],
  }).spawn();
  const landed = { inside: 0, outside: 0, refused: 0 };
  try {
    for (let round = 0; round < 150; round++) {
      const plain = round % 2 === 0;
      const virtual = `${dir}/a/${plain ? "Keep" : "New"}`;
      try {
        await api.createBindLink(virtual, `${dir}/Bar`, plain ? {} : { readOnly: true });
      } catch (error) {
        // `a` was missing at that moment: refused, and nothing was made.
        assert.ok(error instanceof BindLinkError, String(error));
        assert.equal(error.code, "not-found", error.message);
        landed.refused++;
        continue;
      }
      const listed = await api.listBindLinks({ path: dir });
      assert.equal(listed.length, 1, JSON.stringify(listed));
      const place = listed[0].virtualPath;
      const mounts = readMountInfo().map((m) => m.mountPoint).filter((p) =>
        p.startsWith(dir + "/")
      );
      assert.deepEqual(mounts, [place], "the only mount is exactly where bindlink says it is");
      if (place.startsWith(`${dir}/outside/`)) landed.outside++;
      else landed.inside++;
      // Remove through the resolved place, while the swapping goes on.
      await api.removeBindLink(place);
      assert.deepEqual(
        readMountInfo().filter((m) => m.mountPoint.startsWith(dir + "/")),
        [],
        "removed without a trace",
      );
    }
  } finally {
    swapper.kill("SIGKILL");
    await swapper.status;
  }
  console.log(
    `links landed inside ${landed.inside}, through the symlink ${landed.outside}, refused ${landed.refused}`,
  );
  assert.ok(landed.inside + landed.outside > 0, "some creates got through");
  assert.deepEqual(ls(`${dir}/inside`), ["Keep"], "no anchor is left inside");
  assert.deepEqual(ls(`${dir}/outside`), ["Keep"], "nothing is left where the symlink led");
  assert.deepEqual(ls(`${dir}/outside/Keep`), ["theirs.txt"]);
  assert.deepEqual(ls(`${dir}/Bar`), ["Cow.txt", "Keep"]);
  assertClean(dir);
});

Deno.test("exceptions cannot leave the virtual path through a symlink inside it", async () => {
  const dir = fresh("race");
  files(dir, ["Foo/In/x.txt", "Secret/s.txt", "Bar/Cow.txt"]);
  Deno.symlinkSync(`${dir}/Secret`, `${dir}/Foo/Out`);
  const error = await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`, {
    exceptions: [`${dir}/Foo/Out`],
  }).catch((e) => e);
  assert.equal(error?.code, "invalid-path", String(error));
  assert.match(error.message, /exception path/);
  assert.deepEqual(ls(`${dir}/Bar`), ["Cow.txt"], "no mount point was made");
  assertClean(dir);
});
