/**
 * Whether the terminal itself delivers Ctrl+C to a command bindlink started: it sends SIGINT
 * to its whole foreground process group, and the command, started without a group of its
 * own, is in bindlink's. Then bindlink must not pass Ctrl+C on as well, or the command gets
 * it twice. Asked through libc (isatty, tcgetpgrp, getpgrp) each time a SIGINT arrives,
 * since a shell's job control can move the group in or out of the foreground meanwhile.
 *
 * @module
 */
import { libc } from "./syscall.ts";

/** The file descriptor of standard input. */
const STDIN = 0;

/**
 * True when standard input is a terminal whose foreground process group is this process's:
 * a SIGINT from that terminal reached every process of the group, its children included.
 *
 * @example
 * ```ts
 * import { terminalDeliversInterrupt } from "./terminal.ts";
 *
 * if (!terminalDeliversInterrupt()) console.log("a Ctrl+C here came from kill, not a terminal");
 * ```
 */
export function terminalDeliversInterrupt(): boolean {
  const c = libc();
  if (c.isatty(STDIN) !== 1) return false;
  const foreground = c.tcgetpgrp(STDIN);
  return foreground >= 0 && foreground === c.getpgrp();
}
