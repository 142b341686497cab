// The human and machine renderings of the stats.
#include <nzcompress/report.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace nzc::report {

std::string debugTable(std::span<const TensorStats> stats) {
    std::size_t total = 0;
    for (const TensorStats& s : stats)
        total += s.kind != Kind::Passthrough ? 1 : 0;
    std::string text;
    std::size_t i = 0;
    for (const TensorStats& s : stats) {
        if (s.kind == Kind::Passthrough)
            continue;
        // "{}" prints the shortest text that reads back as the same double, as Python does.
        text += fmt::format("[{}/{}] {} {}\n", ++i, total, s.name, s.ratio());
    }
    return text;
}

std::string finalRatioLine(const Summary& summary) {
    return fmt::format("The final compression ratio is {} (from {} to {})", summary.ratio(),
                       summary.originalElements, summary.storedBytes);
}

nlohmann::json toJson(std::span<const TensorStats> stats) {
    nlohmann::json rows = nlohmann::json::array();
    double seconds = 0;
    for (const TensorStats& s : stats) {
        rows.push_back({{"name", s.name},
                        {"rank", s.rank},
                        {"kind", kindName(s.kind)},
                        {"original_bytes", s.originalBytes},
                        {"original_elements", s.originalElements},
                        {"stored_bytes", s.storedBytes},
                        {"ratio", s.ratio()},
                        {"seconds", s.seconds}});
        seconds += s.seconds;
    }
    const Summary summary = summarize(stats);
    return {{"tensors", rows},
            {"summary",
             {{"compressed_or_disabled", summary.tensors},
              {"tensors", stats.size()},
              {"original_bytes", summary.originalBytes},
              {"original_elements", summary.originalElements},
              {"stored_bytes", summary.storedBytes},
              {"ratio", summary.ratio()},
              {"tensor_seconds", seconds}}}};
}

} // namespace nzc::report
