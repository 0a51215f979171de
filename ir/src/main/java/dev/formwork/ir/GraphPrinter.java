package dev.formwork.ir;

import java.util.stream.Collectors;

/** The readable text form of a graph ({@code inspect --graph}). */
public final class GraphPrinter {
    private GraphPrinter() {}

    public static String print(Graph g) {
        StringBuilder b = new StringBuilder();
        b.append("graph ").append(g.name()).append(" (")
                .append(g.inputs().stream().map(v -> "%" + v.name() + ": " + v.type()).collect(Collectors.joining(", ")))
                .append(")\n");
        for (Value c : g.constants()) {
            b.append("  const %").append(c.name()).append(": ").append(c.type()).append('\n');
        }
        for (Node n : g.nodes()) {
            b.append("  ");
            b.append(n.outputs().stream().map(v -> "%" + v.name() + ": " + v.type()).collect(Collectors.joining(", ")));
            b.append(" = ").append(n.opType()).append('(');
            b.append(n.inputs().stream().map(v -> "%" + v.name()).collect(Collectors.joining(", ")));
            b.append(')');
            if (!n.attributes().isEmpty()) b.append(" {").append(n.attributes()).append('}');
            b.append("  # ").append(n.name()).append('\n');
        }
        b.append("  return ").append(g.outputs().stream().map(v -> "%" + v.name()).collect(Collectors.joining(", "))).append('\n');
        return b.toString();
    }
}
