/*
 * The C baseline of `deno task bench`: what a bind-link backend costs when nothing but the
 * kernel's work and the unavoidable file work is done. Loaded by the bench through
 * Deno.dlopen, so its calls are interleaved with the library's, in the same process, against
 * the same mounts.
 *
 * Each create and remove does what a careful backend must (issues 8 and 12), the way the
 * Linux backend is designed to (fd-based, race-free):
 *   - an flock on a lock file in its state folder, held from the first check to the record;
 *   - each path opened once with openat2(O_PATH, RESOLVE_NO_MAGICLINKS), its kind from statx
 *     on the descriptor;
 *   - the link built detached: open_tree(OPEN_TREE_CLONE | AT_RECURSIVE) of the backing
 *     descriptor, or an overlay from fsopen/fsconfig (layers by descriptor; redirect_dir,
 *     metacopy, index off)/fsmount; each exception cloned with open_tree and moved into the
 *     detached tree at a target opened with RESOLVE_BENEATH; the tree's unique mount ID from
 *     statx(STATX_MNT_ID_UNIQUE); then attached with one move_mount;
 *   - create: a small record written to a temporary name and renamed;
 *     remove: the record read, the mount's unique ID compared, umount2(MNT_DETACH |
 *     UMOUNT_NOFOLLOW), the record unlinked (and a merged link's work folder removed).
 * Not done here (section 5 of the bench times them on their own): intent records and the
 * recovery check's directory read.
 *
 * Every function returns 0, or -errno of the first call that failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x4000U
#endif
#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 0x8
#endif
#ifndef FSCONFIG_SET_FD
#define FSCONFIG_SET_FD 5
#endif

extern char **environ;

#define FAIL_IF(cond) \
  do {                \
    if (cond) {       \
      rc = -errno;    \
      goto out;       \
    }                 \
  } while (0)

static int lock_state(const char *state_dir) {
  char lock[4096];
  snprintf(lock, sizeof lock, "%s/lock", state_dir);
  int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return -errno;
  if (flock(fd, LOCK_EX) != 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  return fd;
}

/* openat2(O_PATH) with RESOLVE_NO_MAGICLINKS (| RESOLVE_BENEATH): a path opened once. */
static int open_path(int dirfd, const char *path, int beneath) {
  struct open_how how = {
      .flags = O_PATH | O_CLOEXEC,
      .resolve = RESOLVE_NO_MAGICLINKS | (beneath ? RESOLVE_BENEATH : 0),
  };
  int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  return fd < 0 ? -errno : fd;
}

/* Kind and unique mount ID of what `fd` (or `path` below it) is, from one statx. */
static int facts(int fd, const char *path, mode_t *mode, uint64_t *mount_id) {
  struct statx sx;
  int flags = AT_SYMLINK_NOFOLLOW | (*path ? 0 : AT_EMPTY_PATH);
  if (statx(fd, path, flags, STATX_TYPE | STATX_MNT_ID_UNIQUE, &sx) != 0) return -errno;
  if (!(sx.stx_mask & STATX_MNT_ID_UNIQUE)) return -ENOSYS;
  if (mode) *mode = sx.stx_mode;
  if (mount_id) *mount_id = sx.stx_mnt_id;
  return 0;
}

static int write_record(const char *state_dir, const char *name, const char *virt,
                        const char *backing, uint64_t mount_id) {
  char file[4096], tmp[4200], text[9000];
  snprintf(file, sizeof file, "%s/%s.json", state_dir, name);
  snprintf(tmp, sizeof tmp, "%s.%d.tmp", file, getpid());
  int n = snprintf(text, sizeof text,
                   "{\"virtualPath\":\"%s\",\"backingPath\":\"%s\",\"mountId\":%llu}\n", virt,
                   backing, (unsigned long long)mount_id);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return -errno;
  ssize_t w = write(fd, text, (size_t)n);
  int e = w == n ? 0 : (w < 0 ? -errno : -EIO);
  close(fd);
  if (e == 0 && rename(tmp, file) != 0) e = -errno;
  return e;
}

static int read_record_mount_id(const char *state_dir, const char *name, uint64_t *id) {
  char file[4096], text[9000];
  snprintf(file, sizeof file, "%s/%s.json", state_dir, name);
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ssize_t n = read(fd, text, sizeof text - 1);
  int e = n < 0 ? -errno : 0;
  close(fd);
  if (e) return e;
  text[n] = 0;
  const char *at = strstr(text, "\"mountId\":");
  if (!at) return -EINVAL;
  *id = strtoull(at + 10, NULL, 10);
  return 0;
}

/* Clones each exception (newline-separated, relative to virt) into the detached tree. */
static int graft_exceptions(int tree, int virt, const char *exceptions) {
  char rel[4096];
  const char *p = exceptions;
  while (p && *p) {
    const char *end = strchr(p, '\n');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len >= sizeof rel) return -ENAMETOOLONG;
    memcpy(rel, p, len);
    rel[len] = 0;
    int source = open_path(virt, rel, 1);
    if (source < 0) return source;
    mode_t mode;
    int rc = facts(source, "", &mode, NULL);
    int clone = rc ? -1
                   : open_tree(source, "",
                               OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    if (!rc && clone < 0) rc = -errno;
    close(source);
    if (rc) return rc;
    int target = open_path(tree, rel, 1);
    if (target < 0) {
      close(clone);
      return target;
    }
    int moved = move_mount(clone, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    int e = errno;
    close(target);
    close(clone);
    if (moved != 0) return -e;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

/*
 * Creates a link at `virt` showing `backing`. `merged`: a writable overlay with virt as the
 * lower layer and backing as the upper one, `work` its work folder (made here). `exceptions`:
 * newline-separated paths relative to virt, or "".
 */
int bl_create(const char *state_dir, const char *name, const char *virt_path,
              const char *backing_path, int merged, const char *work_path,
              const char *exceptions) {
  int rc = 0, tree = -1, fs = -1, virt = -1, backing = -1, work = -1;
  int lock = lock_state(state_dir);
  if (lock < 0) return lock;
  mode_t virt_mode, backing_mode;
  uint64_t id = 0;
  backing = open_path(AT_FDCWD, backing_path, 0);
  if (backing < 0) {
    rc = backing;
    goto out;
  }
  virt = open_path(AT_FDCWD, virt_path, 0);
  if (virt < 0) {
    rc = virt;
    goto out;
  }
  if ((rc = facts(backing, "", &backing_mode, NULL))) goto out;
  if ((rc = facts(virt, "", &virt_mode, NULL))) goto out;
  if ((virt_mode & S_IFMT) != (backing_mode & S_IFMT)) {
    rc = -ENOTDIR;
    goto out;
  }
  if (merged) {
    FAIL_IF(mkdir(work_path, 0700) != 0);
    work = open_path(AT_FDCWD, work_path, 0);
    if (work < 0) {
      rc = work;
      goto out;
    }
    fs = fsopen("overlay", FSOPEN_CLOEXEC);
    FAIL_IF(fs < 0);
    FAIL_IF(fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, virt) != 0);
    FAIL_IF(fsconfig(fs, FSCONFIG_SET_FD, "upperdir", NULL, backing) != 0);
    FAIL_IF(fsconfig(fs, FSCONFIG_SET_FD, "workdir", NULL, work) != 0);
    FAIL_IF(fsconfig(fs, FSCONFIG_SET_STRING, "redirect_dir", "off", 0) != 0);
    FAIL_IF(fsconfig(fs, FSCONFIG_SET_STRING, "metacopy", "off", 0) != 0);
    FAIL_IF(fsconfig(fs, FSCONFIG_SET_STRING, "index", "off", 0) != 0);
    FAIL_IF(fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0);
    tree = fsmount(fs, FSMOUNT_CLOEXEC, 0);
    FAIL_IF(tree < 0);
  } else {
    tree = open_tree(backing, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    FAIL_IF(tree < 0);
  }
  if ((rc = facts(tree, "", NULL, &id))) goto out;
  if (exceptions && *exceptions && (rc = graft_exceptions(tree, virt, exceptions))) goto out;
  FAIL_IF(move_mount(tree, "", virt, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0);
  rc = write_record(state_dir, name, virt_path, backing_path, id);
out:
  if (tree >= 0) close(tree);
  if (fs >= 0) close(fs);
  if (work >= 0) close(work);
  if (virt >= 0) close(virt);
  if (backing >= 0) close(backing);
  close(lock);
  return rc;
}

/* Removes the link `create` made: checks the record's mount is the one at virt first. */
int bl_remove(const char *state_dir, const char *name, const char *virt, const char *work) {
  int rc = 0;
  int lock = lock_state(state_dir);
  if (lock < 0) return lock;
  uint64_t recorded = 0, current = 0;
  rc = read_record_mount_id(state_dir, name, &recorded);
  if (rc == 0) rc = facts(AT_FDCWD, virt, NULL, &current);
  if (rc == 0 && recorded != current) rc = -ESTALE;
  if (rc) goto out;
  FAIL_IF(umount2(virt, MNT_DETACH | UMOUNT_NOFOLLOW) != 0);
  char file[4096];
  snprintf(file, sizeof file, "%s/%s.json", state_dir, name);
  FAIL_IF(unlink(file) != 0);
  if (work && *work) {
    /* overlay made work/work inside the work folder */
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/work", work);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/index", work);
    rmdir(sub);
    FAIL_IF(rmdir(work) != 0);
  }
out:
  close(lock);
  return rc;
}

/* The kernel's floor: open_tree + move_mount + umount2(MNT_DETACH), nothing else. */
int bl_kernel_pair(const char *virt, const char *backing) {
  int tree = open_tree(AT_FDCWD, backing, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (tree < 0) return -errno;
  int r = move_mount(tree, "", AT_FDCWD, virt, MOVE_MOUNT_F_EMPTY_PATH);
  int e = errno;
  close(tree);
  if (r != 0) return -e;
  return umount2(virt, MNT_DETACH) == 0 ? 0 : -errno;
}

/* The state work of issue 12 alone, in C: what each piece costs without a runtime. */
enum { WITH_LOCK = 1, WITH_INTENT = 2, WITH_RECOVERY_CHECK = 4, WITH_KERNEL = 8 };

static int recovery_check(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return errno == ENOENT ? 0 : -errno;
  int found = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] != '.') found++;
  }
  closedir(d);
  return found;
}

static int state_op(const char *dir, const char *virt, const char *backing, int what) {
  int rc = 0, lock = -1;
  char intent[4200];
  if (what & WITH_LOCK) {
    lock = lock_state(dir);
    if (lock < 0) return lock;
  }
  char intents[4000];
  snprintf(intents, sizeof intents, "%s/intents", dir);
  if (what & WITH_RECOVERY_CHECK) {
    rc = recovery_check(intents);
    if (rc) goto out;
  }
  snprintf(intent, sizeof intent, "%s/%d.intent.json", intents, getpid());
  if (what & WITH_INTENT) {
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", intent);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FAIL_IF(fd < 0);
    char text[300];
    int n = snprintf(text, sizeof text, "{\"version\":1,\"operation\":\"create\",\"steps\":{}}\n");
    ssize_t w = write(fd, text, (size_t)n);
    close(fd);
    FAIL_IF(w != n);
    FAIL_IF(rename(tmp, intent) != 0);
  }
  if (!(what & WITH_KERNEL)) {
    /* the state work alone */
  } else if (backing) {
    int tree = open_tree(AT_FDCWD, backing, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    FAIL_IF(tree < 0);
    int r = move_mount(tree, "", AT_FDCWD, virt, MOVE_MOUNT_F_EMPTY_PATH);
    int e = errno;
    close(tree);
    if (r != 0) {
      rc = -e;
      goto out;
    }
  } else {
    FAIL_IF(umount2(virt, MNT_DETACH) != 0);
  }
  if (what & WITH_INTENT) FAIL_IF(unlink(intent) != 0);
out:
  if (lock >= 0) close(lock);
  return rc;
}

/*
 * The state work `what` asks for (WITH_LOCK | WITH_INTENT | WITH_RECOVERY_CHECK) of a
 * create+remove pair, around the kernel's calls when WITH_KERNEL is set, alone otherwise.
 * `dir` must exist; intents go to dir/intents (which must exist for WITH_INTENT).
 */
int bl_state_pair(const char *dir, const char *virt, const char *backing, int what) {
  int rc = state_op(dir, virt, backing, what);
  return rc ? rc : state_op(dir, virt, NULL, what);
}

/* Only the kernel's calls of a create (attach backing at virt) and of a remove (detach). */
int bl_attach(const char *virt, const char *backing) {
  return state_op("", virt, backing, WITH_KERNEL);
}
int bl_detach(const char *virt) { return state_op("", virt, NULL, WITH_KERNEL); }

/*
 * Runs one process and waits for it: `args` holds `argc` NUL-terminated strings back to back
 * (argv[0] an absolute path). Its output goes to /dev/null. Returns the wall time in
 * nanoseconds, or -1 when it could not start; *status receives its exit code (or 128+signal).
 */
int64_t bl_spawn_ns(const char *args, int argc, int *status) {
  char *argv[256];
  if (argc <= 0 || argc >= 256) return -1;
  const char *p = args;
  for (int i = 0; i < argc; i++) {
    argv[i] = (char *)p;
    p += strlen(p) + 1;
  }
  argv[argc] = NULL;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid;
  int r = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (r != 0) return -1;
  int ws = 0;
  while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  return (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec);
}

/* CLOCK_MONOTONIC in nanoseconds, so both sides of a comparison read the same clock. */
int64_t bl_now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}
