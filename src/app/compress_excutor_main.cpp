// compress_excutor: a drop-in for msModelSlim's compress_graph/build/compress_excutor, which
// msModelSlim starts once per weight. Same 11 positional arguments, same files:
//
//   compress_excutor dimK dimN isTight k_value n_value compressType isTiling inW outW idx info
//
// inW holds the weight in Nz layout (dimK, dimN, 16, 32) int8; outW receives the compressed
// bytes, idx the index (8 B per 8x8-block tile), info three little-endian uint32: tiling_n,
// tiling_k (both 8) and the compressed length, which is what msModelSlim reads back
// (`tiling_n, tiling_k, compress_length = compress_info[:3]`). Unlike the vendor tool, which
// prints a message and carries on, every failure stops with one line on stderr and an exit
// code from the CLI contract (2 usage, 3 invalid input, 4 I/O).
#include "binary_files.h"

#include <nzcompress/errors.h>
#include <nzcompress/layout.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <iostream>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace layout = nzc::layout;

constexpr std::string_view kProgram = "compress_excutor";
constexpr int kArguments = 11;
constexpr std::array<std::string_view, 7> kNumberNames = {
    "dimK", "dimN", "isTight", "k_value", "n_value", "compressType", "isTiling"};

void printUsage(std::ostream& out) {
    out << "usage: " << kProgram
        << " dimK dimN isTight k_value n_value compressType isTiling inW outW idx info\n\n"
           "Compresses one weight in Nz layout (dimK x dimN blocks of 16 x 32 int8, as\n"
           "msModelSlim writes it) into the Ascend W8A8SC / W16A16SC format, tiled 8x8.\n"
           "  isTight       must be 1 (the 8-byte index msModelSlim uses)\n"
           "  k_value n_value  must be 1 (what msModelSlim passes)\n"
           "  compressType  0 low-sparse (W8A8S), 1 high-sparse (W16A16S)\n"
           "  isTiling      0 or 1; the output is tiled 8x8 either way, as the vendor tool's is\n"
           "  inW           input, dimK*dimN*512 bytes\n"
           "  outW idx      output: compressed bytes, index (8 bytes per tile)\n"
           "  info          output: three uint32 (tiling_n = 8, tiling_k = 8, compressed "
           "length)\n\n"
           "exit codes: 0 success, 1 internal error, 2 usage error, 3 invalid input, 4 I/O error\n";
}

std::int64_t parseNumber(std::string_view text, std::size_t position) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        throw nzc::UsageError("argument " + std::to_string(position + 1) + " (" +
                              std::string(kNumberNames[position]) + ") '" + std::string(text) +
                              "' is not an integer");
    return value;
}

void requireValue(std::string_view name, std::int64_t value, bool ok, const std::string& what) {
    if (!ok)
        throw nzc::UsageError(std::string(name) + " = " + std::to_string(value) + ": " + what);
}

void appendLittleEndian32(std::vector<std::uint8_t>& out, std::uint64_t value) {
    for (int shift = 0; shift < 32; shift += 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

int run(int argc, char** argv) {
    if (argc != kArguments + 1)
        throw nzc::UsageError("expected " + std::to_string(kArguments) +
                              " arguments (dimK dimN isTight k_value n_value compressType "
                              "isTiling inW outW idx info), got " +
                              std::to_string(argc - 1) + " (see --help)");
    std::array<std::int64_t, kNumberNames.size()> numbers{};
    for (std::size_t i = 0; i < numbers.size(); ++i)
        numbers[i] = parseNumber(argv[i + 1], i);
    const auto [dimK, dimN, isTight, kValue, nValue, compressType, isTiling] = numbers;
    // Bound the block counts so that dimK*dimN*512 cannot overflow (the vendor tool caps each
    // dimension at 50000 blocks).
    constexpr std::int64_t kMaxBlocks = std::int64_t{1} << 24;
    requireValue("dimK", dimK, dimK > 0 && dimK <= kMaxBlocks, "must be between 1 and 2^24");
    requireValue("dimN", dimN, dimN > 0 && dimN <= kMaxBlocks, "must be between 1 and 2^24");
    requireValue("isTight", isTight, isTight == 1,
                 "only the tight index (1, what msModelSlim passes) is supported");
    requireValue("k_value", kValue, kValue == 1, "only 1 (what msModelSlim passes) is supported");
    requireValue("n_value", nValue, nValue == 1, "only 1 (what msModelSlim passes) is supported");
    requireValue("compressType", compressType, compressType == 0 || compressType == 1,
                 "must be 0 (low-sparse) or 1 (high-sparse)");
    requireValue("isTiling", isTiling, isTiling == 0 || isTiling == 1, "must be 0 or 1");
    const std::string inPath = argv[8];
    const std::string weightPath = argv[9];
    const std::string indexPath = argv[10];
    const std::string infoPath = argv[11];

    // A Nz weight of dimK x dimN blocks is the byte matrix [dimN*16, dimK*32] without padding.
    const layout::ByteShape shape{static_cast<std::size_t>(dimN) * layout::kBlockRows,
                                  static_cast<std::size_t>(dimK) * layout::kBlockCols};
    const std::vector<std::uint8_t> nz = nzc::app::readBinaryFile(inPath);
    if (nz.size() != shape.bytes())
        throw nzc::InputError(inPath, "",
                              "holds " + std::to_string(nz.size()) + " bytes, dimK*dimN*512 = " +
                                  std::to_string(shape.bytes()) + " expected");

    const layout::CompressedWeight result =
        layout::compressNzWeight(nz, shape, static_cast<nzc::codec::CompressType>(compressType));
    if (result.weight.size() > std::numeric_limits<std::uint32_t>::max())
        throw nzc::InputError(inPath, "",
                              "compressed length " + std::to_string(result.weight.size()) +
                                  " does not fit the uint32 of the info file");
    std::vector<std::uint8_t> info;
    appendLittleEndian32(info, layout::kTileBlocks); // tiling_n
    appendLittleEndian32(info, layout::kTileBlocks); // tiling_k
    appendLittleEndian32(info, result.weight.size());

    nzc::app::writeBinaryFile(weightPath, result.weight, true);
    nzc::app::writeBinaryFile(indexPath, result.index, true);
    nzc::app::writeBinaryFile(infoPath, info, true);
    return 0;
}

int fail(nzc::ExitCode code, const std::string& line) {
    std::cerr << kProgram << ": error: " << line << std::endl;
    return static_cast<int>(code);
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
        printUsage(std::cout);
        return 0;
    }
    try {
        return run(argc, argv);
    } catch (const nzc::Error& error) {
        return fail(error.code(), error.what());
    } catch (const std::bad_alloc&) {
        return fail(nzc::ExitCode::Io, "out of memory");
    } catch (const std::exception& error) {
        return fail(nzc::ExitCode::Internal, std::string("internal error: ") + error.what());
    }
}
