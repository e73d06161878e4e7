/**
 * The trust rule of a Linux host: root is the administrator, the login user may be trusted
 * too, and files are judged through descriptors (./linux_trust.ts).
 *
 * @module
 */
import { effectiveUid } from "../linux/proc.ts";
import type { HostRule } from "./finding.ts";
import { checkLinuxFile } from "./linux_trust.ts";
import { loginUid } from "./login_user.ts";

/**
 * Linux's rule, for `hostRule` (./host_rule.ts).
 *
 * @example
 * ```ts
 * import { linuxRule } from "./linux_rule.ts";
 * const { findings } = linuxRule.judge("/etc/hostname", { allowUser: false });
 * console.log(findings.length === 0 ? "only root can change it" : findings[0].who);
 * ```
 */
export const linuxRule: HostRule = {
  admins: "root",
  separator: "/",
  // Only Linux has this backend among the systems that reach this rule.
  isElevated: () => Deno.build.os === "linux" && effectiveUid() === 0,
  judge: (file, { allowUser, user, read }) =>
    checkLinuxFile(file, { user: allowUser ? user ?? loginUid() : undefined }, { read }),
  // Its failures are Deno's own errors, which the caller words.
  failure: () => undefined,
};
