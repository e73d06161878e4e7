/** The paths the protected copy holds: what SYSTEM at boot can reach. */
import assert from "node:assert/strict";
import { bootPath, movedPlace } from "../../lib/startup/boot_place.ts";
import type { Platform } from "../../lib/platform.ts";
import { windowsPathRules } from "../../lib/windows/paths.ts";
import { linuxPathRules } from "../../lib/linux/path_rules.ts";

/** Windows' path rules, with the system's answers for a mapped and a subst drive. */
function platformWith(places: Record<string, string>): Platform {
  return {
    paths: {
      ...windowsPathRules,
      identify: (path: string) => places[path] ?? windowsPathRules.identify(path),
    },
  } as unknown as Platform;
}

const linux = { paths: linuxPathRules } as unknown as Platform;

Deno.test("on Windows a mapped or subst drive is written as the place it leads to", () => {
  const platform = platformWith({
    "N:\\media\\films": "\\\\NAS\\MEDIA\\FILMS",
    "S:\\app": "C:\\PROJECTS\\APP",
  });
  assert.equal(bootPath("N:\\media\\films", platform), "\\\\NAS\\MEDIA\\FILMS");
  assert.equal(bootPath("S:\\app", platform), "C:\\PROJECTS\\APP");
  // A path that leads where it says keeps its spelling.
  assert.equal(bootPath("C:\\Data\\Configs", platform), "C:\\Data\\Configs");
  assert.equal(movedPlace("S:\\app", platform), "C:\\PROJECTS\\APP");
  assert.equal(movedPlace("C:\\Data\\Configs", platform), undefined);
});

Deno.test({
  name: "on Linux symlinks are resolved at install, and one planted later is seen at boot",
  ignore: Deno.build.os !== "linux",
  fn: () => {
    const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "bindlink-place-" }));
    try {
      const platform = linux;
      Deno.mkdirSync(`${dir}/real`);
      Deno.symlinkSync(`${dir}/real`, `${dir}/alias`);
      assert.equal(
        bootPath(`${dir}/alias/app/config`, platform),
        `${dir}/real/app/config`,
      );
      assert.equal(movedPlace(`${dir}/real/app/config`, platform), undefined);
      Deno.mkdirSync(`${dir}/elsewhere`);
      Deno.mkdirSync(`${dir}/real/app`);
      Deno.symlinkSync(`${dir}/elsewhere`, `${dir}/real/app/config`);
      assert.equal(movedPlace(`${dir}/real/app/config`, platform), `${dir}/elsewhere`);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
