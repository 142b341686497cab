// The codec baseline for the end-to-end benchmark: compresses every 2-D int8 `*.weight` tensor
// of a checkpoint (what `nzcompress compress` selects without a description) with the layout
// and codec alone, data already in memory, one core. scripts/bench_e2e.sh compares the
// end-to-end run (read -> compress -> write) with this figure on the same tensors.
//   bench_checkpoint CHECKPOINT [REPEAT]
#include <nzcompress/checkpoint.h>
#include <nzcompress/errors.h>
#include <nzcompress/layout.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_checkpoint CHECKPOINT [REPEAT]\n");
        return 2;
    }
    const int repeat = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    try {
        const auto checkpoint = nzc::checkpoint::Checkpoint::open({argv[1]});
        std::vector<std::vector<std::uint8_t>> weights;
        std::vector<const nzc::checkpoint::TensorInfo*> infos;
        std::uint64_t bytes = 0;
        for (const auto& tensor : checkpoint.tensors()) {
            const bool selected = tensor.dtype == nzc::checkpoint::DType::I8 &&
                                  tensor.shape.size() == 2 && tensor.name.ends_with(".weight") &&
                                  tensor.name.find("norm") == std::string::npos;
            if (!selected)
                continue;
            weights.emplace_back(tensor.bytes);
            checkpoint.read(tensor, 0, weights.back());
            infos.push_back(&tensor);
            bytes += tensor.bytes;
        }
        std::vector<double> seconds;
        for (int r = 0; r < repeat; ++r) {
            const auto begin = std::chrono::steady_clock::now();
            std::uint64_t stored = 0;
            for (std::size_t t = 0; t < weights.size(); ++t) {
                const nzc::layout::NdWeight nd{weights[t], infos[t]->shape[0], infos[t]->shape[1],
                                               1, false};
                stored +=
                    nzc::layout::compressWeight(nd, nzc::codec::CompressType::Low).weight.size();
            }
            seconds.push_back(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
            if (stored == 0)
                return 1;
        }
        std::sort(seconds.begin(), seconds.end());
        const double median = seconds[seconds.size() / 2];
        std::printf("codec alone: %zu weights, %llu bytes, median %.3f s of %d, %.0f MB/s\n",
                    weights.size(), static_cast<unsigned long long>(bytes), median, repeat,
                    static_cast<double>(bytes) / median / 1e6);
        return 0;
    } catch (const nzc::Error& error) {
        std::fprintf(stderr, "bench_checkpoint: %s\n", error.what());
        return static_cast<int>(error.code());
    }
}
