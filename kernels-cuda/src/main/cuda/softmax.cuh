// Softmax of one row, element by element, shared by softmax.cu (one block per row, whose max and
// sum are block reductions) and the host test harness. The reference (ReferenceNorms.softmax) is
// the specification; with m the row's NaN-propagating max (nan_max) and s = sum_j exp(x_j - m):
//   a -inf logit under a finite max: exp(-inf) = 0, so probability 0 (log-softmax: -inf);
//   a +inf logit: m = +inf and inf - inf = NaN, so the whole row is NaN, as in the reference;
//   a NaN logit: m is NaN, so the whole row is NaN; a row of only -inf: -inf - -inf = NaN.
#pragma once
#include "hostdev.cuh"

// exp(x - m), one term of the row's sum (accumulated in double by the caller)
JDNA_HD float softmax_term(float x, float m) { return expf(x - m); }

// The probability of x, from its row's max m and sum s.
JDNA_HD float softmax_prob(float x, float m, double s) { return (float)((double)softmax_term(x, m) / s); }

// The log-probability of x, from its row's max m and logS = log(s).
JDNA_HD float softmax_log_prob(float x, float m, float logS) { return (x - m) - logS; }
