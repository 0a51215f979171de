package dev.formwork.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
    @Test
    void markdownAndJsonCarryTheSameCells() {
        Report r = new Report(Map.of("cpu", "Test CPU"), "2026-01-01 00:00 UTC", "./bench --quick", true, List.of("passes"), "0.1 0.2 0.3");
        Section s = new Section("passes", "2. Passes");
        s.method("How.");
        Table t = s.table("p", "Pipeline").column("target", "target").column("ms", "ms", Fmt.median()).column("ms", "max", Fmt.max())
                .column("v", "L7");
        Map<String, Object> row = t.row();
        row.put("target", "onnx");
        row.put("ms", Stats.of(List.of(10.0, 20.0, 30.0)));
        row.put("v", new Verdict("", 20, 1000, " ms"));
        s.note("A note.");
        r.sections.add(s);
        String md = r.markdown();
        assertTrue(md.contains("**Quick run**"), md);
        assertTrue(md.contains("| onnx | 20.0 | 30.0 | 20.0 ms (target <= 1,000 ms): met |"), md);
        assertTrue(md.contains("- 2. Passes: 1 met, 0 missed"), md);
        assertTrue(md.contains("./bench --quick"), md);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) ((List<Object>) r.json().get("sections")).get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> cell = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) ((Map<String, Object>)
                ((List<Object>) json.get("tables")).get(0)).get("rows")).get(0)).get("ms");
        assertEquals(20.0, cell.get("median"));
        assertEquals(3, cell.get("n"));
    }
}
