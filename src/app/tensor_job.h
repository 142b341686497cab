// One tensor's work on its rank: read its bytes (from the shared file system, never through
// rank 0), then for a weight: pseudo-sparse if asked, transpose if asked, ND -> Nz, checksum,
// tiling + codec (or the raw Nz bytes for a disabled layer). Local.
#pragma once

#include <nzcompress/checkpoint.h>
#include <nzcompress/plan.h>

#include <array>
#include <cstdint>
#include <vector>

namespace nzc::app {

/// The settings a tensor job needs beyond its plan entry.
struct JobSettings {
    bool transpose = false;
    bool pseudoSparse = false;
    double sparseRatio = 1.0;
    std::uint64_t seed = 0;
};

/// What a tensor turns into, ready to be written.
struct TensorOutput {
    std::size_t planIndex = 0;
    std::vector<std::uint8_t> weight; ///< compressed bytes, raw Nz (disabled) or the copy
    std::vector<std::uint8_t> index;  ///< empty for disabled and passthrough tensors
    std::array<std::int64_t, 5> info{};
    std::array<std::int64_t, 4> nzShape{}; ///< K1, N1, 16, 32
    std::uint64_t nzChecksum = 0;          ///< xxh3-64 of the Nz bytes before compression
    double seconds = 0;
};

/// Runs the job of plan entry `planIndex`. Throws InputError (naming file and tensor) for data
/// the layout or codec rejects and for a file that became shorter than its table says (a
/// shard truncated or replaced while the run goes on), IoError for other read failures.
TensorOutput runTensorJob(const plan::Plan& plan, std::size_t planIndex,
                          const checkpoint::Checkpoint& checkpoint, const JobSettings& settings);

} // namespace nzc::app
