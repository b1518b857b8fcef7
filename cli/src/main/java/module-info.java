/** The jsock command. */
module org.jsock.cli {
    requires org.jsock;
    requires org.jsock.examples;
    requires info.picocli;
    opens org.jsock.cli to info.picocli;
}
