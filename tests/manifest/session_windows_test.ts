/**
 * On Windows the commands that only look (status, list, and the look before create and
 * remove) believe the records in ProgramData\bindlink only when administrators alone can
 * change that folder, as the changing commands do (#18). Under Wine every file's owner is the
 * Unix user, so a folder made here is never the administrators': the refusal is what shows.
 * Covers lib/windows/state_place.ts for a command that only looks (the changing one is in
 * ./apply_test.ts).
 */
import assert from "node:assert/strict";
import { Journal } from "../../lib/manifest/journal.ts";
import { bindLinkStatus } from "../../lib/manifest/status.ts";
import { programDataFolder } from "../../lib/windows/program_data.ts";
import { Double } from "../support/double.ts";
import { rejectsCode } from "../support/expect_error.ts";
import { deadFacts, THREE_IN_ORDER, threeLinks } from "./support.ts";

Deno.test({
  name: "Windows: status refuses records in a ProgramData\\bindlink others could have written",
  ignore: Deno.build.os !== "windows",
  async fn() {
    using double = new Double();
    const folder = `${programDataFolder()}\\bindlink`;
    try {
      Deno.removeSync(folder, { recursive: true }); // the rig's prefix is a throwaway layer
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    // A folder an ordinary user made, and a dead apply's record in it naming links to undo.
    Deno.mkdirSync(`${folder}\\state`, { recursive: true });
    const links = threeLinks().links;
    new Journal(`${folder}\\state`, await deadFacts()).begin("apply", {
      removes: [],
      creates: THREE_IN_ORDER.map((v) => links.find((l) => l.virtualPath === v)!),
    });
    try {
      const error = await rejectsCode(
        bindLinkStatus(threeLinks(), { platform: double.api.platform }),
        "untrusted",
      );
      assert.match(error.message, /owned by .*, not by SYSTEM or Administrators/);
    } finally {
      Deno.removeSync(folder, { recursive: true });
    }
  },
});
