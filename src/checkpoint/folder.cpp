// A folder input: its `*.safetensors.index.json` if it has one, otherwise every .safetensors
// file in it, otherwise every .npy file in it (one tensor per file), in name order.
#include "nzcompress/errors.h"
#include "posix_file.h"
#include "readers.h"

#include <algorithm>
#include <filesystem>

namespace nzc::checkpoint {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> filesEndingWith(const std::vector<fs::path>& files,
                                         std::string_view suffix) {
    std::vector<std::string> out;
    for (const auto& f : files) {
        const std::string name = f.filename().string();
        if (name.size() > suffix.size() && name.ends_with(suffix))
            out.push_back(f.string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

std::vector<TensorInfo> readFolder(const std::string& path) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeError;
        if (it->is_regular_file(typeError))
            files.push_back(it->path());
    }
    if (ec)
        throw IoError(path, "cannot list folder: " + ec.message());

    const auto indexes = filesEndingWith(files, ".safetensors.index.json");
    if (indexes.size() > 1)
        throw InputError(path, "",
                         "folder holds " + std::to_string(indexes.size()) +
                             " *.safetensors.index.json files; pass the index to use as --input");
    if (indexes.size() == 1)
        return readShardedCheckpoint(indexes.front());

    auto inputs = filesEndingWith(files, ".safetensors");
    using Reader = std::vector<TensorInfo> (*)(const std::string&);
    Reader reader = readSafetensorsFile;
    if (inputs.empty()) {
        inputs = filesEndingWith(files, ".npy");
        reader = readNpyFile;
    }
    if (inputs.empty())
        throw InputError(path, "", "folder holds no .safetensors, index or .npy files");
    std::vector<TensorInfo> tensors;
    for (const auto& input : inputs) {
        auto more = reader(input);
        std::move(more.begin(), more.end(), std::back_inserter(tensors));
    }
    return tensors;
}

std::string readSmallFile(const std::string& path, std::uint64_t maxBytes) {
    PosixFile file(path);
    if (file.size() > maxBytes)
        throw InputError(path, "",
                         "file is " + std::to_string(file.size()) + " bytes, over the limit of " +
                             std::to_string(maxBytes));
    std::string text(static_cast<std::size_t>(file.size()), '\0');
    file.readExact(0, {reinterpret_cast<std::uint8_t*>(text.data()), text.size()});
    return text;
}

} // namespace nzc::checkpoint
