// Sharded safetensors: `*.safetensors.index.json` maps each tensor to a shard file next to it.
// The index is untrusted: its shard paths must resolve inside the index's folder, and every
// tensor it maps must be where it says.
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"
#include "posix_file.h"
#include "readers.h"
#include "strict_json.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <unordered_set>

namespace nzc::checkpoint {
namespace fs = std::filesystem;

namespace {

using Json = nlohmann::json;

// Lexical checks that need no file system: a relative path that never climbs.
void checkShardPath(const std::string& tensor, const std::string& shard, const std::string& file) {
    if (shard.empty())
        throw InputError(file, tensor, "weight_map names an empty shard path");
    if (shard.find('\0') != std::string::npos)
        throw InputError(file, tensor, "weight_map shard path contains a NUL byte");
    const fs::path path(shard);
    if (path.is_absolute() || path.has_root_name() || path.has_root_directory())
        throw InputError(file, tensor,
                         "weight_map shard '" + shard + "' is an absolute path; shards must be " +
                             "relative to the index folder");
    for (const auto& part : path)
        if (part == "..")
            throw InputError(file, tensor,
                             "weight_map shard '" + shard + "' climbs out of the index folder");
}

bool isInside(const fs::path& child, const fs::path& folder) {
    auto c = child.begin();
    for (auto f = folder.begin(); f != folder.end(); ++f, ++c) {
        if (f->empty()) // trailing separator
            continue;
        if (c == child.end() || *c != *f)
            return false;
    }
    return true;
}

} // namespace

ShardIndex parseShardIndex(std::string_view json, const std::string& file) {
    const Json root = parseStrictJson(json, file, "index");
    if (!root.is_object())
        throw InputError(file, "", "index is not a JSON object");
    auto mapIt = root.find("weight_map");
    if (mapIt == root.end())
        throw InputError(file, "", "index has no weight_map");
    if (!mapIt->is_object())
        throw InputError(file, "", "weight_map is not an object");
    if (mapIt->empty())
        throw InputError(file, "", "weight_map is empty");

    ShardIndex index;
    for (const auto& [tensor, shard] : mapIt->items()) {
        if (!shard.is_string())
            throw InputError(file, tensor, "weight_map value is not a file name");
        const auto& shardPath = shard.get_ref<const std::string&>();
        checkShardPath(tensor, shardPath, file);
        index.weightMap.emplace(tensor, shardPath);
    }

    auto metaIt = root.find("metadata");
    if (metaIt != root.end() && metaIt->is_object()) {
        auto totalIt = metaIt->find("total_size");
        if (totalIt != metaIt->end()) {
            if (!totalIt->is_number_unsigned())
                throw InputError(file, "", "metadata.total_size is not a non-negative integer");
            index.totalSize = totalIt->get<std::uint64_t>();
        }
    }
    return index;
}

std::vector<TensorInfo> readShardedCheckpoint(const std::string& indexPath) {
    const ShardIndex index =
        parseShardIndex(readSmallFile(indexPath, kMaxSafetensorsHeaderBytes), indexPath);
    const fs::path folder = fs::path(indexPath).parent_path();
    std::error_code ec;
    const fs::path realFolder = fs::weakly_canonical(folder.empty() ? fs::path(".") : folder, ec);
    if (ec)
        throw IoError(folder.string(), "cannot resolve folder: " + ec.message());

    // Shard -> the tensors the index puts in it; shards are read in name order.
    std::map<std::string, std::vector<std::string>> shards;
    for (const auto& [tensor, shard] : index.weightMap)
        shards[shard].push_back(tensor);

    std::vector<TensorInfo> tensors;
    std::uint64_t totalBytes = 0;
    for (const auto& [shard, mappedTensors] : shards) {
        const fs::path relative(shard);
        // The shard file itself may be a symlink (the Hugging Face cache links snapshots to
        // blobs), but the folders on its path must resolve inside the index folder.
        const fs::path realParent = fs::weakly_canonical(realFolder / relative.parent_path(), ec);
        if (ec || !isInside(realParent, realFolder))
            throw InputError(indexPath, "",
                             "weight_map shard '" + shard + "' resolves outside the index folder");
        const std::string shardPath = (folder / relative).string();
        if (!fs::exists(shardPath, ec))
            throw InputError(indexPath, "",
                             "weight_map shard '" + shard + "' does not exist next to the index");

        auto shardTensors = readSafetensorsFile(shardPath);
        std::unordered_set<std::string> present;
        for (const auto& t : shardTensors)
            present.insert(t.name);
        std::size_t unmapped = 0;
        for (const auto& t : shardTensors) {
            auto it = index.weightMap.find(t.name);
            if (it == index.weightMap.end())
                ++unmapped;
            totalBytes += t.bytes;
        }
        if (unmapped > 0)
            spdlog::warn("{}: {} tensor(s) of shard '{}' are not in weight_map; reading them "
                         "anyway",
                         indexPath, unmapped, shard);
        for (auto& t : shardTensors)
            tensors.push_back(std::move(t));
        for (const auto& tensor : mappedTensors)
            if (!present.contains(tensor))
                throw InputError(indexPath, tensor,
                                 "weight_map puts it in '" + shard + "', which has no such tensor");
    }
    if (index.totalSize && *index.totalSize != totalBytes)
        spdlog::warn("{}: metadata.total_size is {} but the shards hold {} bytes of tensors",
                     indexPath, *index.totalSize, totalBytes);
    return tensors;
}

} // namespace nzc::checkpoint
