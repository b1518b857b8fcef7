/* linebuf.c -- linked into the C programs by the tests, and only there.
 *
 * Run from a terminal, a C program's stdout is line-buffered; into a pipe it is fully buffered, so a
 * server's "listening" line would reach the test only when the server exits. This makes stdout
 * line-buffered before main() runs, so the programs behave in the tests as they do on a terminal.
 * Their sources stay as the seeds wrote them. */
#include <stdio.h>

__attribute__((constructor))
static void jsock_line_buffered_stdout(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
}
