package org.jsock.net;

import org.jsock.testing.FdLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.jsock.net.Sockets.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The java.io and java.nio views of a Socket carry the same bytes and keep EOF and close meaning. */
@ExtendWith(FdLeakCheck.class)
@Timeout(10)
class SocketViewsTest {
    private final Sockets sockets = new Sockets();

    @AfterEach
    void closeAll() throws Exception {
        sockets.close();
    }

    @Test
    void byteChannelRoundTripsAndReportsEofAsMinusOne() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        ByteChannel a = p[0].channel(), b = p[1].channel();
        assertTrue(a.isOpen());
        ByteBuffer out = ByteBuffer.wrap(ascii("through a channel"));
        while (out.hasRemaining()) a.write(out);
        ByteBuffer in = ByteBuffer.allocate(17);
        while (in.hasRemaining()) assertTrue(b.read(in) > 0);
        assertEquals("through a channel", new String(in.array(), StandardCharsets.US_ASCII));

        // java.nio's own helpers work on top of it.
        InputStream viaNio = Channels.newInputStream(b);
        a.write(ByteBuffer.wrap(ascii("xyz")));
        byte[] three = new byte[3];
        new DataInputStream(viaNio).readFully(three);
        assertEquals("xyz", ascii(three, 3));

        p[0].shutdown(Shutdown.WRITE);
        assertEquals(-1, b.read(ByteBuffer.allocate(4)), "EOF reads as -1, as java.nio has it");

        p[1].configureBlocking(false);
        ByteChannel nb = p[1].channel();
        p[0].close();
        a.close();
        assertFalse(a.isOpen(), "closing the socket closes its channel");
        assertEquals(-1, nb.read(ByteBuffer.allocate(4)));
    }

    @Test
    void aNonblockingChannelReadsZeroWhenNothingIsThere() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        p[1].configureBlocking(false);
        assertEquals(0, p[1].channel().read(ByteBuffer.allocate(8)));
    }

    @Test
    void streamsRoundTripTextAndBinaryBothWays() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET6);
        PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(p[0].outputStream(), StandardCharsets.UTF_8), true);
        BufferedReader r = new BufferedReader(new InputStreamReader(p[1].inputStream(), StandardCharsets.UTF_8));
        w.println("héllo, wörld");
        assertEquals("héllo, wörld", r.readLine());

        DataOutputStream dout = new DataOutputStream(p[1].outputStream());
        dout.writeInt(0xCAFEBABE);
        dout.writeLong(-2);
        dout.write(0xFF); // single-byte write of a high byte
        dout.flush();
        DataInputStream din = new DataInputStream(p[0].inputStream());
        assertEquals(0xCAFEBABE, din.readInt());
        assertEquals(-2, din.readLong());
        assertEquals(0xFF, din.read(), "read() returns the byte as 0-255");
    }

    @Test
    void aLargeTransferThroughTheStreamsArrivesIntact() throws Exception {
        Socket[] p = sockets.pair(SockType.STREAM);
        byte[] data = new byte[3 << 20];
        new Random(3).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = p[0].outputStream()) {
                out.write(data);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        byte[] got = p[1].inputStream().readAllBytes();
        writer.get(5, TimeUnit.SECONDS);
        assertArrayEquals(data, got);
        assertTrue(p[0].isClosed(), "closing the OutputStream closed the socket");
    }

    @Test
    void inputStreamReadsMinusOneAtEofAndClosingItClosesTheSocket() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        InputStream in = p[1].inputStream();
        assertEquals(0, in.read(new byte[4], 0, 0), "a zero-length read returns 0 at once");
        p[0].send(ascii("z"));
        p[0].shutdown(Shutdown.WRITE);
        assertEquals('z', in.read());
        assertEquals(-1, in.read());
        assertEquals(-1, in.read(new byte[4], 0, 4));
        in.close();
        assertTrue(p[1].isClosed());
        assertThrows(SocketClosedException.class, in::read);
        assertThrows(SocketClosedException.class, () -> p[1].outputStream().write(1));
    }

    @Test
    void aNonblockingSocketsInputStreamStillBlocksUntilDataArrives() throws Exception {
        Socket[] p = sockets.tcpPair(Family.INET);
        p[1].configureBlocking(false);
        CompletableFuture<Void> late = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(50);
                p[0].send(ascii("later"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        byte[] b = new byte[5];
        new DataInputStream(p[1].inputStream()).readFully(b);
        assertEquals("later", ascii(b, 5));
        late.get(5, TimeUnit.SECONDS);
    }
}
