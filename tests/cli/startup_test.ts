/** `bindlink startup`: actions, output, exit codes, through a recording runner. */
import assert from "node:assert/strict";
import type { CliContext } from "../../lib/cli/command.ts";
import { parseOptions } from "../../lib/cli/options.ts";
import { options, runStartup, type StartupEnvironment } from "../../lib/cli/startup.ts";
import { UsageError } from "../../lib/cli/usage_error.ts";
import { linuxPlatform } from "../../lib/linux/platform.ts";
import { writeBootLog } from "../../lib/startup/boot_log.ts";
import { RecordingRunner } from "../../lib/startup/runner.ts";
import { rejectsCode } from "../support/expect_error.ts";

const root = Deno.build.os === "linux" && Deno.uid() === 0;

function context(json: boolean) {
  const out = { stdout: "", stderr: "" };
  const ctx: CliContext = {
    stdout: (t) => out.stdout += t,
    stderr: (t) => out.stderr += t,
    json,
    isTerminal: false,
    ownPlatform: true,
    readInput: () => Promise.reject(new Error("no input")),
    platform: () => Promise.resolve(linuxPlatform()),
  };
  return { ctx, out };
}

async function withMachine(fn: (dir: string, env: StartupEnvironment) => Promise<void>) {
  const dir = Deno.makeTempDirSync({ prefix: "bindlink-cli-startup-" });
  Deno.chmodSync(dir, 0o755);
  try {
    Deno.mkdirSync(`${dir}/units`);
    Deno.writeTextFileSync(`${dir}/bindlink`, "");
    Deno.writeTextFileSync(`${dir}/bindlink.json`, '{"links":[{"virtual":"/a","backing":"/b"}]}');
    await fn(dir, {
      targets: {
        os: "linux",
        folder: `${dir}/etc-bindlink`,
        unitDir: `${dir}/units`,
        systemctl: "/usr/bin/systemctl",
      },
      runner: new RecordingRunner(),
      program: { os: "linux", execPath: `${dir}/bindlink`, cliUrl: "file:///x/cli.ts" },
      elevated: true,
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const args = (...words: string[]) => parseOptions(words, "startup", options);

Deno.test({
  name: "startup install, status (0, then 1 after a failed boot run) and remove",
  ignore: !root,
  fn: () =>
    withMachine(async (dir, env) => {
      const install = context(false);
      assert.equal(
        await runStartup(args("install", "-f", `${dir}/bindlink.json`), install.ctx, env),
        0,
      );
      assert.match(
        install.out.stdout,
        /^Installed .*bindlink.service: at every boot, as root, it applies/,
      );
      assert.match(install.out.stdout, /\(1 link, copied from/);

      const status = context(true);
      assert.equal(await runStartup(args("status"), status.ctx, env), 0);
      assert.equal(JSON.parse(status.out.stdout).ok, true);

      writeBootLog(`${dir}/etc-bindlink/boot-log.json`, {
        startedAt: "2026-01-01T00:00:00.000Z",
        finishedAt: "2026-01-01T00:00:01.000Z",
        exitCode: 1,
        links: 1,
        failed: [{ virtual: "/a", backing: "/b", code: "not-found", message: "gone" }],
        waitedSeconds: 0,
      });
      const failed = context(false);
      assert.equal(await runStartup(args("status"), failed.ctx, env), 1);
      assert.match(failed.out.stdout, /last boot run: failed/);
      assert.match(failed.out.stdout, /failed: \/a -> \/b: not-found: gone/);

      const remove = context(false);
      assert.equal(await runStartup(args("remove"), remove.ctx, env), 0);
      assert.match(remove.out.stdout, /^Removed the startup unit/);
    }),
});

Deno.test({
  name: "startup: usage errors, and install or remove refused when not elevated",
  ignore: !root,
  fn: () =>
    withMachine(async (dir, env) => {
      const { ctx } = context(false);
      for (
        const words of [[], ["install"], ["status", "-f", "x"], ["frobnicate"], ["remove", "x"]]
      ) {
        await assert.rejects(runStartup(args(...words), ctx, env), UsageError, words.join(" "));
      }
      const plain = { ...env, elevated: false };
      const error = await rejectsCode(
        runStartup(args("install", "-f", `${dir}/bindlink.json`), ctx, plain),
        "access-denied",
      );
      assert.match(error.hint, /as root/);
      await rejectsCode(runStartup(args("remove"), ctx, plain), "access-denied");
      assert.deepEqual((env.runner as RecordingRunner).calls, []);
    }),
});
