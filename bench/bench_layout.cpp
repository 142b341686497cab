// Whole-weight compression of a LLaMA-7B MLP-sized int8 weight [11008, 4096], 50% sparse,
// Gaussian (sigma 12) values: the layout path (tile gather + one codec call per tile) against
// the codec alone on the same tiles already laid out. The difference is what tiling and the
// Nz copies cost; it should stay within ~10% of the codec's time.
#include <nzcompress/codec.h>
#include <nzcompress/layout.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

namespace layout = nzc::layout;
namespace codec = nzc::codec;

constexpr std::size_t kRows = 11008;
constexpr std::size_t kCols = 4096;

/// The benchmark weight: each element kept with probability 1/2, kept values
/// round(N(0, 12)) clamped to int8. Fixed seed, so every run measures the same bytes.
const std::vector<std::uint8_t>& sparseWeight() {
    static const std::vector<std::uint8_t> weight = [] {
        std::vector<std::uint8_t> bytes(kRows * kCols);
        std::mt19937_64 random(20240611);
        std::normal_distribution<double> value(0.0, 12.0);
        std::bernoulli_distribution keep(0.5);
        for (auto& byte : bytes) {
            const double v =
                keep(random) ? std::clamp(std::round(value(random)), -128.0, 127.0) : 0;
            byte = static_cast<std::uint8_t>(static_cast<std::int8_t>(v));
        }
        return bytes;
    }();
    return weight;
}

const layout::ByteShape kShape{kRows, kCols};

void setCounters(benchmark::State& state, std::size_t compressedBytes) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kRows * kCols));
    state.counters["ratio"] = static_cast<double>(compressedBytes) / double(kRows * kCols);
}

/// Times layout::compressWeight on `weight`.
void measureCompressWeight(benchmark::State& state, const layout::NdWeight& weight) {
    std::size_t compressed = 0;
    for (auto _ : state) {
        auto result = layout::compressWeight(weight, codec::CompressType::Low);
        compressed = result.weight.size();
        benchmark::DoNotOptimize(result.weight.data());
    }
    setCounters(state, compressed);
}

/// ND bytes -> tiles gathered straight from ND -> codec per tile.
void BM_CompressWeightFromNd(benchmark::State& state) {
    measureCompressWeight(state, {sparseWeight(), kRows, kCols, 1, false});
}

/// ND -> full Nz copy -> tiles copied out of Nz -> codec per tile (what compressing a weight
/// given in Nz costs, plus the ND -> Nz conversion).
void BM_CompressWeightViaNz(benchmark::State& state) {
    const auto& nd = sparseWeight();
    std::size_t compressed = 0;
    for (auto _ : state) {
        const auto nz = layout::toNz(nd, kShape);
        auto result = layout::compressNzWeight(nz, kShape, codec::CompressType::Low);
        compressed = result.weight.size();
        benchmark::DoNotOptimize(result.weight.data());
    }
    setCounters(state, compressed);
}

/// The codec alone on the same tile bytes, already gathered in compression order, with the
/// same per-tile calls and init offsets: the floor the layout path is measured against.
/// Arg 1: the byte matrix of the transposed path below (the weight read as [4096, 11008] and
/// transposed), the baseline for BM_CompressWeightTransposed.
void BM_CodecAloneOnTiles(benchmark::State& state) {
    const auto nd = state.range(0) == 0
                        ? sparseWeight()
                        : layout::transposeElements(sparseWeight(), kCols, kRows, 1);
    const auto nz = layout::toNz(nd, kShape);
    const layout::NzShape nzShape = layout::nzShapeOf(kShape);
    // 11008 / 16 = 688 block rows = 86 full n-tiles, 4096 / 32 = 128 block columns = 16
    // k-tiles: every tile is a full 8x8 (32 KiB), so the tiles are the Nz blocks in tile order.
    const std::size_t tileBytes = layout::kTileBlocks * layout::kTileBlocks * layout::kBlockBytes;
    std::vector<std::uint8_t> tiles(nz.size());
    std::size_t out = 0;
    for (std::size_t nt = 0; nt < nzShape.n1 / layout::kTileBlocks; ++nt)
        for (std::size_t kt = 0; kt < nzShape.k1 / layout::kTileBlocks; ++kt)
            for (std::size_t kk = 0; kk < layout::kTileBlocks; ++kk) {
                const std::size_t block =
                    (kt * layout::kTileBlocks + kk) * nzShape.n1 + nt * layout::kTileBlocks;
                std::copy_n(nz.begin() + static_cast<std::ptrdiff_t>(block * layout::kBlockBytes),
                            layout::kTileBlocks * layout::kBlockBytes,
                            tiles.begin() + static_cast<std::ptrdiff_t>(out));
                out += layout::kTileBlocks * layout::kBlockBytes;
            }
    std::size_t compressed = 0;
    for (auto _ : state) {
        std::vector<std::uint8_t> weight;
        std::vector<std::uint8_t> index;
        for (std::size_t offset = 0; offset < tiles.size(); offset += tileBytes) {
            codec::CodecConfig config;
            config.fractalSize = tileBytes;
            config.type = codec::CompressType::Low;
            config.initOffset = weight.size();
            codec::compress(std::span<const std::uint8_t>(tiles.data() + offset, tileBytes), config,
                            weight, index);
        }
        compressed = weight.size();
        benchmark::DoNotOptimize(weight.data());
    }
    setCounters(state, compressed);
}

/// With weight_transpose: the same bytes given as [4096, 11008] and transposed first (one
/// extra full copy), so the tiles and the codec's work are the same as above.
void BM_CompressWeightTransposed(benchmark::State& state) {
    measureCompressWeight(state, {sparseWeight(), kCols, kRows, 1, true});
}

/// The element-aware transpose alone, int8 (Arg 1) and fp16 (Arg 2) elements.
void BM_TransposeElements(benchmark::State& state) {
    const auto& nd = sparseWeight();
    const auto elementSize = static_cast<std::size_t>(state.range(0));
    std::vector<std::uint8_t> out(nd.size());
    for (auto _ : state) {
        layout::transposeElements(nd, kRows, kCols / elementSize, elementSize, out);
        benchmark::DoNotOptimize(out.data());
    }
    setCounters(state, 0);
}

/// The layout work alone: ND -> Nz of the whole weight.
void BM_ToNz(benchmark::State& state) {
    const auto& nd = sparseWeight();
    std::vector<std::uint8_t> nz(layout::nzShapeOf(kShape).bytes());
    for (auto _ : state) {
        layout::toNz(nd, kShape, nz);
        benchmark::DoNotOptimize(nz.data());
    }
    setCounters(state, 0);
}

} // namespace

BENCHMARK(BM_CodecAloneOnTiles)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CompressWeightFromNd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CompressWeightViaNz)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CompressWeightTransposed)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TransposeElements)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ToNz)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
