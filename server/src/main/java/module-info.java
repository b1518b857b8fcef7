/** Servers for many clients: one handler API over five concurrency models. */
module org.jsock.server {
    requires transitive org.jsock;
    exports org.jsock.server;
}
