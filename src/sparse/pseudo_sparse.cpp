#include "nzcompress/sparse.h"

#include "nzcompress/errors.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include <xxhash.h>

namespace nzc::sparse {
namespace {

constexpr std::uint64_t kLaneMask = 0xFFFFFFFFULL;

// All-ones when `kept` is 1, zero when it is 0: turns a comparison into a byte mask so that
// the loops below have no data-dependent branch.
template <typename T> constexpr T fullIf(std::uint64_t kept) noexcept {
    return static_cast<T>(0 - kept);
}

// Pairs per chunk: the draws of one chunk are computed into a mask first, then the mask is
// applied, two loops without branches that the compiler turns into vector code.
constexpr std::size_t kChunkPairs = 32;

// GCC builds the hot loop three times (AVX-512, AVX2, baseline x86-64) and picks one at load
// time: the 64-bit multiplies of the mixer only vectorize well with AVX-512 (measured on one
// core for int8: 3.5 GB/s, against 1.5 GB/s with AVX2 and 1.1 GB/s without). Every version
// computes the same integers, so the result does not depend on the machine. Define
// NZC_SPARSE_NO_CLONES to build only the baseline (to test it on an AVX-512 machine).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__gnu_linux__) &&   \
    !defined(NZC_SPARSE_NO_CLONES)
#define NZC_SPARSE_CLONES                                                                          \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NZC_SPARSE_CLONES
#endif

// Zeroes the removed elements among `pairs` whole pairs of elements of sizeof(T) bytes each
// (T = uint8_t for int8, uint16_t for fp16/bf16), starting at pair `firstPair` of the tensor
// (elements 2*firstPair and 2*firstPair + 1). Returns the kept count. One SplitMix64 draw per
// pair: its low lane decides the even element, its high lane the odd one.
template <typename T>
NZC_SPARSE_CLONES std::uint64_t applyPairs(std::uint8_t* data, std::uint64_t pairs,
                                           std::uint64_t firstPair, std::uint64_t key,
                                           std::uint64_t threshold) noexcept {
    std::uint64_t kept = 0;
    const std::uint64_t start = key + (firstPair + 1) * kGamma;
    for (std::uint64_t j = 0; j < pairs; j += kChunkPairs) {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(kChunkPairs, pairs - j));
        T mask[2 * kChunkPairs];
        std::uint64_t chunkKept = 0;
        for (std::size_t q = 0; q < n; ++q) {
            const std::uint64_t draw = mix64(start + (j + q) * kGamma);
            const std::uint64_t k0 = (draw & kLaneMask) < threshold;
            const std::uint64_t k1 = (draw >> 32) < threshold;
            mask[2 * q] = fullIf<T>(k0);
            mask[2 * q + 1] = fullIf<T>(k1);
            chunkKept += k0 + k1;
        }
        for (std::size_t e = 0; e < 2 * n; ++e) {
            // memcpy: fp16 data need not be 2-byte aligned inside a read buffer.
            T word;
            std::memcpy(&word, data + e * sizeof(T), sizeof(T));
            word = static_cast<T>(word & mask[e]);
            std::memcpy(data + e * sizeof(T), &word, sizeof(T));
        }
        data += 2 * n * sizeof(T);
        kept += chunkKept;
    }
    return kept;
}

// Any element size: the same draw, one memset per removed element.
std::uint64_t applyGeneric(std::uint8_t* data, std::uint64_t count, std::size_t elementSize,
                           std::uint64_t first, std::uint64_t key, std::uint64_t threshold) {
    std::uint64_t kept = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        if (isKept(key, threshold, first + i))
            ++kept;
        else
            std::memset(data + i * elementSize, 0, elementSize);
    }
    return kept;
}

} // namespace

std::uint64_t hashName(std::string_view name) noexcept {
    return XXH3_64bits(name.data(), name.size());
}

std::uint64_t tensorKey(std::uint64_t seed, std::string_view name) noexcept {
    return mix64(seed ^ hashName(name));
}

std::uint64_t keepThreshold(double ratio) {
    // Written so that NaN fails too.
    if (!(ratio >= 0.0 && ratio <= 1.0))
        throw UsageError("sparse ratio must be between 0 and 1 (the fraction of elements "
                         "kept), got " +
                         std::to_string(ratio));
    // ratio * 2^32 is exact in a double (a power-of-two scaling), so ceil() of it is the exact
    // integer bound of "lane / 2^32 < ratio".
    return static_cast<std::uint64_t>(std::ceil(std::ldexp(ratio, 32)));
}

PseudoSparse::PseudoSparse(double ratio, std::uint64_t seed, std::string_view tensorName)
    : ratio_(ratio), key_(tensorKey(seed, tensorName)), threshold_(keepThreshold(ratio)) {}

std::uint64_t PseudoSparse::apply(std::span<std::uint8_t> bytes, std::size_t elementSize,
                                  std::uint64_t firstElement) const {
    if (elementSize == 0 || bytes.size() % elementSize != 0)
        throw std::invalid_argument("pseudo-sparse: a slice of " + std::to_string(bytes.size()) +
                                    " bytes does not hold whole elements of " +
                                    std::to_string(elementSize) + " bytes");
    std::uint64_t count = bytes.size() / elementSize;
    std::uint8_t* data = bytes.data();
    if (elementSize != 1 && elementSize != 2)
        return applyGeneric(data, count, elementSize, firstElement, key_, threshold_);

    std::uint64_t kept = 0;
    std::uint64_t index = firstElement;
    // A slice that starts on an odd element starts in the middle of a draw: do that element
    // alone so that the loop below works on whole pairs.
    if (count > 0 && (index & 1) != 0) {
        kept += applyGeneric(data, 1, elementSize, index, key_, threshold_);
        data += elementSize;
        ++index;
        --count;
    }
    const std::uint64_t pairs = count / 2;
    kept += elementSize == 1 ? applyPairs<std::uint8_t>(data, pairs, index / 2, key_, threshold_)
                             : applyPairs<std::uint16_t>(data, pairs, index / 2, key_, threshold_);
    data += pairs * 2 * elementSize;
    index += pairs * 2;
    if (count % 2 != 0)
        kept += applyGeneric(data, 1, elementSize, index, key_, threshold_);
    return kept;
}

std::uint64_t applyPseudoSparse(std::span<std::uint8_t> bytes, std::size_t elementSize,
                                double ratio, std::uint64_t seed, std::string_view tensorName,
                                std::uint64_t firstElement) {
    return PseudoSparse(ratio, seed, tensorName).apply(bytes, elementSize, firstElement);
}

} // namespace nzc::sparse
