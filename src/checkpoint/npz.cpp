// npz: a zip of .npy members, as np.savez (stored) and np.savez_compressed (deflated) write
// it. Each member's npy header is checked like a standalone file. Stored members are located
// inside the zip so that reads are plain preads; deflated members are inflated on read.
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"
#include "posix_file.h"
#include "readers.h"
#include "zip_archive.h"
#include "zip_directory.h"

#include <algorithm>
#include <array>
#include <vector>

namespace nzc::checkpoint {
namespace {

constexpr std::string_view kNpySuffix = ".npy";

struct MemberHeader {
    NpyHeader npy;
    std::vector<std::uint8_t> bytes; ///< the raw header, to cross-check a stored member
};

MemberHeader readMemberHeader(const ZipArchive& archive, zip_uint64_t index,
                              std::uint64_t memberSize, const std::string& label) {
    ZipMemberStream stream(archive, index, label);
    std::array<std::uint8_t, 12> prefix{};
    const auto prefixBytes = static_cast<std::size_t>(std::min<std::uint64_t>(12, memberSize));
    stream.readExact({prefix.data(), prefixBytes});
    const std::uint64_t headerSize = npyHeaderSize({prefix.data(), prefixBytes}, label);
    if (headerSize > memberSize)
        throw InputError(label, "",
                         "npy header of " + std::to_string(headerSize) +
                             " bytes runs past the end of the member (" +
                             std::to_string(memberSize) + " bytes)");
    MemberHeader header;
    header.bytes.resize(static_cast<std::size_t>(headerSize));
    std::copy_n(prefix.begin(), prefixBytes, header.bytes.begin());
    stream.readExact({header.bytes.data() + prefixBytes, header.bytes.size() - prefixBytes});
    header.npy = parseNpyHeader(header.bytes, label);
    if (memberSize - header.npy.dataOffset != header.npy.bytes)
        throw InputError(label, "",
                         "npy data holds " + std::to_string(memberSize - header.npy.dataOffset) +
                             " bytes but dtype and shape need " + std::to_string(header.npy.bytes));
    return header;
}

// Where a stored member's npy data starts in the zip file, if the local header agrees with
// what libzip read; nullopt sends reads through libzip instead, which is always correct.
std::optional<std::uint64_t> storedDataOffset(const PosixFile& file,
                                              const std::map<std::string, std::uint64_t>& local,
                                              const std::string& name, std::uint64_t memberSize,
                                              const MemberHeader& header) {
    auto it = local.find(name);
    if (it == local.end())
        return std::nullopt;
    auto start = zipMemberDataOffset(file, it->second, name);
    if (!start || memberSize > file.size() - *start)
        return std::nullopt;
    std::vector<std::uint8_t> check(header.bytes.size());
    file.readExact(*start, check);
    if (check != header.bytes)
        return std::nullopt;
    return *start + header.npy.dataOffset;
}

} // namespace

std::vector<TensorInfo> readNpzFile(const std::string& path) {
    ZipArchive archive(path);
    PosixFile file(path);
    const auto local = zipLocalHeaderOffsets(file);

    const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
    std::vector<TensorInfo> tensors;
    for (zip_int64_t i = 0; i < count; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(archive.get(), index, ZIP_FL_ENC_RAW, &st) != 0)
            throw InputError(path, "", "cannot read the entry of member " + std::to_string(i));
        constexpr zip_uint64_t kNeeded =
            ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
        if ((st.valid & kNeeded) != kNeeded)
            throw InputError(path, "", "member " + std::to_string(i) + " lacks name or sizes");
        const std::string name = st.name;
        if (!name.empty() && name.back() == '/')
            continue; // a directory entry holds no data
        const std::string label = path + ":" + name;
        if (name.size() <= kNpySuffix.size() || !name.ends_with(kNpySuffix))
            throw InputError(label, "", "npz member is not a .npy file");
        if (st.encryption_method != ZIP_EM_NONE)
            throw InputError(label, "", "npz member is encrypted");
        if (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
            throw InputError(label, "",
                             "npz member uses zip compression method " +
                                 std::to_string(st.comp_method) +
                                 "; only stored and deflated members are supported");

        const MemberHeader header = readMemberHeader(archive, index, st.size, label);
        TensorInfo info;
        info.name = name.substr(0, name.size() - kNpySuffix.size());
        info.dtype = header.npy.dtype;
        info.shape = header.npy.shape;
        info.file = path;
        info.bytes = header.npy.bytes;
        std::optional<std::uint64_t> direct;
        if (st.comp_method == ZIP_CM_STORE)
            direct = storedDataOffset(file, local, name, st.size, header);
        if (direct) {
            info.offset = *direct;
        } else {
            info.member = name;
            info.offset = header.npy.dataOffset;
        }
        tensors.push_back(std::move(info));
    }
    return tensors;
}

} // namespace nzc::checkpoint
