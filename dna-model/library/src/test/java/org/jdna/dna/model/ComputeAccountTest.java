package org.jdna.dna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link DnaModel#account} on a configuration small enough to count by hand. */
@ExtendWith(ReferenceBackendExtension.class)
class ComputeAccountTest {

    // V = 10, T = 4, D = 4, 1 head, H = 8, N_b = 1, S = 2, pool = transformer, mlp, identity, K = 1, untied.
    private static ModelConfigs small() {
        ModelConfigs c = ModelConfigs.language().pool("transformer,mlp,identity");
        c.vocab = 10;
        c.context = 4;
        c.width = 4;
        c.heads = 1;
        c.hidden = 8;
        c.backbone = 1;
        c.steps = 2;
        return c;
    }

    @Test
    void parametersAndFlopsOfAHandCountedBatch() {
        DnaModel dna = new DnaModel(small().build(), 1);
        // One sequence of 4 tokens. Step 0: tokens 0, 1 -> transformer, 2 -> mlp, 3 -> identity;
        // step 1: tokens 0, 1 -> identity, 2 -> transformer, 3 -> mlp.
        RoutingTrace trace = new RoutingTrace(1, 4, 1, small().pool, List.of(
                new StepRoutes(new int[]{0, 0, 1, 2}, new float[4], new float[3]),
                new StepRoutes(new int[]{2, 2, 0, 1}, new float[4], new float[3])));
        ComputeAccount a = dna.account(trace);

        // transformer block: ln1 8 + qkv (4*12 + 12) 60 + proj (16 + 4) 20 + ln2 8 + fc (32 + 8) 40 + proj (32 + 4) 36 = 172
        // mlp module: ln2 8 + fc 40 + proj 36 = 84;  router: norm 8 + (3 x 4) 12 = 20
        // embeddings: tok 10*4 = 40, pos 4*4 = 16;  output: norm 8 + head 10*4 = 40 -> 48
        // total = 40 + 16 + 172 (backbone) + 2*20 (routers) + 172 + 84 (pool) + 48 = 572
        assertEquals(572, a.totalParameters());
        assertEquals(572, dna.numParameters());
        // active: backbone 172 + routers 40 + output 48 = 260 for every token;
        // routed visits: step 0 172 + 172 + 84 + 0, step 1 0 + 0 + 172 + 84 -> 684 over 4 tokens = 171
        assertEquals(260 + 171, a.activeParametersPerToken(), 1e-9);

        // FLOPs (2 x multiply-adds; attention pairs causal):
        // unembedding: 2*4*4*10 = 320
        // backbone on 4 rows, one segment of 4 (10 pairs): qkv 2*4*4*12 = 384, attention 4*4*10 = 160,
        //   proj 2*4*4*4 = 128, fc 2*4*4*8 = 256, proj 256 -> 1184
        // routers: 2 steps x 2*4*4*3 = 192
        // step 0: transformer on tokens 0, 1 (one segment of 2, 3 pairs): 192 + 48 + 64 + 128 + 128 = 560;
        //   mlp on token 2: 64 + 64 = 128
        // step 1: transformer on token 2 (1 pair): 96 + 16 + 32 + 64 + 64 = 272; mlp on token 3: 128
        // total 320 + 1184 + 192 + 560 + 128 + 272 + 128 = 2784 over 4 tokens
        assertEquals(2784.0 / 4, a.forwardFlopsPerToken(), 1e-9);
    }

    @Test
    void aDenseModelCountsItsBlocksOnEveryToken() {
        ModelConfigs c = small().pool("transformer:2");
        c.forced = true;
        DnaModel dna = new DnaModel(c.build(), 1);
        int[] tokens = new int[8];
        ComputeAccount a = dna.account(dna.forwardTokens(tokens, 2).trace());
        // no routers; active = 3 blocks * 172 + output 48; FLOPs per token: 3 blocks * 1184 / 4 + head 80
        assertEquals(40 + 16 + 3 * 172 + 48, a.totalParameters());
        assertEquals(3 * 172 + 48, a.activeParametersPerToken(), 1e-9);
        assertEquals(3 * 1184 / 4.0 + 80, a.forwardFlopsPerToken(), 1e-9);
    }

    @Test
    void aTraceFromAnotherModelIsRefused() {
        DnaModel dna = new DnaModel(small().build(), 1);
        RoutingTrace other = new RoutingTrace(1, 1, 1, small().pool, List.of(
                new StepRoutes(new int[]{0}, new float[1], new float[3])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dna.account(other));
        assertTrue(e.getMessage().contains("account"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dna.afterOptimizerStep(other));
    }
}
