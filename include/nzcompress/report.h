// Per-tensor figures of a compress run, how they travel to rank 0 and how they are shown:
// msModelSlim's --debug table, its final ratio line, and JSON. Local (no MPI, no HDF5): the
// caller gathers the serialized records.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nzc::report {

/// What happened to a tensor.
enum class Kind { Compressed, Disabled, Passthrough };

/// "compressed", "disabled", "passthrough".
std::string_view kindName(Kind kind);
/// The inverse of kindName; throws std::invalid_argument for another word.
Kind parseKind(std::string_view name);

/// The figures of one tensor.
struct TensorStats {
    std::string name;
    int rank = -1; ///< rank that processed it (-1: done by an earlier run)
    Kind kind = Kind::Passthrough;
    std::uint64_t originalBytes = 0;    ///< bytes in the checkpoint
    std::uint64_t originalElements = 0; ///< elements in the checkpoint
    std::uint64_t storedBytes = 0;      ///< weight + index bytes (or the copy) in the output
    double seconds = 0;                 ///< read to written, on its rank

    /// stored bytes / original elements, as msModelSlim prints it (0 for an empty tensor).
    double ratio() const noexcept;
    friend bool operator==(const TensorStats&, const TensorStats&) = default;
};

/// Totals over the tensors msModelSlim counts: compressed and disabled ones.
struct Summary {
    std::uint64_t tensors = 0;
    std::uint64_t originalElements = 0;
    std::uint64_t originalBytes = 0;
    std::uint64_t storedBytes = 0;
    double ratio() const noexcept; ///< storedBytes / originalElements
};

/// Sums the compressed and disabled tensors (passthrough ones are not weights to compress).
Summary summarize(std::span<const TensorStats> stats);

/// Bytes for gathering records from ranks (CBOR), and back. deserialize throws
/// std::invalid_argument on malformed bytes.
std::vector<std::uint8_t> serialize(std::span<const TensorStats> stats);
std::vector<TensorStats> deserialize(std::span<const std::uint8_t> bytes);

/// Stats ordered by name, the order every report uses, so that reports do not depend on
/// the number of ranks.
void sortByName(std::vector<TensorStats>& stats);

/// msModelSlim's --debug output: one line "[i/N] name ratio" per compressed or disabled tensor
/// (i from 1), in the given order.
std::string debugTable(std::span<const TensorStats> stats);
/// "The final compression ratio is R (from A to B)": R = B / A, A = original elements,
/// B = stored bytes of the compressed and disabled tensors.
std::string finalRatioLine(const Summary& summary);

/// {"tensors": [...], "summary": {...}} with every field of TensorStats plus "ratio".
nlohmann::json toJson(std::span<const TensorStats> stats);

} // namespace nzc::report
