/**
 * `apply --dry-run` asks the platform to check every link it would make (Platform.checkCreate)
 * and fails as apply fails. Through the native double, on Linux and under Windows Deno; on
 * Windows also the system platform's own checks, against the error the call would give.
 */
import assert from "node:assert/strict";
import { BindLinkError } from "../../lib/errors.ts";
import { applyBindLinks } from "../../lib/manifest/apply.ts";
import type { LinkSpec, Platform } from "../../lib/platform.ts";
import { windowsPlatform } from "../../lib/windows/platform.ts";
import { Double } from "../support/double.ts";
import { rejectsCode, throwsCode } from "../support/expect_error.ts";
import { overriding, spec, threeLinks } from "./support.ts";

const isWindows = Deno.build.os === "windows";

/** `platform` with `checkCreate` replaced. */
function checkedBy(platform: Platform, check: (spec: LinkSpec) => void): Platform {
  return overriding(platform, {
    checkCreate: (s) => Promise.resolve().then(() => check(s)),
    checkCreateSync: check,
  });
}

async function setUp() {
  const double = new Double();
  const stateDir = await Deno.makeTempDir({ prefix: "bindlink-state-" });
  return {
    double,
    stateDir,
    [Symbol.asyncDispose]: async () => {
      double[Symbol.dispose]();
      await Deno.remove(stateDir, { recursive: true });
    },
  };
}

Deno.test("--dry-run checks each link it would make, except those inside one made before", async () => {
  await using t = await setUp();
  const checked: string[] = [];
  const platform = checkedBy(t.double.api.platform, (s) => void checked.push(s.virtualPath));
  const dry = await applyBindLinks(threeLinks(), { platform, stateDir: t.stateDir, dryRun: true });
  assert.equal(dry.changed, true);
  // C:\View shows C:\Stage\out and C:\Stage\Sub lies inside C:\Stage: both exist only once
  // C:\Stage is linked.
  assert.deepEqual(checked, ["C:\\Stage"]);
  assert.equal(t.double.linkCalls().filter((c) => c.fn === "CreateBindLink").length, 0);
});

Deno.test("--dry-run fails with the platform's refusal, naming the link, and changes nothing", async () => {
  await using t = await setUp();
  const platform = checkedBy(t.double.api.platform, (s) => {
    throw new BindLinkError({
      code: "not-found",
      operation: "create",
      virtualPath: s.virtualPath,
      summary: "the backing path does not exist",
      hint: "Create it.",
    });
  });
  const error = await rejectsCode(
    applyBindLinks(threeLinks(), { platform, stateDir: t.stateDir, dryRun: true }),
    "not-found",
  );
  assert.equal(error.operation, "apply");
  assert.match(error.message, /links\[2\] C:\\Stage -> D:\\Data would fail: the backing path/);
  assert.match(error.message, /nothing was changed/);
  assert.equal(t.double.linkCalls().filter((c) => c.fn === "CreateBindLink").length, 0);
});

/** The error CreateBindLink's `hresult` gives, through the double. */
function callFails(double: Double, link: LinkSpec, hresult: number): BindLinkError {
  double.script("create", hresult);
  try {
    double.api.platform.createSync(link);
  } catch (error) {
    if (error instanceof BindLinkError) return error;
    throw error;
  }
  throw new Error("the scripted create did not fail");
}

Deno.test({
  name: "Windows: the system platform's dry check fails as CreateBindLink would, before any call",
  ignore: !isWindows,
  async fn() {
    await using t = await setUp();
    const dir = await Deno.makeTempDir({ prefix: "bindlink-dry-" });
    try {
      await Deno.mkdir(`${dir}\\v`);
      await Deno.mkdir(`${dir}\\b`);
      const system = windowsPlatform();
      const cases: [string, LinkSpec, number][] = [
        ["a missing backing path", spec(`${dir}\\v`, `${dir}\\gone`), 0x80070002],
        ["a missing virtual parent", spec(`${dir}\\no\\v`, `${dir}\\b`), 0x80070003],
        [
          "an exception on an anchorless link",
          spec(`${dir}\\new`, `${dir}\\b`, {
            exceptions: [`${dir}\\new\\x`],
          }),
          0x80070057,
        ],
        // Wine never elevates: with every path there, what is left is the caller's rights.
        ["a caller that is not elevated", spec(`${dir}\\v`, `${dir}\\b`), 0x80070005],
      ];
      for (const [what, link, hresult] of cases) {
        const expected = callFails(t.double, link, hresult);
        const dry = throwsCode(() => system.checkCreateSync(link), expected.code);
        assert.equal(dry.hresult, expected.hresult, what);
        await rejectsCode(system.checkCreate(link), expected.code);
      }
      // apply --dry-run with those checks: the double lists, the system platform checks.
      const platform = checkedBy(t.double.api.platform, (s) => system.checkCreateSync(s));
      const manifest = { file: "m.json", links: [spec(`${dir}\\v`, `${dir}\\gone`)] };
      const error = await rejectsCode(
        applyBindLinks(manifest, { platform, stateDir: t.stateDir, dryRun: true }),
        "not-found",
      );
      assert.match(error.message, /links\[0\].* would fail/);
      t.double.script("create", 0x80070002);
      await rejectsCode(
        applyBindLinks(manifest, { platform, stateDir: t.stateDir }),
        error.code,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
