package dev.formwork.cli.release;

import dev.formwork.ir.FormworkException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code --shard i/n}: every shard computes the same assignment from the release file alone, so
 * the n CI jobs agree without talking. Jobs go, most expensive first, to the shard with the
 * least estimated cost so far (ties: the lower shard), which spreads the big models' jobs over
 * all shards instead of leaving one shard with every L7 job.
 */
final class Sharding {
    /** A parsed {@code --shard} value, 1-based. */
    record Shard(int index, int count) {
        static Shard parse(String text) {
            String[] p = text == null ? new String[0] : text.split("/");
            try {
                if (p.length == 2) {
                    Shard s = new Shard(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
                    if (s.count >= 1 && s.index >= 1 && s.index <= s.count) return s;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new FormworkException("--shard: expected I/N with 1 <= I <= N, got '" + text + "'");
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }
    }

    private Sharding() {}

    /** The jobs of {@code shard}, in plan order. */
    static List<Job> select(List<Job> plan, Shard shard) {
        List<Job> byCost = new ArrayList<>(plan);
        byCost.sort(Comparator.comparingLong((Job j) -> j.cost().units()).reversed().thenComparing(Job::name));
        long[] load = new long[shard.count()];
        List<Job> mine = new ArrayList<>();
        for (Job j : byCost) {
            int best = 0;
            for (int s = 1; s < load.length; s++) if (load[s] < load[best]) best = s;
            load[best] += j.cost().units();
            if (best == shard.index() - 1) mine.add(j);
        }
        mine.sort(Comparator.comparing(Job::name));
        return mine;
    }
}
