package org.jsock.rudp.cc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowedMaxFilterTest {

    @Test
    void theMaximumLastsTheWindowThenTheNextBestTakesOver() {
        WindowedMaxFilter f = new WindowedMaxFilter(10);
        assertEquals(0, f.best());
        assertEquals(100, f.update(0, 100));
        assertEquals(100, f.update(3, 70));
        assertEquals(100, f.update(5, 80));
        assertEquals(100, f.update(9, 60));
        // Round 10: the sample of round 0 is ten rounds old; 80 (round 5) is the best of rounds 1 to 10.
        assertEquals(80, f.update(10, 50));
        assertEquals(80, f.update(14, 40));
        assertEquals(60, f.update(15, 30), "80 expired; 70 went when 80 came");
        assertEquals(50, f.update(19, 20));
        assertEquals(40, f.update(20, 10));
    }

    @Test
    void aLargerSampleReplacesAtOnce() {
        WindowedMaxFilter f = new WindowedMaxFilter(10);
        f.update(0, 100);
        assertEquals(150, f.update(1, 150));
        assertEquals(150, f.update(10, 10));
        assertEquals(10, f.update(11, 10), "150 expired at 11");
    }

    @Test
    void manySamplesInOneRoundKeepOneEntry() {
        WindowedMaxFilter f = new WindowedMaxFilter(10);
        for (long round = 0; round < 100; round++) {
            for (int i = 0; i < 1000; i++) f.update(round, 1_000_000 - round * 1000 - i);   // falling, as after a rate drop
            assertTrue(f.size() <= 11, f.size() + " entries at round " + round);
        }
        assertEquals(1_000_000 - 90 * 1000, f.best(), "the first sample of round 90: the best of rounds 90 to 99");
    }

    @Test
    void timeMustNotGoBack() {
        WindowedMaxFilter f = new WindowedMaxFilter(10);
        f.update(5, 1);
        assertThrows(IllegalArgumentException.class, () -> f.update(4, 1));
        assertThrows(IllegalArgumentException.class, () -> new WindowedMaxFilter(0));
    }
}
