/*
 * tu-enter: runs a command in the chroot of a new snapshot, inside new mount and PID
 * namespaces tied to the life of its caller.
 *
 *   tu-enter ROOT OP... -- COMMAND [ARG...]
 *
 * OP is one of (the words of src/chroot/plan.ts, planArguments):
 *   proc PATH | sysfs PATH            a fresh proc or sysfs (nosuid, nodev, noexec)
 *   tmpfs MODE PATH                   a tmpfs whose root has MODE (octal; nosuid, nodev)
 *   rbind SOURCE TARGET               SOURCE and everything below it, as a slave (host changes
 *                                     reach the chroot, none go back)
 *   bind SOURCE TARGET                SOURCE alone
 *   mkdir PATH                        PATH and its parents
 *   copy SOURCE TARGET                SOURCE's content into TARGET
 *   detach PATH                       an inherited mount this namespace must not pin (lazily)
 *
 * What it does, in one process where a shell script used six (setpriv, unshare, sh, mount,
 * xargs, umount): dies with its caller (PR_SET_PDEATHSIG), unshares the mount and PID
 * namespaces with private propagation, forks PID 1 of the new namespace (which dies with it),
 * which carries out the operations in order and execs tini, outside the chroot (so that
 * `ischroot` in maintainer scripts answers "chroot"), to run the command in it and forward
 * signals. It exits as that PID 1 exits, or with its signal. A failed operation exits 125
 * with one line saying which.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PREPARE_FAILED 125

static void fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("transactional-update: could not prepare the chroot: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  _exit(PREPARE_FAILED);
}

static void make_directories(const char *path) {
  char buf[4096];
  size_t length = strlen(path);
  if (length == 0 || length >= sizeof buf) fail("mkdir %s: %s", path, strerror(ENAMETOOLONG));
  memcpy(buf, path, length + 1);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) fail("mkdir %s: %s", buf, strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, 0755) < 0 && errno != EEXIST) fail("mkdir %s: %s", buf, strerror(errno));
}

static void copy_file(const char *source, const char *target) {
  int in = open(source, O_RDONLY | O_CLOEXEC);
  if (in < 0) fail("copy %s to %s: %s", source, target, strerror(errno));
  int out = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) fail("copy %s to %s: %s", source, target, strerror(errno));
  char buf[65536];
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("copy %s to %s: %s", source, target, strerror(errno));
    }
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(out, buf + done, (size_t)(n - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        fail("copy %s to %s: %s", source, target, strerror(errno));
      }
      done += w;
    }
  }
  close(in);
  if (close(out) < 0) fail("copy %s to %s: %s", source, target, strerror(errno));
}

static void mount_or_fail(const char *source, const char *target, const char *type, unsigned long flags, const char *data) {
  if (mount(source, target, type, flags, data) < 0) fail("mount %s on %s: %s", source, target, strerror(errno));
}

/* Carries out the operations in argv[from..]; returns the index of the word after "--". */
static int carry_out(char **argv, int argc, int from) {
  int i = from;
  while (i < argc && strcmp(argv[i], "--") != 0) {
    const char *op = argv[i];
    int needs = strcmp(op, "tmpfs") == 0 || strcmp(op, "rbind") == 0 || strcmp(op, "bind") == 0 || strcmp(op, "copy") == 0 ? 2 : 1;
    if (i + needs >= argc) fail("%s: missing its arguments", op);
    const char *a = argv[i + 1];
    const char *b = needs == 2 ? argv[i + 2] : NULL;
    if (strcmp(op, "proc") == 0) {
      mount_or_fail("proc", a, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    } else if (strcmp(op, "sysfs") == 0) {
      mount_or_fail("sysfs", a, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    } else if (strcmp(op, "tmpfs") == 0) {
      if (strspn(a, "01234567") != strlen(a) || strlen(a) == 0 || strlen(a) > 4) fail("tmpfs: bad mode %s", a);
      char data[32];
      snprintf(data, sizeof data, "mode=%s", a);
      mount_or_fail("tmpfs", b, "tmpfs", MS_NOSUID | MS_NODEV, data);
    } else if (strcmp(op, "rbind") == 0) {
      mount_or_fail(a, b, NULL, MS_BIND | MS_REC, NULL);
      mount_or_fail("none", b, NULL, MS_REC | MS_SLAVE, NULL);
    } else if (strcmp(op, "bind") == 0) {
      mount_or_fail(a, b, NULL, MS_BIND, NULL);
    } else if (strcmp(op, "mkdir") == 0) {
      make_directories(a);
    } else if (strcmp(op, "copy") == 0) {
      copy_file(a, b);
    } else if (strcmp(op, "detach") == 0) {
      /* Whatever the answer (gone already, below one detached before): nothing pins it now. */
      (void)umount2(a, MNT_DETACH | UMOUNT_NOFOLLOW);
    } else {
      fail("unknown operation %s", op);
    }
    i += needs + 1;
  }
  if (i >= argc || i + 1 >= argc) fail("no command after --");
  return i + 1;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: tu-enter ROOT OP... -- COMMAND [ARG...]\n");
    return 2;
  }
  const char *root = argv[1];
  pid_t parent = getppid();
  /* Die with the tool, even when it is killed with SIGKILL (setpriv --pdeathsig KILL). */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent) fail("the tool is gone");
  if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0) fail("unshare: %s", strerror(errno));
  /* Nothing mounted here may reach the host (unshare --propagation private). */
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail("making mounts private: %s", strerror(errno));

  /* Held open by us: its other end reads as closed once we are gone. */
  int alive[2];
  if (pipe2(alive, O_CLOEXEC) < 0) fail("pipe: %s", strerror(errno));
  pid_t child = fork();
  if (child < 0) fail("fork: %s", strerror(errno));
  if (child == 0) {
    /* PID 1 of the namespace: it dies with us (unshare --kill-child), and the namespace with it. */
    close(alive[1]);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("prctl: %s", strerror(errno));
    /* We may have died before that took effect (our parent is outside the namespace: getppid says 0). */
    struct pollfd gone = { .fd = alive[0], .events = POLLIN };
    if (poll(&gone, 1, 0) != 0) _exit(PREPARE_FAILED);
    close(alive[0]);
    int command = carry_out(argv, argc, 2);
    /* tini -g -- chroot ROOT COMMAND...: argv from "tini" to the end. */
    int words = argc - command;
    char **exec_argv = calloc((size_t)words + 6, sizeof *exec_argv);
    if (exec_argv == NULL) fail("%s", strerror(ENOMEM));
    exec_argv[0] = "tini";
    exec_argv[1] = "-g";
    exec_argv[2] = "--";
    exec_argv[3] = "chroot";
    exec_argv[4] = (char *)root;
    for (int k = 0; k < words; k++) exec_argv[5 + k] = argv[command + k];
    execvp("tini", exec_argv);
    fail("tini: %s", strerror(errno));
  }

  close(alive[0]);
  /* While PID 1 runs, signals to us are the tool's to send to it (it does, to tini). */
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  int status;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return PREPARE_FAILED;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  int sig = WTERMSIG(status);
  signal(sig, SIG_DFL);
  raise(sig);
  return 128 + sig;
}
