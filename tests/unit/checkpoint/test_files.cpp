#include "test_files.h"

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace nzc::checkpoint::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("nzc_checkpoint_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

TestTensor makeTensor(std::string name, DType dtype, std::vector<std::uint64_t> shape) {
    std::uint64_t elements = 1;
    for (auto d : shape)
        elements *= d;
    std::vector<std::uint8_t> data(elements * itemSize(dtype));
    std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>{}(name)));
    for (auto& b : data)
        b = static_cast<std::uint8_t>(rng());
    return {std::move(name), dtype, std::move(shape), std::move(data)};
}

std::vector<std::uint8_t> safetensorsBytes(const std::vector<TestTensor>& tensors,
                                           const std::string& metadataJson) {
    std::ostringstream header;
    header << '{';
    const char* separator = "";
    if (!metadataJson.empty()) {
        header << "\"__metadata__\":" << metadataJson;
        separator = ",";
    }
    std::uint64_t offset = 0;
    for (const auto& t : tensors) {
        header << separator << '"' << t.name << "\":{\"dtype\":\"" << dtypeName(t.dtype)
               << "\",\"shape\":[";
        for (std::size_t d = 0; d < t.shape.size(); ++d)
            header << (d ? "," : "") << t.shape[d];
        header << "],\"data_offsets\":[" << offset << ',' << offset + t.data.size() << "]}";
        offset += t.data.size();
        separator = ",";
    }
    header << '}';
    std::string text = header.str();
    text.resize((text.size() + 7) / 8 * 8, ' ');
    std::vector<std::uint8_t> out(8 + text.size());
    for (std::size_t i = 0; i < 8; ++i)
        out[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(text.size()) >> (8 * i));
    std::copy(text.begin(), text.end(), out.begin() + 8);
    for (const auto& t : tensors)
        out.insert(out.end(), t.data.begin(), t.data.end());
    return out;
}

std::vector<std::uint8_t> npyBytes(const std::string& descr, const std::string& shapeLiteral,
                                   const std::vector<std::uint8_t>& data) {
    std::string dict =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeLiteral + ", }";
    while ((10 + dict.size() + 1) % 64 != 0)
        dict += ' ';
    dict += '\n';
    std::vector<std::uint8_t> out{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    out.push_back(static_cast<std::uint8_t>(dict.size() & 0xFF));
    out.push_back(static_cast<std::uint8_t>(dict.size() >> 8));
    out.insert(out.end(), dict.begin(), dict.end());
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

void writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

void writeText(const std::string& path, const std::string& text) {
    writeFile(path, std::vector<std::uint8_t>(text.begin(), text.end()));
}

std::vector<std::uint8_t> readFileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> readAll(const Checkpoint& checkpoint, const TensorInfo& tensor) {
    std::vector<std::uint8_t> out(tensor.bytes);
    checkpoint.read(tensor, 0, out);
    return out;
}

std::string dataPath(const std::string& relative) {
    return std::string(NZC_TEST_DATA_DIR) + "/" + relative;
}

} // namespace nzc::checkpoint::test
