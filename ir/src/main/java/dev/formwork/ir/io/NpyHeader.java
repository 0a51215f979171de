package dev.formwork.ir.io;

import dev.formwork.ir.FormworkException;
import java.util.ArrayList;
import java.util.List;

/**
 * The header of a {@code .npy} file, parsed as the Python literal it is and never evaluated: a
 * dict with exactly the keys {@code 'descr'} (a string), {@code 'fortran_order'} (True/False) and
 * {@code 'shape'} (a tuple of non-negative integers). Anything else, including nested tuples,
 * lists, calls or structured dtypes, is refused. The parser has no recursion, so deep nesting is
 * an error at the first unexpected bracket rather than a StackOverflowError.
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {
    /** More dims than any array Formwork reads; numpy itself allows 64. */
    static final int MAX_RANK = 64;

    static NpyHeader parse(String text, String where) {
        return new Parser(text, where).header();
    }

    private static final class Parser {
        private final String s;
        private final String where;
        private int i;

        Parser(String s, String where) {
            this.s = s;
            this.where = where;
        }

        private FormworkException bad(String what) {
            return new FormworkException(where + ": malformed .npy header (" + what + " at offset " + i + "): "
                    + FormworkException.shown(s.trim()));
        }

        private void skipSpace() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) i++;
        }

        private boolean eat(char c) {
            skipSpace();
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!eat(c)) throw bad("expected '" + c + "'");
        }

        NpyHeader header() {
            String descr = null;
            Boolean fortran = null;
            int[] shape = null;
            expect('{');
            while (!eat('}')) {
                String key = string();
                expect(':');
                switch (key) {
                    case "descr" -> {
                        if (descr != null) throw bad("'descr' given twice");
                        skipSpace();
                        if (i < s.length() && s.charAt(i) == '[') {
                            throw new FormworkException(where + ": structured .npy dtypes are not supported (need a plain float or integer array)");
                        }
                        descr = string();
                    }
                    case "fortran_order" -> {
                        if (fortran != null) throw bad("'fortran_order' given twice");
                        fortran = bool();
                    }
                    case "shape" -> {
                        if (shape != null) throw bad("'shape' given twice");
                        shape = tuple();
                    }
                    default -> throw bad("unknown key '" + FormworkException.shown(key) + "'");
                }
                if (!eat(',')) {
                    expect('}');
                    break;
                }
            }
            skipSpace();
            if (i != s.length()) throw bad("text after the dict");
            if (descr == null || fortran == null || shape == null) throw bad("needs 'descr', 'fortran_order' and 'shape'");
            return new NpyHeader(descr, fortran, shape);
        }

        private String string() {
            skipSpace();
            if (i >= s.length()) throw bad("expected a string");
            char q = s.charAt(i);
            if (q != '\'' && q != '"') throw bad("expected a string");
            int end = s.indexOf(q, i + 1);
            if (end < 0) throw bad("unterminated string");
            String r = s.substring(i + 1, end);
            if (r.indexOf('\\') >= 0) throw bad("escapes in strings are not supported");
            i = end + 1;
            return r;
        }

        private boolean bool() {
            skipSpace();
            if (s.startsWith("True", i)) {
                i += 4;
                return true;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return false;
            }
            throw bad("expected True or False");
        }

        private int[] tuple() {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            while (!eat(')')) {
                skipSpace();
                int start = i;
                while (i < s.length() && Character.isDigit(s.charAt(i)) && i - start < 12) i++;
                if (i == start) throw bad("expected a non-negative integer dimension");
                long d = Long.parseLong(s.substring(start, i));
                if (i < s.length() && Character.isDigit(s.charAt(i))) throw bad("dimension too large");
                if (d > Integer.MAX_VALUE) throw bad("dimension " + d + " too large");
                if (dims.size() == MAX_RANK) throw bad("more than " + MAX_RANK + " dimensions");
                dims.add((int) d);
                if (!eat(',')) {
                    expect(')');
                    break;
                }
            }
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
