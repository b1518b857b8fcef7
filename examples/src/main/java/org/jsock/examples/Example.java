package org.jsock.examples;

/**
 * One of the seeds' programs. {@link #run} is the C {@code main}: it prints what the C program
 * prints, to System.out and System.err, and returns the exit status C would.
 */
@FunctionalInterface
public interface Example {
    int run(String[] args) throws Exception;
}
