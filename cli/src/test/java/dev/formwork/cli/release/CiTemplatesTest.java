package dev.formwork.cli.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.cli.Main;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The CI templates are valid YAML of the shape their engine expects, and every {@code ./formwork}
 * command they run parses as a real command with valid flags (CI variables replaced by the
 * values a runner gives them).
 */
class CiTemplatesTest {
    private static final Path CI = TestData.root().getParent().resolve("ci");

    @Test
    @SuppressWarnings("unchecked")
    void githubActionsBuildsSharesAndMergesThem() throws Exception {
        Map<String, Object> wf = load(CI.resolve("github-actions/release.yml"));
        Map<String, Object> jobs = (Map<String, Object>) wf.get("jobs");
        Map<String, Object> build = (Map<String, Object>) jobs.get("build");
        List<Object> shards = (List<Object>) ((Map<String, Object>) ((Map<String, Object>) build.get("strategy")).get("matrix")).get("shard");
        assertEquals(List.of(1, 2, 3, 4), shards);
        assertEquals("build", ((Map<String, Object>) jobs.get("merge")).get("needs"));
        List<String> commands = new ArrayList<>();
        for (Object job : jobs.values()) {
            for (Object step : (List<Object>) ((Map<String, Object>) job).get("steps")) {
                Object run = ((Map<String, Object>) step).get("run");
                if (run != null) commands.addAll(formworkLines(run.toString()));
            }
        }
        List<String[]> parsed = new ArrayList<>();
        for (String shard : List.of("1", "2", "3", "4")) {
            for (String c : commands) parsed.add(check(c.replace("${{ matrix.shard }}", shard), shards.size()));
        }
        assertTrue(parsed.stream().anyMatch(a -> a[0].equals("release") && a[1].equals("merge")), "a merge step");
        assertEquals(2, commands.size(), "one build and one merge command: " + commands);
    }

    @Test
    @SuppressWarnings("unchecked")
    void gitlabBuildsSharesAndMergesThem() throws Exception {
        Map<String, Object> ci = load(CI.resolve("gitlab/release.gitlab-ci.yml"));
        Map<String, Object> build = (Map<String, Object>) ci.get("release-build");
        int parallel = (Integer) build.get("parallel");
        assertEquals(List.of("release-build"), ((Map<String, Object>) ci.get("release-merge")).get("needs"));
        List<String> commands = new ArrayList<>();
        for (String job : List.of("release-build", "release-merge")) {
            for (Object line : (List<Object>) ((Map<String, Object>) ci.get(job)).get("script")) commands.addAll(formworkLines(line.toString()));
        }
        assertEquals(2, commands.size(), commands.toString());
        for (int i = 1; i <= parallel; i++) {
            for (String c : commands) check(c.replace("$CI_NODE_INDEX", Integer.toString(i)).replace("$CI_NODE_TOTAL", Integer.toString(parallel)), parallel);
        }
    }

    private static Map<String, Object> load(Path file) throws Exception {
        assertTrue(Files.isRegularFile(file), file.toString());
        return new Yaml().load(Files.readString(file));
    }

    private static List<String> formworkLines(String script) {
        return script.lines().map(String::strip).filter(l -> l.startsWith("./formwork ")).toList();
    }

    /** Parses one command line with the CLI's own spec; a --shard value must be a share of {@code shares}. */
    private static String[] check(String line, int shares) {
        assertTrue(!line.contains("$"), "unreplaced variable in: " + line);
        String[] args = Arrays.copyOfRange(line.split("\\s+"), 1, line.split("\\s+").length);
        CommandLine cl = new CommandLine(new Main());
        List<CommandLine> matched = cl.parseArgs(args).asCommandLineList();
        CommandLine last = matched.get(matched.size() - 1);
        assertTrue(last.getCommand() instanceof ReleaseCommand || last.getCommand() instanceof ReleaseMerge, line);
        if (last.getCommand() instanceof ReleaseCommand r) {
            assertTrue(r.file != null && r.out != null, "release file and --out: " + line);
            if (r.shard != null) assertEquals(shares, Sharding.Shard.parse(r.shard).count(), line);
        }
        return args;
    }
}
