/** Quoting of the startup command line for systemd and for Task Scheduler. */
import assert from "node:assert/strict";
import {
  systemdCommandLine,
  systemdPath,
  systemdWord,
  taskCommand,
  windowsArgument,
} from "../../lib/startup/command_line.ts";
import { throwsCode } from "../support/expect_error.ts";

Deno.test("systemd words: plain words bare; blanks, quotes, backslashes quoted; % and $ doubled", () => {
  assert.equal(systemdWord("/etc/bindlink/startup.json"), "/etc/bindlink/startup.json");
  assert.equal(systemdWord("/opt/my tools/bindlink"), '"/opt/my tools/bindlink"');
  assert.equal(systemdWord('a"b'), '"a\\"b"');
  assert.equal(systemdWord("a\\b"), '"a\\\\b"');
  assert.equal(systemdWord("100%"), "100%%");
  assert.equal(systemdWord("$HOME"), "$$HOME");
  assert.equal(systemdWord(""), '""');
  assert.equal(systemdWord(";"), '";"');
  throwsCode(() => systemdWord("a\nb"), "invalid-argument");
  // A path list entry is unquoted and %-expanded, never $-expanded.
  assert.equal(systemdPath("/srv/a$HOME"), "/srv/a$HOME");
  assert.equal(systemdPath("/srv/b%h"), "/srv/b%%h");
  assert.equal(systemdPath("/srv/c d"), '"/srv/c d"');
  assert.equal(systemdPath('/srv/e"q'), '"/srv/e\\"q"');
  assert.equal(systemdPath("/srv/back\\x"), '"/srv/back\\\\x"');
  throwsCode(() => systemdPath("/srv/a\nb"), "invalid-argument");
});

Deno.test("a systemd command line needs an absolute program", () => {
  assert.equal(
    systemdCommandLine({ program: "/opt/x y/deno", args: ["run", "/opt/x y/cli.ts"] }),
    '"/opt/x y/deno" run "/opt/x y/cli.ts"',
  );
  throwsCode(() => systemdCommandLine({ program: "deno", args: [] }), "invalid-argument");
});

/** Splits a Windows command line the way the MSVC runtime does (for round-trip checks). */
function msvcSplit(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) break;
    let word = "";
    let quoted = false;
    for (; i < line.length; i++) {
      const c = line[i];
      if (!quoted && (c === " " || c === "\t")) break;
      if (c === "\\") {
        let n = 0;
        while (line[i] === "\\") {
          n++;
          i++;
        }
        if (line[i] === '"') {
          word += "\\".repeat(Math.floor(n / 2));
          if (n % 2) word += '"';
          else quoted = !quoted;
        } else {
          word += "\\".repeat(n);
          i--;
        }
        continue;
      }
      if (c === '"') {
        quoted = !quoted;
        continue;
      }
      word += c;
    }
    words.push(word);
  }
  return words;
}

Deno.test("Windows arguments survive the C runtime's splitting, spaces and quotes included", () => {
  const words = [
    "C:\\Program Files\\bindlink\\cli.ts",
    "plain",
    "",
    'say "hi"',
    "C:\\trailing slash\\",
    "back\\\\slashes\\",
  ];
  const line = words.map(windowsArgument).join(" ");
  assert.deepEqual(msvcSplit(line), words);
  assert.equal(windowsArgument("C:\\Program Files\\x"), '"C:\\Program Files\\x"');
  assert.equal(windowsArgument("apply"), "apply");
});

Deno.test("the task's Command is the program; a path with spaces stays one argument", () => {
  const { command, arguments: args } = taskCommand({
    program: "C:\\Program Files\\deno\\deno.exe",
    args: ["run", "C:\\Program Files\\bindlink\\cli.ts", "apply"],
  });
  assert.equal(command, "C:\\Program Files\\deno\\deno.exe");
  assert.equal(args, 'run "C:\\Program Files\\bindlink\\cli.ts" apply');
  assert.deepEqual(msvcSplit(args), ["run", "C:\\Program Files\\bindlink\\cli.ts", "apply"]);
});

Deno.test("Task Scheduler would expand %NAME%: a program or argument with % is refused", () => {
  const error = throwsCode(
    () => taskCommand({ program: "C:\\tools%USERNAME%\\bindlink.exe", args: [] }),
    "invalid-argument",
  );
  assert.match(error.message, /Task Scheduler would expand/);
  assert.match(error.hint, /%ProgramFiles%\\bindlink\\/);
  throwsCode(
    () => taskCommand({ program: "C:\\b\\bindlink.exe", args: ["C:\\100%\\startup.json"] }),
    "invalid-argument",
  );
  throwsCode(() => taskCommand({ program: "bindlink.exe", args: [] }), "invalid-argument");
});

Deno.test({
  name: "Windows: the task's Arguments, given raw to a real program, come back word for word",
  ignore: Deno.build.os !== "windows",
  fn: async () => {
    const dir = Deno.makeTempDirSync({ prefix: "bindlink-args-" });
    try {
      const script = `${dir}\\args.js`;
      Deno.writeTextFileSync(script, "console.log(JSON.stringify(Deno.args));");
      const words = [
        "C:\\Program Files\\bindlink\\cli.ts",
        "apply",
        'say "hi"',
        "C:\\trailing slash\\",
        "",
      ];
      const { arguments: line } = taskCommand({ program: Deno.execPath(), args: words });
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", script, line],
        windowsRawArguments: true,
        stdout: "piped",
      }).output();
      assert.deepEqual(JSON.parse(new TextDecoder().decode(output.stdout)), words);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
