#include "dictionary.h"

#include <algorithm>

namespace nzc::codec::detail {

namespace {

struct ValueCount {
    std::uint8_t value;
    std::uint32_t count;
};

std::array<std::uint64_t, 256> countBytes(std::span<const std::uint8_t> input) {
    // Four sub-histograms break the store-to-load dependency on runs of equal bytes
    // (sparse weights are mostly one value), then they are summed.
    std::array<std::array<std::uint32_t, 256>, 4> partial{};
    std::size_t i = 0;
    const std::size_t n = input.size();
    for (; i + 4 <= n; i += 4) {
        ++partial[0][input[i]];
        ++partial[1][input[i + 1]];
        ++partial[2][input[i + 2]];
        ++partial[3][input[i + 3]];
    }
    for (; i < n; ++i)
        ++partial[0][input[i]];
    std::array<std::uint64_t, 256> total{};
    for (std::size_t v = 0; v < 256; ++v)
        total[v] = std::uint64_t{partial[0][v]} + partial[1][v] + partial[2][v] + partial[3][v];
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
