package dev.formwork.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherFlagsTest {
    @TempDir
    Path repo;

    @Test
    void readsTheLaunchersArray() throws Exception {
        Files.writeString(repo.resolve("formwork"), "#!/usr/bin/env bash\n# comment\n"
                + "jvm_opts=(--add-modules jdk.incubator.vector -Xss8m \"-XX:+UseSerialGC\" -XX:MaxHeapFreeRatio=30)\n"
                + "java \"${jvm_opts[@]}\" -jar x.jar\n");
        LauncherFlags.Flags f = LauncherFlags.read(repo);
        assertEquals(List.of("--add-modules", "jdk.incubator.vector", "-Xss8m", "-XX:+UseSerialGC", "-XX:MaxHeapFreeRatio=30"), f.flags());
        assertEquals("read from ./formwork", f.source());
    }

    @Test
    void fallsBackWithoutTheArray() throws Exception {
        Files.writeString(repo.resolve("formwork"), "java --add-modules jdk.incubator.vector -Xss8m -jar x.jar\n");
        assertEquals(LauncherFlags.FALLBACK, LauncherFlags.read(repo).flags());
    }
}
