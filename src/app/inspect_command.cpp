// `nzcompress inspect OUT.h5 [--json]`: what an output file holds, from its attributes and
// dataset sizes only (no tensor data is read, so it is quick on any size of file).
#include "command_line.h"
#include "commands.h"
#include "output_reader.h"

#include <nzcompress/errors.h>
#include <nzcompress/report.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

namespace nzc::app {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: nzcompress inspect OUT.h5 [--json]\n\n"
    "Prints the root attributes of an nzcompress output (format, version, complete, config,\n"
    "inputs) and one row per tensor: name, kind (compressed, disabled, passthrough), dtype and\n"
    "shape in the checkpoint, compress type (low = W8A8SC, high = W16A16SC), original bytes,\n"
    "stored bytes (weight + index, or the copy) and, for weights, the ratio (stored bytes /\n"
    "original elements, as msModelSlim prints it), then msModelSlim's final ratio line. Reads "
    "attributes only;\n"
    "use verify to check the data. An incomplete file (an interrupted run) is shown too.\n\n"
    "exit codes: 0 shown, 2 bad flags, 3 not an nzcompress file or a damaged entry (shown,\n"
    "then named on stderr), 4 cannot read the file\n\noptions";

report::TensorStats statsOf(const StoredTensor& t) {
    report::TensorStats s;
    s.name = t.name;
    s.kind = t.kind;
    if (t.problem.empty()) {
        s.originalBytes = t.originalBytes();
        s.originalElements = t.elements();
        s.storedBytes = t.storedBytes();
    }
    return s;
}

// Characters, not bytes, so that UTF-8 names keep the columns aligned.
std::size_t displayWidth(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string shapeText(const std::vector<std::uint64_t>& shape) {
    return fmt::format("[{}]", fmt::join(shape, ", "));
}

// A JSON attribute as JSON if it parses, else as the string it is.
nlohmann::json parsedOrText(const std::string& text) {
    if (text.empty())
        return nullptr;
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    return value.is_discarded() ? nlohmann::json(text) : value;
}

nlohmann::json toJson(const OutputReader& reader) {
    const OutputRoot& root = reader.root();
    nlohmann::json out;
    out["file"] = reader.path();
    out["attributes"] = {{"format", root.format},
                         {"format_version", root.formatVersion},
                         {"tool_version", root.toolVersion},
                         {"complete", root.complete ? 1 : 0},
                         {"config", parsedOrText(root.config)},
                         {"inputs", parsedOrText(root.inputs)}};
    nlohmann::json rows = nlohmann::json::array();
    std::vector<report::TensorStats> stats;
    for (const StoredTensor& t : reader.tensors()) {
        nlohmann::json row = {{"name", t.name}, {"kind", report::kindName(t.kind)}};
        if (!t.problem.empty()) {
            row["problem"] = t.problem;
            rows.push_back(std::move(row));
            continue;
        }
        const report::TensorStats s = statsOf(t);
        stats.push_back(s);
        row["dtype"] = t.dtype;
        row["shape"] = t.shape;
        row["compress_type"] = t.isWeight() ? nlohmann::json(compressTypeName(t.type)) : nullptr;
        row["original_bytes"] = s.originalBytes;
        row["stored_bytes"] = s.storedBytes;
        row["ratio"] = s.ratio();
        row["done"] = t.done;
        if (t.isWeight()) {
            row["transposed"] = t.transposed;
            row["nz_shape"] = t.nzShape;
            row["nz_xxh3_64"] = t.nzChecksum;
            if (t.sparseRatio) {
                row["sparse_ratio"] = *t.sparseRatio;
                row["seed"] = t.seed;
            }
        }
        rows.push_back(std::move(row));
    }
    out["tensors"] = std::move(rows);
    const report::Summary summary = report::summarize(stats);
    out["summary"] = {{"tensors", reader.tensors().size()},
                      {"weights", summary.tensors},
                      {"original_elements", summary.originalElements},
                      {"original_bytes", summary.originalBytes},
                      {"stored_bytes", summary.storedBytes},
                      {"ratio", summary.ratio()}};
    return out;
}

void printText(const OutputReader& reader, std::ostream& out) {
    const OutputRoot& root = reader.root();
    out << "file            " << reader.path() << "\n"
        << "format          " << root.format << " " << root.formatVersion << " (written by "
        << (root.toolVersion.empty() ? "?" : "nzcompress " + root.toolVersion) << ")\n"
        << "complete        " << (root.complete ? 1 : 0)
        << (root.complete ? "" : " (an unfinished run: continue it with compress --resume)") << "\n"
        << "config          " << root.config << "\n"
        << "inputs          " << root.inputs << "\n\n";

    std::vector<std::array<std::string, 8>> rows;
    rows.push_back({"name", "kind", "dtype", "shape", "type", "original", "stored", "ratio"});
    std::vector<report::TensorStats> stats;
    std::size_t counts[3] = {0, 0, 0};
    for (const StoredTensor& t : reader.tensors()) {
        if (!t.problem.empty()) {
            rows.push_back({t.name, "damaged", "-", "-", "-", "-", "-", "-"});
            continue;
        }
        const report::TensorStats s = statsOf(t);
        stats.push_back(s);
        ++counts[static_cast<int>(t.kind)];
        rows.push_back({t.name, std::string(report::kindName(t.kind)) + (t.done ? "" : "*"),
                        t.dtype, shapeText(t.shape), t.isWeight() ? compressTypeName(t.type) : "-",
                        std::to_string(s.originalBytes), std::to_string(s.storedBytes),
                        t.isWeight() ? fmt::format("{:.6f}", s.ratio()) : "-"});
    }
    std::array<std::size_t, 8> widths{};
    for (const auto& row : rows) {
        for (std::size_t c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], displayWidth(row[c]));
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            // Text columns left-aligned, numbers right-aligned.
            const bool number = c >= 5;
            const std::string pad(widths[c] - displayWidth(row[c]), ' ');
            line += number ? pad + row[c] : row[c] + (c + 1 < row.size() ? pad : "");
            if (c + 1 < row.size())
                line += "  ";
        }
        out << line << "\n";
    }
    out << "\n"
        << reader.tensors().size() << " tensors: " << counts[0] << " compressed, " << counts[1]
        << " disabled, " << counts[2] << " passthrough\n";
    if (std::any_of(reader.tensors().begin(), reader.tensors().end(),
                    [](const StoredTensor& t) { return t.problem.empty() && !t.done; }))
        out << "* not marked done: written by an unfinished run\n";
    out << report::finalRatioLine(report::summarize(stats)) << "\n";
}

} // namespace

int runInspectCommand(const Args& args) {
    bool json = false;
    po::options_description flags(kUsage);
    flags.add_options()("help,h", po::bool_switch(), "show this help")(
        "json", po::bool_switch(&json), "print the same as one JSON object");
    po::variables_map values;
    std::string file;
    if (!parseCommandLine(args, "inspect", flags, values, file))
        return 0;

    const OutputReader reader = OutputReader::open(file, false);
    if (json)
        std::cout << toJson(reader).dump(2) << "\n";
    else
        printText(reader, std::cout);
    for (const StoredTensor& t : reader.tensors()) {
        if (!t.problem.empty())
            throw InputError(file, t.name, t.problem);
    }
    return 0;
}

} // namespace nzc::app
