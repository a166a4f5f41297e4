#!/usr/bin/env python3
"""A pass-through FUSE file system that fails where a real one may: mounts
ROOT at MOUNT, and for files whose name contains PATTERN, with WHAT
`close` (the default), every close (FUSE's flush) returns EIO, as NFS,
FUSE or a quota report a write they held back only at the close; with
WHAT `read`, a read of any byte from 1 MiB to 1.5 MiB returns EIO, as a
bad sector does; with WHAT `short`, the file system is mounted with
`direct_io` (reads go to it uncached) and a read returns at most 1000
bytes, a short count that is not the file's end, as FUSE allows; with
WHAT `size0`, mounted with `direct_io` too, a file says its size is 0
whatever it holds, as the files of /proc do; with WHAT `oneinode`, every
file says it is inode 4242 with 2 links (mounted with `use_ino`), as a
FUSE file system that gives no real inode numbers may. Everything else goes through to ROOT unchanged, but
that no file has blocks (st_blocks 0), as on many FUSE file systems.

Usage: failing-fs.py ROOT MOUNT PATTERN [close|read|short|size0|oneinode]   (runs in the
foreground; unmount with `umount MOUNT`). Needs python3-fusepy (Debian's)
and /dev/fuse.
"""
import errno
import os
import sys

try:
    from fusepy import FUSE, FuseOSError, Operations  # Debian's python3-fusepy
except ImportError:
    from fuse import FUSE, FuseOSError, Operations  # PyPI's fusepy


class Failing(Operations):
    BAD = (1 << 20, 3 << 19)  # the bytes a read fails on, with WHAT `read`

    def __init__(self, root, pattern, what):
        self.root = root
        self.pattern = pattern
        self.what = what
        self.names = {}

    def _fails(self, what, path, fh=None):
        return self.what == what and self.pattern in os.path.basename(self.names.get(fh, path))

    def _full(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def getattr(self, path, fh=None):
        st = os.lstat(self._full(path))
        attributes = {key: getattr(st, key) for key in (
            "st_atime", "st_ctime", "st_gid", "st_mode", "st_mtime", "st_nlink", "st_size", "st_uid")}
        if self.what == "size0" and self.pattern in os.path.basename(path) and os.path.isfile(self._full(path)):
            attributes["st_size"] = 0
        if self.what == "oneinode" and os.path.isfile(self._full(path)):
            attributes["st_ino"] = 4242
            attributes["st_nlink"] = 2
        return attributes

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._full(path))

    def readlink(self, path):
        return os.readlink(self._full(path))

    def mkdir(self, path, mode):
        return os.mkdir(self._full(path), mode)

    def rmdir(self, path):
        return os.rmdir(self._full(path))

    def unlink(self, path):
        return os.unlink(self._full(path))

    def rename(self, old, new):
        return os.rename(self._full(old), self._full(new))

    def chmod(self, path, mode):
        return os.chmod(self._full(path), mode)

    def chown(self, path, uid, gid):
        return os.lchown(self._full(path), uid, gid)

    def utimens(self, path, times=None):
        return os.utime(self._full(path), ns=None if times is None else tuple(int(t * 1e9) for t in times),
                        follow_symlinks=False)

    def symlink(self, target, source):
        return os.symlink(source, self._full(target))

    def link(self, target, source):
        return os.link(self._full(source), self._full(target))

    def truncate(self, path, length, fh=None):
        with open(self._full(path), "r+") as f:
            f.truncate(length)

    def statfs(self, path):
        st = os.statvfs(self._full(path))
        return {key: getattr(st, key) for key in (
            "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag",
            "f_frsize", "f_namemax")}

    def open(self, path, flags):
        fh = os.open(self._full(path), flags)
        self.names[fh] = path
        return fh

    def create(self, path, mode, fi=None):
        fh = os.open(self._full(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        self.names[fh] = path
        return fh

    def read(self, path, size, offset, fh):
        if self._fails("short", path, fh):
            size = min(size, 1000)
        if self._fails("read", path, fh) and offset < self.BAD[1] and offset + size > self.BAD[0]:
            raise FuseOSError(errno.EIO)
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        return os.pwrite(fh, data, offset)

    def flush(self, path, fh):
        if self._fails("close", path, fh):
            raise FuseOSError(errno.EIO)
        return 0

    def release(self, path, fh):
        self.names.pop(fh, None)
        return os.close(fh)

    def fsync(self, path, datasync, fh):
        return os.fsync(fh)


if __name__ == "__main__":
    root, mount, pattern = sys.argv[1:4]
    what = sys.argv[4] if len(sys.argv) > 4 else "close"
    options = {"direct_io": True} if what in ("short", "size0") else {"use_ino": True} if what == "oneinode" else {}
    FUSE(Failing(root, pattern, what), mount, foreground=True, nothreads=True, allow_other=True, default_permissions=True,
         **options)
