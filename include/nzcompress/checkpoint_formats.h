// The header parsers of each checkpoint format, working on bytes already in memory. They are
// what Checkpoint::open runs on each file, exposed so that tests and fuzz targets can drive
// them without touching the file system. Each throws nzc::InputError naming `file` (and the
// tensor, where there is one) on any malformed input, and nothing else for bad input.
#pragma once

#include "nzcompress/checkpoint.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nzc::checkpoint {

/// Largest safetensors JSON header accepted (the reference implementation's limit).
inline constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;
/// Largest npy header accepted (numpy writes a few hundred bytes; this leaves ample room).
inline constexpr std::uint64_t kMaxNpyHeaderBytes = 1 << 20;

/// A parsed safetensors header. Tensor offsets are relative to the start of the data area
/// (the byte after the JSON header); tensors are sorted by offset, i.e. in file order.
struct SafetensorsHeader {
    std::vector<TensorInfo> tensors;
    std::map<std::string, std::string, std::less<>> metadata; ///< `__metadata__`
};

/// Validates the JSON header of a safetensors file whose data area holds `dataBytes` bytes:
/// known dtypes, overflow-checked sizes, offsets that tile [0, dataBytes) exactly, no
/// duplicate names. Sets TensorInfo::file to `file`.
SafetensorsHeader parseSafetensorsHeader(std::string_view json, std::uint64_t dataBytes,
                                         const std::string& file);

/// Reads the 8-byte little-endian header length of a safetensors file of `fileSize` bytes and
/// checks it against the file and kMaxSafetensorsHeaderBytes. `prefix` holds the file's
/// first bytes (at least 8 unless the file is shorter).
std::uint64_t safetensorsHeaderLength(std::span<const std::uint8_t> prefix, std::uint64_t fileSize,
                                      const std::string& file);

/// A parsed `*.safetensors.index.json`.
struct ShardIndex {
    std::map<std::string, std::string, std::less<>> weightMap; ///< tensor -> shard (relative)
    std::optional<std::uint64_t> totalSize;                    ///< `metadata.total_size`
};

/// Validates an index: a JSON object with an object `weight_map` of string values that are
/// relative paths without `..` components. Containment on disk is checked when opening.
ShardIndex parseShardIndex(std::string_view json, const std::string& file);

/// A parsed npy header. `dataOffset` is where the array data starts (header included).
struct NpyHeader {
    DType dtype = DType::U8;
    std::vector<std::uint64_t> shape;
    bool fortranOrder = false;
    std::uint64_t dataOffset = 0;
    std::uint64_t bytes = 0; ///< elements * itemSize, overflow-checked
};

/// Reads magic, version and header length from the first bytes of an npy file (at least 12
/// unless the file is shorter) and returns the total header size (the data offset).
std::uint64_t npyHeaderSize(std::span<const std::uint8_t> prefix, const std::string& file);

/// Parses a complete npy header (the file's first npyHeaderSize() bytes; more is ignored).
/// The dict is parsed as a Python literal, never evaluated; object and big-endian dtypes and
/// Fortran order (unless at most one dimension exceeds 1) are refused with the reason.
NpyHeader parseNpyHeader(std::span<const std::uint8_t> header, const std::string& file);

/// Validates a quant description held in memory (see loadQuantDescription).
QuantDescription parseQuantDescription(std::string_view json, const std::string& file);

} // namespace nzc::checkpoint
