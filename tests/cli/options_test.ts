/** The CLI's option parser: strict, and exact about what it was given. */
import assert from "node:assert/strict";
import { parseOptions } from "../../lib/cli/options.ts";
import { UsageError } from "../../lib/cli/usage_error.ts";

const spec = {
  "read-only": { type: "boolean", short: "r" },
  exception: { type: "string", short: "e", multiple: true },
  file: { type: "string", short: "f" },
} as const;

Deno.test("long, short and --name=value forms give the same values", () => {
  const parsed = parseOptions(
    ["a", "-r", "--exception", "x", "-e", "y", "--exception=z", "b", "--file=m.json", "--json"],
    "create",
    spec,
  );
  assert.deepEqual(parsed.positionals, ["a", "b"]);
  assert.equal(parsed.flag("read-only"), true);
  assert.equal(parsed.flag("json"), true);
  assert.equal(parsed.flag("help"), false);
  assert.deepEqual(parsed.strings("exception"), ["x", "y", "z"]);
  assert.equal(parsed.string("file"), "m.json");
  assert.equal(parsed.afterDoubleDash, undefined);
  assert.deepEqual(parsed.given().sort(), ["exception", "file", "json", "read-only"]);
});

Deno.test("a single-valued option keeps its last value; -- ends the options", () => {
  const parsed = parseOptions(["-f", "a", "-f", "b", "--", "-r", "--x"], "run", spec);
  assert.equal(parsed.string("file"), "b");
  assert.equal(parsed.flag("read-only"), false);
  assert.deepEqual(parsed.afterDoubleDash, ["-r", "--x"]);
  assert.deepEqual(parsed.positionals, ["-r", "--x"]);
});

Deno.test("a lone dash is an operand", () => {
  assert.deepEqual(parseOptions(["-"], "create", spec).positionals, ["-"]);
});

Deno.test("mistakes are usage errors that name the option and the command", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /^unknown option '--bogus' for create$/],
    [["-x"], /^unknown option '-x' for create$/],
    [["-re"], /^unknown option '-re' for create$/],
    [["--exception"], /^--exception needs a value \(--exception <value>\)$/],
    [["--read-only=no"], /^--read-only takes no value$/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseOptions(args, "create", spec), (error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, message);
      assert.equal(error.topic, "create");
      return true;
    }, args.join(" "));
  }
});
