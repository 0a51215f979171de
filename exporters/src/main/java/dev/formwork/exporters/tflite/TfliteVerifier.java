package dev.formwork.exporters.tflite;

import dev.formwork.ir.FormworkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Verifies a {@code .tflite} buffer before any generated accessor runs on it: the identifier,
 * every table, vector and string {@link TfliteReader} reaches (through {@link FlatbufferCheck}),
 * and the indices that join them: operator codes, tensors (inputs, outputs, signature maps) and
 * buffers (tensors and metadata) in range, shapes of at most {@link #MAX_RANK} non-negative dims.
 * The TFLite model metadata, a flatbuffer nested in a buffer, is verified the same way.
 *
 * <p>Slots are the schema's field ids (Model: version 0, operator_codes 1, subgraphs 2,
 * description 3, buffers 4, metadata 6, signature_defs 7; SubGraph: tensors 0, inputs 1, outputs 2,
 * operators 3, name 4; Tensor: shape 0, type 1, buffer 2, name 3; Operator: opcode_index 0,
 * inputs 1, outputs 2, builtin_options_type 3, builtin_options 4; OperatorCode:
 * deprecated_builtin_code 0, custom_code 1, version 2, builtin_code 3; Buffer: data 0;
 * Metadata: name 0, buffer 1; SignatureDef: inputs 0, outputs 1, signature_key 2, TensorMap: name 0,
 * tensor_index 1).
 */
final class TfliteVerifier {
    static final int MAX_RANK = 64;

    private TfliteVerifier() {}

    static void verify(ByteBuffer bb, String where) {
        FlatbufferCheck c = new FlatbufferCheck(bb, where);
        if (bb.limit() < 8 || bb.get(4) != 'T' || bb.get(5) != 'F' || bb.get(6) != 'L' || bb.get(7) != '3') {
            throw new FormworkException(where + ": not a TFLite model (file identifier is not TFL3)");
        }
        long m = c.root();
        c.scalar(m, 0, 4, "model version");
        c.string(m, 3, "model description");
        int codes = c.vector(m, 1, 4, "operator_codes");
        for (int i = 0; i < codes; i++) {
            long oc = c.tableAt(m, 1, i, "operator code " + i);
            c.scalar(oc, 0, 1, "operator code " + i);
            c.string(oc, 1, "operator code " + i + " custom_code");
            c.scalar(oc, 2, 4, "operator code " + i);
            c.scalar(oc, 3, 4, "operator code " + i);
        }
        int buffers = c.vector(m, 4, 4, "buffers");
        for (int i = 0; i < buffers; i++) {
            long buf = c.tableAt(m, 4, i, "buffer " + i);
            c.vector(buf, 0, 1, "buffer " + i + " data");
        }
        int subgraphs = c.vector(m, 2, 4, "subgraphs");
        int tensors0 = 0;
        for (int s = 0; s < subgraphs; s++) {
            int t = subgraph(c, c.tableAt(m, 2, s, "subgraph " + s), s, codes, buffers);
            if (s == 0) tensors0 = t;
        }
        int metas = c.vector(m, 6, 4, "metadata");
        for (int i = 0; i < metas; i++) {
            long md = c.tableAt(m, 6, i, "metadata " + i);
            c.string(md, 0, "metadata " + i + " name");
            long buffer = c.uintField(md, 1, "metadata " + i + " buffer");
            if (buffer >= buffers) throw c.bad("metadata " + i + " names buffer " + buffer + " of " + buffers);
        }
        int sigs = c.vector(m, 7, 4, "signature_defs");
        for (int i = 0; i < sigs; i++) {
            long sd = c.tableAt(m, 7, i, "signature " + i);
            c.string(sd, 2, "signature " + i + " key");
            for (int slot = 0; slot < 2; slot++) {
                int n = c.vector(sd, slot, 4, "signature " + i + " tensor maps");
                for (int k = 0; k < n; k++) {
                    long tm = c.tableAt(sd, slot, k, "signature " + i + " tensor map " + k);
                    c.string(tm, 0, "signature " + i + " tensor map " + k + " name");
                    long idx = c.uintField(tm, 1, "signature tensor map");
                    if (subgraphs > 0 && idx >= tensors0) throw c.bad("signature " + i + " names tensor " + idx + " of " + tensors0);
                }
            }
        }
    }

    /** Checks one subgraph; returns its tensor count. */
    private static int subgraph(FlatbufferCheck c, long g, int s, int codes, int buffers) {
        String at = "subgraph " + s;
        c.string(g, 4, at + " name");
        int tensors = c.vector(g, 0, 4, at + " tensors");
        for (int i = 0; i < tensors; i++) {
            long t = c.tableAt(g, 0, i, at + " tensor " + i);
            int rank = c.vector(t, 0, 4, at + " tensor " + i + " shape");
            if (rank > MAX_RANK) throw c.bad(at + " tensor " + i + " has rank " + rank + " (at most " + MAX_RANK + ")");
            for (int k = 0; k < rank; k++) {
                if (c.intAt(t, 0, k) < 0) throw c.bad(at + " tensor " + i + " has a negative dimension");
            }
            c.scalar(t, 1, 1, at + " tensor " + i + " type");
            long buffer = c.uintField(t, 2, at + " tensor " + i + " buffer");
            if (buffer >= Math.max(buffers, 1)) throw c.bad(at + " tensor " + i + " names buffer " + buffer + " of " + buffers);
            c.string(t, 3, at + " tensor " + i + " name");
        }
        indices(c, g, 1, tensors, false, at + " inputs");
        indices(c, g, 2, tensors, false, at + " outputs");
        int ops = c.vector(g, 3, 4, at + " operators");
        for (int i = 0; i < ops; i++) {
            long op = c.tableAt(g, 3, i, at + " operator " + i);
            long code = c.uintField(op, 0, at + " operator " + i + " opcode_index");
            if (code >= codes) throw c.bad(at + " operator " + i + " names operator code " + code + " of " + codes);
            indices(c, op, 1, tensors, true, at + " operator " + i + " inputs");
            indices(c, op, 2, tensors, true, at + " operator " + i + " outputs");
            c.scalar(op, 3, 1, at + " operator " + i + " options type");
            c.subTable(op, 4, at + " operator " + i + " options");
        }
        return tensors;
    }

    /** A vector of tensor indices, each in range (-1, an omitted optional input, allowed for operators). */
    private static void indices(FlatbufferCheck c, long table, int slot, int tensors, boolean optional, String what) {
        int n = c.vector(table, slot, 4, what);
        for (int i = 0; i < n; i++) {
            int idx = c.intAt(table, slot, i);
            if (idx >= tensors || idx < (optional ? -1 : 0)) throw c.bad(what + " name tensor " + idx + " of " + tensors);
        }
    }

    /**
     * Verifies the TFLite model metadata nested in a buffer (ModelMetadata: name 0, version 2,
     * subgraph_metadata 3, author 4, license 5, min_parser_version 7; SubGraphMetadata:
     * output_tensor_metadata 3; TensorMetadata: associated_files 6; AssociatedFile: name 0).
     * Returns false when the bytes are not model metadata at all (the reader then skips them).
     */
    static boolean verifyMetadata(ByteBuffer data, String where) {
        ByteBuffer b = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < 8 || b.get(4) != 'M' || b.get(5) != '0' || b.get(6) != '0' || b.get(7) != '1') return false;
        FlatbufferCheck c = new FlatbufferCheck(b, where + ": model metadata");
        long mm = c.root();
        for (int slot : new int[] {0, 1, 2, 4, 5, 7}) c.string(mm, slot, "model metadata field " + slot);
        int sgs = c.vector(mm, 3, 4, "subgraph metadata");
        for (int s = 0; s < sgs; s++) {
            long sg = c.tableAt(mm, 3, s, "subgraph metadata " + s);
            int outs = c.vector(sg, 3, 4, "output tensor metadata");
            for (int o = 0; o < outs; o++) {
                long tm = c.tableAt(sg, 3, o, "output tensor metadata " + o);
                int files = c.vector(tm, 6, 4, "associated files");
                for (int f = 0; f < files; f++) c.string(c.tableAt(tm, 6, f, "associated file " + f), 0, "associated file name");
            }
        }
        return true;
    }
}
