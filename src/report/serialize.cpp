// Records as CBOR: compact, self-describing, and nlohmann_json already reads and writes it.
#include <nzcompress/report.h>

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace nzc::report {

std::vector<std::uint8_t> serialize(std::span<const TensorStats> stats) {
    nlohmann::json rows = nlohmann::json::array();
    for (const TensorStats& s : stats) {
        rows.push_back({s.name, s.rank, static_cast<int>(s.kind), s.originalBytes,
                        s.originalElements, s.storedBytes, s.seconds});
    }
    return nlohmann::json::to_cbor(rows);
}

std::vector<TensorStats> deserialize(std::span<const std::uint8_t> bytes) {
    std::vector<TensorStats> stats;
    try {
        const nlohmann::json rows = nlohmann::json::from_cbor(bytes.begin(), bytes.end());
        for (const nlohmann::json& row : rows) {
            TensorStats s;
            s.name = row.at(0).get<std::string>();
            s.rank = row.at(1).get<int>();
            const int kind = row.at(2).get<int>();
            if (kind < 0 || kind > static_cast<int>(Kind::Passthrough))
                throw std::invalid_argument("bad kind");
            s.kind = static_cast<Kind>(kind);
            s.originalBytes = row.at(3).get<std::uint64_t>();
            s.originalElements = row.at(4).get<std::uint64_t>();
            s.storedBytes = row.at(5).get<std::uint64_t>();
            s.seconds = row.at(6).get<double>();
            stats.push_back(std::move(s));
        }
    } catch (const nlohmann::json::exception& error) {
        throw std::invalid_argument(std::string("malformed stats record: ") + error.what());
    }
    return stats;
}

} // namespace nzc::report
