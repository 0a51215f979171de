package dev.formwork.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GcLogTest {
    @Test
    void peakIsTheLargestHeapBeforeAPauseOrAtExit() {
        String log = """
                [0.003s][info][gc] Using G1
                [0.490s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 19M->6M(388M) 12.445ms
                [0.988s][info][gc] GC(4) Pause Young (Concurrent Start) (G1 Humongous Allocation) 1230M->497M(2664M) 3.885ms
                [0.990s][info][gc] GC(5) Concurrent Undo Cycle 6.151ms
                [1.100s][info][gc] GC(6) Pause Remark 600M->600M(2700M) 1.0ms
                [2.090s][info][gc,heap,exit] Heap
                [2.090s][info][gc,heap,exit]  garbage-first heap   total 667648K, used 279254K [0x0000000687400000, 0x0000000800000000)
                """;
        GcLog g = GcLog.parse(log);
        assertEquals(1230L << 20, g.peakUsedBytes());
        assertEquals(2700L << 20, g.peakCommittedBytes());
        assertEquals(3, g.collections());
        assertEquals(12.445 + 3.885 + 1.0, g.pauseMs(), 1e-9);
    }

    @Test
    void exitOccupancyCountsWhenNoCollectionWasLarger() {
        GcLog g = GcLog.parse("[0.4s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 1G->6M(2G) 1.0ms\n"
                + "[2.0s][info][gc,heap,exit]  garbage-first heap   total 3145728K, used 2097152K [0x0, 0x1)\n");
        assertEquals(2048L << 20, g.peakUsedBytes());
        assertEquals(3072L << 20, g.peakCommittedBytes());
    }

    @Test
    void serialCollectorsExitHeapIsTheSumOfItsGenerations() {
        String log = """
                [0.007s][info][gc] Using Serial
                [1.264s][info][gc] GC(0) Pause Young (Allocation Failure) 99M->65M(365M) 56.723ms
                [2.050s][info][gc] GC(6) Pause Full (Allocation Failure) 357M->357M(557M) 17.160ms
                [2.738s][info][gc,heap,exit] Heap
                [2.738s][info][gc,heap,exit]  def new generation   total 177088K, used 11079K [0x0000000687400000, 0x0000000693420000)
                [2.738s][info][gc,heap,exit]   eden space 157440K,   7% used [0x0000000687400000, 0x0000000687ed1cf8)
                [2.738s][info][gc,heap,exit]  tenured generation   total 393460K, used 357863K [0x0000000704d50000, 0x000000071cd8d000)
                [2.738s][info][gc,heap,exit]    the space 393460K,  85% used [0x0000000704d50000, 0x0000000719741d60)
                [2.738s][info][gc,heap,exit]  Metaspace       used 11585K, committed 11904K, reserved 1114112K
                """;
        GcLog g = GcLog.parse(log);
        assertEquals((11079L + 357863L) * 1024, g.peakUsedBytes());
        assertEquals(Math.max(557L << 20, (177088L + 393460L) * 1024), g.peakCommittedBytes());
        assertEquals(2, g.collections());
    }
}
