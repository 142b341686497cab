// The output file's layout (docs/OUTPUT_FORMAT.md) as the compress pipeline builds it: root
// attributes, one dataset per tensor and kind, per-tensor attributes, the done markers that
// --resume trusts, and the serial finishing step (the /report table, complete = 1, rename).
// Functions taking a parallel h5::File are *collective* unless marked otherwise.
#pragma once

#include "data_writer.h"
#include "tensor_job.h"

#include <nzcompress/h5.h>
#include <nzcompress/plan.h>
#include <nzcompress/report.h>

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace nzc::app {

/// What every rank must know about one tensor's output to create its datasets collectively.
struct OutputMeta {
    std::size_t planIndex = 0;
    int rank = 0;
    std::uint64_t weightBytes = 0;
    std::uint64_t indexBytes = 0;
    std::array<std::int64_t, 5> info{};
    std::array<std::int64_t, 4> nzShape{};
    std::uint64_t nzChecksum = 0;
    double seconds = 0;
};

/// The record of an output (local).
OutputMeta metaOf(const TensorOutput& output, int rank);
/// Records for the allgather, and back (local; throws std::invalid_argument if malformed).
std::vector<std::uint8_t> serializeMetas(std::span<const OutputMeta> metas);
std::vector<OutputMeta> deserializeMetas(std::span<const std::uint8_t> bytes);

/// Link paths of a tensor's datasets (names escaped with h5::escapeName). Local.
std::string weightPath(const std::string& name);
std::string indexPath(const std::string& name);
std::string infoPath(const std::string& name);
std::string passthroughPath(const std::string& name);
/// The dataset holding the done marker of an entry (/weight/... or /passthrough/...). Local.
std::string markerPath(const plan::TensorPlan& entry);

/// Groups and root attributes of a new file (complete = 0). *Collective*.
void initializeOutput(h5::File& file, const std::string& config, const std::string& inputs);
/// Throws UsageError naming the first difference unless the partial file was written with
/// the same config and inputs. *Collective*.
void checkResumable(const h5::File& file, const std::string& config, const std::string& inputs);
/// Which plan entries are done (marker present). *Collective*.
std::vector<bool> findDone(const h5::File& file, const plan::Plan& plan);
/// Checks the data of the done entries that `plan` gives to `myRank`: a compressed weight is
/// decoded and its Nz bytes hashed, a disabled layer's Nz bytes are hashed, and the hash
/// compared with nz_xxh3_64; a passthrough copy (no checksum is recorded for it) is compared
/// with the checkpoint's bytes. Sizes and shapes are checked too. Returns the plan indices (of
/// this rank) that failed, with the first reason in `firstReason`; read and decode errors
/// count as failures. Opens and reads attributes of every done entry on every rank (metadata
/// reads are collective), reads data of its own only. *Collective*.
std::vector<std::size_t> findDamaged(const h5::File& file, const plan::Plan& plan,
                                     const std::vector<bool>& done,
                                     const checkpoint::Checkpoint& checkpoint, int myRank,
                                     std::string& firstReason);
/// Deletes the datasets of entries that are not done (left by an interrupted run).
/// *Collective*.
void removeUnfinished(h5::File& file, const plan::Plan& plan, const std::vector<bool>& done);

/// The datasets of one round, open from their creation to their close. The data are not
/// written through HDF5: each rank writes its own bytes at the datasets' places in the file
/// (pieces(), then a DataWriter), so that the writes can run while the next round is
/// computed and can bypass the page cache.
class RoundOutput {
public:
    /// Creates the datasets and attributes of `metas` (every rank passes the same list).
    /// *Collective*; only metadata, the same calls on every rank.
    RoundOutput(h5::File& file, const plan::Plan& plan, std::span<const OutputMeta> metas,
                const JobSettings& settings);
    /// Where in the file the bytes of this rank's `outputs` go (they must outlive the
    /// pieces). Throws IoError if a dataset has no place of its own in the file. Local.
    std::vector<DataWriter::Piece> pieces(std::span<const TensorOutput> outputs) const;
    /// Closes the datasets. *Collective*: call it on every rank, also after pieces() failed.
    void close();

private:
    std::string file_;
    std::vector<h5::Dataset> datasets_;
    std::map<std::size_t, std::vector<std::size_t>> datasetsOf_; ///< plan index -> datasets
};
/// Sets the done marker of every entry of `metas`, after their data were flushed.
/// *Collective*.
void markDone(h5::File& file, const plan::Plan& plan, std::span<const OutputMeta> metas);

/// Rank 0, after every rank closed the parallel file: adds stats for entries done by an
/// earlier run (read from the file), writes /report, sets complete = 1, closes and syncs the
/// file, renames `partial` to `output` and syncs the folder. Returns the full stats by name.
/// Local.
std::vector<report::TensorStats> finishOutput(const std::string& partial, const std::string& output,
                                              const plan::Plan& plan,
                                              std::vector<report::TensorStats> stats);

} // namespace nzc::app
