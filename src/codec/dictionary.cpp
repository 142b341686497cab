#include "dictionary.h"

#include <algorithm>
#include <cstring>

namespace nzc::codec::detail {

namespace {

struct ValueCount {
    std::uint8_t value;
    std::uint32_t count;
};

std::array<std::uint64_t, 256> countBytes(std::span<const std::uint8_t> input) {
    // Eight sub-histograms break the store-to-load dependency on runs of equal bytes (sparse
    // weights are mostly one value); one 8-byte load feeds all eight, so the loop is one
    // shift and one memory increment per byte. Summed at the end.
    constexpr std::size_t kLanes = 8;
    std::array<std::array<std::uint32_t, 256>, kLanes> partial{};
    std::size_t i = 0;
    const std::size_t n = input.size();
    // The 32-bit counters cannot overflow: flush them into 64-bit totals every 2^31 bytes.
    std::array<std::uint64_t, 256> total{};
    const auto flush = [&] {
        for (std::size_t v = 0; v < 256; ++v)
            for (auto& lane : partial) {
                total[v] += lane[v];
                lane[v] = 0;
            }
    };
    constexpr std::size_t kFlushEvery = std::size_t{1} << 31;
    while (i + kLanes <= n) {
        const std::size_t end = i + std::min(kFlushEvery, (n - i) / kLanes * kLanes);
        for (; i < end; i += kLanes) {
            std::uint64_t word;
            std::memcpy(&word, input.data() + i, kLanes);
            for (std::size_t lane = 0; lane < kLanes; ++lane)
                ++partial[lane][(word >> (8 * lane)) & 0xff];
        }
        flush();
    }
    for (; i < n; ++i)
        ++total[input[i]];
    return total;
}

} // namespace

Dictionary buildDictionary(std::span<const std::uint8_t> input, CompressType type) {
    const auto counts = countBytes(input);
    std::array<ValueCount, 256> ranked{};
    for (std::size_t v = 0; v < 256; ++v) {
        // A call is at most a few GiB in practice; saturate rather than wrap so the order of
        // the largest counts stays right even for absurd inputs.
        const auto count = std::min<std::uint64_t>(counts[v], UINT32_MAX);
        ranked[v] = {static_cast<std::uint8_t>(v), static_cast<std::uint32_t>(count)};
    }
    // The reference ranks with libstdc++'s unstable std::sort and a count-only comparator, so
    // the order among equal counts is whatever that introsort produces. Calling the same
    // algorithm the same way (array in value order, same comparator) reproduces the ties
    // byte for byte; a stable sort or a value tie-break would not.
    std::sort(ranked.begin(), ranked.end(),
              [](const ValueCount& a, const ValueCount& b) { return a.count > b.count; });
    Dictionary dictionary;
    dictionary.size = dictionarySize(type);
    for (std::size_t r = 0; r < dictionary.size; ++r)
        dictionary.values[r] = ranked[r].value;
    return dictionary;
}

} // namespace nzc::codec::detail
