package org.jsock.cli;

import org.jsock.net.Family;
import org.jsock.net.Resolver;
import org.jsock.net.SockAddr;
import org.jsock.net.SockType;
import org.jsock.sys.GaiException;

/** Checks what the user typed before any socket call is made, and turns it into addresses. */
final class Inputs {
    private Inputs() {}

    /** A port: a number 0-65535 (service names are accepted where getaddrinfo takes them). */
    static int port(String text) {
        if (text == null || text.isEmpty() || !text.chars().allMatch(Character::isDigit) || text.length() > 5
                || Integer.parseInt(text) > 65535) {
            throw CliException.usage("bad port '" + text + "': expected a number from 0 to 65535");
        }
        return Integer.parseInt(text);
    }

    /** A host name or address: RFC 1123 labels, or an IP literal. */
    static void checkHost(String host) {
        if (host.isEmpty() || host.length() > 253) throw CliException.usage("bad host name '" + host + "'");
        if (host.indexOf(':') >= 0) {
            try {
                SockAddr.Inet6.of(host, 0);
                return;
            } catch (IllegalArgumentException e) {
                throw CliException.usage("bad IPv6 address '" + host + "'");
            }
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() && !host.endsWith(".")) throw CliException.usage("bad host name '" + host + "': empty label");
            if (label.length() > 63) throw CliException.usage("bad host name '" + host + "': label longer than 63");
            for (char c : label.toCharArray()) {
                if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') {
                    throw CliException.usage("bad host name '" + host + "': character '" + c + "'");
                }
            }
        }
    }

    /**
     * Resolves host and port for a client: the first getaddrinfo answer of the type, in the family
     * asked for (null: either).
     */
    static SockAddr resolve(String host, int port, Family family, SockType type, String doing) {
        checkHost(host);
        try {
            return Resolver.resolve(host, port, family, type);
        } catch (GaiException e) {
            throw CliException.network(doing + " " + host, e);
        }
    }

    /** rudp's defaults with the congestion control named on the command line (null: the default). */
    static org.jsock.rudp.RudpConfig rudpConfig(String congestionControl) {
        org.jsock.rudp.RudpConfig c = org.jsock.rudp.RudpConfig.defaults();
        if (congestionControl == null) return c;
        if (!org.jsock.rudp.cc.CongestionController.names().contains(congestionControl)) {
            throw CliException.usage("unknown congestion control '" + congestionControl + "': expected one of "
                    + String.join(", ", org.jsock.rudp.cc.CongestionController.names()));
        }
        return c.withCongestionControl(congestionControl);
    }
}
