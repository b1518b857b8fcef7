/**
 * jsock rudp: a reliable byte stream over UDP (docs/rudp.md), and the impairment model, simulated
 * network and relay that test it. Depends on jsock core alone.
 */
module org.jsock.rudp {
    requires org.jsock;

    exports org.jsock.rudp.cc;
}
