// Checkpoint: dispatch of each input to its reader, the merged table, and tensor reads with
// cached file handles. Reads depend only on the TensorInfo passed in, so a table rebuilt on
// another rank reads the same bytes.
#include "nzcompress/checkpoint.h"
#include "nzcompress/errors.h"
#include "posix_file.h"
#include "readers.h"
#include "zip_archive.h"

#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace nzc::checkpoint {
namespace fs = std::filesystem;

namespace {

// Enough for any one rank's working set; far below the usual 1024 descriptor limit even for a
// checkpoint with thousands of shards.
constexpr std::size_t kMaxCachedFiles = 128;

std::vector<TensorInfo> readInput(const std::string& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        throw IoError(path, "cannot open: " +
                                (ec ? ec.message() : std::string("No such file or directory")));
    if (fs::is_directory(status))
        return readFolder(path);
    const std::string name = fs::path(path).filename().string();
    if (name.ends_with(".index.json"))
        return readShardedCheckpoint(path);
    if (name.ends_with(".safetensors"))
        return readSafetensorsFile(path);
    if (name.ends_with(".npy"))
        return readNpyFile(path);
    if (name.ends_with(".npz"))
        return readNpzFile(path);
    throw InputError(path, "",
                     "unrecognised input: expected .safetensors, *.safetensors.index.json, .npy, "
                     ".npz or a folder");
}

} // namespace

struct Checkpoint::Impl {
    std::vector<TensorInfo> tensors;
    std::map<std::string, std::size_t, std::less<>> byName;

    mutable std::mutex mutex;
    mutable std::unordered_map<std::string, std::shared_ptr<const PosixFile>> files;
    mutable std::unordered_map<std::string, std::shared_ptr<const ZipArchive>> archives;
    mutable std::mutex archiveMutex; // a libzip archive is not safe to use from two threads

    std::shared_ptr<const PosixFile> file(const std::string& path) const {
        std::lock_guard lock(mutex);
        auto it = files.find(path);
        if (it != files.end())
            return it->second;
        if (files.size() >= kMaxCachedFiles)
            files.clear(); // readers still holding a handle keep it open
        auto opened = std::make_shared<const PosixFile>(path);
        files.emplace(path, opened);
        return opened;
    }

    // The deflated member last read and how far into it the stream is, so that reading a
    // member slice by slice in order inflates it once instead of once per slice.
    mutable std::string openMemberKey;
    mutable std::unique_ptr<ZipMemberStream> openMember;
    mutable std::uint64_t openMemberPosition = 0;

    void readMember(const TensorInfo& tensor, std::uint64_t offset,
                    std::span<std::uint8_t> out) const {
        std::lock_guard lock(archiveMutex);
        const std::string label = tensor.file + ":" + tensor.member;
        const std::uint64_t target = tensor.offset + offset;
        if (!openMember || openMemberKey != label || openMemberPosition > target) {
            openMember.reset();
            auto it = archives.find(tensor.file);
            if (it == archives.end())
                it = archives.emplace(tensor.file, std::make_shared<const ZipArchive>(tensor.file))
                         .first;
            const ZipArchive& archive = *it->second;
            openMember =
                std::make_unique<ZipMemberStream>(archive, archive.locate(tensor.member), label);
            openMemberKey = label;
            openMemberPosition = 0;
        }
        try {
            openMember->skip(target - openMemberPosition);
            openMember->readExact(out);
            openMemberPosition = target + out.size();
        } catch (...) {
            openMember.reset(); // the stream position is unknown after a failure
            throw;
        }
    }
};

Checkpoint::Checkpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Checkpoint::Checkpoint(Checkpoint&&) noexcept = default;
Checkpoint& Checkpoint::operator=(Checkpoint&&) noexcept = default;
Checkpoint::~Checkpoint() = default;

Checkpoint Checkpoint::open(const std::vector<std::string>& inputs) {
    auto impl = std::make_unique<Impl>();
    for (const auto& input : inputs) {
        for (auto& tensor : readInput(input)) {
            auto [it, added] = impl->byName.emplace(tensor.name, impl->tensors.size());
            if (!added)
                throw InputError(tensor.file, tensor.name,
                                 "tensor name also used in " + impl->tensors[it->second].file);
            impl->tensors.push_back(std::move(tensor));
        }
    }
    return Checkpoint(std::move(impl));
}

const std::vector<TensorInfo>& Checkpoint::tensors() const {
    return impl_->tensors;
}

const TensorInfo* Checkpoint::find(std::string_view name) const {
    auto it = impl_->byName.find(name);
    return it == impl_->byName.end() ? nullptr : &impl_->tensors[it->second];
}

void Checkpoint::read(const TensorInfo& tensor, std::uint64_t offset,
                      std::span<std::uint8_t> out) const {
    if (offset > tensor.bytes || out.size() > tensor.bytes - offset)
        throw std::out_of_range("read of " + std::to_string(out.size()) + " bytes at " +
                                std::to_string(offset) + " past the end of tensor '" + tensor.name +
                                "' (" + std::to_string(tensor.bytes) + " bytes)");
    if (out.empty())
        return;
    if (!tensor.member.empty()) {
        impl_->readMember(tensor, offset, out);
        return;
    }
    impl_->file(tensor.file)->readExact(tensor.offset + offset, out);
}

} // namespace nzc::checkpoint
