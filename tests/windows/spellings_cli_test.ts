/**
 * Issue 11 end to end through the CLI, in-process against the double: a link made under any
 * accepted spelling is reported as the link Windows makes, and the plain spelling finds,
 * lists and removes it; every refused spelling is `invalid-path` before any call.
 */
import assert from "node:assert/strict";
import { EXIT_FAILED, EXIT_OK } from "../../cli.ts";
import { runCli } from "../support/cli.ts";
import { Double } from "../support/double.ts";

const V = "C:\\bindlink-spellings\\v";
const B = "C:\\bindlink-spellings\\b";

async function cli(double: Double, ...args: string[]) {
  const out = await runCli(double, ...args);
  return { ...out, json: out.stdout ? JSON.parse(out.stdout) : undefined };
}

Deno.test("a link made under any spelling is C:\\...\\v, and the plain spelling lists and removes it", async () => {
  using double = new Double();
  for (const spelling of [`\\\\.\\${V}`, `${V}.`, `${V} .. `, `\\??\\${V}`, `\\\\?\\${V}\\`]) {
    double.reset();
    const made = await cli(double, "create", spelling, B, "--json");
    assert.equal(made.code, EXIT_OK, made.stdout + made.stderr);
    assert.equal(made.json.link.virtualPath, V, `${spelling} is reported as the link Windows made`);
    const listed = await cli(double, "list", V.toUpperCase(), "--json");
    assert.equal(listed.code, EXIT_OK, listed.stdout + listed.stderr);
    assert.deepEqual(
      listed.json.links.map((link: { virtualPath: string }) => link.virtualPath.toUpperCase()),
      [V.toUpperCase()],
      `${spelling}: listed under the plain spelling`,
    );
    const removed = await cli(double, "remove", V, "--json");
    assert.equal(removed.code, EXIT_OK, removed.stdout + removed.stderr);
    assert.equal(removed.json.virtualPath, V);
    assert.equal(double.linkCount(), 0, `${spelling}: removed under the plain spelling`);
  }
});

Deno.test("refused spellings are invalid-path at the CLI, and nothing reaches the DLL", async () => {
  using double = new Double();
  const cases: [string[], RegExp][] = [
    [["create", "NUL", B], /device name NUL/],
    [["create", "\\\\srv\\share\\v", B], /virtual path must be local/],
    [["create", "D:foo", B], /Give a full path/],
    [["create", "\\\\?\\C:v", B], /no separator after the drive/],
    [["create", V, "\\\\?\\UNC\\server"], /names no share/],
    [["create", "\\Device\\HarddiskVolume1\\v", B], /raw NT device path/],
    [["create", V, `\\\\?\\${V}\\`], /are the same place/],
    [["create", `${V}.`, B, "--exception", "C:\\bindlink-spellings\\other"], /is not below/],
    [["remove", "COM1"], /device name COM1/],
  ];
  for (const [args, message] of cases) {
    const plain = await cli(double, ...args);
    assert.equal(plain.code, EXIT_FAILED, args.join(" "));
    assert.match(plain.stderr, message, args.join(" "));
    const json = await cli(double, ...args, "--json");
    assert.equal(json.json.error.code, "invalid-path", args.join(" "));
  }
  assert.deepEqual(double.calls(), [], "no call reached the double");
});
