// The safetensors writer used by decompress and export.
#include "safetensors_writer.h"

#include "atomic_file.h"

#include <nzcompress/h5.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace nzc::app {

std::uint64_t writeSafetensors(const std::string& path, std::vector<SafetensorsEntry> entries,
                               const std::map<std::string, std::string>& metadata, bool overwrite) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
                         return h5::elementSize(a.dtype) > h5::elementSize(b.dtype);
                     });
    // Insertion order is kept so that the header lists tensors in data order.
    nlohmann::ordered_json header;
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::uint64_t offset = 0;
    for (const SafetensorsEntry& entry : entries) {
        header[entry.name] = {{"dtype", entry.dtype},
                              {"shape", entry.shape},
                              {"data_offsets", {offset, offset + entry.bytes}}};
        offset += entry.bytes;
    }
    std::string text = header.dump(-1, ' ', true);
    text.append((8 - text.size() % 8) % 8, ' ');
    std::uint8_t length[8];
    for (std::size_t i = 0; i < 8; ++i)
        length[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(text.size()) >> (8 * i));

    AtomicFile file(path, overwrite);
    file.write(length);
    file.write(text);
    for (const SafetensorsEntry& entry : entries) {
        const std::vector<std::uint8_t> data = entry.read();
        if (data.size() != entry.bytes)
            throw std::logic_error("tensor '" + entry.name + "': " + std::to_string(data.size()) +
                                   " bytes where " + std::to_string(entry.bytes) +
                                   " were announced");
        file.write(data);
    }
    file.commit();
    return offset;
}

} // namespace nzc::app
