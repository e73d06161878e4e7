/** The systemd unit, exactly. */
import assert from "node:assert/strict";
import { systemdUnit } from "../../lib/startup/systemd_unit.ts";
import { throwsCode } from "../support/expect_error.ts";

Deno.test("the unit for a compiled bindlink: oneshot, ordering, mounts, apply and down", () => {
  const text = systemdUnit({
    program: { program: "/usr/local/lib/bindlink/bindlink", args: [] },
    manifest: "/etc/bindlink/startup.json",
    bootLog: "/etc/bindlink/boot-log.json",
    mountsFor: ["/srv/app/config", "/mnt/share/configs", "/srv/app/config"],
    timeoutSeconds: 300,
  });
  assert.equal(
    text,
    `# Made by \`bindlink startup install\`; remove it with \`bindlink startup remove\`.
[Unit]
Description=bindlink: bind links of /etc/bindlink/startup.json
Wants=network-online.target
After=local-fs.target network-online.target
RequiresMountsFor=/mnt/share/configs
RequiresMountsFor=/srv/app/config

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/lib/bindlink/bindlink apply -f /etc/bindlink/startup.json --boot-log /etc/bindlink/boot-log.json
ExecStop=/usr/local/lib/bindlink/bindlink down -f /etc/bindlink/startup.json
TimeoutStartSec=300

[Install]
WantedBy=multi-user.target
`,
  );
});

Deno.test("the unit for deno on a local cli.ts quotes a path with spaces and escapes %", () => {
  const text = systemdUnit({
    program: {
      program: "/opt/deno/bin/deno",
      args: ["run", "--no-config", "--no-remote", "--allow-ffi", "/opt/bind link/cli.ts"],
    },
    manifest: "/etc/bindlink/startup.json",
    bootLog: "/etc/bindlink/boot-log.json",
    mountsFor: ["/data/100% full"],
    timeoutSeconds: 90,
  });
  const lines = text.split("\n");
  assert.ok(lines.includes('RequiresMountsFor="/data/100%% full"'));
  assert.ok(
    lines.includes(
      'ExecStart=/opt/deno/bin/deno run --no-config --no-remote --allow-ffi "/opt/bind link/cli.ts" ' +
        "apply -f /etc/bindlink/startup.json --boot-log /etc/bindlink/boot-log.json",
    ),
  );
  assert.ok(lines.includes("TimeoutStartSec=90"));
});

Deno.test("a relative path in the unit is a bug and refused", () => {
  throwsCode(() =>
    systemdUnit({
      program: { program: "/usr/bin/bindlink", args: [] },
      manifest: "startup.json",
      bootLog: "/etc/bindlink/boot-log.json",
      mountsFor: [],
      timeoutSeconds: 1,
    }), "invalid-path");
});

const analyze = "/usr/bin/systemd-analyze";
const hasAnalyze = Deno.build.os === "linux" && (() => {
  try {
    return Deno.statSync(analyze).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "systemd itself reads the unit's words back as written (systemd-analyze verify)",
  ignore: !hasAnalyze,
  fn: async () => {
    const dir = Deno.makeTempDirSync({ prefix: "bindlink-unit-" });
    try {
      const unit = `${dir}/bindlink.service`;
      Deno.writeTextFileSync(
        unit,
        systemdUnit({
          program: { program: "/bin/echo", args: ["run", "/opt/bind link/cli.ts", "100%"] },
          manifest: "/etc/bindlink/startup.json",
          bootLog: "/etc/bindlink/boot-log.json",
          mountsFor: ["/data/my disk"],
          timeoutSeconds: 300,
        }),
      );
      const output = await new Deno.Command(analyze, {
        args: ["verify", "--man=no", unit],
        env: { SYSTEMD_LOG_LEVEL: "debug" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout) +
        new TextDecoder().decode(output.stderr);
      assert.match(text, /RequiresMountsFor: \/data\/my disk \(origin-file\)/);
      const lines = text.split("\n").map((l) => l.trim()).filter((l) =>
        l.startsWith("Command Line:")
      );
      assert.deepEqual(lines, [
        'Command Line: /bin/echo run "/opt/bind link/cli.ts" 100% apply -f ' +
        "/etc/bindlink/startup.json --boot-log /etc/bindlink/boot-log.json",
        'Command Line: /bin/echo run "/opt/bind link/cli.ts" 100% down -f /etc/bindlink/startup.json',
      ]);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
