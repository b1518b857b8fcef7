package org.jsock.rudp.cc;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CongestionControllerTest {

    @Test
    void createKnowsNewRenoAndCubic() {
        assertEquals(List.of("newreno", "cubic"), CongestionController.names());
        assertInstanceOf(NewReno.class, CongestionController.create("newreno", 1200));
        assertInstanceOf(Cubic.class, CongestionController.create("cubic", 1200));
        assertInstanceOf(Cubic.class, CongestionController.create(" CUBIC ", 1200));
        for (String name : CongestionController.names()) {
            assertEquals(name, CongestionController.create(name, 1200).name());
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CongestionController.create("bbr", 1200));
        assertEquals("unknown congestion controller 'bbr': use one of [newreno, cubic]", e.getMessage());
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
    }
}
