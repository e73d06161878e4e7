/** The command runners: the real one by absolute path, the recording one, and output decoding. */
import assert from "node:assert/strict";
import { decodeOutput, RecordingRunner, systemRunner } from "../../lib/startup/runner.ts";
import { isOurTask } from "../../lib/startup/system_task.ts";

Deno.test({
  name: "the system runner starts a program by absolute path and returns its output",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const result = await systemRunner().run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]);
    assert.deepEqual(result, { code: 3, stdout: "out\n", stderr: "err\n" });
    await assert.rejects(systemRunner().run("sh", ["-c", "true"]), /not an absolute path/);
  },
});

Deno.test("the recording runner records every call and answers from its script", async () => {
  const runner = new RecordingRunner((call) =>
    call.args[0] === "is-enabled" ? { code: 1, stdout: "disabled\n" } : undefined
  );
  assert.deepEqual(await runner.run("/usr/bin/systemctl", ["is-enabled", "x"]), {
    code: 1,
    stdout: "disabled\n",
    stderr: "",
  });
  assert.equal((await runner.run("/usr/bin/systemctl", ["enable", "x"])).code, 0);
  assert.deepEqual(runner.calls.map((c) => c.args[0]), ["is-enabled", "enable"]);
});

Deno.test("tool output in UTF-16LE (with or without a BOM) or UTF-8 is decoded", () => {
  const wide = (text: string, bom: boolean) => {
    const units = [...text].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]);
    return new Uint8Array([...(bom ? [0xff, 0xfe] : []), ...units]);
  };
  assert.equal(decodeOutput(wide("<Task>é</Task>", true)), "<Task>é</Task>");
  assert.equal(decodeOutput(wide("<Task/>", false)), "<Task/>");
  assert.equal(decodeOutput(new TextEncoder().encode("<Task>é</Task>")), "<Task>é</Task>");
});

Deno.test("a task is bindlink's when it names the copy, or carries bindlink's own marks", () => {
  const copy = "C:\\ProgramData\\bindlink\\startup.json";
  assert.ok(isOurTask(`<Arguments>apply -f ${copy.toUpperCase()}</Arguments>`, copy));
  assert.ok(
    isOurTask(
      "<Description>bindlink: bind links of C:\\Donn?es\\startup.json</Description>" +
        "<Arguments>apply -f x --boot-log y</Arguments>",
      "C:\\Données\\startup.json",
    ),
  );
  assert.ok(!isOurTask("<Exec><Command>C:\\other.exe</Command></Exec>", copy));
});
