// One tensor's work on its rank: read its bytes (from the shared file system, never through
// rank 0), then for a weight: pseudo-sparse if asked, transpose if asked, ND -> Nz, checksum,
// tiling + codec (or the raw Nz bytes for a disabled layer). Local.
#pragma once

#include <nzcompress/checkpoint.h>
#include <nzcompress/layout.h>
#include <nzcompress/plan.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
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

/// A tensor read and made ready for encoding: for a weight, its byte matrix (transposed and
/// pseudo-sparsed if asked) and the checksum of its Nz layout; for a passthrough tensor, its
/// bytes and their checksum, which is all its job.
struct LoadedTensor {
    std::size_t planIndex = 0;
    std::vector<std::uint8_t> passthrough; ///< a passthrough tensor's bytes
    std::unique_ptr<std::uint8_t[]> raw;   ///< a weight's bytes as read (not zero-filled)
    std::size_t rawBytes = 0;
    std::vector<std::uint8_t> transposed;        ///< with --transpose: the matrix used
    layout::ByteShape shape{};                   ///< of the matrix
    std::uint64_t checksum = 0;                  ///< xxh3-64 of the Nz bytes, or of the copy
    std::chrono::steady_clock::duration spent{}; ///< time taken so far

    /// The byte matrix the Nz layout is made of: the weight, or its transpose.
    std::span<const std::uint8_t> matrix() const {
        if (!transposed.empty())
            return transposed;
        return {raw.get(), rawBytes};
    }
};

/// The first stage of plan entry `planIndex`: reads it and, for a weight, applies the
/// pseudo-sparse and transpose settings and takes the Nz checksum (streamed from the matrix,
/// no Nz copy). Throws InputError (naming file and tensor) for data the sparse step rejects
/// and for a file that became shorter than its table says (a shard truncated or replaced
/// while the run goes on), IoError for other read failures.
LoadedTensor loadTensor(const plan::Plan& plan, std::size_t planIndex,
                        const checkpoint::Checkpoint& checkpoint, const JobSettings& settings);
/// The second stage: Nz layout, tiles and codec (or the raw Nz bytes of a disabled layer).
/// Throws InputError naming file and tensor for data the layout or codec rejects.
TensorOutput encodeTensor(const plan::Plan& plan, LoadedTensor loaded);
/// Both stages.
TensorOutput runTensorJob(const plan::Plan& plan, std::size_t planIndex,
                          const checkpoint::Checkpoint& checkpoint, const JobSettings& settings);

} // namespace nzc::app
