// Kinds, ratios and totals.
#include <nzcompress/report.h>

#include <algorithm>
#include <stdexcept>

namespace nzc::report {

std::string_view kindName(Kind kind) {
    switch (kind) {
    case Kind::Compressed:
        return "compressed";
    case Kind::Disabled:
        return "disabled";
    case Kind::Passthrough:
        return "passthrough";
    }
    return "unknown";
}

Kind parseKind(std::string_view name) {
    for (const Kind kind : {Kind::Compressed, Kind::Disabled, Kind::Passthrough}) {
        if (kindName(kind) == name)
            return kind;
    }
    throw std::invalid_argument("unknown tensor kind '" + std::string(name) + "'");
}

double TensorStats::ratio() const noexcept {
    return originalElements == 0
               ? 0.0
               : static_cast<double>(storedBytes) / static_cast<double>(originalElements);
}

double Summary::ratio() const noexcept {
    return originalElements == 0
               ? 0.0
               : static_cast<double>(storedBytes) / static_cast<double>(originalElements);
}

Summary summarize(std::span<const TensorStats> stats) {
    Summary summary;
    for (const TensorStats& s : stats) {
        if (s.kind == Kind::Passthrough)
            continue;
        ++summary.tensors;
        summary.originalElements += s.originalElements;
        summary.originalBytes += s.originalBytes;
        summary.storedBytes += s.storedBytes;
    }
    return summary;
}

void sortByName(std::vector<TensorStats>& stats) {
    std::sort(stats.begin(), stats.end(),
              [](const TensorStats& a, const TensorStats& b) { return a.name < b.name; });
}

} // namespace nzc::report
