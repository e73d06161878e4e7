/**
 * LinuxMounts built without its changing code (as the CLI builds it): blocking changes are
 * refused, saying why and what to use, before anything is looked at or made; an async change
 * loads the piece of that code it runs, and no other (lib/linux/changes.ts).
 */
import assert from "node:assert/strict";
import { type LinuxChanges, loadChanges } from "../../lib/linux/changes.ts";
import { LinuxMounts } from "../../lib/linux/mounts.ts";

const spec = {
  virtualPath: "/nonexistent/v",
  backingPath: "/nonexistent/b",
  readOnly: false,
  merged: false,
  exceptions: [],
};

Deno.test({
  name: "without its changing code, blocking changes are refused in words and touch nothing",
  ignore: Deno.build.os !== "linux",
  fn: () => {
    const stateDir = `${Deno.makeTempDirSync()}/state`;
    const platform = new LinuxMounts({ stateDir });
    const words = /loads the code that changes links on its first async call; .*linuxPlatform\(\)/;
    try {
      assert.throws(() => platform.createSync(spec), words);
      assert.throws(() => platform.removeSync(spec.virtualPath), words);
      assert.throws(() => platform.checkCreateSync(spec), words);
      // Refused before the state folder was made or judged.
      assert.throws(() => Deno.statSync(stateDir), Deno.errors.NotFound);
    } finally {
      platform.close();
      Deno.removeSync(stateDir.slice(0, -"/state".length), { recursive: true });
    }
  },
});

Deno.test({
  name:
    "an async change loads only its own piece: after a remove, removing works blocking, creating not",
  ignore: Deno.build.os !== "linux" || Deno.uid() !== 0,
  fn: async () => {
    const top = Deno.makeTempDirSync();
    const platform = new LinuxMounts({ stateDir: `${top}/state` });
    const words = /loads the code that changes links on its first async call/;
    try {
      // Nothing is linked at the path: the remove fails, after loading removal and recovery.
      await assert.rejects(platform.remove(`${top}/v`));
      assert.throws(
        () => platform.removeSync(`${top}/v`),
        (error: Error) => !words.test(error.message),
      );
      assert.throws(() => platform.createSync(spec), words);
      assert.throws(() => platform.checkCreateSync(spec), words);
      await platform.checkCreate({ ...spec, virtualPath: `${top}/v`, backingPath: top })
        .catch(() => {});
      assert.throws(
        () => platform.checkCreateSync(spec),
        (error: Error) => !words.test(error.message),
      );
      assert.throws(() => platform.createSync(spec), words);
    } finally {
      platform.close();
      Deno.removeSync(top, { recursive: true });
    }
  },
});

Deno.test("loadChanges loads the pieces asked for that are missing, and keeps those given", async () => {
  const given = () => {};
  const changes: Partial<LinuxChanges> = {
    checkCreateLink: given as LinuxChanges["checkCreateLink"],
  };
  await loadChanges(changes, ["removeLink", "checkCreateLink"]);
  assert.equal(typeof changes.removeLink, "function");
  assert.equal(changes.checkCreateLink, given);
  assert.equal(changes.createLink, undefined);
  assert.equal(changes.recoverPending, undefined);
});
