package dev.formwork.exporters.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.FormworkVersion;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import java.util.Map;
import org.tensorflow.lite.support.metadata.schema.AssociatedFile;
import org.tensorflow.lite.support.metadata.schema.AssociatedFileType;
import org.tensorflow.lite.support.metadata.schema.ColorSpaceType;
import org.tensorflow.lite.support.metadata.schema.Content;
import org.tensorflow.lite.support.metadata.schema.ContentProperties;
import org.tensorflow.lite.support.metadata.schema.FeatureProperties;
import org.tensorflow.lite.support.metadata.schema.ImageProperties;
import org.tensorflow.lite.support.metadata.schema.ModelMetadata;
import org.tensorflow.lite.support.metadata.schema.NormalizationOptions;
import org.tensorflow.lite.support.metadata.schema.ProcessUnit;
import org.tensorflow.lite.support.metadata.schema.ProcessUnitOptions;
import org.tensorflow.lite.support.metadata.schema.Stats;
import org.tensorflow.lite.support.metadata.schema.SubGraphMetadata;
import org.tensorflow.lite.support.metadata.schema.TensorMetadata;

/**
 * The TFLite model metadata flatbuffer (identifier M001) stored under Model.metadata
 * "TFLITE_METADATA", which Android Studio's ML Model Binding and the TFLite Support library read.
 *
 * <p>Normalization: the model's input is an already normalised float image, (pixel/255 - mean)/std
 * with the ImageNet mean/std the weights were trained with. NormalizationOptions is applied by
 * the Support library to raw pixel values, which for a float input are 0..255, so the honest
 * entry is the same normalisation expressed on that scale: mean = 255 * mean, std = 255 * std
 * ((p - 255m) / (255s) = (p/255 - m)/s). A client that runs the declared pre-processing on its
 * bitmap gets exactly what the model expects. The input Stats give the resulting value range.
 * The mean/std come from the export metadata (input_mean / input_std, 0..1 scale), else the
 * graph's metadata, else ImageNet's (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225).
 */
final class TfliteMetadata {
    static final String NAME = "TFLITE_METADATA";
    static final String LABELS_FILE = "labels.txt";
    /** Everything written here exists since metadata schema 1.0.0. */
    static final String MIN_PARSER_VERSION = "1.0.0";
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private TfliteMetadata() {}

    /** {@code image}: the input is an NHWC RGB image (ImageProperties); else a plain feature tensor. */
    static byte[] build(Graph g, ExportOptions o, String inputName, boolean image, boolean labels) {
        Map<String, String> meta = o.metadata();
        float[] mean = values(meta, g, "input_mean", IMAGENET_MEAN), std = values(meta, g, "input_std", IMAGENET_STD);
        FlatBufferBuilder b = new FlatBufferBuilder(1024);
        int input = inputTensor(b, inputName, image, mean, std);
        int output = outputTensor(b, labels);
        int subName = b.createString(o.name());
        int subDesc = b.createString("serving_default signature of the exported graph");
        int ins = SubGraphMetadata.createInputTensorMetadataVector(b, new int[] {input});
        int outs = SubGraphMetadata.createOutputTensorMetadataVector(b, new int[] {output});
        SubGraphMetadata.startSubGraphMetadata(b);
        SubGraphMetadata.addName(b, subName);
        SubGraphMetadata.addDescription(b, subDesc);
        SubGraphMetadata.addInputTensorMetadata(b, ins);
        SubGraphMetadata.addOutputTensorMetadata(b, outs);
        int sub = SubGraphMetadata.endSubGraphMetadata(b);

        int name = b.createString(meta.getOrDefault("model", o.name()));
        int desc = b.createString(meta.getOrDefault("description", "EfficientFormer image classifier " + o.name()
                + ", converted by Formwork " + FormworkVersion.VERSION));
        int version = b.createString(meta.getOrDefault("version", "1"));
        int author = b.createString(meta.getOrDefault("author", "Formwork " + FormworkVersion.VERSION));
        int license = b.createString(meta.getOrDefault("license", "unspecified: the license of the source weights applies"));
        int subs = ModelMetadata.createSubgraphMetadataVector(b, new int[] {sub});
        int parser = b.createString(MIN_PARSER_VERSION);
        ModelMetadata.startModelMetadata(b);
        ModelMetadata.addName(b, name);
        ModelMetadata.addDescription(b, desc);
        ModelMetadata.addVersion(b, version);
        ModelMetadata.addSubgraphMetadata(b, subs);
        ModelMetadata.addAuthor(b, author);
        ModelMetadata.addLicense(b, license);
        ModelMetadata.addMinParserVersion(b, parser);
        ModelMetadata.finishModelMetadataBuffer(b, ModelMetadata.endModelMetadata(b));
        return b.sizedByteArray();
    }

    private static int inputTensor(FlatBufferBuilder b, String inputName, boolean image, float[] mean, float[] std) {
        float[] m255 = new float[mean.length], s255 = new float[std.length], max = new float[mean.length], min = new float[mean.length];
        for (int i = 0; i < mean.length; i++) {
            m255[i] = mean[i] * 255f;
            s255[i] = std[i] * 255f;
            max[i] = (255f - m255[i]) / s255[i];
            min[i] = -m255[i] / s255[i];
        }
        int norm = NormalizationOptions.createNormalizationOptions(b, NormalizationOptions.createMeanVector(b, m255),
                NormalizationOptions.createStdVector(b, s255));
        int unit = ProcessUnit.createProcessUnit(b, ProcessUnitOptions.NormalizationOptions, norm);
        int content;
        if (image) {
            content = Content.createContent(b, ContentProperties.ImageProperties, ImageProperties.createImageProperties(b, ColorSpaceType.RGB, 0), 0);
        } else {
            FeatureProperties.startFeatureProperties(b);
            content = Content.createContent(b, ContentProperties.FeatureProperties, FeatureProperties.endFeatureProperties(b), 0);
        }
        int stats = Stats.createStats(b, Stats.createMaxVector(b, max), Stats.createMinVector(b, min));
        int name = b.createString(inputName);
        int desc = b.createString((image ? "RGB image, NHWC float32" : "RGB image, NCHW float32")
                + ", normalised per channel: (pixel - mean) / std with pixel in 0..255 (mean and std below, = ImageNet's on 0..1 times 255)");
        int units = TensorMetadata.createProcessUnitsVector(b, new int[] {unit});
        TensorMetadata.startTensorMetadata(b);
        TensorMetadata.addName(b, name);
        TensorMetadata.addDescription(b, desc);
        TensorMetadata.addContent(b, content);
        TensorMetadata.addProcessUnits(b, units);
        TensorMetadata.addStats(b, stats);
        return TensorMetadata.endTensorMetadata(b);
    }

    private static int outputTensor(FlatBufferBuilder b, boolean labels) {
        FeatureProperties.startFeatureProperties(b);
        int content = Content.createContent(b, ContentProperties.FeatureProperties, FeatureProperties.endFeatureProperties(b), 0);
        int files = 0;
        if (labels) {
            int fname = b.createString(LABELS_FILE), fdesc = b.createString("class labels, one per line, in output order");
            AssociatedFile.startAssociatedFile(b);
            AssociatedFile.addName(b, fname);
            AssociatedFile.addDescription(b, fdesc);
            AssociatedFile.addType(b, AssociatedFileType.TENSOR_AXIS_LABELS);
            files = TensorMetadata.createAssociatedFilesVector(b, new int[] {AssociatedFile.endAssociatedFile(b)});
        }
        int name = b.createString("logits");
        int desc = b.createString("class logits, (head + head_dist) / 2; apply softmax for probabilities");
        TensorMetadata.startTensorMetadata(b);
        TensorMetadata.addName(b, name);
        TensorMetadata.addDescription(b, desc);
        TensorMetadata.addContent(b, content);
        if (labels) TensorMetadata.addAssociatedFiles(b, files);
        return TensorMetadata.endTensorMetadata(b);
    }

    /** Three numbers from "0.485,0.456,0.406" (brackets and spaces allowed); values above 1 are taken as 0..255. */
    static float[] values(Map<String, String> meta, Graph g, String key, float[] fallback) {
        String s = meta.get(key);
        if (s == null) s = g.metadata().get(key);
        if (s == null) return fallback.clone();
        String[] parts = s.replaceAll("[\\[\\]()]", " ").trim().split("[,\\s]+");
        if (parts.length != 3) throw new FormworkException("metadata " + key + "=" + s + ": expected three numbers");
        float[] r = new float[3];
        try {
            for (int i = 0; i < 3; i++) r[i] = Float.parseFloat(parts[i]);
        } catch (NumberFormatException e) {
            throw new FormworkException("metadata " + key + "=" + s + ": expected three numbers");
        }
        boolean pixels = r[0] > 1 || r[1] > 1 || r[2] > 1;
        if (pixels) for (int i = 0; i < 3; i++) r[i] /= 255f;
        return r;
    }
}
