/**
 * startup install, status and remove on Linux, through the recording runner, in a temporary
 * folder standing in for /etc (the real /etc and systemd are never touched). Covers
 * lib/startup/protected_folder.ts on Linux (the folder root's and 0755, files root's and 0644, a
 * folder of someone else's or a symlink refused) and lib/startup/manifest_copy.ts (the copy's
 * absolute paths, a manifest others can write refused, one reached through a user's symlink
 * resolved against the real file's folder, an invalid one refused before anything is written).
 */
import assert from "node:assert/strict";
import { linuxPlatform } from "../../lib/linux/platform.ts";
import { writeBootLog } from "../../lib/startup/boot_log.ts";
import { installStartup } from "../../lib/startup/install.ts";
import type { StartupTargets } from "../../lib/startup/layout.ts";
import { removeStartup } from "../../lib/startup/remove.ts";
import { RecordingRunner } from "../../lib/startup/runner.ts";
import { describeStatus, startupStatus } from "../../lib/startup/status.ts";
import { rejectsCode } from "../support/expect_error.ts";

const root = Deno.build.os === "linux" && Deno.uid() === 0;
const SYSTEMCTL = "/usr/bin/systemctl";
const NOBODY = 65534;

interface Bench {
  dir: string;
  targets: StartupTargets;
  manifest: string;
  program: string;
}

function mkdir(path: string, mode = 0o755, uid = 0) {
  Deno.mkdirSync(path, { recursive: true });
  Deno.chmodSync(path, mode);
  Deno.chownSync(path, uid, uid);
}

/** A temporary machine: /etc, a unit folder, a program and a user's manifest. */
async function withBench(fn: (bench: Bench) => Promise<void>) {
  const dir = Deno.makeTempDirSync({ prefix: "bindlink-startup-" });
  Deno.chmodSync(dir, 0o755);
  try {
    mkdir(`${dir}/etc`);
    mkdir(`${dir}/units`);
    mkdir(`${dir}/prog`);
    Deno.writeTextFileSync(`${dir}/prog/bindlink`, "#!/bin/sh\n");
    Deno.chmodSync(`${dir}/prog/bindlink`, 0o755);
    mkdir(`${dir}/home/user`, 0o755, 1000);
    const manifest = `${dir}/home/user/bindlink.json`;
    Deno.writeTextFileSync(
      manifest,
      JSON.stringify({
        links: [
          { virtual: "app/config", backing: "../../data/config", readOnly: true },
          { virtual: "/srv/cache", backing: "/mnt/fast disk/cache" },
        ],
      }),
    );
    Deno.chownSync(manifest, 1000, 1000);
    await fn({
      dir,
      targets: {
        os: "linux",
        folder: `${dir}/etc/bindlink`,
        unitDir: `${dir}/units`,
        systemctl: SYSTEMCTL,
      },
      manifest,
      program: `${dir}/prog/bindlink`,
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

function install(
  bench: Bench,
  runner: RecordingRunner,
  overrides: Partial<{ program: string }> = {},
) {
  return installStartup({
    manifest: bench.manifest,
    targets: bench.targets,
    runner,
    platform: linuxPlatform(),
    program: {
      os: "linux",
      execPath: overrides.program ?? bench.program,
      cliUrl: "file:///x/cli.ts",
    },
    user: 1000,
    now: () => new Date("2026-01-02T03:04:05Z"),
  });
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
  name: "install: protected copy (root, 0644, absolute paths), the unit exactly, systemctl calls",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      const runner = new RecordingRunner();
      const result = await install(bench, runner);
      const d = bench.dir;
      assert.equal(result.copy, `${d}/etc/bindlink/startup.json`);
      assert.equal(result.task, `${d}/units/bindlink.service`);
      assert.equal(result.links, 2);
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(runner.calls, [
        { cmd: SYSTEMCTL, args: ["daemon-reload"] },
        { cmd: SYSTEMCTL, args: ["enable", "bindlink.service"] },
      ]);

      const folder = Deno.statSync(`${d}/etc/bindlink`);
      assert.equal(folder.uid, 0);
      assert.equal(folder.mode! & 0o7777, 0o755);
      const copy = Deno.statSync(result.copy);
      assert.equal(copy.uid, 0);
      assert.equal(copy.gid, 0);
      assert.equal(copy.mode! & 0o7777, 0o644);
      assert.deepEqual(JSON.parse(Deno.readTextFileSync(result.copy)), {
        links: [
          {
            virtual: `${d}/home/user/app/config`,
            backing: `${d}/data/config`,
            readOnly: true,
            merged: false,
            exceptions: [],
          },
          {
            virtual: "/srv/cache",
            backing: "/mnt/fast disk/cache",
            readOnly: false,
            merged: false,
            exceptions: [],
          },
        ],
      });

      assert.equal(
        Deno.readTextFileSync(result.task),
        `# Made by \`bindlink startup install\`; remove it with \`bindlink startup remove\`.
[Unit]
Description=bindlink: bind links of ${d}/etc/bindlink/startup.json
Wants=network-online.target
After=local-fs.target network-online.target
RequiresMountsFor="/mnt/fast disk/cache"
RequiresMountsFor=/srv/cache
RequiresMountsFor=${d}/data/config
RequiresMountsFor=${d}/home/user/app/config

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${d}/prog/bindlink apply -f ${d}/etc/bindlink/startup.json --boot-log ${d}/etc/bindlink/boot-log.json
ExecStop=${d}/prog/bindlink down -f ${d}/etc/bindlink/startup.json
TimeoutStartSec=300

[Install]
WantedBy=multi-user.target
`,
      );
      const unit = Deno.statSync(result.task);
      assert.equal(unit.uid, 0);
      assert.equal(unit.mode! & 0o777, 0o644);
      const record = JSON.parse(Deno.readTextFileSync(`${d}/etc/bindlink/install.json`));
      assert.equal(record.source, bench.manifest);
      assert.equal(record.installedAt, "2026-01-02T03:04:05.000Z");
      assert.match(record.sourceSha256, /^[0-9a-f]{64}$/);
    }),
});

Deno.test({
  name: "status: in place; then a failed boot run, then a changed manifest; remove undoes all",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      await install(bench, new RecordingRunner());
      const runner = new RecordingRunner();
      let status = await startupStatus({ targets: bench.targets, runner });
      assert.deepEqual(runner.calls, [{
        cmd: SYSTEMCTL,
        args: ["is-enabled", "bindlink.service"],
      }]);
      assert.equal(status.ok, true, describeStatus(status));
      assert.equal(status.source.state, "unchanged");
      assert.equal(status.lastBoot.state, "none");

      writeBootLog(`${bench.dir}/etc/bindlink/boot-log.json`, {
        startedAt: "2026-01-03T00:00:00.000Z",
        finishedAt: "2026-01-03T00:02:00.000Z",
        exitCode: 1,
        links: 2,
        failed: [{
          virtual: "/srv/cache",
          backing: "/mnt/fast disk/cache",
          code: "not-found",
          message: "the backing path was not reachable within 120 s",
        }],
        waitedSeconds: 120,
      });
      status = await startupStatus({ targets: bench.targets, runner });
      assert.equal(status.ok, false);
      assert.equal(status.lastBoot.state, "failed");
      const text = describeStatus(status);
      assert.match(text, /last boot run: failed at 2026-01-03T00:02:00.000Z, exit code 1/);
      assert.match(text, /failed: \/srv\/cache -> \/mnt\/fast disk\/cache: not-found/);
      assert.match(text, /startup: needs attention/);

      Deno.writeTextFileSync(bench.manifest, '{"links":[]}');
      status = await startupStatus({ targets: bench.targets, runner });
      assert.equal(status.source.state, "changed");
      assert.match(
        describeStatus(status),
        /has changed since install; run `bindlink startup install/,
      );

      const disabled = new RecordingRunner((call) =>
        call.args[0] === "is-enabled" ? { code: 1 } : undefined
      );
      assert.equal(
        (await startupStatus({ targets: bench.targets, runner: disabled })).task.enabled,
        false,
      );

      const removeRunner = new RecordingRunner();
      const removed = await removeStartup({ targets: bench.targets, runner: removeRunner });
      assert.equal(removed.task, true);
      assert.deepEqual(removeRunner.calls, [
        { cmd: SYSTEMCTL, args: ["disable", "bindlink.service"] },
        { cmd: SYSTEMCTL, args: ["daemon-reload"] },
      ]);
      assert.equal(exists(`${bench.dir}/units/bindlink.service`), false);
      assert.equal(exists(bench.targets.folder), false);
      status = await startupStatus({ targets: bench.targets, runner: new RecordingRunner() });
      assert.equal(status.ok, false);
      assert.equal(status.copy.present, false);
      assert.equal(status.task.present, false);
      // Removing again is fine and runs nothing.
      const again = new RecordingRunner();
      assert.equal((await removeStartup({ targets: bench.targets, runner: again })).task, false);
      assert.deepEqual(again.calls, []);
    }),
});

Deno.test({
  name: "install refuses a program in a folder another user owns, and changes nothing",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      mkdir(`${bench.dir}/theirs`, 0o755, NOBODY);
      const program = `${bench.dir}/theirs/bindlink`;
      Deno.writeTextFileSync(program, "#!/bin/sh\n");
      const runner = new RecordingRunner();
      const error = await rejectsCode(install(bench, runner, { program }), "untrusted");
      assert.match(error.message, /program file/);
      assert.match(error.message, new RegExp(`can change the folder ${bench.dir}/theirs`));
      assert.match(error.message, /as root at every boot/);
      assert.match(error.hint, /\/usr\/local\/lib\/bindlink\//);
      assert.deepEqual(runner.calls, []);
      assert.equal(exists(bench.targets.folder), false);
    }),
});

Deno.test({
  name: "install refuses a program the login user owns: it runs as root for everyone",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      Deno.chownSync(bench.program, 1000, 1000);
      await rejectsCode(install(bench, new RecordingRunner()), "untrusted");
      assert.equal(exists(bench.targets.folder), false);
    }),
});

Deno.test({
  name: "for deno, cli.ts and every file of lib/ must be root's: one writable file is refused",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      const d = bench.dir;
      Deno.writeTextFileSync(`${d}/prog/deno`, "");
      Deno.writeTextFileSync(`${d}/prog/cli.ts`, "");
      mkdir(`${d}/prog/lib/startup`);
      Deno.writeTextFileSync(`${d}/prog/lib/startup/install.ts`, "");
      const run = () =>
        installStartup({
          manifest: bench.manifest,
          targets: bench.targets,
          runner: new RecordingRunner(),
          platform: linuxPlatform(),
          program: { os: "linux", execPath: `${d}/prog/deno`, cliUrl: `file://${d}/prog/cli.ts` },
          user: 1000,
        });
      const done = await run();
      assert.deepEqual(done.program.args.slice(0, 3), ["run", "--no-config", "--no-remote"]);
      assert.equal(done.program.args.at(-1), `${d}/prog/cli.ts`);
      await removeStartup({ targets: bench.targets, runner: new RecordingRunner() });

      Deno.chmodSync(`${d}/prog/lib/startup/install.ts`, 0o666);
      const error = await rejectsCode(run(), "untrusted");
      assert.match(error.message, new RegExp(`${d}/prog/lib/startup/install.ts`));
    }),
});

Deno.test({
  name: "install refuses a manifest in a folder every user can write",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      mkdir(`${bench.dir}/shared`, 0o777);
      const manifest = `${bench.dir}/shared/bindlink.json`;
      Deno.copyFileSync(bench.manifest, manifest);
      const runner = new RecordingRunner();
      const error = await rejectsCode(
        installStartup({
          manifest,
          targets: bench.targets,
          runner,
          platform: linuxPlatform(),
          program: { os: "linux", execPath: bench.program, cliUrl: "file:///x/cli.ts" },
          user: 1000,
        }),
        "untrusted",
      );
      assert.match(error.message, /every user \(mode 0777\)/);
      assert.deepEqual(runner.calls, []);
      assert.equal(exists(bench.targets.folder), false);
    }),
});

Deno.test({
  name: "install through a user's symlink resolves against the real file's folder, and says so",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      const d = bench.dir;
      mkdir(`${d}/srv/admin/site`);
      const real = `${d}/srv/admin/site/bindlink.json`;
      Deno.writeTextFileSync(
        real,
        JSON.stringify({ links: [{ virtual: "app", backing: "releases/v2" }] }),
      );
      // The user's own folder, and in it a symlink to root's manifest.
      mkdir(`${d}/home/mal`, 0o755, NOBODY);
      const link = `${d}/home/mal/bindlink.json`;
      Deno.symlinkSync(real, link);
      const result = await installStartup({
        manifest: link,
        targets: bench.targets,
        runner: new RecordingRunner(),
        platform: linuxPlatform(),
        program: { os: "linux", execPath: bench.program, cliUrl: "file:///x/cli.ts" },
        user: NOBODY,
      });
      const links = JSON.parse(Deno.readTextFileSync(result.copy)).links;
      assert.deepEqual(
        links.map((l: { virtual: string; backing: string }) => [l.virtual, l.backing]),
        [[`${d}/srv/admin/site/app`, `${d}/srv/admin/site/releases/v2`]],
      );
      assert.equal(result.source, real);
      const record = JSON.parse(Deno.readTextFileSync(`${d}/etc/bindlink/install.json`));
      assert.equal(record.source, real);

      // status compares with the real file: pointing the symlink elsewhere changes nothing.
      const runner = new RecordingRunner();
      Deno.removeSync(link);
      Deno.writeTextFileSync(link, '{"links":[]}');
      let status = await startupStatus({ targets: bench.targets, runner });
      assert.equal(status.source.path, real);
      assert.equal(status.source.state, "unchanged");
      Deno.writeTextFileSync(real, '{"links":[]}');
      status = await startupStatus({ targets: bench.targets, runner });
      assert.equal(status.source.state, "changed");
    }),
});

Deno.test({
  name: "install refuses a pre-made /etc/bindlink owned by someone else, or a symlink",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      mkdir(bench.targets.folder, 0o755, NOBODY);
      const error = await rejectsCode(install(bench, new RecordingRunner()), "untrusted");
      assert.match(error.message, /protected folder/);
      assert.equal(exists(`${bench.targets.folder}/startup.json`), false);
      Deno.removeSync(bench.targets.folder);
      mkdir(`${bench.dir}/elsewhere`);
      Deno.symlinkSync(`${bench.dir}/elsewhere`, bench.targets.folder);
      const link = await rejectsCode(install(bench, new RecordingRunner()), "untrusted");
      assert.match(link.message, /symbolic link/);
    }),
});

Deno.test({
  name: "install does not overwrite a bindlink.service it did not make",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      const unit = `${bench.dir}/units/bindlink.service`;
      Deno.writeTextFileSync(unit, "[Unit]\nDescription=someone else's\n");
      await rejectsCode(install(bench, new RecordingRunner()), "already-exists");
      assert.equal(Deno.readTextFileSync(unit), "[Unit]\nDescription=someone else's\n");
      await rejectsCode(
        removeStartup({ targets: bench.targets, runner: new RecordingRunner() }),
        "invalid-argument",
      );
      assert.ok(exists(unit));
    }),
});

Deno.test({
  name: "a failing systemctl rolls back: nothing new is left, an earlier install is restored",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      const failing = new RecordingRunner((call) =>
        call.args[0] === "enable" ? { code: 1, stderr: "Failed to enable unit" } : undefined
      );
      const error = await rejectsCode(install(bench, failing), "unknown");
      assert.match(error.message, /systemctl enable bindlink.service exited with code 1/);
      assert.match(error.message, /Failed to enable unit/);
      assert.equal(exists(bench.targets.folder), false);
      assert.equal(exists(`${bench.dir}/units/bindlink.service`), false);
      assert.deepEqual(failing.calls.map((c) => c.args[0]), [
        "daemon-reload",
        "enable",
        "daemon-reload",
      ]);

      await install(bench, new RecordingRunner());
      const copy = `${bench.targets.folder}/startup.json`;
      const before = Deno.readTextFileSync(copy);
      Deno.writeTextFileSync(bench.manifest, '{"links":[{"virtual":"/a","backing":"/b"}]}');
      await rejectsCode(install(bench, failing), "unknown");
      assert.equal(Deno.readTextFileSync(copy), before);
      assert.equal(Deno.statSync(copy).mode! & 0o777, 0o644);
    }),
});

Deno.test({
  name: "an invalid manifest is refused before anything is written",
  ignore: !root,
  fn: () =>
    withBench(async (bench) => {
      Deno.writeTextFileSync(bench.manifest, '{"links":[{"virtual":"/a"}]}');
      const runner = new RecordingRunner();
      const error = await rejectsCode(install(bench, runner), "invalid-argument");
      assert.match(error.message, /links\[0\]/);
      assert.deepEqual(runner.calls, []);
      assert.equal(exists(bench.targets.folder), false);
    }),
});
