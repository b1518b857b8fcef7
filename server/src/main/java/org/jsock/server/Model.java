package org.jsock.server;

/** How a server serves many clients: the answers seed 004 gives, each as one mode. */
public enum Model {
    /** One client at a time, as the seeds' servers are: accept, serve until it closes, accept again. */
    ITERATIVE,
    /** One platform thread per connection, blocking calls. */
    THREADS,
    /**
     * One virtual thread per connection. Sockets are non-blocking and a would-block parks the virtual
     * thread on a shared epoll poller, so idle connections hold no carrier thread.
     */
    VIRTUAL,
    /** One epoll event loop thread for every connection. */
    LOOP,
    /** N event loops; each accepts on its own SO_REUSEPORT socket (or one hands connections out). */
    LOOPS
}
