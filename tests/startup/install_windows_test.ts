/**
 * startup on Windows, under Windows Deno (Wine in CI): the protected ProgramData folder and
 * its ACL, install/status/remove through the recording runner with the task XML exactly.
 * Wine keeps files' owners as the Unix user, so what it cannot show (an owner set to
 * Administrators) is left to the pure tests of the rule. Covers the Windows FFI tables it
 * calls through: lib/windows/shell32_ffi.ts and lib/windows/ole32_ffi.ts (ProgramData from
 * SHGetKnownFolderPath, freed with CoTaskMemFree) and lib/windows/advapi32_ffi.ts (the
 * protected folder's ACL written and read back), and lib/startup/manifest_copy.ts with Windows
 * path rules (the copy's paths, a manifest reached through a symlink).
 */
import assert from "node:assert/strict";
import { windowsPlatform } from "../../lib/windows/platform.ts";
import { writeBootLog } from "../../lib/startup/boot_log.ts";
import { checkProgramTrusted, installStartup } from "../../lib/startup/install.ts";
import type { StartupTargets } from "../../lib/startup/layout.ts";
import type { StartupProgram } from "../../lib/startup/program.ts";
import { removeStartup } from "../../lib/startup/remove.ts";
import { type RecordedCall, RecordingRunner } from "../../lib/startup/runner.ts";
import { startupStatus } from "../../lib/startup/status.ts";
import { taskXml } from "../../lib/startup/task_xml.ts";
import {
  ensureProtectedWindowsFolder,
  folderSecurity,
  programDataFolder,
} from "../../lib/windows/program_data.ts";
import { system32Path } from "../../lib/windows/system_root.ts";
import { rejectsCode, throwsCode } from "../support/expect_error.ts";

const windows = Deno.build.os === "windows";
const FULL = 0x1f01ff;
const EVERYONE = "S-1-1-0";

function withTemp(fn: (dir: string) => Promise<void> | void) {
  const dir = Deno.makeTempDirSync({ prefix: "bindlink-startup-" });
  return Promise.resolve().then(() => fn(dir)).finally(() =>
    Deno.removeSync(dir, { recursive: true })
  );
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "Windows: ProgramData comes from SHGetKnownFolderPath",
  ignore: !windows,
  fn: () => {
    const folder = programDataFolder();
    assert.match(folder, /^[A-Za-z]:\\ProgramData$/i);
  },
});

Deno.test({
  name: "Windows: the protected folder gets SYSTEM and Administrators only, nothing inherited",
  ignore: !windows,
  fn: () =>
    withTemp((dir) => {
      const plain = `${dir}\\plain`;
      Deno.mkdirSync(plain);
      // An ordinary folder inherits read access for everyone (under Wine: from the Unix mode).
      assert.ok(folderSecurity(plain).allowed.some((ace) => ace.sid === EVERYONE));

      const folder = `${dir}\\bindlink`;
      assert.deepEqual(ensureProtectedWindowsFolder(folder), { created: true });
      const security = folderSecurity(folder);
      const allowedSids = new Set(["S-1-5-18", "S-1-5-32-544", security.owner]);
      for (const ace of security.allowed) {
        assert.ok(allowedSids.has(ace.sid), `unexpected ACE ${JSON.stringify(ace)}`);
      }
      assert.ok(security.allowed.some((ace) => ace.sid === "S-1-5-18" && ace.mask === FULL));
    }),
});

Deno.test({
  name: "Windows: a pre-made bindlink folder owned by someone else is refused, with what to do",
  ignore: !windows,
  fn: () =>
    withTemp((dir) => {
      const folder = `${dir}\\bindlink`;
      Deno.mkdirSync(folder); // owned by this (non-SYSTEM) user
      const error = throwsCode(() => ensureProtectedWindowsFolder(folder), "untrusted");
      assert.match(
        error.message,
        /already exists and is owned by .*, not by SYSTEM or Administrators/,
      );
      assert.match(error.hint, /rd \/s/);
      assert.match(error.hint, /startup install/);
      const file = `${dir}\\file`;
      Deno.writeTextFileSync(file, "");
      assert.match(
        throwsCode(() => ensureProtectedWindowsFolder(file), "untrusted").message,
        /is a file/,
      );
    }),
});

Deno.test({
  name: "Windows: a program the user can change is refused for the task (SYSTEM runs it)",
  ignore: !windows,
  fn: () =>
    withTemp((dir) => {
      const program = `${dir}\\bindlink.exe`;
      Deno.writeTextFileSync(program, "");
      const error = throwsCode(
        () =>
          checkProgramTrusted({
            command: { program, args: [] },
            kind: "compiled",
            files: [],
            trees: [],
          }, "windows"),
        "untrusted",
      );
      assert.match(error.message, /as SYSTEM at every boot/);
      assert.match(error.hint, /%ProgramFiles%\\bindlink\\/);
    }),
});

Deno.test({
  name: "Windows: install writes the copy and the task XML exactly, then status and remove",
  ignore: !windows,
  fn: () =>
    withTemp(async (dir) => {
      const schtasks = system32Path("schtasks.exe");
      const targets: StartupTargets = { os: "windows", folder: `${dir}\\bindlink`, schtasks };
      Deno.mkdirSync(`${dir}\\user`);
      const manifest = `${dir}\\user\\bindlink.json`;
      Deno.writeTextFileSync(
        manifest,
        JSON.stringify({
          links: [
            { virtual: "app\\config", backing: "..\\configs", readOnly: true },
            { virtual: "C:\\data", backing: "\\\\fileserver\\share\\data" },
          ],
        }),
      );
      const program = "C:\\Program Files\\bindlink\\bindlink.exe";
      const checked: StartupProgram[] = [];
      let xmlAtCreate: Uint8Array | undefined;
      let registered = "";
      const runner = new RecordingRunner((call: RecordedCall) => {
        if (call.args[0] === "/Create") {
          xmlAtCreate = Deno.readFileSync(call.args[2]);
          registered = new TextDecoder("utf-16le").decode(xmlAtCreate.subarray(2));
          return undefined;
        }
        if (call.args[0] === "/Query") {
          return registered ? { code: 0, stdout: registered } : { code: 1, stderr: "no task" };
        }
        if (call.args[0] === "/Delete") registered = "";
        return undefined;
      });
      const platform = windowsPlatform();
      const result = await installStartup({
        manifest,
        targets,
        runner,
        platform,
        program: { os: "windows", execPath: program, cliUrl: "file:///C:/x/cli.ts" },
        checkProgram: (p) => checked.push(p),
      });
      assert.deepEqual(checked.map((p) => p.command.program), [program]);
      const copy = `${dir}\\bindlink\\startup.json`;
      const bootLog = `${dir}\\bindlink\\boot-log.json`;
      const xmlFile = `${dir}\\bindlink\\task.xml`;
      assert.equal(result.copy, copy);
      assert.equal(result.task, "bindlink");
      assert.deepEqual(runner.calls, [
        { cmd: schtasks, args: ["/Query", "/TN", "bindlink", "/XML"] },
        { cmd: schtasks, args: ["/Create", "/XML", xmlFile, "/TN", "bindlink", "/F"] },
      ]);
      assert.deepEqual([...xmlAtCreate!.subarray(0, 2)], [0xff, 0xfe]);
      assert.equal(
        registered,
        taskXml({
          program: { program, args: [] },
          manifest: copy,
          bootLog,
          needsNetwork: true,
          timeoutSeconds: 300,
        }),
      );
      assert.match(registered, /<UserId>S-1-5-18<\/UserId>/);
      assert.match(registered, /<Command>C:\\Program Files\\bindlink\\bindlink.exe<\/Command>/);
      assert.equal(exists(xmlFile), false, "the XML file is removed after registering");
      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0], /computer's account/);

      const written = JSON.parse(Deno.readTextFileSync(copy));
      const real = Deno.realPathSync(dir);
      assert.equal(
        written.links[0].virtual.toLowerCase(),
        `${real}\\user\\app\\config`.toLowerCase(),
      );
      assert.equal(written.links[0].backing.toLowerCase(), `${real}\\configs`.toLowerCase());
      assert.equal(written.links[1].backing, "\\\\fileserver\\share\\data");
      for (const link of written.links) {
        assert.match(link.virtual, /^[A-Za-z]:\\/);
        assert.match(link.backing, /^([A-Za-z]:\\|\\\\)/);
      }

      let status = await startupStatus({ targets, runner });
      assert.equal(status.copy.present, true);
      assert.deepEqual(status.task, { name: "bindlink", present: true, enabled: true });
      assert.equal(status.source.state, "unchanged");
      assert.equal(status.lastBoot.state, "none");
      // Wine gives every file the Unix user as owner, so there the copy is (rightly) reported
      // as changeable by that user; on Windows the folder's ACL makes it administrators' only.
      assert.equal(status.ok, status.copy.problem === undefined, JSON.stringify(status));
      writeBootLog(bootLog, {
        startedAt: "2026-01-03T00:00:00.000Z",
        finishedAt: "2026-01-03T00:02:00.000Z",
        exitCode: 1,
        links: 2,
        failed: [{
          virtual: "C:\\data",
          backing: "\\\\fileserver\\share\\data",
          code: "access-denied",
          message: "Access is denied.",
        }],
        waitedSeconds: 0,
      });
      status = await startupStatus({ targets, runner });
      assert.equal(status.ok, false);
      assert.equal(status.lastBoot.state, "failed");

      const removed = await removeStartup({ targets, runner });
      assert.equal(removed.task, true);
      assert.deepEqual(runner.calls.at(-1), {
        cmd: schtasks,
        args: ["/Delete", "/TN", "bindlink", "/F"],
      });
      assert.equal(exists(targets.folder), false);
    }),
});

/**
 * A user's symlink to a manifest in another folder, and the real file. On Windows the symlink
 * is made here; Wine makes reparse points it cannot follow itself, so there the checkout's own
 * Unix symlink (fixtures/symlinked/user/bindlink.json -> ../site/bindlink.json), which Wine
 * follows like Windows follows a symlink, stands in. `own` says whether the test may change them.
 */
function symlinkedManifest(dir: string): { link: string; real: string; own: boolean } {
  Deno.mkdirSync(`${dir}\\site`);
  Deno.mkdirSync(`${dir}\\user`);
  const real = `${dir}\\site\\bindlink.json`;
  const fixture = new URL("./fixtures/symlinked/", import.meta.url);
  Deno.copyFileSync(new URL("site/bindlink.json", fixture), real);
  const link = `${dir}\\user\\bindlink.json`;
  try {
    Deno.symlinkSync(real, link, { type: "file" });
    return { link, real: Deno.realPathSync(real), own: Deno.realPathSync(link) !== link };
  } catch {
    // Under Wine: the symlink is not there to follow.
  }
  const folder = Deno.realPathSync(new URL("site", fixture));
  const fixtureLink = Deno.realPathSync(new URL("user", fixture)) + "\\bindlink.json";
  if (Deno.realPathSync(fixtureLink) === fixtureLink) {
    throw new Error(`${fixtureLink} must be a symlink (a checkout with git's core.symlinks)`);
  }
  return { link: fixtureLink, real: `${folder}\\bindlink.json`, own: false };
}

Deno.test({
  name: "Windows: install through a symlink resolves against the real file's folder",
  ignore: !windows,
  fn: () =>
    withTemp(async (dir) => {
      const schtasks = system32Path("schtasks.exe");
      const targets: StartupTargets = { os: "windows", folder: `${dir}\\bindlink`, schtasks };
      const { link, real, own } = symlinkedManifest(dir);
      let registered = "";
      const runner = new RecordingRunner((call: RecordedCall) => {
        if (call.args[0] === "/Create") {
          registered = new TextDecoder("utf-16le").decode(Deno.readFileSync(call.args[2]));
          return undefined;
        }
        if (call.args[0] === "/Query") {
          return registered ? { code: 0, stdout: registered } : { code: 1, stderr: "no task" };
        }
        return undefined;
      });
      const result = await installStartup({
        manifest: link,
        targets,
        runner,
        platform: windowsPlatform(),
        program: { os: "windows", execPath: "C:\\b\\bindlink.exe", cliUrl: "file:///C:/b/cli.ts" },
        checkProgram: () => {},
      });
      const site = real.slice(0, real.lastIndexOf("\\")).toLowerCase();
      const written = JSON.parse(Deno.readTextFileSync(result.copy));
      assert.deepEqual(
        written.links.map((l: { virtual: string; backing: string }) =>
          [l.virtual, l.backing].map((p) => p.toLowerCase())
        ),
        [[`${site}\\app`, `${site}\\releases\\v2`]],
      );
      assert.equal(result.source.toLowerCase(), real.toLowerCase());
      const record = JSON.parse(Deno.readTextFileSync(`${dir}\\bindlink\\install.json`));
      assert.equal(record.source, result.source);
      let status = await startupStatus({ targets, runner });
      assert.equal(status.source.state, "unchanged");
      if (own) {
        // status follows the real file, not whatever the symlink names now.
        Deno.removeSync(link);
        Deno.writeTextFileSync(link, '{"links":[]}');
        status = await startupStatus({ targets, runner });
        assert.equal(status.source.state, "unchanged");
        Deno.writeTextFileSync(real, '{"links":[]}');
        status = await startupStatus({ targets, runner });
        assert.equal(status.source.state, "changed");
      }
      await removeStartup({ targets, runner });
    }),
});

Deno.test({
  name: "Windows: a task named bindlink that is not ours is neither replaced nor deleted",
  ignore: !windows,
  fn: () =>
    withTemp(async (dir) => {
      const targets: StartupTargets = {
        os: "windows",
        folder: `${dir}\\bindlink`,
        schtasks: system32Path("schtasks.exe"),
      };
      const runner = new RecordingRunner((call) =>
        call.args[0] === "/Query"
          ? { code: 0, stdout: "<Task><Exec>other.exe</Exec></Task>" }
          : undefined
      );
      await rejectsCode(removeStartup({ targets, runner }), "invalid-argument");
      assert.ok(runner.calls.every((c) => c.args[0] === "/Query"));
      const manifest = `${dir}\\bindlink.json`;
      Deno.writeTextFileSync(manifest, '{"links":[]}');
      await rejectsCode(
        installStartup({
          manifest,
          targets,
          runner,
          platform: windowsPlatform(),
          program: {
            os: "windows",
            execPath: "C:\\b\\bindlink.exe",
            cliUrl: "file:///C:/b/cli.ts",
          },
          checkProgram: () => {},
        }),
        "already-exists",
      );
      assert.equal(exists(targets.folder), false);
    }),
});

Deno.test({
  name:
    "Windows: cli.ts startup finds ProgramData and schtasks.exe, and refuses install unelevated",
  ignore: !windows,
  fn: async () => {
    const cli = new URL("../../cli.ts", import.meta.url);
    const run = async (...args: string[]) => {
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-ffi",
          "--allow-read",
          "--allow-write",
          "--allow-run",
          cli.href,
          ...args,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: output.code, json: JSON.parse(new TextDecoder().decode(output.stdout)) };
    };
    const status = await run("startup", "status", "--json");
    assert.equal(status.code, 1);
    assert.match(status.json.copy.path, /^[A-Za-z]:\\ProgramData\\bindlink\\startup\.json$/i);
    assert.equal(status.json.task.name, "bindlink");
    const { hostRule } = await import("../../lib/trust/host_rule.ts");
    if (!hostRule.isElevated()) {
      const install = await run("startup", "install", "-f", "bindlink.json", "--json");
      assert.equal(install.code, 1);
      assert.equal(install.json.error.code, "access-denied");
      assert.match(install.json.error.hint, /elevated prompt/);
    }
  },
});
