/** The seeds' programs, on both API levels. */
module org.jsock.examples {
    requires org.jsock;
    exports org.jsock.examples;
}
