package dev.formwork.exporters.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.support.metadata.MetadataExtractor;
import org.tensorflow.lite.support.metadata.schema.AssociatedFileType;
import org.tensorflow.lite.support.metadata.schema.ContentProperties;
import org.tensorflow.lite.support.metadata.schema.NormalizationOptions;
import org.tensorflow.lite.support.metadata.schema.ProcessUnitOptions;
import org.tensorflow.lite.support.metadata.schema.TensorMetadata;

/** The TFLite model metadata and the packed labels file, read back by the TFLite Support library itself. */
class TfliteMetadataTest {
    private static final List<String> LABELS = List.of("cat", "dog", "snail", "ünïcode");

    @TempDir
    Path dir;

    private Path export(ExportOptions o) throws IOException {
        Path p = dir.resolve(o.name() + ".tflite");
        new TfliteExporter().write(SampleGraph.build(1), o, p);
        return p;
    }

    private static ExportOptions labelled(String name) {
        return new ExportOptions().withName(name).withLabels(LABELS).withMetadata("author", "Test Author")
                .withMetadata("license", "Apache-2.0").withMetadata("version", "7").withMetadata("description", "a sample");
    }

    @Test
    void supportLibraryReadsMetadataAndLabels() throws IOException {
        Path p = export(labelled("meta"));
        MetadataExtractor x = new MetadataExtractor(ByteBuffer.wrap(Files.readAllBytes(p)));
        assertTrue(x.hasMetadata());
        assertTrue(x.isMinimumParserVersionSatisfied());
        var mm = x.getModelMetadata();
        assertEquals("meta", mm.name());
        assertEquals("a sample", mm.description());
        assertEquals("7", mm.version());
        assertEquals("Test Author", mm.author());
        assertEquals("Apache-2.0", mm.license());
        TensorMetadata in = x.getInputTensorMetadata(0);
        assertEquals(ContentProperties.ImageProperties, in.content().contentPropertiesType());
        assertEquals(ProcessUnitOptions.NormalizationOptions, in.processUnits(0).optionsType());
        NormalizationOptions norm = (NormalizationOptions) in.processUnits(0).options(new NormalizationOptions());
        assertEquals(3, norm.meanLength());
        assertEquals(0.485f * 255, norm.mean(0), 1e-4);
        assertEquals(0.225f * 255, norm.std(2), 1e-4);
        assertArrayEquals(new int[] {1, 16, 16, 3}, x.getInputTensorShape(0));
        TensorMetadata out = x.getOutputTensorMetadata(0);
        assertEquals("logits", out.name());
        assertEquals(AssociatedFileType.TENSOR_AXIS_LABELS, out.associatedFiles(0).type());
        assertEquals(TfliteMetadata.LABELS_FILE, out.associatedFiles(0).name());
        assertEquals(java.util.Set.of(TfliteMetadata.LABELS_FILE), x.getAssociatedFileNames());
        try (InputStream s = x.getAssociatedFile(TfliteMetadata.LABELS_FILE)) {
            assertEquals(String.join("\n", LABELS) + "\n", new String(s.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void fileIsAlsoAPlainZip() throws IOException {
        Path p = export(labelled("zip"));
        try (ZipFile z = new ZipFile(p.toFile())) {
            assertEquals(1, z.size());
            var e = z.getEntry(TfliteMetadata.LABELS_FILE);
            assertEquals(java.util.zip.ZipEntry.STORED, e.getMethod());
            try (InputStream s = z.getInputStream(e)) {
                assertEquals(LABELS, List.of(new String(s.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
            }
        }
        var info = new TfliteReader().read(p);
        assertEquals(TfliteMetadata.LABELS_FILE, info.details().get("model_metadata.associated_files"));
        byte[] again = Files.readAllBytes(export(labelled("zip")));
        assertArrayEquals(Files.readAllBytes(p), again, "fixed zip timestamps: byte-identical");
    }

    @Test
    void withoutLabelsNothingIsAppended() throws IOException {
        Path p = export(new ExportOptions().withName("plain"));
        MetadataExtractor x = new MetadataExtractor(ByteBuffer.wrap(Files.readAllBytes(p)));
        assertEquals(0, x.getOutputTensorMetadata(0).associatedFilesLength());
        assertEquals("Formwork " + dev.formwork.exporters.FormworkVersion.VERSION, x.getModelMetadata().author());
        assertThrows(java.util.zip.ZipException.class, () -> new ZipFile(p.toFile()).close());
    }

    @Test
    void labelCountMustMatchClasses() {
        ExportOptions o = new ExportOptions().withName("bad").withLabels(List.of("a", "b"));
        FormworkException e = assertThrows(FormworkException.class, () -> export(o));
        assertTrue(e.getMessage().contains("2 labels for 4"), e.getMessage());
    }

    @Test
    void meanAndStdComeFromMetadata() throws IOException {
        Path p = export(new ExportOptions().withName("norm").withMetadata("input_mean", "0.5,0.5,0.5").withMetadata("input_std", "[127.5, 127.5, 127.5]"));
        MetadataExtractor x = new MetadataExtractor(ByteBuffer.wrap(Files.readAllBytes(p)));
        NormalizationOptions norm = (NormalizationOptions) x.getInputTensorMetadata(0).processUnits(0).options(new NormalizationOptions());
        assertEquals(127.5f, norm.mean(1), 1e-4);
        assertEquals(127.5f, norm.std(1), 1e-4);
    }
}
