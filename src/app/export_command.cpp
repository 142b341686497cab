// `nzcompress export OUT.h5 --format safetensors|dat --output DIR [--force]`: writes what
// msModelSlim's weight compression writes, for the tools that load it (safetensors), or one
// raw file per dataset like msModelSlim's debug dumps (dat). The same files as
// scripts/nzc_h5.py export-msmodelslim writes.
#include "atomic_file.h"
#include "command_line.h"
#include "commands.h"
#include "output_reader.h"
#include "safetensors_writer.h"

#include <nzcompress/errors.h>
#include <nzcompress/version.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>

namespace nzc::app {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr const char* kUsage =
    "usage: nzcompress export OUT.h5 --format safetensors|dat --output DIR [--description JSON]\n"
    "                         [--force]\n\n"
    "Writes the compressed weights of a complete nzcompress output in msModelSlim's layout.\n"
    "  safetensors  DIR/quant_model_weight_w8a8sc.safetensors: for every compressed or disabled\n"
    "               weight X.weight the datasets X.weight (int8 1-D, the compressed bytes),\n"
    "               X.index (int8 1-D) and X.info (int64 [5]), plus every passthrough tensor\n"
    "               with its own dtype and shape; DIR/quant_model_description_w8a8sc.json maps\n"
    "               names to W8A8SC / W16A16SC (the compressed tensors and their layer's other\n"
    "               tensors) or to the input description's type (W8A8S -> W8A8SC), else FLOAT.\n"
    "               When every weight is W16A16SC the files are named *_w16a16sc.*.\n"
    "  dat          one raw file per dataset: DIR/X.weight.dat, DIR/X.index.dat and\n"
    "               DIR/X.info.dat (5 little-endian int64) per weight X.weight, and\n"
    "               DIR/NAME.dat (raw little-endian data) per passthrough tensor; a '/' in a\n"
    "               name is written %2F and '%' as %25.\n"
    "The input description is --description, else the one the run recorded, when readable.\n"
    "The data are copied as stored, not decoded: run verify to check them. DIR is created if\n"
    "needed; existing files in it are replaced only with --force (nothing is written\n"
    "otherwise).\n\n"
    "exit codes: 0 written, 2 bad flags or existing files without --force, 3 not an\n"
    "nzcompress file, incomplete or damaged, 4 cannot read or write\n\noptions";

struct ExportOptions {
    std::string format;
    std::string output;
    std::string description;
    bool force = false;
};

// X.weight -> X.index / X.info, as msModelSlim names them.
std::string siblingName(const std::string& name, const std::string& suffix) {
    const std::string base = name.ends_with(".weight")
                                 ? name.substr(0, name.size() - std::string(".weight").size())
                                 : name;
    return base + "." + suffix;
}

// The part of a name before its last '.', the layer a tensor belongs to.
std::string layerOf(const std::string& name) {
    const std::size_t dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

std::string quantTypeOf(const StoredTensor& t) {
    return t.type == codec::CompressType::High ? "W16A16SC" : "W8A8SC";
}

// The input's description, string entries only, in file order: --description, or the path
// the run recorded if it can be read here.
nlohmann::ordered_json loadDescription(const OutputReader& reader, const std::string& given) {
    std::string path = given;
    if (path.empty()) {
        const nlohmann::json config = nlohmann::json::parse(reader.root().config, nullptr, false);
        if (config.is_object() && config.contains("description") &&
            config["description"].is_string())
            path = config["description"].get<std::string>();
        if (!path.empty() && !fs::is_regular_file(path)) {
            std::cerr << "nzcompress: note: the run's description " << path
                      << " is not readable here; pass --description\n";
            path.clear();
        }
    }
    nlohmann::ordered_json strings = nlohmann::ordered_json::object();
    if (path.empty())
        return strings;
    std::ifstream in(path);
    if (!in)
        throw IoError(path, "cannot open the description for reading");
    const nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(in, nullptr, false);
    if (!parsed.is_object())
        throw InputError(path, "", "not a JSON object (a quant description is expected)");
    for (const auto& [key, value] : parsed.items()) {
        if (value.is_string())
            strings[key] = value;
    }
    return strings;
}

int exportSafetensors(const OutputReader& reader, const ExportOptions& options) {
    const nlohmann::ordered_json description = loadDescription(reader, options.description);
    std::vector<SafetensorsEntry> entries;
    std::map<std::string, std::string> types;
    std::map<std::string, std::string> layerTypes;
    std::set<std::string> weightTypes;
    std::size_t weights = 0;
    std::size_t copies = 0;
    for (const StoredTensor& t : reader.tensors()) {
        reader.requireSound(t);
        if (!t.isWeight())
            continue;
        ++weights;
        const std::string type = quantTypeOf(t);
        weightTypes.insert(type);
        entries.push_back({t.name, "I8", {t.weightBytes}, t.weightBytes, [&reader, &t] {
                               return reader.readWeight(t);
                           }});
        entries.push_back(
            {siblingName(t.name, "index"), "I8", {t.indexBytes}, t.indexBytes, [&reader, &t] {
                 return reader.readIndex(t);
             }});
        // int64 as stored: msModelSlim's own export truncates info to int8; this does not.
        entries.push_back(
            {siblingName(t.name, "info"), "I64", {5}, 5 * sizeof(std::int64_t), [&reader, &t] {
                 const std::array<std::int64_t, 5> info = reader.readInfo(t);
                 std::vector<std::uint8_t> bytes(sizeof info);
                 std::memcpy(bytes.data(), info.data(), sizeof info);
                 return bytes;
             }});
        for (const std::string& name :
             {t.name, siblingName(t.name, "index"), siblingName(t.name, "info")})
            types[name] = type;
        layerTypes[layerOf(t.name)] = type;
    }
    for (const StoredTensor& t : reader.tensors()) {
        if (t.isWeight())
            continue;
        ++copies;
        entries.push_back({t.name, t.dtype, t.shape, t.originalBytes(),
                           [&reader, &t] { return reader.readPassthrough(t); }});
        if (description.contains(t.name)) {
            const std::string given = description[t.name].get<std::string>();
            types[t.name] = given == "W8A8S" ? "W8A8SC" : given == "W16A16S" ? "W16A16SC" : given;
        } else {
            // Without a description entry: a tensor of a compressed layer (its scales, its
            // bias) takes the layer's type, anything else is FLOAT.
            const auto layer = layerTypes.find(layerOf(t.name));
            types[t.name] = layer != layerTypes.end() ? layer->second : "FLOAT";
        }
    }
    const bool w16 = weightTypes == std::set<std::string>{"W16A16SC"};
    const std::string suffix = w16 ? "w16a16sc" : "w8a8sc";
    const fs::path dir(options.output);
    const std::string weightPath = dir / ("quant_model_weight_" + suffix + ".safetensors");
    const std::string descriptionPath = dir / ("quant_model_description_" + suffix + ".json");
    refuseExisting(weightPath, options.force);
    refuseExisting(descriptionPath, options.force);

    nlohmann::ordered_json out;
    out["model_quant_type"] = w16 ? "W16A16SC" : "W8A8SC";
    // Entries of the input's description that are not tensor names (a version, ...) stay.
    for (const auto& [key, value] : description.items()) {
        if (key.find('.') == std::string::npos && key != "model_quant_type")
            out[key] = value;
    }
    for (const auto& [name, type] : types)
        out[name] = type;

    const std::size_t count = entries.size();
    const std::uint64_t bytes = writeSafetensors(
        weightPath, std::move(entries),
        {{"format", "pt"}, {"producer", std::string("nzcompress ") + kVersion}}, options.force);
    AtomicFile json(descriptionPath, options.force);
    json.write(out.dump(2, ' ', true) + "\n");
    json.commit();
    std::cout << weightPath << ": " << count << " tensors, " << bytes << " bytes of data ("
              << weights << " compressed weights, " << copies << " passthrough)\n"
              << descriptionPath << "\n";
    return 0;
}

int exportDat(const OutputReader& reader, const ExportOptions& options) {
    // Every file name first, so that nothing is written if one of them exists.
    struct DatFile {
        std::string path;
        std::function<std::vector<std::uint8_t>()> read;
    };
    std::vector<DatFile> files;
    const fs::path dir(options.output);
    for (const StoredTensor& t : reader.tensors()) {
        reader.requireSound(t);
        const std::string file = h5::escapeName(t.name);
        if (!t.isWeight()) {
            files.push_back(
                {dir / (file + ".dat"), [&reader, &t] { return reader.readPassthrough(t); }});
            continue;
        }
        files.push_back({dir / (siblingName(file, "weight") + ".dat"),
                         [&reader, &t] { return reader.readWeight(t); }});
        files.push_back({dir / (siblingName(file, "index") + ".dat"),
                         [&reader, &t] { return reader.readIndex(t); }});
        files.push_back({dir / (siblingName(file, "info") + ".dat"), [&reader, &t] {
                             const std::array<std::int64_t, 5> info = reader.readInfo(t);
                             std::vector<std::uint8_t> bytes(sizeof info);
                             std::memcpy(bytes.data(), info.data(), sizeof info);
                             return bytes;
                         }});
    }
    std::set<std::string> unique;
    for (const DatFile& f : files) {
        if (!unique.insert(f.path).second)
            throw InputError(reader.path(), "", "two datasets would both be written to " + f.path);
        refuseExisting(f.path, options.force);
    }
    std::uint64_t bytes = 0;
    for (const DatFile& f : files) {
        const std::vector<std::uint8_t> data = f.read();
        AtomicFile out(f.path, options.force);
        out.write(data);
        out.commit();
        bytes += data.size();
    }
    std::cout << options.output << ": " << files.size() << " files, " << bytes << " bytes\n";
    return 0;
}

} // namespace

int runExportCommand(const Args& args) {
    ExportOptions options;
    po::options_description flags(kUsage);
    flags.add_options()("help,h", po::bool_switch(), "show this help")(
        "format", po::value(&options.format)->required(), "safetensors or dat")(
        "output", po::value(&options.output)->required(), "the folder to write into")(
        "description", po::value(&options.description),
        "the input's quant_model_description*.json (types of the passthrough tensors)")(
        "force", po::bool_switch(&options.force), "replace existing files in DIR");
    po::variables_map values;
    std::string file;
    if (!parseCommandLine(args, "export", flags, values, file))
        return 0;
    if (options.format != "safetensors" && options.format != "dat")
        throw UsageError("export: --format must be safetensors or dat, not '" + options.format +
                         "'");

    const OutputReader reader = OutputReader::open(file, true);
    std::error_code error;
    fs::create_directories(options.output, error);
    if (error || !fs::is_directory(options.output))
        throw IoError(options.output, "cannot create the output folder: " +
                                          (error ? error.message() : "not a folder"));
    return options.format == "safetensors" ? exportSafetensors(reader, options)
                                           : exportDat(reader, options);
}

} // namespace nzc::app
