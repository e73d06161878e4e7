/**
 * The trust gate of `apply` as root, end to end: cli.ts run with exactly the documented
 * flags, from a shell that set its login uid (as a login session does), so the login user's
 * own manifest is accepted and one another user can write is refused.
 */
import assert from "node:assert/strict";

const root = Deno.build.os === "linux" && Deno.uid() === 0;
const cli = new URL("../../cli.ts", import.meta.url).pathname;

/** `bindlink apply --dry-run --json -f file` as root, with login uid `loginUid`. */
async function applyAs(loginUid: number, file: string) {
  const output = await new Deno.Command("/bin/sh", {
    args: [
      "-c",
      'echo "$1" > /proc/self/loginuid && exec "$2" run --allow-ffi --allow-read --allow-write ' +
      '"$3" apply --dry-run --json -f "$4"',
      "sh",
      String(loginUid),
      Deno.execPath(),
      cli,
      file,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(stdout.trim(), `no JSON from apply; stderr: ${stderr}`);
  return JSON.parse(stdout) as { ok: boolean; error?: { code: string; message: string } };
}

Deno.test({
  name: "apply as root: the login user's own manifest passes the gate, another's is refused",
  ignore: !root,
  fn: async () => {
    const dir = Deno.makeTempDirSync({ prefix: "bindlink-gate-" });
    try {
      Deno.chmodSync(dir, 0o755);
      Deno.mkdirSync(`${dir}/home`);
      Deno.chownSync(`${dir}/home`, 1000, 1000);
      const mine = `${dir}/home/bindlink.json`;
      Deno.writeTextFileSync(mine, '{"links":[]}');
      Deno.chownSync(mine, 1000, 1000);

      const accepted = await applyAs(1000, mine);
      assert.notEqual(accepted.error?.code, "untrusted", JSON.stringify(accepted));

      const refused = await applyAs(1001, mine);
      assert.equal(refused.ok, false);
      assert.equal(refused.error?.code, "untrusted");
      assert.match(refused.error!.message, /uid 1000\)? can change the manifest/);

      Deno.chownSync(mine, 0, 0);
      Deno.chmodSync(mine, 0o666);
      const writable = await applyAs(1000, mine);
      assert.equal(writable.error?.code, "untrusted");
      assert.match(writable.error!.message, /every user \(mode 0666\)/);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
