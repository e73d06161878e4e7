/*
 * The attacker of the race tests: swaps two names in one folder with renameat2(RENAME_EXCHANGE)
 * as fast as it can, so a privileged process that resolves a path string twice sees one
 * thing at the check and the other at the use. Run it as the unprivileged user.
 *
 * Usage: exchange <folder> <name-a> <name-b> <seconds>
 * Stops by itself after <seconds> (the tests' loops are bounded in time), or on SIGTERM.
 * Prints the number of exchanges made, so a test can assert the race really ran.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: exchange <folder> <name-a> <name-b> <seconds>\n");
    return 2;
  }
  int dir = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    perror("open");
    return 1;
  }
  time_t end = time(NULL) + atoi(argv[4]);
  unsigned long done = 0;
  while (time(NULL) < end) {
    for (int i = 0; i < 1000; i++) {
      if (syscall(SYS_renameat2, dir, argv[2], dir, argv[3], RENAME_EXCHANGE) == 0) done++;
    }
  }
  printf("%lu\n", done);
  return 0;
}
