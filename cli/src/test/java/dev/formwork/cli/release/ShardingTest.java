package dev.formwork.cli.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --shard I/N: the shares partition the release, deterministically, and the big models' jobs are spread out. */
class ShardingTest {
    @TempDir
    Path dir;

    @Test
    void sharesPartitionTheJobsAndSpreadTheL7Jobs() throws Exception {
        List<Map<String, Object>> models = new ArrayList<>();
        for (String zoo : List.of("efficientformer-l7", "efficientformer-l1", "efficientformerv2-s0", "efficientformerv2-l")) {
            models.add(Map.of("name", zoo.replace("efficientformer", "ef"), "model", zoo));
        }
        Path file = Releases.write(dir, "zoo.json", models, Releases.targets("onnx", "tflite", "tflite:fp16", "coreml"));
        List<Job> plan = Job.plan(ReleaseFile.read(file));
        assertEquals(16, plan.size());
        Set<String> all = new HashSet<>();
        long[] cost = new long[4];
        for (int i = 1; i <= 4; i++) {
            List<Job> share = Sharding.select(plan, new Sharding.Shard(i, 4));
            assertEquals(share, Sharding.select(Job.plan(ReleaseFile.read(file)), new Sharding.Shard(i, 4)), "deterministic");
            assertEquals(1, share.stream().filter(j -> j.model().name().equals("ef-l7")).count(), "one L7 job per share: " + share);
            for (Job j : share) {
                assertTrue(all.add(j.name()), "in two shares: " + j.name());
                cost[i - 1] += j.cost().units();
            }
        }
        assertEquals(16, all.size());
        long max = 0, min = Long.MAX_VALUE;
        for (long c : cost) {
            max = Math.max(max, c);
            min = Math.min(min, c);
        }
        assertTrue(max < 1.5 * min, "balanced: " + java.util.Arrays.toString(cost));
        assertTrue(plan.get(0).cost().macs() > 0);
    }

    @Test
    void jobIdsFollowTheInputsNotTheSpelling() throws Exception {
        Path a = Releases.write(dir, "a.json", List.of(Map.of("name", "l1", "model", "efficientformer-l1")),
                List.of(Map.of("target", "onnx")));
        Path b = Releases.write(dir, "b.json", List.of(Map.of("name", "l1", "model", "efficientformer-l1", "seed", 0, "batch", 1)),
                List.of(Map.of("target", "onnx", "opset", 17, "precision", "fp32")));
        Path c = Releases.write(dir, "c.json", List.of(Map.of("name", "l1", "model", "efficientformer-l1")),
                List.of(Map.of("target", "onnx", "opset", 18)));
        String id = Job.plan(ReleaseFile.read(a)).get(0).id();
        assertEquals(id, Job.plan(ReleaseFile.read(b)).get(0).id(), "defaults written out change nothing");
        assertTrue(!id.equals(Job.plan(ReleaseFile.read(c)).get(0).id()), "another opset is another job");
    }
}
