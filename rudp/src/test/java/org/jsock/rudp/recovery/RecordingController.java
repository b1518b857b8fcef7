package org.jsock.rudp.recovery;

import org.jsock.rudp.cc.CongestionController;
import org.jsock.rudp.cc.NewReno;

import java.util.ArrayList;
import java.util.List;

/** NewReno that also writes down every call loss detection makes, to check what it reports and in which order. */
final class RecordingController implements CongestionController {
    static final long MS = 1_000_000L;
    final NewReno delegate;
    final List<String> calls = new ArrayList<>();

    RecordingController(int maxDatagramSize) { this.delegate = new NewReno(maxDatagramSize); }

    /** The calls since the last time this was asked, times in milliseconds. */
    List<String> take() {
        List<String> copy = List.copyOf(calls);
        calls.clear();
        return copy;
    }

    private static String ms(long nanos) {
        return nanos % MS == 0 ? Long.toString(nanos / MS) : Double.toString(nanos / (double) MS);
    }

    @Override public String name() { return "recording"; }

    @Override public long window() { return delegate.window(); }

    @Override public long bytesInFlight() { return delegate.bytesInFlight(); }

    @Override public void onPacketSent(long now, int bytes) {
        calls.add("sent@" + ms(now) + ":" + bytes);
        delegate.onPacketSent(now, bytes);
    }

    @Override public void onPacketAcked(long now, long timeSent, int bytes, long smoothedRtt, long minRtt) {
        calls.add("acked@" + ms(now) + ":sent" + ms(timeSent) + ":" + bytes + ":srtt" + ms(smoothedRtt) + ":min" + ms(minRtt));
        delegate.onPacketAcked(now, timeSent, bytes, smoothedRtt, minRtt);
    }

    @Override public void onPacketLost(long now, long timeSent, int bytes) {
        calls.add("lost@" + ms(now) + ":sent" + ms(timeSent) + ":" + bytes);
        delegate.onPacketLost(now, timeSent, bytes);
    }

    @Override public void onPersistentCongestion(long now) {
        calls.add("persistent@" + ms(now));
        delegate.onPersistentCongestion(now);
    }

    @Override public void onPacketDiscarded(int bytes) {
        calls.add("discarded:" + bytes);
        delegate.onPacketDiscarded(bytes);
    }

    @Override public boolean inSlowStart() { return delegate.inSlowStart(); }

    @Override public long slowStartThreshold() { return delegate.slowStartThreshold(); }
}
