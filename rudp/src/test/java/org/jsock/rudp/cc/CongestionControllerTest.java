package org.jsock.rudp.cc;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CongestionControllerTest {

    @Test
    void createKnowsNewRenoCubicAndBbr() {
        assertEquals(List.of("newreno", "cubic", "bbr"), CongestionController.names());
        assertInstanceOf(Bbr.class, CongestionController.create("bbr", 1200));
        assertInstanceOf(NewReno.class, CongestionController.create("newreno", 1200));
        assertInstanceOf(Cubic.class, CongestionController.create("cubic", 1200));
        assertInstanceOf(Cubic.class, CongestionController.create(" CUBIC ", 1200));
        for (String name : CongestionController.names()) {
            assertEquals(name, CongestionController.create(name, 1200).name());
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CongestionController.create("vegas", 1200));
        assertEquals("unknown congestion controller 'vegas': use one of [newreno, cubic, bbr]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CongestionController.create(null, 1200));
        assertThrows(IllegalArgumentException.class, () -> CongestionController.create("cubic", -1));
    }

    @Test
    void initialAndMinimumWindowsFollowRfc9002() {
        // min(10 * mds, max(14720, 2 * mds))
        assertEquals(12_000, CongestionController.initialWindow(1200));
        assertEquals(14_720, CongestionController.initialWindow(1472));
        assertEquals(14_720, CongestionController.initialWindow(1500));
        assertEquals(18_000, CongestionController.initialWindow(9000));
        assertEquals(131_014, CongestionController.initialWindow(65_507));
        assertEquals(2_400, CongestionController.minimumWindow(1200));
        assertEquals(14_720, new NewReno(1500).window());
        assertEquals(14_720, new Cubic(1500).window());
        assertEquals(14_720, new Bbr(1500).window());
    }

    @Test
    void windowBasedControllersLeavePacingToThePacerAndIgnorePacketNumbers() {
        for (String name : List.of("newreno", "cubic")) {
            CongestionController cc = CongestionController.create(name, 1200);
            assertEquals(0, cc.pacingRate(), name);
            for (long pn = 17; pn < 27; pn++) cc.onPacketSent(0, pn, 1200);
            cc.onApplicationLimited(0);   // no effect: the flight says whether the window is in use
            cc.onPacketAcked(100_000_000, 17, 0, 1200, 100_000_000, 100_000_000);
            assertEquals(13_200, cc.window(), name + ": slow start counted the acknowledgement");
            cc.onPacketLost(100_000_000, 18, 0, 1200);
            assertTrue(cc.window() < 13_200, name + ": and the loss");
            for (long pn = 19; pn < 27; pn++) cc.onPacketDiscarded(pn, 1200);
            assertEquals(0, cc.bytesInFlight(), name);
        }
    }
}
