/**
 * The Windows process facts (kernel32 through FFI), on Windows Deno: this process runs, a
 * process that ended does not, a reused process ID is told apart by its start time, and the
 * boot ID is the same in every process of one boot.
 */
import assert from "node:assert/strict";
import { windowsProcessFacts } from "../../lib/windows/process.ts";

const ignore = Deno.build.os !== "windows";
const URL_OF_FACTS = new URL("../../lib/windows/process.ts", import.meta.url).href;

function child(code: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stdin: "piped",
  }).spawn();
}

Deno.test({
  name: "windowsProcessFacts: self, a running and an ended child, a wrong start time",
  ignore,
  async fn() {
    using facts = windowsProcessFacts();
    const me = facts.self();
    assert.equal(me.pid, Deno.pid);
    assert.match(me.start, /^\d+$/, "letters and digits only, for file names");
    assert.equal(facts.isRunning(me.pid, me.start), true);
    assert.equal(facts.isRunning(me.pid, String(BigInt(me.start) + 1n)), false, "another start");
    assert.equal(facts.isRunning(0, me.start), false);

    // A child that says its own facts, waits for stdin to close, then ends.
    const running = child(
      `const { windowsProcessFacts } = await import(${JSON.stringify(URL_OF_FACTS)});` +
        "console.log(JSON.stringify(windowsProcessFacts().self()));" +
        "for await (const _ of Deno.stdin.readable) break;",
    );
    const reader = running.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let line = "";
    while (!line.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      line += value;
    }
    const them = JSON.parse(line);
    assert.equal(them.pid, running.pid);
    assert.equal(facts.isRunning(them.pid, them.start), true, "a running child");
    assert.equal(facts.isRunning(them.pid, me.start), false, "its pid with another start time");
    await running.stdin.close();
    await running.status;
    reader.releaseLock();
    await running.stdout.cancel().catch(() => {});
    assert.equal(facts.isRunning(them.pid, them.start), false, "an ended process");
  },
});

Deno.test({
  name: "windowsProcessFacts: the boot ID is stable and the same in another process",
  ignore,
  async fn() {
    using facts = windowsProcessFacts();
    const boot = facts.bootId();
    assert.ok(boot.length > 0);
    assert.equal(facts.bootId(), boot);
    const other = child(
      `const { windowsProcessFacts } = await import(${JSON.stringify(URL_OF_FACTS)});` +
        "console.log(windowsProcessFacts().bootId());",
    );
    other.stdin.close();
    const out = await other.output();
    assert.equal(new TextDecoder().decode(out.stdout).trim(), boot);
  },
});
