// Overflow-checked size arithmetic. Every size or offset read from a file goes through these
// before it is used, so that a crafted header cannot wrap a product into a small number.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace nzc::checkpoint {

inline std::optional<std::uint64_t> checkedMul(std::uint64_t a, std::uint64_t b) {
    std::uint64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r))
        return std::nullopt;
    return r;
}

inline std::optional<std::uint64_t> checkedAdd(std::uint64_t a, std::uint64_t b) {
    std::uint64_t r = 0;
    if (__builtin_add_overflow(a, b, &r))
        return std::nullopt;
    return r;
}

/// Product of the dimensions (1 for a scalar), or nullopt on overflow.
inline std::optional<std::uint64_t> checkedElements(std::span<const std::uint64_t> shape) {
    std::uint64_t n = 1;
    for (std::uint64_t d : shape) {
        auto next = checkedMul(n, d);
        if (!next)
            return std::nullopt;
        n = *next;
    }
    return n;
}

/// Little-endian loads from byte buffers (the formats are little-endian on any host).
inline std::uint64_t loadLe(const std::uint8_t* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

} // namespace nzc::checkpoint
