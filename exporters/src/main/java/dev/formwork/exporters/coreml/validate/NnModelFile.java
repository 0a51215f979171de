package dev.formwork.exporters.coreml.validate;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetwork;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An {@code .mlmodel} NeuralNetwork read one layer at a time: the file is scanned once for the
 * positions of the network's layers (field 1 of the network), everything else is parsed into a
 * {@link #skeleton} model without layers, and {@link #layers} parses each layer from its bytes
 * when it is reached. A 326 MB model's weights are never all on the heap, where parsing the
 * whole message holds the file's bytes and its decoded float lists at once (about 2x its size).
 *
 * <p>The layers seen are exactly those a whole-message parse gives. Whatever does not have the
 * plain shape Formwork and coremltools write (one network field, no later model-type field,
 * any malformed bytes) is not read here: {@link #open} returns null, or iterating raises
 * {@link Unreadable}, and the caller parses the whole message instead, which reports such
 * files as it always has.
 */
final class NnModelFile implements AutoCloseable {
    /** Nesting a whole-message parse has spent when it reaches a layer's fields (Model, network). */
    private static final int LAYER_DEPTH = 2;
    private static final int RECURSION_LIMIT = 100;

    /** A layer whose bytes do not parse; the whole-message parse reports the file. */
    static final class Unreadable extends RuntimeException {
        Unreadable(Throwable cause) {
            super(cause);
        }
    }

    private final FileChannel channel;
    private final Model skeleton;
    private final long[] starts;
    private final int[] lengths;

    private NnModelFile(FileChannel channel, Model skeleton, long[] starts, int[] lengths) {
        this.channel = channel;
        this.skeleton = skeleton;
        this.starts = starts;
        this.lengths = lengths;
    }

    /** The file read layer by layer, or null when it is not a plainly shaped NeuralNetwork model. */
    static NnModelFile open(Path file) {
        FileChannel ch = null;
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > Integer.MAX_VALUE - 8) return null;
            ch = FileChannel.open(file, StandardOpenOption.READ);
            NnModelFile f = scan(ch);
            if (f == null) ch.close();
            return f;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            return null;
        }
    }

    private static NnModelFile scan(FileChannel ch) throws IOException {
        // The stream must not close the channel, and reads from position 0 whatever reads came before.
        InputStream raw = Channels.newInputStream(ch.position(0));
        CodedInputStream in = CodedInputStream.newInstance(new InputStream() {
            @Override
            public int read() throws IOException {
                return raw.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return raw.read(b, off, len);
            }

            @Override
            public long skip(long n) throws IOException {
                long to = Math.min(ch.size(), ch.position() + n);
                long skipped = to - ch.position();
                ch.position(to);
                return skipped;
            }
        }, 1 << 16);
        in.setSizeLimit(Integer.MAX_VALUE);
        ByteArrayOutputStream top = new ByteArrayOutputStream();
        CodedOutputStream topOut = CodedOutputStream.newInstance(top);
        List<long[]> layers = new ArrayList<>();
        int networkField = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) break;
            int field = WireFormat.getTagFieldNumber(tag);
            boolean network = field == Model.NEURALNETWORK_FIELD_NUMBER || field == Model.NEURALNETWORKCLASSIFIER_FIELD_NUMBER;
            if (!network || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag, topOut);
                continue;
            }
            // A second network field would merge into (or, as the other oneof case, replace) the first.
            if (networkField != 0) return null;
            networkField = field;
            int length = in.readRawVarint32();
            if (length < 0) return null;
            int limit = in.pushLimit(length);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            CodedOutputStream restOut = CodedOutputStream.newInstance(rest);
            while (true) {
                int t = in.readTag();
                if (t == 0) break;
                if (WireFormat.getTagFieldNumber(t) == NeuralNetwork.LAYERS_FIELD_NUMBER
                        && WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int n = in.readRawVarint32();
                    if (n < 0 || n > in.getBytesUntilLimit()) return null;
                    layers.add(new long[] {in.getTotalBytesRead(), n});
                    in.skipRawBytes(n);
                } else {
                    in.skipField(t, restOut);
                }
            }
            in.popLimit(limit);
            restOut.flush();
            topOut.writeByteArray(field, rest.toByteArray());
        }
        if (networkField == 0) return null;
        topOut.flush();
        Model skeleton = Model.parseFrom(top.toByteArray());
        // A later model-type field (an mlProgram, say) replaced the network in the oneof.
        if (skeleton.getTypeCase().getNumber() != networkField) return null;
        long[] starts = new long[layers.size()];
        int[] lengths = new int[layers.size()];
        for (int k = 0; k < starts.length; k++) {
            starts[k] = layers.get(k)[0];
            lengths[k] = (int) layers.get(k)[1];
        }
        return new NnModelFile(ch, skeleton, starts, lengths);
    }

    /** The model without its network's layers (description, version, the network's other fields). */
    Model skeleton() {
        return skeleton;
    }

    int layerCount() {
        return starts.length;
    }

    /** The layers in file order, each parsed when reached; may be iterated more than once. */
    Iterable<NeuralNetworkLayer> layers() {
        return () -> new Iterator<>() {
            int k;

            @Override
            public boolean hasNext() {
                return k < starts.length;
            }

            @Override
            public NeuralNetworkLayer next() {
                if (!hasNext()) throw new NoSuchElementException();
                NeuralNetworkLayer l = layer(k);
                k++;
                return l;
            }
        };
    }

    private NeuralNetworkLayer layer(int k) {
        ByteBuffer b = ByteBuffer.allocate(lengths[k]);
        try {
            while (b.hasRemaining()) {
                if (channel.read(b, starts[k] + b.position()) < 0) throw new IOException("file ends inside layer " + k);
            }
            CodedInputStream in = CodedInputStream.newInstance(b.array());
            in.setRecursionLimit(RECURSION_LIMIT - LAYER_DEPTH);
            NeuralNetworkLayer l = NeuralNetworkLayer.parseFrom(in);
            in.checkLastTagWas(0);
            return l;
        } catch (InvalidProtocolBufferException e) {
            throw new Unreadable(e);
        } catch (IOException e) {
            throw new Unreadable(new UncheckedIOException(e));
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only: nothing was written that closing could lose
        }
    }
}
