package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.FormworkException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PipelinesTest {
    private static final TargetProfile NATIVE = Check.reference();
    private static final TargetProfile NO_GELU = Check.profile(Set.of(), Set.of());

    @Test
    void defaultIsEveryPassInRegistryOrderWithAReasonEach() {
        assertEquals(PassRegistry.standard().names(), Pipelines.named("default"));
        for (Pipelines.Entry e : Pipelines.DEFAULT) assertFalse(e.reason().isBlank(), e.pass());
        assertEquals(List.of(), Pipelines.named("none"));
    }

    @Test
    void recoveriesRunAfterFoldConstantsAndBeforeThePassesThatNeedTheirOps() {
        List<String> order = Pipelines.named("default");
        for (String recovery : List.of("cancel-data-movement", "recover-gelu", "recover-layer-norm", "recover-linear", "fold-conv-affine")) {
            assertTrue(order.indexOf("fold-constants") < order.indexOf(recovery), recovery);
            for (String user : List.of("fold-conv-bn", "lower-gelu", "fold-layer-scale", "merge-parallel-layers")) {
                assertTrue(order.indexOf(recovery) < order.indexOf(user), recovery + " before " + user);
            }
        }
        assertTrue(order.indexOf("recover-gelu") < order.indexOf("fold-conv-affine"));
        assertTrue(order.indexOf("cancel-data-movement") < order.indexOf("recover-gelu"));
    }

    @Test
    void explicitListsAreCheckedAndUnknownNamesListTheKnownOnes() {
        assertEquals(List.of("fold-conv-bn", "eliminate-dead-code"), Pipelines.parse("fold-conv-bn, eliminate-dead-code"));
        FormworkException e = assertThrows(FormworkException.class, () -> Pipelines.parse("fold-conv-bn,fold-everything"));
        assertTrue(e.getMessage().contains("fold-everything") && e.getMessage().contains("fold-layer-scale"), e.getMessage());
        assertThrows(FormworkException.class, () -> Pipelines.parse("fold-conv-bn,,x"));
    }

    @Test
    void noneStillLegalizes() {
        assertEquals(List.of(), Pipelines.forTarget("none", NATIVE));
        assertEquals(List.of("lower-gelu"), Pipelines.forTarget("none", NO_GELU));
        assertEquals(List.of("lower-gelu"), Pipelines.forTarget("none", NATIVE, "tanh"), "an approximation asked for is applied");
        assertEquals(List.of("fold-conv-bn", "lower-gelu"), Pipelines.forTarget("fold-conv-bn", NO_GELU));
        assertEquals(Pipelines.named("default"), Pipelines.forTarget("default", NO_GELU), "no duplicates");
        TargetProfile noBn = Check.profile(Set.of("none"), Set.of("Conv", "Gelu", "Mul", "Add"));
        assertEquals(List.of("fold-constants", "fold-conv-bn"), Pipelines.forTarget("none", noBn));
    }
}
