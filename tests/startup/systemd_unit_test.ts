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

/** Paths that mean something to systemd's parser: a variable, a specifier, a blank, quotes. */
const HOSTILE = ["/srv/a$HOME", "/srv/b%h", "/srv/c d", '/srv/e"q', "/srv/back\\x"];

function hostileUnit(program: string): string {
  return systemdUnit({
    program: { program, args: ["run", ...HOSTILE] },
    manifest: "/etc/bindlink/startup.json",
    bootLog: "/etc/bindlink/boot-log.json",
    mountsFor: HOSTILE,
    timeoutSeconds: 300,
  });
}

Deno.test("hostile paths: % doubled everywhere, $ doubled only on Exec lines, quoted per directive", () => {
  const lines = hostileUnit("/usr/bin/bindlink").split("\n");
  assert.deepEqual(lines.filter((l) => l.startsWith("RequiresMountsFor=")), [
    "RequiresMountsFor=/srv/a$HOME",
    "RequiresMountsFor=/srv/b%%h",
    'RequiresMountsFor="/srv/back\\\\x"',
    'RequiresMountsFor="/srv/c d"',
    'RequiresMountsFor="/srv/e\\"q"',
  ]);
  const words = '/srv/a$$HOME /srv/b%%h "/srv/c d" "/srv/e\\"q" "/srv/back\\\\x"';
  assert.deepEqual(lines.filter((l) => l.startsWith("Exec")), [
    `ExecStart=/usr/bin/bindlink run ${words} apply -f /etc/bindlink/startup.json ` +
    "--boot-log /etc/bindlink/boot-log.json",
    `ExecStop=/usr/bin/bindlink run ${words} down -f /etc/bindlink/startup.json`,
  ]);
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

const analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((file) => {
  try {
    return Deno.build.os === "linux" && Deno.statSync(file).isFile;
  } catch {
    return false;
  }
});

/** systemd-analyze verify on `text` as bindlink.service in a fresh folder. */
async function verify(text: string, env: Record<string, string> = {}) {
  const dir = Deno.makeTempDirSync({ prefix: "bindlink-unit-" });
  try {
    const unit = `${dir}/bindlink.service`;
    Deno.writeTextFileSync(unit, text);
    const output = await new Deno.Command(analyze!, {
      args: ["verify", "--man=no", unit],
      clearEnv: true,
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test({
  name: analyze
    ? "systemd-analyze verify accepts the unit for hostile paths: exit 0, nothing on stderr"
    : "systemd-analyze verify (skipped: systemd-analyze is not installed; .ci/run installs it)",
  ignore: !analyze,
  fn: async () => {
    const result = await verify(hostileUnit("/bin/echo"));
    assert.equal(result.stderr, "");
    assert.equal(result.code, 0, result.stdout);
  },
});

Deno.test({
  name: analyze
    ? "systemd itself reads the unit's paths and words back as written (systemd-analyze dump)"
    : "systemd-analyze dump (skipped: systemd-analyze is not installed; .ci/run installs it)",
  ignore: !analyze,
  fn: async () => {
    // At debug level verify prints the loaded unit: each path and command line as parsed.
    const result = await verify(hostileUnit("/bin/echo"), { SYSTEMD_LOG_LEVEL: "debug" });
    assert.equal(result.code, 0, result.stderr);
    const text = result.stdout + result.stderr;
    const mounts = [...text.matchAll(/RequiresMountsFor: (.*) \(origin-file\)/g)].map((m) => m[1]);
    assert.deepEqual(mounts.sort(), [...HOSTILE].sort());
    const lines = text.split("\n").map((l) => l.trim()).filter((l) =>
      l.startsWith("Command Line:")
    );
    // systemd shows each stored word re-quoted; "$$" is what it turns into "$" when it runs.
    const words = '"/srv/a\\$\\$HOME" /srv/b%h "/srv/c d" "/srv/e\\"q" "/srv/back\\\\x"';
    assert.deepEqual(lines, [
      `Command Line: /bin/echo run ${words} apply -f /etc/bindlink/startup.json ` +
      "--boot-log /etc/bindlink/boot-log.json",
      `Command Line: /bin/echo run ${words} down -f /etc/bindlink/startup.json`,
    ]);
  },
});
