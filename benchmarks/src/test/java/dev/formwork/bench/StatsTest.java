package dev.formwork.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void medianMinMaxOfOddAndEvenCounts() {
        Stats odd = Stats.of(List.of(5.0, 1.0, 3.0));
        assertEquals(3.0, odd.median());
        assertEquals(1.0, odd.min());
        assertEquals(5.0, odd.max());
        Stats even = Stats.of(List.of(4.0, 1.0, 2.0, 10.0));
        assertEquals(3.0, even.median());
        assertEquals(4, even.n());
    }

    @Test
    void mapKeepsOrderAndSamplesAreCopied() {
        double[] raw = {1000, 2000};
        Stats s = new Stats(raw);
        raw[0] = 0;
        assertEquals(1.5, s.map(ms -> ms / 1000).median());
        assertEquals(1000.0, s.min());
    }

    @Test
    void noSamplesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Stats.of(List.of()));
    }

    @Test
    void verdictText() {
        assertEquals("wall/floor 2.41x (target <= 3.00x): met", new Verdict("wall/floor", 2.41, 3, "x").toString());
        assertEquals("1,200 ms (target <= 1,000 ms): **missed**", new Verdict("", 1200, 1000, " ms").toString());
    }
}
