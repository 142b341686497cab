// The per-format readers behind Checkpoint::open. Each returns the tensors of one input in
// file order, with absolute offsets, after validating everything it read.
#pragma once

#include "nzcompress/checkpoint.h"

#include <string>
#include <vector>

namespace nzc::checkpoint {

std::vector<TensorInfo> readSafetensorsFile(const std::string& path);
/// `indexPath` is a `*.safetensors.index.json`; shards are resolved next to it.
std::vector<TensorInfo> readShardedCheckpoint(const std::string& indexPath);
/// One tensor named after the file stem.
std::vector<TensorInfo> readNpyFile(const std::string& path);
/// One tensor per `.npy` member, named after the member without `.npy`.
std::vector<TensorInfo> readNpzFile(const std::string& path);
/// A folder: its index if it has one, else all its .safetensors, else all its .npy files.
std::vector<TensorInfo> readFolder(const std::string& path);

/// The whole of a small text file (an index or a description), refusing files over
/// `maxBytes`.
std::string readSmallFile(const std::string& path, std::uint64_t maxBytes);

} // namespace nzc::checkpoint
