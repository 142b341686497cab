#include "test_buffers.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

namespace nzc::codec::test_data {

std::string kindName(BufferKind kind) {
    switch (kind) {
    case BufferKind::Zeros:
        return "zeros";
    case BufferKind::Dense:
        return "dense";
    case BufferKind::Sparse:
        return "sparse";
    case BufferKind::TwoOfFour:
        return "two_of_four";
    case BufferKind::Uniform:
        return "uniform";
    case BufferKind::ZeroByteNot0:
        return "zero_byte_7f";
    case BufferKind::ManyValues:
        return "many_values";
    case BufferKind::TiedCounts:
        return "tied_counts";
    case BufferKind::LongRuns:
        return "long_runs";
    }
    return "unknown";
}

const std::vector<BufferKind>& allKinds() {
    static const std::vector<BufferKind> kinds{
        BufferKind::Zeros,      BufferKind::Dense,      BufferKind::Sparse,
        BufferKind::TwoOfFour,  BufferKind::Uniform,    BufferKind::ZeroByteNot0,
        BufferKind::ManyValues, BufferKind::TiedCounts, BufferKind::LongRuns};
    return kinds;
}

namespace {

std::uint8_t gaussianByte(std::mt19937_64& rng, double sigma) {
    std::normal_distribution<double> normal(0.0, sigma);
    const double value = std::clamp(std::round(normal(rng)), -128.0, 127.0);
    return static_cast<std::uint8_t>(static_cast<std::int8_t>(value));
}

} // namespace

std::vector<std::uint8_t> makeBuffer(BufferKind kind, std::size_t size, double keep,
                                     std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<std::uint8_t> out(size, 0);
    switch (kind) {
    case BufferKind::Zeros:
        break;
    case BufferKind::Dense:
        for (auto& b : out)
            b = gaussianByte(rng, 20.0);
        break;
    case BufferKind::Sparse:
        for (auto& b : out)
            b = unit(rng) < keep ? gaussianByte(rng, 12.0) : 0;
        break;
    case BufferKind::TwoOfFour:
        for (std::size_t i = 0; i + 4 <= size; i += 4) {
            const std::size_t first = rng() % 4;
            const std::size_t second = (first + 1 + rng() % 3) % 4;
            out[i + first] = gaussianByte(rng, 12.0);
            out[i + second] = gaussianByte(rng, 12.0);
        }
        break;
    case BufferKind::Uniform:
        for (auto& b : out)
            b = static_cast<std::uint8_t>(rng());
        break;
    case BufferKind::ZeroByteNot0:
        for (auto& b : out)
            b = unit(rng) < keep ? gaussianByte(rng, 6.0) : 0x7f;
        break;
    case BufferKind::ManyValues:
        for (auto& b : out)
            b = unit(rng) < keep ? static_cast<std::uint8_t>(rng()) : 0;
        break;
    case BufferKind::TiedCounts:
        // Values 1..40 cycle so that many counts are equal.
        for (std::size_t i = 0; i < size; ++i)
            out[i] = (i % 3 == 0) ? 0 : static_cast<std::uint8_t>(1 + (i / 3) % 40);
        break;
    case BufferKind::LongRuns:
        for (std::size_t i = 0; i < size;) {
            i += rng() % 300;
            for (std::size_t burst = rng() % 8; burst > 0 && i < size; --burst, ++i)
                out[i] = gaussianByte(rng, 12.0);
        }
        break;
    }
    return out;
}

std::vector<std::uint8_t> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace nzc::codec::test_data
