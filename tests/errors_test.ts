/** How a BindLinkError words itself: the system's text quoted once, never a doubled stop. */
import assert from "node:assert/strict";
import { BindLinkError } from "../mod.ts";

const base = {
  code: "access-denied",
  operation: "create",
  virtualPath: "C:\\v",
  backingPath: "C:\\b",
  summary: "access was denied",
  hint: "Run from an elevated prompt.",
} as const;

Deno.test("Windows' text is quoted once, with the HRESULT in hex, and one full stop", () => {
  const error = new BindLinkError({
    ...base,
    hresult: 0x80070005,
    systemMessage: "Access is denied.\r\n",
  });
  assert.equal(
    error.message,
    "Could not create the bind link C:\\v -> C:\\b: access was denied. The system reports " +
      'HRESULT 0x80070005: "Access is denied." Run from an elevated prompt.',
  );
  assert.doesNotMatch(error.message, /"\.|\.\./);
});

Deno.test("text without a closing stop gets one after the quote", () => {
  const error = new BindLinkError({
    ...base,
    code: "access-denied",
    errno: 1,
    errnoName: "EPERM",
    systemMessage: "Operation not permitted",
  });
  assert.match(error.message, /errno 1 \(EPERM\): "Operation not permitted"\. Run from/);
  const question = new BindLinkError({ ...base, systemMessage: "Is the share online?" });
  assert.match(question.message, /The system reports: "Is the share online\?" Run from/);
});

Deno.test("a summary that ends a sentence itself gets no second stop", () => {
  const error = new BindLinkError({ ...base, summary: "the path ends in C:\\v." });
  assert.match(error.message, /ends in C:\\v\. Run from/);
  assert.doesNotMatch(error.message, /\.\./);
  const plain = new BindLinkError({ ...base, hresult: 0x8007FFFF });
  assert.match(
    plain.message,
    /access was denied\. The system reports HRESULT 0x8007FFFF \(it has no/,
  );
});
