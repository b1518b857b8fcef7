/** The jsock command. */
module org.jsock.cli {
    requires org.jsock;
    requires org.jsock.examples;
    requires org.jsock.server;
    requires org.jsock.rudp;
    requires org.jsock.tls;
    requires info.picocli;
    opens org.jsock.cli to info.picocli;
}
