// Helpers that build checkpoint files in a temporary folder for the checkpoint tests.
#pragma once

#include "nzcompress/checkpoint.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nzc::checkpoint::test {

/// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

struct TestTensor {
    std::string name;
    DType dtype;
    std::vector<std::uint64_t> shape;
    std::vector<std::uint8_t> data;
};

/// A tensor with deterministic bytes (seeded by name) of the right size for dtype and shape.
TestTensor makeTensor(std::string name, DType dtype, std::vector<std::uint64_t> shape);

/// A valid safetensors file holding `tensors` in the given order.
std::vector<std::uint8_t> safetensorsBytes(const std::vector<TestTensor>& tensors,
                                           const std::string& metadataJson = "");
/// A valid npy v1 file.
std::vector<std::uint8_t> npyBytes(const std::string& descr, const std::string& shapeLiteral,
                                   const std::vector<std::uint8_t>& data);

void writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes);
void writeText(const std::string& path, const std::string& text);
std::vector<std::uint8_t> readFileBytes(const std::string& path);

/// The whole of `tensor` read back through the checkpoint.
std::vector<std::uint8_t> readAll(const Checkpoint& checkpoint, const TensorInfo& tensor);

/// tests/data/<relative>.
std::string dataPath(const std::string& relative);

} // namespace nzc::checkpoint::test
