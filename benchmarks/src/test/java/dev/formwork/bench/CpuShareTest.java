package dev.formwork.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuShareTest {
    @Test
    void othersAreTheMachinesBusyTicksLessOurOwn() {
        CpuShare.Snapshot a = new CpuShare.Snapshot(1000, 5000, 10, 300);
        // 200 ticks of capacity passed: 150 busy, 100 of them ours, 4 stolen
        CpuShare.Result r = CpuShare.between(a, new CpuShare.Snapshot(1150, 5200, 14, 400));
        assertEquals(0.25, r.others(), 1e-12);
        assertEquals(0.02, r.steal(), 1e-12);
    }

    @Test
    void unreadableProcGivesNaNAndALiveSnapshotReads() {
        assertTrue(Double.isNaN(CpuShare.between(new CpuShare.Snapshot(-1, -1, -1, -1), CpuShare.now()).others()));
        assertTrue(CpuShare.now().total() > 0, "/proc/stat readable on Linux");
    }
}
