/*
 * bench/libarchive-read.c — libarchive's tar reader alone, for issue 17's
 * question: would libarchive's reader serve bale's parser?
 *
 * Reads an uncompressed tar (FILE, or standard input for "-") with
 * archive_read (format tar only, no filters), one header after another,
 * and either skips each entry's data (archive_read_data_skip: what
 * `bale list` needs) or reads it (archive_read_data_block: what an
 * extractor needs), and counts the extended attributes and ACL entries
 * libarchive parsed (archive_entry_xattr_count, archive_entry_acl_count),
 * so its pax parsing is part of the work. Prints one line:
 *
 *     <entries> <content bytes> <xattrs> <acl entries> <seconds> <MB/s of tar>
 *
 * libarchive's reader is pull-style: it asks its input for blocks and
 * returns an entry when the caller asks for the next. bale's TarReader is
 * push-style: the collector thread feeds it inflated pieces of any size
 * as they come out of the workers, in order (Archive/TarStreamSink).
 *
 * Build: cc -O2 -o libarchive-read bench/libarchive-read.c -larchive
 * Usage: libarchive-read skip|read FILE
 * Run by bench/libarchive.sh, which compares it with `bale list`.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "skip") != 0 && strcmp(argv[1], "read") != 0)) {
        fprintf(stderr, "usage: libarchive-read skip|read FILE\n");
        return 2;
    }
    int readData = strcmp(argv[1], "read") == 0;
    double start = now();
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    const char *path = strcmp(argv[2], "-") == 0 ? NULL : argv[2];
    if (archive_read_open_filename(a, path, 1 << 20) != ARCHIVE_OK) {
        fprintf(stderr, "libarchive-read: %s\n", archive_error_string(a));
        return 1;
    }
    struct archive_entry *entry;
    long long entries = 0, bytes = 0, xattrs = 0, acls = 0;
    int status;
    while ((status = archive_read_next_header(a, &entry)) == ARCHIVE_OK || status == ARCHIVE_WARN) {
        entries++;
        xattrs += archive_entry_xattr_count(entry);
        acls += archive_entry_acl_count(entry, ARCHIVE_ENTRY_ACL_TYPE_ACCESS | ARCHIVE_ENTRY_ACL_TYPE_DEFAULT);
        if (readData) {
            const void *buffer;
            size_t size;
            la_int64_t offset;
            while (archive_read_data_block(a, &buffer, &size, &offset) == ARCHIVE_OK) bytes += (long long)size;
        } else {
            bytes += archive_entry_size(entry);
            archive_read_data_skip(a);
        }
    }
    if (status != ARCHIVE_EOF) {
        fprintf(stderr, "libarchive-read: %s\n", archive_error_string(a));
        return 1;
    }
    long long tarBytes = archive_filter_bytes(a, -1);
    archive_read_free(a);
    double seconds = now() - start;
    printf("%lld %lld %lld %lld %.3f %.0f\n", entries, bytes, xattrs, acls, seconds, tarBytes / seconds / 1e6);
    return 0;
}
