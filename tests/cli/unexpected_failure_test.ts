/** The CLI puts every failure into words: nothing reaches the user as a bare stack trace. */
import assert from "node:assert/strict";
import { EXIT_FAILED, main } from "../../cli.ts";
import type { Platform } from "../../mod.ts";
import { ExplainedFailure } from "../../lib/errors.ts";
import { linuxPathRules } from "../../lib/linux/path_rules.ts";

/** A platform whose every call fails with `error`. */
function failingWith(error: unknown): Platform {
  const fail = () => {
    throw error;
  };
  return {
    name: "failing",
    paths: linuxPathRules,
    reportsExceptions: true,
    privateRun: false,
    cwd: () => "/",
    create: () => Promise.reject(error),
    createSync: fail,
    remove: () => Promise.reject(error),
    removeSync: fail,
    list: () => Promise.reject(error),
    listSync: fail,
    checkCreate: () => Promise.reject(error),
    checkCreateSync: fail,
    forwardsInterrupt: () => false,
    close() {},
  };
}

async function run(platform: Platform, ...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (t) => stdout += t,
    stderr: (t) => stderr += t,
    platform,
  });
  return { code, stdout, stderr };
}

Deno.test("an internal error becomes a BindLinkError of the command, with what to do", async () => {
  const platform = failingWith(new TypeError("boom inside"));
  const text = await run(platform, "list");
  assert.equal(text.code, EXIT_FAILED);
  assert.equal(text.stdout, "");
  assert.match(text.stderr, /^bindlink: Could not list the bind links: an unexpected error/);
  assert.match(text.stderr, /"boom inside"/);
  assert.match(text.stderr, /report this message if it persists/);
  const json = await run(platform, "create", "/a", "/b", "--json");
  assert.equal(json.code, EXIT_FAILED);
  const error = JSON.parse(json.stdout).error;
  assert.equal(error.code, "unknown");
  assert.equal(error.operation, "create");
  assert.equal(error.systemMessage, "boom inside");
});

Deno.test("an explained internal failure keeps its own words and code", async () => {
  const platform = failingWith(
    new ExplainedFailure({
      code: "not-supported",
      summary: "/proc is not usable here",
      hint: "Mount it (mount -t proc proc /proc).",
    }),
  );
  const { code, stderr } = await run(platform, "remove", "/a");
  assert.equal(code, EXIT_FAILED);
  assert.equal(
    stderr,
    "bindlink: Could not remove the bind link at /a: /proc is not usable here. " +
      "Mount it (mount -t proc proc /proc).\n",
  );
});
