#include "zip_directory.h"

#include "checked_math.h"
#include "nzcompress/errors.h"

#include <algorithm>
#include <vector>

namespace nzc::checkpoint {
namespace {

constexpr std::uint64_t kEocdSignature = 0x06054b50;
constexpr std::uint64_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint64_t kZip64EocdSignature = 0x06064b50;
constexpr std::uint64_t kCentralSignature = 0x02014b50;
constexpr std::uint64_t kLocalSignature = 0x04034b50;
constexpr std::uint64_t kEocdBytes = 22;
constexpr std::uint64_t kMaxComment = 0xFFFF;
constexpr std::uint64_t kMaxDirectoryBytes = 256u << 20;

std::vector<std::uint8_t> readAt(const PosixFile& file, std::uint64_t offset, std::uint64_t n) {
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(n));
    file.readExact(offset, bytes);
    return bytes;
}

struct Directory {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

std::optional<Directory> findDirectory(const PosixFile& file) {
    const std::uint64_t size = file.size();
    if (size < kEocdBytes)
        return std::nullopt;
    const std::uint64_t tailBytes = std::min<std::uint64_t>(size, kEocdBytes + kMaxComment + 20);
    const std::uint64_t tailStart = size - tailBytes;
    const auto tail = readAt(file, tailStart, tailBytes);
    for (std::uint64_t pos = tailBytes - kEocdBytes + 1; pos-- > 0;) {
        const std::uint8_t* p = tail.data() + pos;
        if (loadLe(p, 4) != kEocdSignature || pos + kEocdBytes + loadLe(p + 20, 2) != tailBytes)
            continue;
        Directory dir{loadLe(p + 16, 4), loadLe(p + 12, 4)};
        if (dir.offset == 0xFFFFFFFF || dir.size == 0xFFFFFFFF || loadLe(p + 10, 2) == 0xFFFF) {
            if (pos < 20)
                return std::nullopt;
            const std::uint8_t* locator = p - 20;
            if (loadLe(locator, 4) != kZip64LocatorSignature)
                return std::nullopt;
            const std::uint64_t eocd64 = loadLe(locator + 8, 8);
            if (eocd64 > size || size - eocd64 < 56)
                return std::nullopt;
            const auto record = readAt(file, eocd64, 56);
            if (loadLe(record.data(), 4) != kZip64EocdSignature)
                return std::nullopt;
            dir = {loadLe(record.data() + 48, 8), loadLe(record.data() + 40, 8)};
        }
        if (dir.offset > size || dir.size > size - dir.offset || dir.size > kMaxDirectoryBytes)
            return std::nullopt;
        return dir;
    }
    return std::nullopt;
}

// The zip64 extra field holds the 64-bit values whose 32-bit fields are 0xFFFFFFFF, in the
// order size, compressed size, offset.
std::optional<std::uint64_t> zip64Offset(const std::uint8_t* extra, std::size_t n, bool sizeMaxed,
                                         bool compMaxed) {
    std::size_t pos = 0;
    while (pos + 4 <= n) {
        const auto id = loadLe(extra + pos, 2);
        const auto len = static_cast<std::size_t>(loadLe(extra + pos + 2, 2));
        if (pos + 4 + len > n)
            return std::nullopt;
        if (id == 0x0001) {
            const std::size_t skip = (sizeMaxed ? 8 : 0) + (compMaxed ? 8 : 0);
            if (skip + 8 > len)
                return std::nullopt;
            return loadLe(extra + pos + 4 + skip, 8);
        }
        pos += 4 + len;
    }
    return std::nullopt;
}

} // namespace

std::map<std::string, std::uint64_t> zipLocalHeaderOffsets(const PosixFile& file) {
    std::map<std::string, std::uint64_t> offsets;
    const auto dir = findDirectory(file);
    if (!dir)
        return offsets;
    const auto bytes = readAt(file, dir->offset, dir->size);
    std::size_t pos = 0;
    while (pos + 46 <= bytes.size()) {
        const std::uint8_t* p = bytes.data() + pos;
        if (loadLe(p, 4) != kCentralSignature)
            return {};
        const auto nameLen = static_cast<std::size_t>(loadLe(p + 28, 2));
        const auto extraLen = static_cast<std::size_t>(loadLe(p + 30, 2));
        const auto commentLen = static_cast<std::size_t>(loadLe(p + 32, 2));
        if (46 + nameLen + extraLen + commentLen > bytes.size() - pos)
            return {};
        std::string name(reinterpret_cast<const char*>(p + 46), nameLen);
        std::uint64_t offset = loadLe(p + 42, 4);
        if (offset == 0xFFFFFFFF) {
            auto wide = zip64Offset(p + 46 + nameLen, extraLen, loadLe(p + 24, 4) == 0xFFFFFFFF,
                                    loadLe(p + 20, 4) == 0xFFFFFFFF);
            if (!wide)
                return {};
            offset = *wide;
        }
        if (!offsets.emplace(std::move(name), offset).second)
            return {};
        pos += 46 + nameLen + extraLen + commentLen;
    }
    return offsets;
}

std::optional<std::uint64_t> zipMemberDataOffset(const PosixFile& file, std::uint64_t headerOffset,
                                                 const std::string& name) {
    if (headerOffset > file.size() || file.size() - headerOffset < 30)
        return std::nullopt;
    const auto header = readAt(file, headerOffset, 30);
    if (loadLe(header.data(), 4) != kLocalSignature)
        return std::nullopt;
    const std::uint64_t nameLen = loadLe(header.data() + 26, 2);
    const std::uint64_t extraLen = loadLe(header.data() + 28, 2);
    const std::uint64_t dataOffset = headerOffset + 30 + nameLen + extraLen;
    if (nameLen != name.size() || dataOffset > file.size())
        return std::nullopt;
    const auto stored = readAt(file, headerOffset + 30, nameLen);
    if (!std::equal(stored.begin(), stored.end(), name.begin()))
        return std::nullopt;
    return dataOffset;
}

} // namespace nzc::checkpoint
