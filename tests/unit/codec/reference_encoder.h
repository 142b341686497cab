// An independent, deliberately plain model of one engine's packing, written straight from
// the format description (one byte at a time, runs emitted when they end). The production
// packer uses a state table; the differential test checks the two agree. Test-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nzc::codec::test_data {

/// Header + packets of one engine stream, or an empty vector when it must be bypassed.
/// `codeOf[b]` = {bits, length} of each non-zero byte; runs as (zeros, bits, length), longest
/// first.
struct ModelCode {
    std::uint32_t bits;
    std::uint32_t length;
};
struct ModelRun {
    std::size_t zeros;
    ModelCode code;
};
std::vector<std::uint8_t> modelEncodePackets(const std::vector<std::uint8_t>& engine,
                                             std::uint8_t zeroByte,
                                             const std::vector<ModelCode>& codeOf,
                                             const std::vector<ModelRun>& runs);

} // namespace nzc::codec::test_data
