/**
 * jsock rudp: a reliable byte stream over UDP (docs/rudp.md), and the impairment model, simulated
 * network and relay that test it. Depends on jsock core alone.
 */
module org.jsock.rudp {
    requires org.jsock;
    exports org.jsock.rudp;
    // Pluggable congestion control is part of the API.
    exports org.jsock.rudp.cc;
    // The impairments and the simulator are tools for users too (jsock impair, seeded tests).
    exports org.jsock.rudp.impair;
    exports org.jsock.rudp.sim;
}
