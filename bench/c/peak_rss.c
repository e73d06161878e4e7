/*
 * peak_rss <program> [args...]: runs the program (an absolute path), its output to
 * /dev/null, and prints its peak resident set in KiB (wait4's ru_maxrss); exits with its
 * exit code.
 *
 * A process started straight from the bench cannot be measured so: posix_spawn shares the
 * bench's memory until exec, and Linux then counts the bench's own peak (tens of MiB) as the
 * child's. This program is small, so what it starts is charged only for itself.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: peak_rss <program> [args...]\n");
    return 2;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  if (posix_spawn(&pid, argv[1], &actions, NULL, argv + 1, environ) != 0) {
    perror("posix_spawn");
    return 2;
  }
  int status = 0;
  struct rusage usage = {0};
  if (wait4(pid, &status, 0, &usage) < 0) {
    perror("wait4");
    return 2;
  }
  printf("%ld\n", usage.ru_maxrss);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
