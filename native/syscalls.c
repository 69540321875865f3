/*
 * The btrfs and mount system calls a transaction makes, in the tool's own process.
 *
 * Each used to be a btrfs-progs or util-linux process; starting one from Node costs more than
 * the call itself (a transaction made about 30). These are the same ioctls btrfs-progs makes.
 * Every function is synchronous (each is one or a few system calls) and throws an Error
 * whose `code` is the errno name (ENOSPC, EPERM, ...) and whose `syscall` names the call.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>
#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <node_api.h>

#define PATH_ARG_MAX 4096

/* The first n arguments of a call, in argv (argc says how many were given). */
#define CALL_ARGUMENTS(n)   \
  size_t argc = (n);        \
  napi_value argv[(n) > 0 ? (n) : 1]; \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL)

static const char *errno_name(int err) {
  switch (err) {
    case ENOSPC: return "ENOSPC";
    case EDQUOT: return "EDQUOT";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case EBUSY: return "EBUSY";
    case EROFS: return "EROFS";
    case EXDEV: return "EXDEV";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EIO: return "EIO";
    case ENOMEM: return "ENOMEM";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ELOOP: return "ELOOP";
    case ENODEV: return "ENODEV";
    case ECANCELED: return "ECANCELED";
    default: return "EUNKNOWN";
  }
}

/* An Error `<what> <path>: <strerror>` with code (the errno name), syscall and errno set. */
static napi_value errno_error(napi_env env, int err, const char *syscall, const char *what, const char *path) {
  char message[PATH_ARG_MAX + 256];
  snprintf(message, sizeof message, "%s %s: %s", what, path, strerror(err));
  napi_value msg, code, error, call, number;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &error);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &call);
  napi_set_named_property(env, error, "syscall", call);
  napi_create_int32(env, -err, &number);
  napi_set_named_property(env, error, "errno", number);
  return error;
}

/* Throws errno_error; returns NULL for the caller to return. */
static napi_value throw_errno(napi_env env, int err, const char *syscall, const char *what, const char *path) {
  napi_throw(env, errno_error(env, err, syscall, what, path));
  return NULL;
}

static napi_value throw_usage(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/* Argument i as a string in buf; false (with a TypeError thrown) when it is not one or too long. */
static int string_arg(napi_env env, napi_value *argv, size_t argc, size_t i, char *buf, size_t size) {
  size_t length = 0;
  if (i >= argc || napi_get_value_string_utf8(env, argv[i], buf, size, &length) != napi_ok) {
    throw_usage(env, "expected a string argument");
    return 0;
  }
  if (length >= size - 1) {
    throw_usage(env, "path too long");
    return 0;
  }
  if (strlen(buf) != length) {
    throw_usage(env, "path contains a NUL byte");
    return 0;
  }
  return 1;
}

static int bool_arg(napi_env env, napi_value *argv, size_t argc, size_t i, bool *out) {
  if (i >= argc || napi_get_value_bool(env, argv[i], out) != napi_ok) {
    throw_usage(env, "expected a boolean argument");
    return 0;
  }
  return 1;
}

static napi_value number(napi_env env, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  return v;
}

static napi_value undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

static int open_dir(const char *path) {
  return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/*
 * Splits target into the directory that holds it (into parent) and its last name (a pointer
 * into target). False when the name is empty or longer than max.
 */
static int split_target(const char *target, char parent[PATH_ARG_MAX], const char **name, size_t max) {
  strcpy(parent, target);
  char *slash = strrchr(parent, '/');
  if (slash == NULL) {
    strcpy(parent, ".");
    *name = target;
  } else {
    *slash = '\0';
    *name = target + (slash - parent) + 1;
    if (parent[0] == '\0') strcpy(parent, "/");
  }
  return (*name)[0] != '\0' && strlen(*name) <= max;
}

/* Argument i as a path, opened (open_flags | O_CLOEXEC); -1 with an exception thrown when it cannot be. */
static int open_path_arg(napi_env env, napi_value *argv, size_t argc, size_t i, char path[PATH_ARG_MAX], int open_flags) {
  if (!string_arg(env, argv, argc, i, path, PATH_ARG_MAX)) return -1;
  int fd = open(path, open_flags | O_CLOEXEC);
  if (fd < 0) throw_errno(env, errno, "open", "cannot open", path);
  return fd;
}

/* The subvolume (tree) id of the subvolume holding path. */
static int tree_id_of_fd(int fd, uint64_t *id) {
  struct btrfs_ioctl_ino_lookup_args args;
  memset(&args, 0, sizeof args);
  args.objectid = BTRFS_FIRST_FREE_OBJECTID;
  if (ioctl(fd, BTRFS_IOC_INO_LOOKUP, &args) < 0) return -1;
  *id = args.treeid;
  return 0;
}

/*
 * snapshot(source, target, readOnly): a promise of a snapshot of subvolume source at path
 * target (which must not exist). Made on libuv's thread pool: snapshots asked for together
 * are created in one btrfs transaction commit, as btrfs-progs processes started together were.
 */
struct snapshot_work {
  char source[PATH_ARG_MAX];
  char target[PATH_ARG_MAX];
  char parent[PATH_ARG_MAX];
  const char *name;
  bool read_only;
  int err;
  const char *what;
  const char *failed_path;
  napi_deferred deferred;
  napi_async_work work;
};

static void snapshot_execute(napi_env env, void *data) {
  (void)env;
  struct snapshot_work *w = data;
  int src = open_dir(w->source);
  if (src < 0) {
    w->err = errno;
    w->what = "snapshot: cannot open";
    w->failed_path = w->source;
    return;
  }
  int dst = open_dir(w->parent);
  if (dst < 0) {
    w->err = errno;
    w->what = "snapshot: cannot open";
    w->failed_path = w->parent;
    close(src);
    return;
  }
  struct btrfs_ioctl_vol_args_v2 args;
  memset(&args, 0, sizeof args);
  args.fd = src;
  args.flags = w->read_only ? BTRFS_SUBVOL_RDONLY : 0;
  memcpy(args.name, w->name, strlen(w->name)); /* checked: at most BTRFS_SUBVOL_NAME_MAX */
  if (ioctl(dst, BTRFS_IOC_SNAP_CREATE_V2, &args) < 0) {
    w->err = errno;
    w->what = "cannot snapshot to";
    w->failed_path = w->target;
  }
  close(src);
  close(dst);
}

static void snapshot_complete(napi_env env, napi_status status, void *data) {
  struct snapshot_work *w = data;
  if (status != napi_ok) {
    napi_value error = errno_error(env, ECANCELED, "ioctl", "cannot snapshot to", w->target);
    napi_reject_deferred(env, w->deferred, error);
  } else if (w->err != 0) {
    napi_reject_deferred(env, w->deferred, errno_error(env, w->err, w->what[0] == 's' ? "open" : "ioctl", w->what, w->failed_path));
  } else {
    napi_resolve_deferred(env, w->deferred, undefined(env));
  }
  napi_delete_async_work(env, w->work);
  free(w);
}

static napi_value snapshot(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(3);
  struct snapshot_work *w = calloc(1, sizeof *w);
  if (w == NULL) return throw_errno(env, ENOMEM, "calloc", "cannot snapshot", "");
  if (!string_arg(env, argv, argc, 0, w->source, sizeof w->source) || !string_arg(env, argv, argc, 1, w->target, sizeof w->target) ||
      !bool_arg(env, argv, argc, 2, &w->read_only)) {
    free(w);
    return NULL;
  }
  if (!split_target(w->target, w->parent, &w->name, BTRFS_SUBVOL_NAME_MAX)) {
    free(w);
    return throw_usage(env, "bad snapshot name");
  }
  napi_value promise, resource_name;
  napi_create_promise(env, &w->deferred, &promise);
  napi_create_string_utf8(env, "tu_snapshot", NAPI_AUTO_LENGTH, &resource_name);
  napi_create_async_work(env, NULL, resource_name, snapshot_execute, snapshot_complete, w, &w->work);
  napi_queue_async_work(env, w->work);
  return promise;
}

/* createSubvolume(path): an empty subvolume at path. */
static napi_value create_subvolume(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(1);
  char target[PATH_ARG_MAX];
  if (!string_arg(env, argv, argc, 0, target, sizeof target)) return NULL;
  char parent[PATH_ARG_MAX];
  const char *name;
  if (!split_target(target, parent, &name, BTRFS_SUBVOL_NAME_MAX)) return throw_usage(env, "bad subvolume name");
  int dst = open_dir(parent);
  if (dst < 0) return throw_errno(env, errno, "open", "create subvolume: cannot open", parent);
  struct btrfs_ioctl_vol_args_v2 args;
  memset(&args, 0, sizeof args);
  memcpy(args.name, name, strlen(name)); /* checked: at most BTRFS_SUBVOL_NAME_MAX */
  int rc = ioctl(dst, BTRFS_IOC_SUBVOL_CREATE_V2, &args);
  int err = errno;
  close(dst);
  if (rc < 0) return throw_errno(env, err, "ioctl", "cannot create subvolume", target);
  return undefined(env);
}

/* deleteSubvolume(path): path must be a subvolume with no subvolume nested in it. */
static napi_value delete_subvolume(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(1);
  char target[PATH_ARG_MAX];
  if (!string_arg(env, argv, argc, 0, target, sizeof target)) return NULL;
  struct stat st;
  if (lstat(target, &st) < 0) return throw_errno(env, errno, "stat", "cannot delete subvolume", target);
  if (!S_ISDIR(st.st_mode) || st.st_ino != BTRFS_FIRST_FREE_OBJECTID) return throw_errno(env, EINVAL, "stat", "not a subvolume:", target);
  char parent[PATH_ARG_MAX];
  const char *name;
  if (!split_target(target, parent, &name, BTRFS_PATH_NAME_MAX)) return throw_usage(env, "bad subvolume name");
  int dir = open_dir(parent);
  if (dir < 0) return throw_errno(env, errno, "open", "delete subvolume: cannot open", parent);
  struct btrfs_ioctl_vol_args args;
  memset(&args, 0, sizeof args);
  memcpy(args.name, name, strlen(name)); /* checked: at most BTRFS_PATH_NAME_MAX */
  int rc = ioctl(dir, BTRFS_IOC_SNAP_DESTROY, &args);
  int err = errno;
  close(dir);
  if (rc < 0) return throw_errno(env, err, "ioctl", "cannot delete subvolume", target);
  return undefined(env);
}

static int subvolume_flags(const char *path, int *fd_out, uint64_t *flags) {
  int fd = open_dir(path);
  if (fd < 0) return -1;
  if (ioctl(fd, BTRFS_IOC_SUBVOL_GETFLAGS, flags) < 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  *fd_out = fd;
  return 0;
}

/* setReadOnly(path, readOnly) */
static napi_value set_read_only(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(2);
  char path[PATH_ARG_MAX];
  bool read_only;
  if (!string_arg(env, argv, argc, 0, path, sizeof path) || !bool_arg(env, argv, argc, 1, &read_only)) return NULL;
  int fd;
  uint64_t flags;
  if (subvolume_flags(path, &fd, &flags) < 0) return throw_errno(env, errno, "ioctl", "cannot read the flags of", path);
  uint64_t wanted = read_only ? (flags | BTRFS_SUBVOL_RDONLY) : (flags & ~(uint64_t)BTRFS_SUBVOL_RDONLY);
  int rc = wanted == flags ? 0 : ioctl(fd, BTRFS_IOC_SUBVOL_SETFLAGS, &wanted);
  int err = errno;
  close(fd);
  if (rc < 0) return throw_errno(env, err, "ioctl", read_only ? "cannot make read-only" : "cannot make writable", path);
  return undefined(env);
}

/* setDefault(path): the subvolume at path becomes the file system's default. */
static napi_value set_default(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(1);
  char path[PATH_ARG_MAX];
  int fd = open_path_arg(env, argv, argc, 0, path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return NULL;
  uint64_t id;
  int rc = tree_id_of_fd(fd, &id);
  if (rc == 0) rc = ioctl(fd, BTRFS_IOC_DEFAULT_SUBVOL, &id);
  int err = errno;
  close(fd);
  if (rc < 0) return throw_errno(env, err, "ioctl", "cannot make the default subvolume:", path);
  return undefined(env);
}

/*
 * One search of the tree `tree` for items of `type` keyed (objectid, any offset). Returns the
 * number of items found (at most one buffer's worth), with the first item's data copied out.
 */
static int search_first(int fd, uint64_t tree, uint64_t objectid, uint32_t type, void *data, size_t size, uint64_t *offset) {
  struct btrfs_ioctl_search_args args;
  memset(&args, 0, sizeof args);
  struct btrfs_ioctl_search_key *key = &args.key;
  key->tree_id = tree;
  key->min_objectid = key->max_objectid = objectid;
  key->min_type = key->max_type = type;
  key->min_offset = 0;
  key->max_offset = UINT64_MAX;
  key->min_transid = 0;
  key->max_transid = UINT64_MAX;
  key->nr_items = 1;
  if (ioctl(fd, BTRFS_IOC_TREE_SEARCH, &args) < 0) return -1;
  if (key->nr_items == 0) return 0;
  struct btrfs_ioctl_search_header header;
  memcpy(&header, args.buf, sizeof header);
  size_t length = header.len < size ? header.len : size;
  memcpy(data, args.buf + sizeof header, length);
  if (offset) *offset = header.offset;
  return (int)key->nr_items;
}

/*
 * The path of subvolume `id` below the top level ("@/.snapshots/1/snapshot"), followed
 * through its ROOT_BACKREF items as btrfs-progs does. Writes into out; -1 with errno on failure.
 */
static int subvolume_path(int fd, uint64_t id, char *out, size_t size) {
  char built[PATH_ARG_MAX] = "";
  size_t built_length = 0;
  for (int depth = 0; id != BTRFS_FS_TREE_OBJECTID; depth++) {
    if (depth > 256) {
      errno = ELOOP;
      return -1;
    }
    unsigned char data[sizeof(struct btrfs_root_ref) + BTRFS_PATH_NAME_MAX + 1];
    uint64_t parent;
    int found = search_first(fd, BTRFS_ROOT_TREE_OBJECTID, id, BTRFS_ROOT_BACKREF_KEY, data, sizeof data, &parent);
    if (found < 0) return -1;
    if (found == 0) {
      errno = ENOENT;
      return -1;
    }
    struct btrfs_root_ref ref;
    memcpy(&ref, data, sizeof ref);
    uint16_t name_length = le16toh(ref.name_len);
    uint64_t dirid = le64toh(ref.dirid);
    if (name_length > BTRFS_PATH_NAME_MAX) {
      errno = EINVAL;
      return -1;
    }
    /* The directory of the parent subvolume that holds it. */
    struct btrfs_ioctl_ino_lookup_args lookup;
    memset(&lookup, 0, sizeof lookup);
    lookup.treeid = parent;
    lookup.objectid = dirid;
    if (ioctl(fd, BTRFS_IOC_INO_LOOKUP, &lookup) < 0) return -1;
    /* lookup.name is "dir/sub/" (with a trailing slash) or empty. */
    char piece[PATH_ARG_MAX];
    int n = snprintf(piece, sizeof piece, "%s%.*s", lookup.name, (int)name_length, (const char *)data + sizeof ref);
    if (n < 0 || (size_t)n >= sizeof piece || built_length + (size_t)n + 2 > sizeof built) {
      errno = ENAMETOOLONG;
      return -1;
    }
    /* built = piece + "/" + built (lengths checked above) */
    if (built_length > 0) {
      memmove(built + n + 1, built, built_length + 1);
      built[n] = '/';
      memcpy(built, piece, (size_t)n);
      built_length += (size_t)n + 1;
    } else {
      memcpy(built, piece, (size_t)n + 1);
      built_length = (size_t)n;
    }
    id = parent;
  }
  if (built_length + 1 > size) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(out, built);
  return 0;
}

/* getDefault(path): { id, path } of the default subvolume of the file system holding path. */
static napi_value get_default(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(1);
  char path[PATH_ARG_MAX];
  int fd = open_path_arg(env, argv, argc, 0, path, O_RDONLY);
  if (fd < 0) return NULL;
  unsigned char data[sizeof(struct btrfs_dir_item) + BTRFS_PATH_NAME_MAX];
  int found = search_first(fd, BTRFS_ROOT_TREE_OBJECTID, BTRFS_ROOT_TREE_DIR_OBJECTID, BTRFS_DIR_ITEM_KEY, data, sizeof data, NULL);
  uint64_t id = BTRFS_FS_TREE_OBJECTID;
  if (found > 0) {
    struct btrfs_dir_item item;
    memcpy(&item, data, sizeof item);
    id = le64toh(item.location.objectid);
  }
  char top_path[PATH_ARG_MAX] = "";
  int rc = found < 0 ? -1 : subvolume_path(fd, id, top_path, sizeof top_path);
  int err = errno;
  close(fd);
  if (rc < 0) return throw_errno(env, err, "ioctl", "cannot read the default subvolume of", path);
  napi_value result, p;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "id", number(env, (double)id));
  napi_create_string_utf8(env, top_path, NAPI_AUTO_LENGTH, &p);
  napi_set_named_property(env, result, "path", p);
  return result;
}

/*
 * changedSince(path, generation): whether the subvolume holding path changed in a transaction
 * after `generation`, the running one included. A search of its tree from that generation on
 * (what `btrfs subvolume find-new` searches) finds an item exactly when a leaf was rewritten
 * since: one item is enough to say yes.
 */
static napi_value changed_since(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(2);
  int64_t generation;
  if (argc < 2 || napi_get_value_int64(env, argv[1], &generation) != napi_ok || generation < 0) return throw_usage(env, "expected a generation");
  char path[PATH_ARG_MAX];
  int fd = open_path_arg(env, argv, argc, 0, path, O_RDONLY);
  if (fd < 0) return NULL;
  struct btrfs_ioctl_search_args args;
  memset(&args, 0, sizeof args);
  struct btrfs_ioctl_search_key *key = &args.key;
  key->tree_id = 0; /* the subvolume of fd */
  key->max_objectid = UINT64_MAX;
  key->max_type = UINT32_MAX;
  key->max_offset = UINT64_MAX;
  key->min_transid = (uint64_t)generation + 1;
  key->max_transid = UINT64_MAX;
  key->nr_items = 1;
  int rc = ioctl(fd, BTRFS_IOC_TREE_SEARCH, &args);
  int err = errno;
  close(fd);
  if (rc < 0) return throw_errno(env, err, "ioctl", "cannot search the subvolume of", path);
  napi_value result;
  napi_get_boolean(env, key->nr_items > 0, &result);
  return result;
}

/*
 * spaceReport(path): { unallocated, dataFree, metadataFree } in bytes, as `btrfs filesystem
 * usage` adds them up: the devices' unallocated bytes, plus the free room in the chunks
 * already allocated to data (or to metadata).
 */
static napi_value space_report(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(1);
  char path[PATH_ARG_MAX];
  int fd = open_path_arg(env, argv, argc, 0, path, O_RDONLY);
  if (fd < 0) return NULL;

  struct btrfs_ioctl_fs_info_args fs;
  memset(&fs, 0, sizeof fs);
  if (ioctl(fd, BTRFS_IOC_FS_INFO, &fs) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "ioctl", "cannot read the file system of", path);
  }
  double unallocated = 0;
  for (uint64_t devid = 1; devid <= fs.max_id; devid++) {
    struct btrfs_ioctl_dev_info_args dev;
    memset(&dev, 0, sizeof dev);
    dev.devid = devid;
    if (ioctl(fd, BTRFS_IOC_DEV_INFO, &dev) < 0) {
      if (errno == ENODEV) continue; /* a gap in the device ids */
      int err = errno;
      close(fd);
      return throw_errno(env, err, "ioctl", "cannot read the devices of", path);
    }
    if (dev.total_bytes > dev.bytes_used) unallocated += (double)(dev.total_bytes - dev.bytes_used);
  }

  struct btrfs_ioctl_space_args probe;
  memset(&probe, 0, sizeof probe);
  if (ioctl(fd, BTRFS_IOC_SPACE_INFO, &probe) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "ioctl", "cannot read the space of", path);
  }
  uint64_t slots = probe.total_spaces;
  struct btrfs_ioctl_space_args *spaces = calloc(1, sizeof *spaces + slots * sizeof(struct btrfs_ioctl_space_info));
  if (spaces == NULL) {
    close(fd);
    return throw_errno(env, ENOMEM, "calloc", "cannot read the space of", path);
  }
  spaces->space_slots = slots;
  int rc = ioctl(fd, BTRFS_IOC_SPACE_INFO, spaces);
  int err = errno;
  close(fd);
  if (rc < 0) {
    free(spaces);
    return throw_errno(env, err, "ioctl", "cannot read the space of", path);
  }
  double data_free = 0, metadata_free = 0;
  for (uint64_t i = 0; i < spaces->total_spaces && i < slots; i++) {
    struct btrfs_ioctl_space_info *s = &spaces->spaces[i];
    if (s->flags & BTRFS_SPACE_INFO_GLOBAL_RSV) continue;
    double room = s->total_bytes > s->used_bytes ? (double)(s->total_bytes - s->used_bytes) : 0;
    if (s->flags & BTRFS_BLOCK_GROUP_DATA) data_free += room;
    else if (s->flags & BTRFS_BLOCK_GROUP_METADATA) metadata_free += room;
  }
  free(spaces);
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "unallocated", number(env, unallocated));
  napi_set_named_property(env, result, "dataFree", number(env, data_free + unallocated));
  napi_set_named_property(env, result, "metadataFree", number(env, metadata_free + unallocated));
  return result;
}

/* mountTopLevel(device, target): the file system's top level (subvolid 5) at target. */
static napi_value mount_top_level(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(2);
  char device[PATH_ARG_MAX], target[PATH_ARG_MAX];
  if (!string_arg(env, argv, argc, 0, device, sizeof device) || !string_arg(env, argv, argc, 1, target, sizeof target)) return NULL;
  if (mount(device, target, "btrfs", 0, "subvolid=5") < 0) return throw_errno(env, errno, "mount", "cannot mount the top level at", target);
  return undefined(env);
}

/* unmount(target) */
static napi_value unmount(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(1);
  char target[PATH_ARG_MAX];
  if (!string_arg(env, argv, argc, 0, target, sizeof target)) return NULL;
  if (umount2(target, UMOUNT_NOFOLLOW) < 0) return throw_errno(env, errno, "umount2", "cannot unmount", target);
  return undefined(env);
}

/* The strings of an array argument, one at a time: path (NUL-terminated in buf) or 0 at a bad element. */
static int array_string(napi_env env, napi_value array, uint32_t i, char *buf, size_t size) {
  napi_value element;
  size_t length = 0;
  if (napi_get_element(env, array, i, &element) != napi_ok) return 0;
  if (napi_get_value_string_utf8(env, element, buf, size, &length) != napi_ok) return 0;
  return length < size - 1 && strlen(buf) == length;
}

static int array_length(napi_env env, napi_value value, uint32_t *length) {
  bool is_array = false;
  return napi_is_array(env, value, &is_array) == napi_ok && is_array && napi_get_array_length(env, value, length) == napi_ok;
}

/* "inode:size:seconds.nanoseconds": a file's identity as the index and the kept texts compare it. */
static int format_signature(const struct stat *st, char *text, size_t size) {
  return snprintf(text, size, "%llu:%lld:%lld.%09ld", (unsigned long long)st->st_ino, (long long)st->st_size,
                  (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
}

/*
 * fileSignatures(paths): for each path "inode:size:seconds.nanoseconds" of its last change
 * (stat(2), following links), or null where nothing is. One call for a whole store: a listing
 * checks two files of every snapshot.
 */
static napi_value file_signatures(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(1);
  uint32_t count;
  if (argc < 1 || !array_length(env, argv[0], &count)) return throw_usage(env, "expected an array of paths");
  napi_value result, null_value;
  napi_create_array_with_length(env, count, &result);
  napi_get_null(env, &null_value);
  char path[PATH_ARG_MAX];
  for (uint32_t i = 0; i < count; i++) {
    if (!array_string(env, argv[0], i, path, sizeof path)) return throw_usage(env, "expected an array of paths");
    struct stat st;
    napi_value value = null_value;
    if (stat(path, &st) == 0) {
      char text[96];
      int n = format_signature(&st, text, sizeof text);
      napi_create_string_latin1(env, text, (size_t)n, &value);
    } else if (errno != ENOENT && errno != ENOTDIR) {
      return throw_errno(env, errno, "stat", "cannot stat", path);
    }
    napi_set_element(env, result, i, value);
  }
  return result;
}

/*
 * writeAccess(paths): for each path the errno name of access(2) for writing, "" where it
 * may be written. As root this tells a read-only subvolume (EROFS) from a writable one, and ENOENT
 * where nothing is, without a stack trace per answer.
 */
static napi_value write_access(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(1);
  uint32_t count;
  if (argc < 1 || !array_length(env, argv[0], &count)) return throw_usage(env, "expected an array of paths");
  napi_value result;
  napi_create_array_with_length(env, count, &result);
  char path[PATH_ARG_MAX];
  for (uint32_t i = 0; i < count; i++) {
    if (!array_string(env, argv[0], i, path, sizeof path)) return throw_usage(env, "expected an array of paths");
    napi_value value;
    napi_create_string_latin1(env, access(path, W_OK) == 0 ? "" : errno_name(errno), NAPI_AUTO_LENGTH, &value);
    napi_set_element(env, result, i, value);
  }
  return result;
}

static int compare_numbers(const void *a, const void *b) {
  unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
  return x < y ? -1 : x > y;
}

/* Appends the signature of path, or "null"; -1 (errno set) on an error other than absence. */
static int append_signature(char **buf, size_t *length, size_t *size, const char *path) {
  struct stat st;
  char text[96];
  int n;
  if (stat(path, &st) == 0) {
    n = format_signature(&st, text, sizeof text);
  } else if (errno == ENOENT || errno == ENOTDIR) {
    n = snprintf(text, sizeof text, "null");
  } else {
    return -1;
  }
  if (*length + (size_t)n + 1 > *size) {
    size_t bigger = (*size + (size_t)n + 1) * 2;
    char *grown = realloc(*buf, bigger);
    if (grown == NULL) {
      errno = ENOMEM;
      return -1;
    }
    *buf = grown;
    *size = bigger;
  }
  memcpy(*buf + *length, text, (size_t)n);
  *length += (size_t)n;
  (*buf)[*length] = '\0';
  return 0;
}

static int append_text(char **buf, size_t *length, size_t *size, const char *text) {
  size_t n = strlen(text);
  if (*length + n + 1 > *size) {
    size_t bigger = (*size + n + 1) * 2;
    char *grown = realloc(*buf, bigger);
    if (grown == NULL) {
      errno = ENOMEM;
      return -1;
    }
    *buf = grown;
    *size = bigger;
  }
  memcpy(*buf + *length, text, n + 1);
  *length += n;
  return 0;
}

/*
 * storeState(dir): one line per snapshot directory of a store (names 1 to 999999999, in
 * number order): "N <info.xml signature> <manifest.json signature> <root>", each signature as
 * fileSignatures gives it ("null" where the file is missing), root the errno name of
 * access(2) for writing N/snapshot, or "rw". What a listing is made from, in one call.
 */
static napi_value store_state(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(1);
  char dir[PATH_ARG_MAX];
  if (!string_arg(env, argv, argc, 0, dir, sizeof dir)) return NULL;
  DIR *d = opendir(dir);
  if (d == NULL) return throw_errno(env, errno, "opendir", "cannot read", dir);
  size_t count = 0, capacity = 256;
  unsigned long *numbers = malloc(capacity * sizeof *numbers);
  struct dirent *entry;
  errno = 0;
  while (numbers != NULL && (entry = readdir(d)) != NULL) {
    const char *name = entry->d_name;
    size_t length = strlen(name);
    if (length == 0 || length > 9 || name[0] < '1' || name[0] > '9' || strspn(name, "0123456789") != length) continue;
    if (count == capacity) {
      unsigned long *grown = realloc(numbers, 2 * capacity * sizeof *numbers);
      if (grown == NULL) {
        free(numbers);
        numbers = NULL;
        break;
      }
      numbers = grown;
      capacity *= 2;
    }
    numbers[count++] = strtoul(name, NULL, 10);
  }
  int err = numbers == NULL ? ENOMEM : errno;
  closedir(d);
  if (err != 0) {
    free(numbers);
    return throw_errno(env, err, "readdir", "cannot read", dir);
  }
  qsort(numbers, count, sizeof *numbers, compare_numbers);

  size_t size = 64 * (count + 1), length = 0;
  char *text = malloc(size);
  if (text == NULL) {
    free(numbers);
    return throw_errno(env, ENOMEM, "malloc", "cannot read", dir);
  }
  text[0] = '\0';
  const char *base = strcmp(dir, "/") == 0 ? "" : dir;
  for (size_t i = 0; i < count; i++) {
    char path[PATH_ARG_MAX + 64], head[32];
    snprintf(head, sizeof head, "%s%lu ", i == 0 ? "" : "\n", numbers[i]);
    int failed = append_text(&text, &length, &size, head) < 0;
    snprintf(path, sizeof path, "%s/%lu/info.xml", base, numbers[i]);
    failed = failed || append_signature(&text, &length, &size, path) < 0 || append_text(&text, &length, &size, " ") < 0;
    if (!failed) snprintf(path, sizeof path, "%s/%lu/manifest.json", base, numbers[i]);
    failed = failed || append_signature(&text, &length, &size, path) < 0 || append_text(&text, &length, &size, " ") < 0;
    if (!failed) {
      snprintf(path, sizeof path, "%s/%lu/snapshot", base, numbers[i]);
      failed = append_text(&text, &length, &size, access(path, W_OK) == 0 ? "rw" : errno_name(errno)) < 0;
    }
    if (failed) {
      int e = errno;
      free(text);
      free(numbers);
      return throw_errno(env, e, "stat", "cannot read the snapshots in", dir);
    }
  }
  free(numbers);
  napi_value result;
  napi_create_string_utf8(env, text, length, &result);
  free(text);
  return result;
}

/* isTerminal(fd): isatty(3), without loading node:tty (and net with it) for one question. */
static napi_value is_terminal(napi_env env, napi_callback_info info) {
  CALL_ARGUMENTS(1);
  int32_t fd;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) return throw_usage(env, "expected a file descriptor");
  napi_value result;
  napi_get_boolean(env, isatty(fd) == 1, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  const struct { const char *name; napi_callback fn; } table[] = {
    { "snapshot", snapshot },
    { "createSubvolume", create_subvolume },
    { "deleteSubvolume", delete_subvolume },
    { "setReadOnly", set_read_only },
    { "setDefault", set_default },
    { "getDefault", get_default },
    { "changedSince", changed_since },
    { "spaceReport", space_report },
    { "mountTopLevel", mount_top_level },
    { "unmount", unmount },
    { "fileSignatures", file_signatures },
    { "writeAccess", write_access },
    { "storeState", store_state },
    { "isTerminal", is_terminal },
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    napi_value fn;
    napi_create_function(env, table[i].name, NAPI_AUTO_LENGTH, table[i].fn, NULL, &fn);
    napi_set_named_property(env, exports, table[i].name, fn);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
