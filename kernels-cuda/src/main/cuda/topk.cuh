// Router top-k of one row and its backward, shared by routing.cu's kernels (one thread per row) and
// the host test harness. The reference (ReferenceRouting.java) is the specification.
// Legend: E experts, K picks; x logits (E), p probs (E), idx (K), w weights (K).
#pragma once
#include "hostdev.cuh"

// Status of topk_row: the row was picked.
#define TOPK_OK (-1)

// p = softmax(x); picks the K largest scores p + bias (bias may be null), ties by lower index, in
// descending order; w = the chosen probs, divided by their sum when renormalize.
// Returns TOPK_OK, or the first expert whose logit or score is NaN, where the reference throws: a
// NaN logit (p is then not written), a +inf logit (every prob is NaN), a NaN bias. Nothing is
// picked then, so no pick can be -1 and no p[-1] is read.
JDNA_HD int topk_row(int* idx, float* w, float* p, const float* x, const float* bias, int experts, int k,
                     int renormalize) {
    float m = -jdna_inf();
    for (int e = 0; e < experts; ++e) {
        if (jdna_isnan(x[e])) return e;
        m = fmaxf(m, x[e]);
    }
    double s = 0.0;
    for (int e = 0; e < experts; ++e) s += (double)expf(x[e] - m);
    for (int e = 0; e < experts; ++e) p[e] = (float)((double)expf(x[e] - m) / s);
    for (int e = 0; e < experts; ++e) {
        if (jdna_isnan(bias ? p[e] + bias[e] : p[e])) return e;
    }

    // Selection in the total order (score descending, index ascending) without a taken-set: the
    // j-th pick is the best element strictly after the (j-1)-th pick in that order. No score is
    // NaN, so the order is total and each of the K <= E steps finds one.
    float prevScore = jdna_inf();
    int prevIdx = -1;
    double chosenSum = 0.0;
    for (int j = 0; j < k; ++j) {
        int best = -1;
        float bestScore = 0.0f;
        for (int e = 0; e < experts; ++e) {
            float sc = bias ? p[e] + bias[e] : p[e];
            bool after = j == 0 || sc < prevScore || (sc == prevScore && e > prevIdx);
            if (after && (best < 0 || sc > bestScore)) { best = e; bestScore = sc; }
        }
        idx[j] = best;
        prevScore = bestScore;
        prevIdx = best;
        chosenSum += p[best];
    }
    for (int j = 0; j < k; ++j) {
        double pj = p[idx[j]];
        w[j] = (float)(renormalize ? pj / chosenSum : pj);
    }
    return TOPK_OK;
}

// dp_j, the gradient reaching the chosen probability of slot j (through the renormalisation
// w_j = p_j / S when renormalize: (dw_j - sum_l dw_l w_l) / S).
JDNA_HD double topk_slot_gradient(const float* dw, int j, double wdot, double chosenSum, int renormalize) {
    return renormalize ? ((double)dw[j] - wdot) / chosenSum : (double)dw[j];
}

// dl (E) from dw (K): dp_e = sum of dp_j over the slots j that chose e (a repeated index adds up),
// then the softmax: dl_e = p_e (dp_e - sum_e' dp_e' p_e').
JDNA_HD void topk_backward_row(float* dl, const float* dw, const float* p, const int* idx, int experts, int k,
                               int renormalize) {
    double chosenSum = 0.0, wdot = 0.0;
    for (int j = 0; j < k; ++j) chosenSum += p[idx[j]];
    if (renormalize) {
        for (int j = 0; j < k; ++j) wdot += (double)dw[j] * (p[idx[j]] / chosenSum);
    }
    double dot = 0.0;
    for (int e = 0; e < experts; ++e) {
        double dp = 0.0;
        for (int j = 0; j < k; ++j) {
            if (idx[j] == e) dp += topk_slot_gradient(dw, j, wdot, chosenSum, renormalize);
        }
        dot += dp * p[e];
    }
    for (int e = 0; e < experts; ++e) {
        double dp = 0.0;
        for (int j = 0; j < k; ++j) {
            if (idx[j] == e) dp += topk_slot_gradient(dw, j, wdot, chosenSum, renormalize);
        }
        dl[e] = (float)(p[e] * (dp - dot));
    }
}
