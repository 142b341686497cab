// The read side of an nzcompress output file (docs/OUTPUT_FORMAT.md), shared by verify,
// decompress, inspect and export: opens the file serially (no MPI needed), checks that it is
// an nzcompress file, lists its tensors with their attributes, reads their datasets and turns
// a stored weight back into its Nz bytes or its original ND bytes. Local.
//
// Errors: a file that cannot be opened for reading is an IoError (exit 4); a file that is not
// HDF5, not an nzcompress file, or whose objects HDF5 cannot read once it opened, or whose
// attributes contradict each other, is an InputError naming the file and tensor (exit 3).
#pragma once

#include <nzcompress/codec.h>
#include <nzcompress/h5.h>
#include <nzcompress/report.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nzc::app {

/// The root attributes.
struct OutputRoot {
    std::string format;
    std::int64_t formatVersion = 0;
    std::string toolVersion;
    std::string config; ///< JSON text as stored
    std::string inputs; ///< JSON text as stored
    bool complete = false;
};

/// One tensor of the file, from its attributes (no data read).
struct StoredTensor {
    std::string name;
    std::string link; ///< the escaped link name under /weight, /index, /info or /passthrough
    report::Kind kind = report::Kind::Passthrough;
    std::string dtype;                ///< the checkpoint's dtype ("I8", "F16", ...)
    std::vector<std::uint64_t> shape; ///< the checkpoint's shape
    bool done = false;                ///< the writer's done marker
    // Weights only (compressed and disabled):
    codec::CompressType type = codec::CompressType::Low;
    bool transposed = false;
    std::optional<double> sparseRatio; ///< with seed: the pseudo-sparse draw that ran
    std::uint64_t seed = 0;
    std::string nzChecksum; ///< nz_xxh3_64 (16 hex digits); for passthrough an optional xxh3_64
    std::array<std::int64_t, 4> nzShape{};
    std::uint64_t weightBytes = 0; ///< size of /weight (or /passthrough) in bytes
    std::uint64_t indexBytes = 0;
    /// Why the entry's attributes or datasets cannot be trusted (empty if they can). Such an
    /// entry is listed so that verify can report it and go on; reading it throws.
    std::string problem;

    std::uint64_t elements() const;
    std::uint64_t originalBytes() const;
    std::uint64_t storedBytes() const { return weightBytes + indexBytes; }
    std::size_t elementSize() const;
    bool isWeight() const { return kind != report::Kind::Passthrough; }
};

/// "low" / "high" for a compress type.
std::string compressTypeName(codec::CompressType type);

class OutputReader {
public:
    /// Opens `path` read-only. With `requireComplete`, a file whose root attribute complete is
    /// not 1 (an interrupted run, an OUT.h5.partial) is an InputError saying so.
    static OutputReader open(const std::string& path, bool requireComplete);

    const std::string& path() const noexcept { return path_; }
    const OutputRoot& root() const noexcept { return root_; }
    /// Every tensor, sorted by name. Reads the attributes of every tensor (once).
    const std::vector<StoredTensor>& tensors() const noexcept { return tensors_; }
    /// The tensor of that name, or nullptr.
    const StoredTensor* find(const std::string& name) const;

    /// Throws the InputError of a tensor whose `problem` is set.
    void requireSound(const StoredTensor& tensor) const;

    /// Raw bytes of the datasets of a tensor, exactly as stored.
    std::vector<std::uint8_t> readWeight(const StoredTensor& tensor) const;
    std::vector<std::uint8_t> readIndex(const StoredTensor& tensor) const;
    std::array<std::int64_t, 5> readInfo(const StoredTensor& tensor) const;
    std::vector<std::uint8_t> readPassthrough(const StoredTensor& tensor) const;

    /// The Nz bytes of a weight: the decoded /weight + /index of a compressed tensor, the
    /// stored bytes of a disabled one. Checks info, nz_shape and the dataset sizes against the
    /// tensor's shape first; throws InputError naming the tensor if anything disagrees or the
    /// data do not decode.
    std::vector<std::uint8_t> nzBytes(const StoredTensor& tensor) const;
    /// Throws InputError unless `nz` hashes to the tensor's nz_xxh3_64 (for a passthrough
    /// tensor: its bytes to xxh3_64, when recorded).
    void checkChecksum(const StoredTensor& tensor, const std::vector<std::uint8_t>& bytes) const;
    /// The weight's ND bytes from its Nz bytes: row-major, original shape, turned back if it
    /// was transposed.
    std::vector<std::uint8_t> fromNz(const StoredTensor& tensor,
                                     const std::vector<std::uint8_t>& nz) const;
    /// The tensor as the checkpoint held it (original dtype and shape), after checking its
    /// checksum. With pseudo-sparse, the sparsified weight.
    std::vector<std::uint8_t> restore(const StoredTensor& tensor) const;

private:
    OutputReader(h5::File file, std::string path);
    void readRoot();
    void readTensors();
    StoredTensor readWeightTensor(const std::string& link) const;
    StoredTensor readPassthroughTensor(const std::string& link) const;
    std::vector<std::uint8_t> readDataset(const StoredTensor& tensor,
                                          const std::string& path) const;

    h5::File file_;
    std::string path_;
    OutputRoot root_;
    std::vector<StoredTensor> tensors_;
};

/// Hex digits of an xxh3-64 (seed 0) of `bytes`, as the nz_xxh3_64 attribute spells it.
std::string xxh3Hex(const std::vector<std::uint8_t>& bytes);

} // namespace nzc::app
