# Pinned tool versions, sourced by the scripts in tools/. One place to bump them.
DENO_VERSION=2.9.6
# The Windows build of Deno comes from npm (@deno/win32-x64). The runner takes exactly
# DENO_VERSION when npm has it, else the newest release of the same major.minor line
# (npm had no @deno/win32-x64@2.9.6 when this was written; it had 2.9.5).
DENO_WINDOWS_LINE=2.9
DEBIAN_SUITE=trixie # Wine 10; Debian 12's Wine 8 aborts Windows Deno at start-up
