/**
 * On Windows Deno: a link is refused over bindlink's folder under ProgramData, the folders
 * holding it and those inside it, by identity (any spelling), before the DLL is asked.
 */
import assert from "node:assert/strict";
import { windowsPlatform } from "../../mod.ts";
import { programDataFolder } from "../../lib/windows/program_data.ts";
import { throwsCode } from "../support/expect_error.ts";

const ignore = Deno.build.os !== "windows";

Deno.test({
  name: "the ProgramData\\bindlink folder, its parents and what is inside it are refused",
  ignore,
  fn() {
    const programData = programDataFolder();
    const platform = windowsPlatform();
    const spec = (virtualPath: string) => ({
      virtualPath,
      backingPath: "C:\\backing",
      readOnly: false,
      merged: false,
      exceptions: [],
    });
    try {
      for (
        const [at, what] of [
          [`${programData}\\bindlink`, "is bindlink's state folder"],
          [`${programData}\\bindlink\\state\\x`, "lies inside bindlink's state folder"],
          [programData, "holds bindlink's state folder"],
          [programData.slice(0, 3), "holds bindlink's state folder"], // the drive's root
          [programData.toLowerCase(), "holds bindlink's state folder"], // another spelling
        ]
      ) {
        const refused = throwsCode(() => platform.createSync(spec(at)), "invalid-path");
        assert.match(refused.message, new RegExp(what), at);
      }
      // Elsewhere this check lets the request through (to whatever comes next).
      try {
        platform.createSync(spec("C:\\elsewhere"));
      } catch (error) {
        assert.doesNotMatch(String(error), /state folder/);
      }
    } finally {
      platform.close();
    }
  },
});
