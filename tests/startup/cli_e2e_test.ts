/**
 * `bindlink startup` end to end on Linux, with the real defaults (/etc/bindlink,
 * /etc/systemd/system, /usr/bin/systemctl) and cli.ts run with the documented flags plus
 * --allow-run, inside a private mount namespace: /etc gets a throwaway overlay on a tmpfs and
 * systemctl is a recording script bound over the real one, so the host is never touched.
 */
import assert from "node:assert/strict";

const root = Deno.build.os === "linux" && Deno.uid() === 0;
const cli = new URL("../../cli.ts", import.meta.url).pathname;

const SCRIPT = `
set -eu
t=$1 deno=$2 cli=$3
mount -t tmpfs -o mode=0755 tmpfs "$t"
mkdir "$t/upper" "$t/work" "$t/home"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$t/upper,workdir=$t/work" /etc
mkdir -p /etc/systemd/system
printf '#!/bin/sh\\necho "$*" >> %s/calls\\n' "$t" > "$t/systemctl"
chmod 0755 "$t/systemctl"
mount --bind "$t/systemctl" /usr/bin/systemctl
printf '{"links":[{"virtual":"app","backing":"/srv/data","readOnly":true}]}' > "$t/home/bindlink.json"
run() { "$deno" run --allow-ffi --allow-read --allow-write --allow-run "$cli" "$@"; }
run startup install -f "$t/home/bindlink.json" --json
stat -c '%u %a' /etc/bindlink /etc/bindlink/startup.json
cat /etc/bindlink/startup.json
head -n 3 /etc/systemd/system/bindlink.service
run startup status --json || true
run startup remove --json
test -e /etc/bindlink && echo "left" || echo "gone"
cat "$t/calls"
`;

Deno.test({
  name: "startup install, status and remove through cli.ts with the real default places",
  ignore: !root,
  fn: async () => {
    const dir = Deno.makeTempDirSync({ prefix: "bindlink-e2e-startup-" });
    try {
      const output = await new Deno.Command("unshare", {
        args: [
          "-m",
          "--propagation",
          "private",
          "/bin/sh",
          "-c",
          SCRIPT,
          "sh",
          dir,
          Deno.execPath(),
          cli,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(output.stdout);
      const stderr = new TextDecoder().decode(output.stderr);
      assert.equal(output.code, 0, `stdout:\n${stdout}\nstderr:\n${stderr}`);
      const lines = stdout.split("\n");
      const installed = JSON.parse(lines[0]);
      assert.equal(installed.ok, true);
      assert.equal(installed.copy, "/etc/bindlink/startup.json");
      assert.equal(installed.task, "/etc/systemd/system/bindlink.service");
      assert.deepEqual(installed.program, {
        program: Deno.execPath(),
        args: [
          "run",
          "--no-config",
          "--no-remote",
          "--allow-ffi",
          "--allow-read",
          "--allow-write",
          cli,
        ],
      });
      assert.equal(lines[1], "0 755");
      assert.equal(lines[2], "0 644");
      assert.match(stdout, new RegExp(`"virtual": "${dir}/home/app"`));
      assert.match(stdout, /# Made by `bindlink startup install`/);
      const status = JSON.parse(lines.find((l) => l.includes('"operation":"startup status"'))!);
      assert.equal(status.ok, true, JSON.stringify(status));
      const removed = JSON.parse(lines.find((l) => l.includes('"operation":"startup remove"'))!);
      assert.equal(removed.task, true);
      assert.ok(lines.includes("gone"));
      const calls = lines.slice(lines.indexOf("gone") + 1).filter(Boolean);
      assert.deepEqual(calls, [
        "daemon-reload",
        "enable bindlink.service",
        "is-enabled bindlink.service",
        "disable bindlink.service",
        "daemon-reload",
      ]);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
