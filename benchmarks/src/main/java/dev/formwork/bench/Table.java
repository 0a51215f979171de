package dev.formwork.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One results table. Rows are maps from column key to a raw value (number, string, {@link Stats}
 * or null); the JSON file stores those raw values and BENCHMARKS.md renders the same values
 * through each column's format, so both files carry the same numbers. A row may hold keys that
 * no column shows (extra data for the JSON file only).
 */
public final class Table {
    /** A shown column: key into the rows, header text, and how a cell is written in Markdown. */
    public record Column(String key, String header, Function<Object, String> format) {}

    private final String id;
    private final String title;
    private final List<Column> columns = new ArrayList<>();
    private final List<Map<String, Object>> rows = new ArrayList<>();

    public Table(String id, String title) {
        this.id = id;
        this.title = title;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public Table column(String key, String header, Function<Object, String> format) {
        columns.add(new Column(key, header, format));
        return this;
    }

    public Table column(String key, String header) {
        return column(key, header, Fmt::text);
    }

    /** Starts a new row; fill it with {@code put}. */
    public Map<String, Object> row() {
        Map<String, Object> r = new LinkedHashMap<>();
        rows.add(r);
        return r;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<Map<String, Object>> rows() {
        return rows;
    }
}
