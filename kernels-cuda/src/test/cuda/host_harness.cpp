// Runs the per-element and per-row decisions of the kernels (src/main/cuda/unary.cuh, topk.cuh,
// indexing.cuh, softmax.cuh) on
// the host, so that KernelHostLogicTest can compare them with the reference backend without a GPU.
// Reads one request per line from stdin, writes one answer per line; floats travel as the decimal
// of their raw 32-bit pattern (Float.floatToRawIntBits), so NaN, -0 and infinities arrive intact.
//
//   unary OP X ALPHA                  -> APPLY DERIVATIVE
//   topk E K RENORM HASBIAS x[E] [bias[E]]
//                                     -> ok idx[K] w[K] p[E]   |   bad EXPERT
//   topkbw E K RENORM dw[K] p[E] idx[K] -> dl[E]
//   addrows COUNT W ROWS G groupRow[G] groupStart[G+1] order[COUNT] dst[ROWS*W] src[COUNT*W]
//                                     -> dst[ROWS*W]   (index_add_rows_grouped_f32, every block and thread)
//   scatteradd O L I J dx[O*L*I] dout[O*J*I] idx[O*J*I] -> dx[O*L*I]   (scatter_add_f32, every thread)
//   softmax C LOG x[C]                -> out[C]   (softmax_forward_f32's row, its reductions done in order)
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "unary.cuh"
#include "topk.cuh"
#include "indexing.cuh"
#include "softmax.cuh"

static float as_float(long long bits) {
    unsigned int u = (unsigned int)bits;
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

static int bits_of(float f) {
    int b;
    std::memcpy(&b, &f, sizeof b);
    return b;
}

static std::vector<float> read_floats(std::istringstream& in, int n) {
    std::vector<float> v(n);
    for (int i = 0; i < n; ++i) {
        long long b;
        in >> b;
        v[i] = as_float(b);
    }
    return v;
}

static std::vector<int> read_ints(std::istringstream& in, int n) {
    std::vector<int> v(n);
    for (int i = 0; i < n; ++i) in >> v[i];
    return v;
}

static void write_floats(std::ostringstream& out, const std::vector<float>& v) {
    for (size_t i = 0; i < v.size(); ++i) out << (i ? " " : "") << bits_of(v[i]);
}

int main() {
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string cmd;
        in >> cmd;
        std::ostringstream out;
        if (cmd == "unary") {
            int op;
            long long x, alpha;
            in >> op >> x >> alpha;
            out << bits_of(unary_apply(op, as_float(x), as_float(alpha))) << ' '
                << bits_of(unary_derivative(op, as_float(x), as_float(alpha)));
        } else if (cmd == "topk") {
            int e, k, renorm, hasBias;
            in >> e >> k >> renorm >> hasBias;
            std::vector<float> x = read_floats(in, e);
            std::vector<float> bias = hasBias ? read_floats(in, e) : std::vector<float>();
            std::vector<int> idx(k, -7);
            std::vector<float> w(k), p(e);
            int status = topk_row(idx.data(), w.data(), p.data(), x.data(), hasBias ? bias.data() : nullptr, e, k,
                                  renorm);
            if (status != TOPK_OK) {
                out << "bad " << status;
            } else {
                out << "ok";
                for (int j = 0; j < k; ++j) out << ' ' << idx[j];
                for (int j = 0; j < k; ++j) out << ' ' << bits_of(w[j]);
                for (int i = 0; i < e; ++i) out << ' ' << bits_of(p[i]);
            }
        } else if (cmd == "topkbw") {
            int e, k, renorm;
            in >> e >> k >> renorm;
            std::vector<float> dw = read_floats(in, k);
            std::vector<float> p = read_floats(in, e);
            std::vector<int> idx(k);
            for (int j = 0; j < k; ++j) in >> idx[j];
            std::vector<float> dl(e);
            topk_backward_row(dl.data(), dw.data(), p.data(), idx.data(), e, k, renorm);
            for (int i = 0; i < e; ++i) out << (i ? " " : "") << bits_of(dl[i]);
        } else if (cmd == "addrows") {
            int count, width, rows, groups;
            in >> count >> width >> rows >> groups;
            std::vector<int> groupRow = read_ints(in, groups), groupStart = read_ints(in, groups + 1);
            std::vector<int> order = read_ints(in, count);
            std::vector<float> dst = read_floats(in, rows * width), src = read_floats(in, count * width);
            for (int g = 0; g < groups; ++g) {  // the kernel's blocks; within one, its threads' columns
                for (int c = 0; c < width; ++c) {
                    index_add_group_column(dst.data() + (long long)groupRow[g] * width, src.data(), order.data(),
                                           groupStart[g], groupStart[g + 1], width, c);
                }
            }
            write_floats(out, dst);
        } else if (cmd == "scatteradd") {
            int outer, len, inner, idxLen;
            in >> outer >> len >> inner >> idxLen;
            std::vector<float> dx = read_floats(in, outer * len * inner);
            std::vector<float> dout = read_floats(in, outer * idxLen * inner);
            std::vector<int> idx = read_ints(in, outer * idxLen * inner);
            for (long long t = 0; t < (long long)outer * inner; ++t) {  // the kernel's threads
                scatter_add_column(dx.data(), dout.data(), idx.data(), t / inner, t % inner, len, inner, idxLen);
            }
            write_floats(out, dx);
        } else if (cmd == "softmax") {
            int cols, logMode;
            in >> cols >> logMode;
            std::vector<float> x = read_floats(in, cols), o(cols);
            float m = -jdna_inf();
            for (int j = 0; j < cols; ++j) m = nan_max(m, x[j]);
            double sum = 0.0;
            for (int j = 0; j < cols; ++j) sum += (double)softmax_term(x[j], m);
            float logS = (float)std::log(sum);
            for (int j = 0; j < cols; ++j) o[j] = logMode ? softmax_log_prob(x[j], m, logS) : softmax_prob(x[j], m, sum);
            write_floats(out, o);
        } else {
            out << "error unknown request '" << cmd << "'";
        }
        std::cout << out.str() << '\n';
    }
    return 0;
}
