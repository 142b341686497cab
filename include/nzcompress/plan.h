// The compress plan: which tensor gets which treatment (selection rules, --disable-layers,
// --compress-type), validated before anything is written, then partitioned over ranks
// (balanced by bytes, deterministic) and cut into rounds bounded by the memory budget.
// Rank 0 makes it from the checkpoint's tensor table and broadcasts it serialized. Local
// (no MPI, no HDF5).
#pragma once

#include <nzcompress/checkpoint.h>
#include <nzcompress/codec.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nzc::plan {

/// What the run does with a tensor.
enum class Action {
    Compress,    ///< Nz, tiles, codec -> /weight, /index, /info
    Disable,     ///< selected for compression but listed in --disable-layers: raw Nz bytes
    Passthrough, ///< copied unchanged to /passthrough
};
std::string_view actionName(Action action);

/// --compress-type.
enum class CompressChoice { Auto, Low, High };
/// Parses "auto", "low", "high"; throws UsageError otherwise.
CompressChoice parseCompressChoice(std::string_view text);

/// The options that decide the plan (and, recorded in the output, make a resume valid).
struct Options {
    std::optional<checkpoint::QuantDescription> description;
    std::vector<std::string> disableLayers; ///< tensor names, or layer names without ".weight"
    CompressChoice compressType = CompressChoice::Auto;
    bool transpose = false;
    bool pseudoSparse = false;
    double sparseRatio = 1.0;
    std::uint64_t seed = 0;
    std::uint64_t memoryBudget = std::uint64_t{2} << 30; ///< per rank, bytes
};

/// One tensor's entry.
struct TensorPlan {
    checkpoint::TensorInfo tensor;
    Action action = Action::Passthrough;
    codec::CompressType type = codec::CompressType::Low; ///< for Compress and Disable
    std::string reason;                                  ///< why this action (shown by --dry-run)
    std::uint64_t workBytes = 0; ///< bytes held in memory while processing it
    int rank = 0;                ///< rank that processes it
    int round = 0;               ///< round (of that rank) in which it is processed
};

/// The whole plan. `tensors` keeps the checkpoint's order.
struct Plan {
    std::vector<TensorPlan> tensors;
    int ranks = 1;
    int rounds = 0; ///< the number of rounds every rank takes part in (max over ranks)
};

/// Applies the selection rules to every tensor and validates the result: a compressed
/// tensor must be 2-D with non-zero dimensions and 1- or 2-byte elements (I8 for W8A8S, F16
/// or BF16 for W16A16S), every --disable-layers name must name a tensor selected for
/// compression. Throws UsageError (bad option values, unknown --disable-layers name) or
/// InputError (a selected tensor the format cannot hold). Partitions with partitionTensors.
Plan makePlan(const std::vector<checkpoint::TensorInfo>& tensors, const Options& options,
              int ranks);

/// Assigns tensors to ranks: largest cost (costOf) first, each to the rank with the least cost
/// so far; ties broken by name, then by lower rank. Then cuts each rank's
/// tensors (in checkpoint order) into rounds whose workBytes stay within the budget (a
/// tensor larger than the budget gets a round of its own). Sets rank, round and plan.rounds.
void partitionTensors(Plan& plan, std::uint64_t memoryBudget);

/// The work of a tensor for balancing: its checkpoint bytes, weighted by how much slower than
/// a copy its action is (x8 compress, x2 disabled, x1 passthrough).
std::uint64_t costOf(const TensorPlan& entry);

/// Bytes held while processing a tensor with this action (input, Nz copy, output).
std::uint64_t workBytesOf(const checkpoint::TensorInfo& tensor, Action action);

/// Serialized form for the broadcast, and back (throws std::invalid_argument if malformed).
std::vector<std::uint8_t> serialize(const Plan& plan);
Plan deserialize(std::span<const std::uint8_t> bytes);

/// The --dry-run table: one line per tensor (name, dtype, shape, action, rank, round, bytes)
/// and a summary.
std::string renderPlan(const Plan& plan);

/// Splits "a,b, c" into names (empty items dropped).
std::vector<std::string> splitLayerList(std::string_view text);
/// Reads --disable-layers-file: one name per line (commas allowed too), '#' starts a comment.
/// Throws IoError if the file cannot be read.
std::vector<std::string> readLayerFile(const std::string& path);

} // namespace nzc::plan
