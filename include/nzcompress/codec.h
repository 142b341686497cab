// The Ascend weight-compression codec (W8A8SC / W16A16SC), mode A: 4 engines, 2 channels,
// max ratio 64, tight index. Byte-exact with the vendor's CompressWeights; see
// docs/ASCEND_CODEC.md. Local (no MPI, no HDF5), thread-compatible, no global state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace nzc::codec {

/// 0 = low-sparse (W8A8S, int8), 1 = high-sparse (W16A16S, fp16): two dictionaries and code sets.
enum class CompressType : int { Low = 0, High = 1 };

inline constexpr std::size_t kEngines = 4;       ///< engines a fractal is dealt to
inline constexpr std::size_t kBlockBytes = 64;   ///< bytes per block dealt to one engine
inline constexpr std::size_t kFractalUnit = 512; ///< fractal sizes are multiples of this
inline constexpr std::size_t kMaxFractalSize = 32768;
inline constexpr std::size_t kIndexEntryBytes = 8; ///< index bytes per fractal
inline constexpr std::size_t kStoredUnit = 128;    ///< stored lengths/offsets count in these
inline constexpr std::size_t kEngineHeaderBytes = 40;

/// One call's configuration (the reference `CompressConfig`, mode A).
struct CodecConfig {
    std::size_t fractalSize = kMaxFractalSize; ///< bytes per fractal, multiple of 512, <= 32768
    CompressType type = CompressType::Low;
    std::uint64_t initOffset = 0; ///< compressed bytes already written before this call
};

/// A configuration or buffer size the format cannot express (checked before any work).
class CodecError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Throws CodecError unless fractalSize is a multiple of 512 in [512, 32768] and inputSize is
/// a non-zero multiple of it.
void validateConfig(std::size_t inputSize, const CodecConfig& config);

/// Upper bound of the compressed bytes of an input of this size (every fractal's stored length
/// is at most fractalSize + 128).
std::size_t maxCompressedSize(std::size_t inputSize, std::size_t fractalSize);

/// Compresses one call: appends the compressed bytes to `weight` and 8 index bytes per fractal
/// to `index`. Returns the number of compressed bytes appended (the call's compressed length).
/// Throws CodecError on a bad configuration.
std::size_t compress(std::span<const std::uint8_t> input, const CodecConfig& config,
                     std::vector<std::uint8_t>& weight, std::vector<std::uint8_t>& index);

/// Compressed data that does not decode: names the fractal (0-based within the call).
class DecodeError : public std::runtime_error {
public:
    DecodeError(std::size_t fractal, const std::string& reason)
        : std::runtime_error("fractal " + std::to_string(fractal) + ": " + reason),
          fractal_(fractal) {}
    std::size_t fractal() const noexcept { return fractal_; }

private:
    std::size_t fractal_;
};

/// Decompresses one call. `weight` holds exactly this call's compressed bytes, `index` its
/// index entries; `output.size()` is the call's input size. Reads and writes only inside the
/// three spans; any inconsistency throws DecodeError naming the fractal (CodecError for a bad
/// configuration).
void decompress(std::span<const std::uint8_t> weight, std::span<const std::uint8_t> index,
                const CodecConfig& config, std::span<std::uint8_t> output);

} // namespace nzc::codec
