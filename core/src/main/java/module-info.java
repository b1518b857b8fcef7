/**
 * jsock core: the socket calls through FFM ({@code org.jsock.sys}) and the typed API applications use
 * ({@code org.jsock.net}). Depends on the JDK alone.
 */
module org.jsock {
    exports org.jsock.sys;
    exports org.jsock.net;
    // Native bindings, per-thread scratch and the tracer stay inside jsock's own modules.
    exports org.jsock.sys.internal to org.jsock.cli;
}
