package dev.formwork.frontends.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.frontends.config.Family;
import dev.formwork.ir.Shape;
import dev.formwork.testing.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyNamingTest {
    @Test
    void v1Rules() {
        assertEquals("stem.conv1.weight", KeyNaming.toTimm("patch_embed.0.weight", Family.V1));
        assertEquals("stem.norm2.running_var", KeyNaming.toTimm("patch_embed.4.running_var", Family.V1));
        assertEquals("stages.3.blocks.4.ls1.gamma", KeyNaming.toTimm("network.6.4.layer_scale_1", Family.V1));
        assertEquals("stages.3.blocks.4.token_mixer.attention_bias_idxs",
                KeyNaming.toTimm("network.6.4.token_mixer.attention_bias_idxs", Family.V1));
        assertEquals("stages.0.blocks.2.mlp.norm1.bias", KeyNaming.toTimm("network.0.2.mlp.norm1.bias", Family.V1));
        assertEquals("stages.1.downsample.conv.weight", KeyNaming.toTimm("network.1.proj.weight", Family.V1));
        assertEquals("stages.3.downsample.norm.num_batches_tracked", KeyNaming.toTimm("network.5.norm.num_batches_tracked", Family.V1));
        assertEquals("head_dist.bias", KeyNaming.toTimm("dist_head.bias", Family.V1));
        assertEquals("norm.weight", KeyNaming.toTimm("norm.weight", Family.V1));
        assertEquals("head.weight", KeyNaming.toTimm("head.weight", Family.V1));
    }

    @Test
    void v2Rules() {
        assertEquals("stem.conv1.bn.weight", KeyNaming.toTimm("patch_embed.1.weight", Family.V2));
        assertEquals("stem.conv2.conv.bias", KeyNaming.toTimm("patch_embed.3.bias", Family.V2));
        assertEquals("stages.1.blocks.0.mlp.mid.bn.running_mean", KeyNaming.toTimm("network.2.0.mlp.mid_norm.running_mean", Family.V2));
        assertEquals("stages.1.blocks.0.mlp.fc2.bn.weight", KeyNaming.toTimm("network.2.0.mlp.norm2.weight", Family.V2));
        assertEquals("stages.2.downsample.conv.conv.weight", KeyNaming.toTimm("network.3.proj.weight", Family.V2));
        assertEquals("stages.2.downsample.conv.bn.bias", KeyNaming.toTimm("network.3.norm.bias", Family.V2));
        assertEquals("stages.3.downsample.conv.conv.weight", KeyNaming.toTimm("network.5.conv.weight", Family.V2));
        assertEquals("stages.3.downsample.conv.bn.running_var", KeyNaming.toTimm("network.5.bn.running_var", Family.V2));
        assertEquals("stages.3.downsample.attn.q.local.weight", KeyNaming.toTimm("network.5.attn.q.local.0.weight", Family.V2));
        assertEquals("stages.3.downsample.attn.q.proj.bn.weight", KeyNaming.toTimm("network.5.attn.q.proj.1.weight", Family.V2));
        assertEquals("stages.3.downsample.attn.proj.conv.weight", KeyNaming.toTimm("network.5.attn.proj.1.weight", Family.V2));
        assertEquals("stages.2.blocks.4.token_mixer.stride_conv.bn.bias", KeyNaming.toTimm("network.4.4.token_mixer.stride_conv.1.bias", Family.V2));
        assertEquals("stages.2.blocks.4.token_mixer.v_local.conv.weight", KeyNaming.toTimm("network.4.4.token_mixer.v_local.0.weight", Family.V2));
        assertEquals("stages.3.blocks.3.token_mixer.proj.bn.running_mean", KeyNaming.toTimm("network.6.3.token_mixer.proj.2.running_mean", Family.V2));
        assertEquals("stages.3.blocks.3.token_mixer.talking_head2.weight", KeyNaming.toTimm("network.6.3.token_mixer.talking_head2.weight", Family.V2));
        assertEquals("stages.3.blocks.3.ls2.gamma", KeyNaming.toTimm("network.6.3.layer_scale_2", Family.V2));
    }

    @Test
    void goldenOriginalFilesMapOntoTimmFiles() {
        for (String kase : List.of("tiny_v1_64", "tiny_v2_64")) {
            SafetensorsFile timm = SafetensorsFile.open(TestData.golden(kase).resolve("weights.safetensors"));
            SafetensorsFile orig = SafetensorsFile.open(TestData.golden(kase).resolve("weights_original.safetensors"));
            assertEquals(KeyNaming.Naming.TIMM, KeyNaming.detect(timm.keys()));
            assertEquals(KeyNaming.Naming.ORIGINAL, KeyNaming.detect(orig.keys()));
            Family f = kase.contains("v1") ? Family.V1 : Family.V2;
            Map<String, KeyNaming.Source> mapped = KeyNaming.toTimm(orig, f);
            for (String k : timm.keys()) {
                KeyNaming.Source s = mapped.get(k);
                if (s == null) throw new AssertionError(kase + ": no original key maps to " + k);
                assertEquals(timm.tensor(k).shape(), s.tensor().shape(), k);
                assertEquals(true, timm.tensor(k).contentEquals(s.tensor()), k);
            }
            // What is left over: V2's index tables, which timm does not save.
            long extra = mapped.keySet().stream().filter(k -> !timm.has(k)).count();
            assertEquals(f == Family.V1 ? 0 : 3, extra);
            mapped.keySet().stream().filter(k -> !timm.has(k)).forEach(k -> assertEquals(true, k.endsWith("attention_bias_idxs"), k));
        }
        assertEquals(Shape.of(48), KeyNaming.toTimm(SafetensorsFile.open(TestData.golden("tiny_v2_64").resolve("weights_original.safetensors")),
                Family.V2).get("stages.3.blocks.1.ls1.gamma").tensor().shape());
    }

    /** timm's own V1 filter counts downsample keys in dict order and mis-maps a name-sorted dict; the name rules do not care. */
    @Test
    void mappingDoesNotDependOnKeyOrder() {
        for (String kase : List.of("tiny_v1_64", "tiny_v2_64")) {
            SafetensorsFile orig = SafetensorsFile.open(TestData.golden(kase).resolve("weights_original.safetensors"));
            Family f = kase.contains("v1") ? Family.V1 : Family.V2;
            Map<String, dev.formwork.ir.Tensor> sorted = new java.util.TreeMap<>(), reversed = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
            for (String k : orig.keys()) {
                sorted.put(k, orig.tensor(k));
                reversed.put(k, orig.tensor(k));
            }
            Map<String, KeyNaming.Source> a = KeyNaming.toTimm(orig, f), b = KeyNaming.toTimm("s", sorted, f), c = KeyNaming.toTimm("r", reversed, f);
            assertEquals(a.keySet(), b.keySet());
            assertEquals(a.keySet(), c.keySet());
            for (String k : a.keySet()) {
                assertEquals(a.get(k).fileKey(), b.get(k).fileKey(), k);
                assertEquals(a.get(k).fileKey(), c.get(k).fileKey(), k);
            }
        }
    }
}
