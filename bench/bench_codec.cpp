// Codec throughput on the reference data: 64 MiB of 50%-sparse int8, Gaussian with
// sigma 12, in 32 KiB fractals. Also times the stages separately (dictionary, engine
// packing, interleave) to show where the time goes. Set NZC_BENCH_DATA_OUT=path to also
// write the input, so other compressors can be timed on the very same bytes.
#include "dictionary.h"
#include "engine_encoder.h"
#include "fractal_format.h"

#include <nzcompress/codec.h>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>

namespace {

using namespace nzc::codec;

constexpr std::size_t kDataBytes = 64u << 20;
constexpr std::size_t kFractal = 32768;

const std::vector<std::uint8_t>& sparseData() {
    static const std::vector<std::uint8_t> data = [] {
        std::vector<std::uint8_t> bytes(kDataBytes);
        std::mt19937_64 rng(2024);
        std::normal_distribution<double> normal(0.0, 12.0);
        std::bernoulli_distribution keep(0.5);
        for (auto& b : bytes) {
            const double v = keep(rng) ? std::clamp(std::round(normal(rng)), -128.0, 127.0) : 0;
            b = static_cast<std::uint8_t>(static_cast<std::int8_t>(v));
        }
        if (const char* path = std::getenv("NZC_BENCH_DATA_OUT")) {
            std::ofstream out(path, std::ios::binary);
            out.write(reinterpret_cast<const char*>(bytes.data()),
                      static_cast<std::streamsize>(bytes.size()));
        }
        return bytes;
    }();
    return data;
}

/// One call over all 64 MiB (one dictionary), as the codec subcommand does.
void BM_EncodeOneCall(benchmark::State& state) {
    const auto& data = sparseData();
    const auto type = static_cast<CompressType>(state.range(0));
    std::vector<std::uint8_t> weight, index;
    weight.reserve(maxCompressedSize(data.size(), kFractal));
    std::size_t compressed = 0;
    for (auto _ : state) {
        weight.clear();
        index.clear();
        compressed = compress(data, {kFractal, type, 0}, weight, index);
        benchmark::DoNotOptimize(weight.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
    state.counters["ratio"] = static_cast<double>(compressed) / static_cast<double>(data.size());
}

/// One call per 32 KiB tile (a dictionary each), as whole-weight compression does.
void BM_EncodePerTile(benchmark::State& state) {
    const auto& data = sparseData();
    std::vector<std::uint8_t> weight, index;
    weight.reserve(maxCompressedSize(data.size(), kFractal));
    for (auto _ : state) {
        weight.clear();
        index.clear();
        for (std::size_t offset = 0; offset < data.size(); offset += kFractal)
            compress(std::span(data).subspan(offset, kFractal),
                     {kFractal, CompressType::Low, weight.size()}, weight, index);
        benchmark::DoNotOptimize(weight.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}

void BM_Decode(benchmark::State& state) {
    const auto& data = sparseData();
    const auto type = static_cast<CompressType>(state.range(0));
    std::vector<std::uint8_t> weight, index;
    compress(data, {kFractal, type, 0}, weight, index);
    std::vector<std::uint8_t> out(data.size());
    for (auto _ : state) {
        decompress(weight, index, {kFractal, type, 0}, out);
        benchmark::DoNotOptimize(out.data());
    }
    if (out != data)
        state.SkipWithError("decode mismatch");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}

// Stage timings: each runs one stage alone over all 64 MiB.
void BM_StageDictionary(benchmark::State& state) {
    const auto& data = sparseData();
    for (auto _ : state)
        for (std::size_t offset = 0; offset < data.size(); offset += kFractal)
            benchmark::DoNotOptimize(detail::buildDictionary(
                std::span(data).subspan(offset, kFractal), CompressType::Low));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}

void BM_StagePacking(benchmark::State& state) {
    const auto& data = sparseData();
    const auto codes = detail::buildCallCodes(
        detail::buildDictionary(std::span(data).first(kFractal), CompressType::Low),
        CompressType::Low);
    const std::size_t engineBytes = kFractal / kEngines;
    std::vector<std::uint8_t> out(detail::engineOutputCapacity(engineBytes));
    for (auto _ : state)
        for (std::size_t offset = 0; offset < data.size(); offset += engineBytes)
            benchmark::DoNotOptimize(
                detail::encodeEngine(data.data() + offset, engineBytes, codes, out.data()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}

void BM_StageGatherAndInterleave(benchmark::State& state) {
    const auto& data = sparseData();
    const std::size_t engineBytes = kFractal / kEngines;
    std::vector<std::uint8_t> engines(kFractal), out(kFractal);
    std::array<const std::uint8_t*, kEngines> streams{};
    std::array<std::size_t, kEngines> lengths{};
    for (std::size_t e = 0; e < kEngines; ++e) {
        streams[e] = engines.data() + e * engineBytes;
        lengths[e] = engineBytes;
    }
    for (auto _ : state) {
        for (std::size_t offset = 0; offset < data.size(); offset += kFractal) {
            for (std::size_t e = 0; e < kEngines; ++e)
                detail::gatherEngine(data.data() + offset, kFractal, e,
                                     engines.data() + e * engineBytes);
            detail::interleave(streams, lengths, engineBytes, out.data());
            benchmark::DoNotOptimize(out.data());
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}

BENCHMARK(BM_EncodeOneCall)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EncodePerTile)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Decode)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StageDictionary)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StagePacking)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StageGatherAndInterleave)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
