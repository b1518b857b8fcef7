package org.jsock.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;

/** The classic services, written once against {@link Handler} and so served by every model. */
public final class Services {
    private Services() {}

    /** RFC 862: sends back what it receives; closes after the peer's EOF once everything is sent. */
    public static Handler echo() {
        return new Handler() {
            @Override public void onRead(Connection c, ByteBuffer in) { c.write(in); }
        };
    }

    /** RFC 863: reads and drops. */
    public static Handler discard() {
        return (c, in) -> in.position(in.limit());
    }

    /** Seed 000's server: sends "Hello from server!\n" and closes. */
    public static Handler hello() {
        return new Handler() {
            @Override public void onAccept(Connection c) {
                c.write(ByteBuffer.wrap(HELLO));
                c.close();
            }
            @Override public void onRead(Connection c, ByteBuffer in) { in.position(in.limit()); }
        };
    }

    /**
     * RFC 864: 72-character lines of printable ASCII, each starting one character further on, sent
     * for as long as the client stays; input is ignored. Written as a producer that fills the queue
     * up to the high watermark and continues when the server calls onWritable.
     */
    public static Handler chargen() {
        return new Handler() {
            private final Chargen gen = new Chargen();
            private final ByteBuffer chunk = ByteBuffer.allocate(Chargen.LINE * 95);

            @Override public void onAccept(Connection c) { produce(c); }
            @Override public void onWritable(Connection c) { produce(c); }
            @Override public void onRead(Connection c, ByteBuffer in) { in.position(in.limit()); }

            private void produce(Connection c) {
                // Bounded: the queue never grows past the high watermark plus one chunk.
                while (c.isOpen() && c.writable()) {
                    chunk.clear();
                    gen.fill(chunk);
                    chunk.flip();
                    c.write(chunk);
                }
            }
        };
    }

    private static final byte[] HELLO = "Hello from server!\n".getBytes(StandardCharsets.US_ASCII);

    /** Seed 000's greeting, "Hello from server!\n", for servers that send it another way (UDP). */
    public static ByteBuffer helloMessage() {
        return ByteBuffer.wrap(HELLO).asReadOnlyBuffer();
    }

    /** A service by name: echo, discard, chargen or hello. */
    public static Supplier<Handler> named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "echo" -> Services::echo;
            case "discard" -> Services::discard;
            case "chargen" -> Services::chargen;
            case "hello" -> Services::hello;
            default -> throw new IllegalArgumentException("unknown service '" + name + "': echo, discard, chargen or hello");
        };
    }

    /** RFC 864's rotating pattern. */
    public static final class Chargen {
        /** 72 characters, then CR LF. */
        public static final int LINE = 74;
        private int start;

        /** Fills {@code buf} with whole lines while they fit. */
        public void fill(ByteBuffer buf) {
            while (buf.remaining() >= LINE) {
                for (int i = 0; i < 72; i++) buf.put((byte) (' ' + (start + i) % 95));
                buf.put((byte) '\r').put((byte) '\n');
                start = (start + 1) % 95;
            }
        }
    }
}
