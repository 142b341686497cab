#include "zip_archive.h"

#include "nzcompress/errors.h"

#include <algorithm>
#include <array>
#include <utility>

namespace nzc::checkpoint {
namespace {

std::string zipErrorText(int code) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return text;
}

} // namespace

ZipArchive::ZipArchive(std::string path) : path_(std::move(path)) {
    int code = 0;
    zip_ = zip_open(path_.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!zip_) {
        const std::string text = zipErrorText(code);
        if (code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_NOENT ||
            code == ZIP_ER_MEMORY)
            throw IoError(path_, "cannot open zip: " + text);
        throw InputError(path_, "", "not a valid zip archive: " + text);
    }
}

ZipArchive::~ZipArchive() {
    if (zip_)
        zip_discard(zip_); // read-only: nothing to write back
}

zip_uint64_t ZipArchive::locate(const std::string& name) const {
    const zip_int64_t index = zip_name_locate(zip_, name.c_str(), ZIP_FL_ENC_RAW);
    if (index < 0)
        throw InputError(path_, "", "no member '" + name + "' in the archive");
    return static_cast<zip_uint64_t>(index);
}

ZipMemberStream::ZipMemberStream(const ZipArchive& archive, zip_uint64_t index, std::string label)
    : label_(std::move(label)) {
    file_ = zip_fopen_index(archive.get(), index, 0);
    if (!file_)
        throw InputError(label_, "",
                         std::string("cannot open the member: ") +
                             zip_error_strerror(zip_get_error(archive.get())));
}

ZipMemberStream::~ZipMemberStream() {
    if (file_)
        zip_fclose(file_);
}

void ZipMemberStream::readExact(std::span<std::uint8_t> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        const zip_int64_t n = zip_fread(file_, out.data() + done, out.size() - done);
        if (n < 0)
            throw InputError(label_, "",
                             std::string("cannot read the member: ") +
                                 zip_error_strerror(zip_file_get_error(file_)));
        if (n == 0)
            throw InputError(label_, "", "member ends early");
        done += static_cast<std::size_t>(n);
    }
}

void ZipMemberStream::skip(std::uint64_t n) {
    std::array<std::uint8_t, 64 * 1024> scratch{};
    while (n > 0) {
        const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(n, scratch.size()));
        readExact({scratch.data(), chunk});
        n -= chunk;
    }
}

} // namespace nzc::checkpoint
