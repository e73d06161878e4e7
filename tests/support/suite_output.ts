/**
 * What a test that starts a suite in a private mount namespace does with its output: show
 * it, indented, and fail unless the suite ran tests and passed.
 */
import assert from "node:assert/strict";

/** Prints the inner suite's output and asserts it ran at least one test and passed. */
export function assertSuitePassed(output: Deno.CommandOutput): void {
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  console.log(text.replace(/^/gm, "    | "));
  const summary = /^(ok|FAILED) \| (\d+) passed \| (\d+) failed/m.exec(text);
  assert.ok(summary, "the end-to-end suite printed no summary");
  assert.ok(Number(summary[2]) > 0, "the end-to-end suite ran no test");
  assert.equal(output.code, 0, `the end-to-end suite failed: ${summary[0]}`);
}
