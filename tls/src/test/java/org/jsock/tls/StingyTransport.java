package org.jsock.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** A transport that reads at most {@code readMax} and writes at most {@code writeMax} bytes a call, to shake out framing bugs. */
final class StingyTransport implements Transport {
    private final Transport t;
    private final int readMax;
    private final int writeMax;

    StingyTransport(Transport t, int readMax, int writeMax) {
        this.t = t;
        this.readMax = readMax;
        this.writeMax = writeMax;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int lim = dst.limit();
        dst.limit(Math.min(lim, dst.position() + readMax));
        try {
            return t.read(dst);
        } finally {
            dst.limit(lim);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int lim = src.limit();
        src.limit(Math.min(lim, src.position() + writeMax));
        try {
            return t.write(src);
        } finally {
            src.limit(lim);
        }
    }

    @Override public boolean await(int events, Duration timeout) throws IOException { return t.await(events, timeout); }
    @Override public void shutdownOutput() throws IOException { t.shutdownOutput(); }
    @Override public void configureBlocking(boolean block) throws IOException { t.configureBlocking(block); }
    @Override public boolean isBlocking() { return t.isBlocking(); }
    @Override public boolean isOpen() { return t.isOpen(); }
    @Override public void close() { t.close(); }
}
