/** The Task Scheduler XML, exactly. */
import assert from "node:assert/strict";
import { encodeTaskXml, taskXml, xmlEscape } from "../../lib/startup/task_xml.ts";
import { throwsCode } from "../support/expect_error.ts";

const EXPECTED = [
  '<?xml version="1.0" encoding="UTF-16"?>',
  '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
  "  <RegistrationInfo>",
  "    <Description>bindlink: bind links of C:\\ProgramData\\bindlink\\startup.json</Description>",
  "    <URI>\\bindlink</URI>",
  "  </RegistrationInfo>",
  "  <Triggers>",
  "    <BootTrigger>",
  "      <Enabled>true</Enabled>",
  "    </BootTrigger>",
  "  </Triggers>",
  "  <Principals>",
  '    <Principal id="Author">',
  "      <UserId>S-1-5-18</UserId>",
  "      <RunLevel>HighestAvailable</RunLevel>",
  "    </Principal>",
  "  </Principals>",
  "  <Settings>",
  "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>",
  "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>",
  "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>",
  "    <AllowHardTerminate>true</AllowHardTerminate>",
  "    <StartWhenAvailable>true</StartWhenAvailable>",
  "    <RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>",
  "    <IdleSettings>",
  "      <StopOnIdleEnd>false</StopOnIdleEnd>",
  "      <RestartOnIdle>false</RestartOnIdle>",
  "    </IdleSettings>",
  "    <AllowStartOnDemand>true</AllowStartOnDemand>",
  "    <Enabled>true</Enabled>",
  "    <Hidden>false</Hidden>",
  "    <RunOnlyIfIdle>false</RunOnlyIfIdle>",
  "    <WakeToRun>false</WakeToRun>",
  "    <ExecutionTimeLimit>PT5M</ExecutionTimeLimit>",
  "    <Priority>7</Priority>",
  "  </Settings>",
  '  <Actions Context="Author">',
  "    <Exec>",
  "      <Command>C:\\Program Files\\deno\\deno.exe</Command>",
  "      <Arguments>run --no-config --no-remote --allow-ffi " +
  "&quot;C:\\Program Files\\bindlink &amp; co\\cli.ts&quot; apply -f " +
  "C:\\ProgramData\\bindlink\\startup.json --boot-log C:\\ProgramData\\bindlink\\boot-log.json" +
  "</Arguments>",
  "    </Exec>",
  "  </Actions>",
  "</Task>",
  "",
].join("\r\n");

Deno.test("the task XML: boot trigger, SYSTEM, highest run level, network, command quoted", () => {
  const xml = taskXml({
    program: {
      program: "C:\\Program Files\\deno\\deno.exe",
      args: [
        "run",
        "--no-config",
        "--no-remote",
        "--allow-ffi",
        "C:\\Program Files\\bindlink & co\\cli.ts",
      ],
    },
    manifest: "C:\\ProgramData\\bindlink\\startup.json",
    bootLog: "C:\\ProgramData\\bindlink\\boot-log.json",
    needsNetwork: true,
    timeoutSeconds: 300,
  });
  assert.equal(xml, EXPECTED);
});

Deno.test("without shares the task does not wait for a network; odd timeouts in seconds", () => {
  const xml = taskXml({
    program: { program: "C:\\Program Files\\bindlink\\bindlink.exe", args: [] },
    manifest: "C:\\ProgramData\\bindlink\\startup.json",
    bootLog: "C:\\ProgramData\\bindlink\\boot-log.json",
    needsNetwork: false,
    timeoutSeconds: 90,
  });
  assert.match(xml, /<RunOnlyIfNetworkAvailable>false<\/RunOnlyIfNetworkAvailable>/);
  assert.match(xml, /<ExecutionTimeLimit>PT90S<\/ExecutionTimeLimit>/);
  assert.match(xml, /<Command>C:\\Program Files\\bindlink\\bindlink.exe<\/Command>/);
  assert.match(
    xml,
    /<Arguments>apply -f C:\\ProgramData\\bindlink\\startup.json --boot-log C:\\ProgramData\\bindlink\\boot-log.json<\/Arguments>/,
  );
});

Deno.test("a program path with % is refused before any XML is made", () => {
  throwsCode(() =>
    taskXml({
      program: { program: "C:\\100%\\bindlink.exe", args: [] },
      manifest: "C:\\ProgramData\\bindlink\\startup.json",
      bootLog: "C:\\ProgramData\\bindlink\\boot-log.json",
      needsNetwork: false,
      timeoutSeconds: 60,
    }), "invalid-argument");
});

Deno.test("XML escaping and the UTF-16LE encoding with a byte order mark", () => {
  assert.equal(xmlEscape(`a&b<c>d"e'f`), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  const bytes = encodeTaskXml("<é𝄞>");
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe]);
  assert.equal(new TextDecoder("utf-16le").decode(bytes.subarray(2)), "<é𝄞>");
});
