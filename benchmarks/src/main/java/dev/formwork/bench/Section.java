package dev.formwork.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One section of the report: what it measures and how (generated text, the same on every run),
 * its tables, and generated notes: a note per missed target pointing at the data measured in the
 * same run, and a line per target or runtime that was not available.
 */
public final class Section {
    private final String id;
    private final String title;
    private final List<String> method = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private double seconds;
    private CpuShare.Result cpu;

    public Section(String id, String title) {
        this.id = id;
        this.title = title;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** A paragraph on what is measured and how. */
    public Section method(String paragraph) {
        method.add(paragraph);
        return this;
    }

    public Table table(String tableId, String tableTitle) {
        Table t = new Table(tableId, tableTitle);
        tables.add(t);
        return t;
    }

    public void note(String line) {
        notes.add(line);
    }

    /** Data for the JSON file only (e.g. per-pass timings). */
    public Map<String, Object> extra() {
        return extra;
    }

    public List<String> methodParagraphs() {
        return method;
    }

    public List<Table> tables() {
        return tables;
    }

    public List<String> notes() {
        return notes;
    }

    public double seconds() {
        return seconds;
    }

    public void setSeconds(double s) {
        seconds = s;
    }

    /** The rest of the machine's CPU use while the section ran. */
    public CpuShare.Result cpu() {
        return cpu;
    }

    public void setCpu(CpuShare.Result c) {
        cpu = c;
    }
}
