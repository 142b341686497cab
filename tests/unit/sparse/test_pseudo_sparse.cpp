#include "nzcompress/errors.h"
#include "nzcompress/sparse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using nzc::sparse::PseudoSparse;

// Bytes that are never zero, so that a zero in the output can only come from the draw.
std::vector<std::uint8_t> nonZeroBytes(std::size_t n, std::uint32_t seed) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> dist(1, 255);
    std::vector<std::uint8_t> out(n);
    for (auto& b : out)
        b = static_cast<std::uint8_t>(dist(gen));
    return out;
}

// Which elements survived: element i is kept iff its first byte is still non-zero.
std::string keptBits(const std::vector<std::uint8_t>& data, std::size_t elementSize,
                     std::size_t first, std::size_t count) {
    std::string bits;
    for (std::size_t i = first; i < first + count; ++i)
        bits += data[i * elementSize] != 0 ? '1' : '0';
    return bits;
}

// Reference values from an independent implementation of the draw documented in sparse.h
// (Python with libxxhash through ctypes): the documentation and the code must agree.
TEST(Sparse, MatchesDocumentedDraw) {
    EXPECT_EQ(nzc::sparse::hashName(""), 0x2D06800538D394C2ULL); // xxh3-64 of nothing
    const std::string q = "model.layers.0.self_attn.q_proj.weight";
    EXPECT_EQ(nzc::sparse::tensorKey(0, q), 0x877D96B881CA2BB9ULL);
    EXPECT_EQ(nzc::sparse::tensorKey(nzc::sparse::kDefaultSeed, "lm_head.weight"),
              0x8D7A0EFE97EEAE50ULL);

    auto data = nonZeroBytes(64, 1);
    PseudoSparse(0.5, 0, q).apply(data, 1, 0);
    EXPECT_EQ(keptBits(data, 1, 0, 64),
              "1100010000100100111101100011000001101101111100011111000001010101");

    // Far into the tensor, at another ratio, through a slice that starts there.
    data = nonZeroBytes(64, 2);
    PseudoSparse(0.3, 0, q).apply(data, 1, 1000000);
    EXPECT_EQ(keptBits(data, 1, 0, 64),
              "0001100001001000001000000110011000010100110000000100110010010010");

    data = nonZeroBytes(128, 3);
    PseudoSparse(0.5, nzc::sparse::kDefaultSeed, "lm_head.weight").apply(data, 2, 0);
    EXPECT_EQ(keptBits(data, 2, 0, 64),
              "0100110100000001010110001111001001011011001110000100010110010010");
}

TEST(Sparse, ApplyAgreesWithIsKept) {
    const PseudoSparse draw(0.37, 99, "w");
    for (std::size_t elementSize : {1u, 2u, 3u, 4u}) {
        auto data = nonZeroBytes(999 * elementSize, 4);
        const auto original = data;
        const std::uint64_t kept = draw.apply(data, elementSize, 12345);
        std::uint64_t expectKept = 0;
        for (std::size_t i = 0; i < 999; ++i) {
            const bool keep = draw.isKept(12345 + i);
            expectKept += keep ? 1 : 0;
            for (std::size_t b = 0; b < elementSize; ++b) {
                const std::size_t at = i * elementSize + b;
                ASSERT_EQ(data[at], keep ? original[at] : 0)
                    << "element " << i << " byte " << b << " size " << elementSize;
            }
        }
        EXPECT_EQ(kept, expectKept);
    }
}

// Any cut of a tensor into slices, processed in any order, gives the whole tensor's result.
TEST(Sparse, SlicingDoesNotChangeTheResult) {
    const PseudoSparse draw(0.5, 7, "model.layers.3.mlp.down_proj.weight");
    std::mt19937 gen(5);
    for (std::size_t elementSize : {1u, 2u, 4u}) {
        const std::size_t elements = 10007;
        const auto original = nonZeroBytes(elements * elementSize, 6);
        auto whole = original;
        const std::uint64_t wholeKept = draw.apply(whole, elementSize, 0);

        for (int trial = 0; trial < 20; ++trial) {
            // Random cut points, odd and even, including empty and one-element slices.
            std::vector<std::size_t> cuts = {0, elements};
            std::uniform_int_distribution<std::size_t> at(0, elements);
            for (int c = 0; c < trial; ++c)
                cuts.push_back(at(gen));
            cuts.push_back(1);
            cuts.push_back(2);
            std::sort(cuts.begin(), cuts.end());
            auto sliced = original;
            std::uint64_t slicedKept = 0;
            // Back to front, as if different ranks did them in any order.
            for (std::size_t s = cuts.size() - 1; s > 0; --s) {
                const std::size_t b = cuts[s - 1], e = cuts[s];
                std::span<std::uint8_t> slice(sliced.data() + b * elementSize,
                                              (e - b) * elementSize);
                slicedKept += draw.apply(slice, elementSize, b);
            }
            ASSERT_EQ(sliced, whole) << "element size " << elementSize << " trial " << trial;
            ASSERT_EQ(slicedKept, wholeKept);
        }
    }
}

// A fresh object with the same parameters (another rank) draws the same.
TEST(Sparse, SameParametersSameResult) {
    auto a = nonZeroBytes(4096, 8);
    auto b = a;
    PseudoSparse(0.5, 11, "x.weight").apply(a, 1);
    nzc::sparse::applyPseudoSparse(b, 1, 0.5, 11, "x.weight");
    EXPECT_EQ(a, b);
}

// Fraction of positions where two draws disagree, at ratio 0.5: 0.5 for independent draws.
double disagreement(const PseudoSparse& x, const PseudoSparse& y, std::uint64_t n) {
    std::uint64_t differ = 0;
    for (std::uint64_t i = 0; i < n; ++i)
        differ += x.isKept(i) != y.isKept(i) ? 1 : 0;
    return static_cast<double>(differ) / static_cast<double>(n);
}

TEST(Sparse, SeedChangesTheDraw) {
    const std::uint64_t n = 100000;
    // 6 sigma of a binomial(n, 0.5) fraction is 6 * 0.5 / sqrt(n) ~ 0.0095.
    EXPECT_NEAR(disagreement(PseudoSparse(0.5, 1, "w"), PseudoSparse(0.5, 2, "w"), n), 0.5, 0.01);
    EXPECT_NEAR(disagreement(PseudoSparse(0.5, 0, "w"), PseudoSparse(0.5, 1ULL << 63, "w"), n), 0.5,
                0.01);
}

TEST(Sparse, NameChangesTheDraw) {
    const std::uint64_t n = 100000;
    EXPECT_NEAR(disagreement(PseudoSparse(0.5, 1, "model.layers.0.mlp.up_proj.weight"),
                             PseudoSparse(0.5, 1, "model.layers.1.mlp.up_proj.weight"), n),
                0.5, 0.01);
    EXPECT_NE(nzc::sparse::tensorKey(1, "a"), nzc::sparse::tensorKey(1, "b"));
    EXPECT_NE(nzc::sparse::tensorKey(1, "a"), nzc::sparse::tensorKey(2, "a"));
}

TEST(Sparse, KeptFractionIsTheRatio) {
    const std::size_t n = 1 << 20;
    for (double ratio : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
        auto data = nonZeroBytes(n, 9);
        const std::uint64_t kept = PseudoSparse(ratio, 3, "w").apply(data, 1);
        std::uint64_t nonZero = 0;
        for (auto b : data)
            nonZero += b != 0 ? 1 : 0;
        EXPECT_EQ(kept, nonZero);
        const double sigma = std::sqrt(ratio * (1 - ratio) / static_cast<double>(n));
        EXPECT_NEAR(static_cast<double>(kept) / static_cast<double>(n), ratio, 6 * sigma)
            << "ratio " << ratio;
    }
}

// Neighbouring elements are drawn from the two halves of one 64-bit draw: check that the
// even and odd lanes are not correlated (both kept at ratio 0.5 should be 1/4 of pairs).
TEST(Sparse, EvenAndOddLanesAreIndependent) {
    const PseudoSparse draw(0.5, 21, "w");
    const std::uint64_t pairs = 200000;
    std::uint64_t both = 0;
    for (std::uint64_t j = 0; j < pairs; ++j)
        both += draw.isKept(2 * j) && draw.isKept(2 * j + 1) ? 1 : 0;
    const double sigma = std::sqrt(0.25 * 0.75 / static_cast<double>(pairs));
    EXPECT_NEAR(static_cast<double>(both) / static_cast<double>(pairs), 0.25, 6 * sigma);
}

TEST(Sparse, RatioZeroKeepsNothing) {
    for (std::size_t elementSize : {1u, 2u}) {
        auto data = nonZeroBytes(4099 * elementSize, 10);
        EXPECT_EQ(PseudoSparse(0.0, 1, "w").apply(data, elementSize, 1), 0u);
        EXPECT_EQ(data, std::vector<std::uint8_t>(data.size(), 0));
    }
}

TEST(Sparse, RatioOneKeepsEverything) {
    for (std::size_t elementSize : {1u, 2u}) {
        auto data = nonZeroBytes(4099 * elementSize, 11);
        const auto original = data;
        EXPECT_EQ(PseudoSparse(1.0, 1, "w").apply(data, elementSize, 1), 4099u);
        EXPECT_EQ(data, original);
    }
    // The draw has a resolution of 2^-32: a ratio closer than that to 1 keeps everything.
    EXPECT_EQ(nzc::sparse::keepThreshold(std::nextafter(1.0, 0.0)), 1ULL << 32);
}

TEST(Sparse, ThresholdIsCeilOfRatioTimes2To32) {
    using nzc::sparse::keepThreshold;
    EXPECT_EQ(keepThreshold(0.0), 0u);
    EXPECT_EQ(keepThreshold(1.0), 1ULL << 32);
    EXPECT_EQ(keepThreshold(0.5), 1ULL << 31);
    EXPECT_EQ(keepThreshold(0.25), 1ULL << 30);
    EXPECT_EQ(keepThreshold(1e-12), 1u);       // any positive ratio can keep something
    EXPECT_EQ(keepThreshold(0.1), 429496730u); // 0.1 * 2^32 = 429496729.6
}

// fp16/bf16: an element is two bytes; a removed element loses both, a kept one keeps both.
TEST(Sparse, Fp16ZeroesWholeElements) {
    const std::size_t elements = 50001;
    auto data = nonZeroBytes(elements * 2, 12);
    const auto original = data;
    const std::uint64_t kept = PseudoSparse(0.5, 13, "w16").apply(data, 2, 3);
    std::uint64_t intact = 0;
    for (std::size_t i = 0; i < elements; ++i) {
        const bool lo = data[2 * i] != 0, hi = data[2 * i + 1] != 0;
        ASSERT_EQ(lo, hi) << "element " << i << " half zeroed";
        if (lo) {
            ASSERT_EQ(data[2 * i], original[2 * i]);
            ASSERT_EQ(data[2 * i + 1], original[2 * i + 1]);
            ++intact;
        }
    }
    EXPECT_EQ(kept, intact);
    EXPECT_GT(kept, elements / 3);
    EXPECT_LT(kept, 2 * elements / 3);
}

// The draw is per element, not per byte: the fp16 tensor keeps element i exactly when an
// int8 tensor of the same name keeps element i.
TEST(Sparse, DrawIsPerElementNotPerByte) {
    const PseudoSparse draw(0.5, 14, "w");
    auto bytes8 = nonZeroBytes(1000, 15);
    auto bytes16 = nonZeroBytes(2000, 16);
    draw.apply(bytes8, 1);
    draw.apply(bytes16, 2);
    EXPECT_EQ(keptBits(bytes8, 1, 0, 1000), keptBits(bytes16, 2, 0, 1000));
}

TEST(Sparse, RejectsBadArguments) {
    EXPECT_THROW(PseudoSparse(-0.01, 0, "w"), nzc::UsageError);
    EXPECT_THROW(PseudoSparse(1.01, 0, "w"), nzc::UsageError);
    EXPECT_THROW(PseudoSparse(std::nan(""), 0, "w"), nzc::UsageError);
    const PseudoSparse draw(0.5, 0, "w");
    std::vector<std::uint8_t> data(5, 1);
    EXPECT_THROW(draw.apply(data, 2), std::invalid_argument);
    EXPECT_THROW(draw.apply(data, 0), std::invalid_argument);
    EXPECT_NO_THROW(draw.apply(std::span<std::uint8_t>(), 2));
}

} // namespace
