/**
 * lib/linux/state_place.ts as root on a temporary state folder (nothing is mounted): the place
 * is this namespace's, its folder made root's and 0700 by a changing command, and settling
 * sweeps the records of namespaces that are gone (through the folder's descriptor: see
 * folders_test.ts) while a dry settle deletes nothing.
 */
import assert from "node:assert/strict";
import { linuxStatePlace } from "../../lib/linux/state_place.ts";
import { NamespaceState } from "../../lib/linux/namespace_state.ts";

const asRoot = Deno.build.os === "linux" && Deno.uid() === 0;
const PREFIX = "operation.";
const EARLIER_BOOT = "0123456789abcdef0123456789abcdef";

/** A state folder path (not made yet) under a fresh root-only temporary folder. */
function stateDir(): string {
  const top = Deno.makeTempDirSync({ prefix: "bindlink-place-" });
  Deno.chmodSync(top, 0o755);
  return `${top}/state`;
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test({
  name: "linux state place: this namespace's folder and prefix, made root's and 0700 for a change",
  ignore: !asRoot,
  fn() {
    const dir = stateDir();
    try {
      const place = linuxStatePlace({
        forChange: true,
        operation: "create",
        recordPrefix: PREFIX,
        stateDir: dir,
      });
      const key = NamespaceState.current(dir).key;
      assert.match(key, /^[0-9a-f]{32}\.i?\d+$/);
      assert.equal(place.dir, dir);
      assert.equal(place.prefix, `${PREFIX}${key}.`);
      const info = Deno.statSync(dir);
      assert.equal(info.uid, 0);
      assert.equal(info.mode! & 0o7777, 0o700);
    } finally {
      Deno.removeSync(`${dir}/..`, { recursive: true });
    }
  },
});

Deno.test({
  name: "linux state place: settle sweeps an earlier boot's records, keeps its own and others'",
  ignore: !asRoot,
  async fn() {
    const dir = stateDir();
    try {
      const place = linuxStatePlace({
        forChange: true,
        operation: "prune",
        recordPrefix: PREFIX,
        stateDir: dir,
      });
      const key = NamespaceState.current(dir).key;
      const gone = `${PREFIX}${EARLIER_BOOT}.4026531841.1234`;
      const own = `${place.prefix}5678`;
      // Another kind of record, its prefix as long as ours: only the prefix tells them apart.
      const otherKind = `${"other".padEnd(PREFIX.length - 1, "_")}.${EARLIER_BOOT}.4026531841.1234`;
      for (const name of [gone, own, otherKind]) {
        Deno.writeTextFileSync(`${dir}/${name}`, "{}", { mode: 0o600 });
      }
      const all = [gone, own, otherKind].sort();

      await place.settle(true);
      assert.deepEqual(names(dir).filter((n) => n !== key), all, "a dry settle deletes nothing");

      await place.settle();
      assert.deepEqual(
        names(dir).filter((n) => n !== key),
        [own, otherKind].sort(),
        "only the gone namespace's record of this prefix is swept",
      );
    } finally {
      Deno.removeSync(`${dir}/..`, { recursive: true });
    }
  },
});
