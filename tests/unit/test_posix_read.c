/* SPDX-License-Identifier: Apache-2.0 */
/* port/posix: the whole-file reader the CLI and the tools load CA PEM and
 * templates with.  It must read pipes (<(...), /dev/stdin), which cannot
 * seek, refuse a directory by name, and stop at its bound. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "port/posix/herald_posix.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/herald-read-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_regular_and_empty_files(void **state)
{
    char path[128];
    size_t len = 99;
    char *buf;
    (void)state;
    snprintf(path, sizeof path, "%s/a.txt", dir);
    write_file(path, "hello\n", 6);
    buf = herald_posix_read_file(path, &len);
    assert_non_null(buf);
    assert_int_equal(len, 6);
    assert_string_equal(buf, "hello\n");
    free(buf);
    write_file(path, "", 0);
    buf = herald_posix_read_file(path, &len);
    assert_non_null(buf);
    assert_int_equal(len, 0);
    assert_string_equal(buf, "");
    free(buf);
}

/* A pipe larger than the first buffer and than the pipe's own buffer, by
 * path (/dev/fd/N, what a shell's <(...) gives): seeking it fails. */
static void test_a_pipe_is_read_to_eof(void **state)
{
    enum { BIG = 300000 };
    int fds[2];
    char path[32];
    size_t len = 0;
    char *buf;
    pid_t child;
    int status;
    (void)state;
    assert_int_equal(pipe(fds), 0);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        static char chunk[1000];
        close(fds[0]);
        for (int i = 0; i < BIG / 1000; i++) {
            memset(chunk, 'a' + i % 26, sizeof chunk);
            if (write(fds[1], chunk, sizeof chunk) != (ssize_t)sizeof chunk) {
                _exit(1);
            }
        }
        _exit(0);
    }
    close(fds[1]);
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    buf = herald_posix_read_file(path, &len);
    close(fds[0]);
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_non_null(buf);
    assert_int_equal(len, BIG);
    assert_int_equal(buf[0], 'a');
    assert_int_equal(buf[BIG - 1], 'a' + (BIG / 1000 - 1) % 26);
    assert_int_equal(buf[BIG], '\0');
    free(buf);
}

static void test_a_directory_is_refused(void **state)
{
    size_t len = 7;
    (void)state;
    errno = 0;
    assert_null(herald_posix_read_file(dir, &len));
    assert_int_equal(errno, EISDIR);
    assert_int_equal(len, 7); /* untouched */
}

static void test_the_bound_is_kept(void **state)
{
    char path[128];
    size_t len = 0;
    char *buf;
    int fd;
    (void)state;
    snprintf(path, sizeof path, "%s/b.txt", dir);
    write_file(path, "0123456789", 10);
    fd = open(path, O_RDONLY);
    buf = herald_posix_read_fd(fd, 10, &len); /* exactly the bound */
    assert_non_null(buf);
    assert_int_equal(len, 10);
    assert_string_equal(buf, "0123456789");
    free(buf);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    errno = 0;
    assert_null(herald_posix_read_fd(fd, 9, &len)); /* one byte over */
    assert_int_equal(errno, EFBIG);
    close(fd);
}

static void test_a_missing_file_says_why(void **state)
{
    size_t len = 0;
    (void)state;
    errno = 0;
    assert_null(herald_posix_read_file("/nonexistent/herald/x", &len));
    assert_int_equal(errno, ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular_and_empty_files), cmocka_unit_test(test_a_pipe_is_read_to_eof),
        cmocka_unit_test(test_a_directory_is_refused),  cmocka_unit_test(test_the_bound_is_kept),
        cmocka_unit_test(test_a_missing_file_says_why),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
