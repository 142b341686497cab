// A read-only view over a checkpoint in any supported format (safetensors, sharded
// safetensors, npy, a folder of npy, npz): the tensor table without tensor data, and reads of
// one tensor's bytes. Local (no MPI, no HDF5). Nothing here ever evaluates or unpickles input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nzc::checkpoint {

/// Element types, named as safetensors names them. F8 kinds are carried as opaque bytes.
enum class DType {
    Bool,
    U8,
    I8,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
    F8_E4M3,
    F8_E5M2,
};

/// Bytes per element.
std::size_t itemSize(DType dtype);
/// The safetensors spelling ("I8", "F16", ...).
std::string_view dtypeName(DType dtype);
/// Parses a safetensors spelling; nullopt if unknown.
std::optional<DType> parseDType(std::string_view name);

/// One tensor of the table. `offset`/`bytes` locate its raw little-endian, C-order bytes
/// inside `file` (for an npz member stored deflated, see Checkpoint::read).
struct TensorInfo {
    std::string name;
    DType dtype = DType::U8;
    std::vector<std::uint64_t> shape;
    std::string file;         ///< path of the file holding the data
    std::uint64_t offset = 0; ///< absolute byte offset of the data in `file`
    std::uint64_t bytes = 0;  ///< elements * itemSize, overflow-checked
    /// Name of the npz member when the data is stored deflated; empty otherwise. When set,
    /// `offset` is the position of the data inside the inflated member, not in `file`.
    std::string member;

    std::uint64_t elements() const;
};

/// The tensors of one or more inputs. Opening parses and validates every header (throws
/// nzc::InputError for malformed input, nzc::IoError when a file cannot be read) but reads
/// no tensor data.
class Checkpoint {
public:
    /// Opens each input path (file or folder, any supported format) and merges their tables.
    /// A tensor name present in two inputs is an error.
    static Checkpoint open(const std::vector<std::string>& inputs);

    Checkpoint(Checkpoint&&) noexcept;
    Checkpoint& operator=(Checkpoint&&) noexcept;
    ~Checkpoint();

    /// Tensors in a stable order (input order, then file order).
    const std::vector<TensorInfo>& tensors() const;
    /// The tensor of that name, or nullptr.
    const TensorInfo* find(std::string_view name) const;
    /// Reads `out.size()` bytes of `tensor` starting `offset` bytes into its data (pread, or
    /// inflation for a deflated npz member). Throws IoError on a short read.
    void read(const TensorInfo& tensor, std::uint64_t offset, std::span<std::uint8_t> out) const;

private:
    struct Impl;
    explicit Checkpoint(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// A quant description (`quant_model_description*.json`): tensor name -> type
/// ("W8A8S", "W16A16S", "FLOAT", ...). Other top-level entries that are not strings
/// (for example version fields) are kept out of the map.
using QuantDescription = std::map<std::string, std::string, std::less<>>;

/// Reads and validates a quant description file (throws InputError / IoError).
QuantDescription loadQuantDescription(const std::string& path);

/// Whether a quant description key names a tensor. Keys without a '.' (for example
/// "model_quant_type" or "version") are description-wide settings, not tensors.
bool isTensorKey(std::string_view key);

/// Tensor keys of `description` that `checkpoint` does not contain, sorted. The planner turns a
/// non-empty result into an InputError naming the description file.
std::vector<std::string> missingTensors(const QuantDescription& description,
                                        const Checkpoint& checkpoint);

} // namespace nzc::checkpoint
