// `nzcompress verify OUT.h5 [--input PATH ...] [--description JSON]`: proves an output file
// lossless. Without the source: every weight decodes and hashes to the checksum recorded when
// it was compressed. With the source: every tensor restored from the file equals the source
// tensor byte for byte (the pseudo-sparse draw re-applied to the source where it ran), and
// every tensor was given the treatment the selection rules give it.
#include "command_line.h"
#include "commands.h"
#include "output_reader.h"

#include <nzcompress/checkpoint.h>
#include <nzcompress/errors.h>
#include <nzcompress/plan.h>
#include <nzcompress/sparse.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

namespace nzc::app {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: nzcompress verify OUT.h5 [--input PATH ...] [--description JSON]\n\n"
    "Checks an nzcompress output file. Always: the file is complete (root attribute\n"
    "complete = 1: an OUT.h5.partial or an interrupted run's file fails), every compressed\n"
    "weight decodes (weight + index + info, with its recorded compress type) to Nz bytes whose\n"
    "xxh3-64 is the recorded nz_xxh3_64, every disabled layer's stored Nz bytes hash to it, and\n"
    "every passthrough tensor has the recorded shape (and checksum, when one is recorded).\n"
    "With --input: the source checkpoint is read again and every tensor restored from the file\n"
    "(turned back if transposed) must equal the source tensor byte for byte; for weights\n"
    "compressed with --pseudo-sparse the recorded sparse_ratio and seed are applied to the\n"
    "source first. Tensors missing on either side fail. With --input or --description: every\n"
    "tensor must have been compressed, disabled or copied as the selection rules decide (the\n"
    "run's description is used when --description is not given and it is readable).\n\n"
    "Prints one error line per failing tensor on stderr and 'verified N tensors: K ok, M\n"
    "failed' on stdout.\n"
    "exit codes: 0 all ok, 2 bad flags, 3 a mismatch, damaged data, an incomplete file or not\n"
    "an nzcompress file, 4 a file cannot be read (3 wins when both happen)\n\noptions";

struct VerifyOptions {
    std::vector<std::string> inputs;
    std::string description;
};

/// Counts and reports per-tensor results.
class Tally {
public:
    explicit Tally(std::string file) : file_(std::move(file)) {}

    void ok() { ++ok_; }
    void fail(const std::string& tensor, const std::string& reason, ExitCode code) {
        std::cout.flush();
        std::cerr << "nzcompress: error: " << Error(code, file_, tensor, reason).what()
                  << std::endl;
        ++failed_;
        if (code == ExitCode::Io)
            ioFailure_ = true;
        else
            dataFailure_ = true;
    }
    void fail(const Error& error) {
        std::cout.flush();
        std::cerr << "nzcompress: error: " << error.what() << std::endl;
        ++failed_;
        if (error.code() == ExitCode::Io)
            ioFailure_ = true;
        else
            dataFailure_ = true;
    }
    void unfinished() { ++unfinished_; }

    std::size_t failed() const { return failed_; }
    std::string summary() const {
        std::string line =
            fmt::format("verified {} tensors: {} ok, {} failed", ok_ + failed_, ok_, failed_);
        if (unfinished_ > 0)
            line += fmt::format(" ({} not written yet by the unfinished run)", unfinished_);
        return line;
    }
    int exitCode() const {
        if (dataFailure_)
            return static_cast<int>(ExitCode::InvalidInput);
        if (ioFailure_)
            return static_cast<int>(ExitCode::Io);
        return 0;
    }

private:
    std::string file_;
    std::size_t ok_ = 0;
    std::size_t failed_ = 0;
    std::size_t unfinished_ = 0;
    bool dataFailure_ = false;
    bool ioFailure_ = false;
};

// The first differing element, for a mismatch message that helps.
std::string describeDifference(const std::vector<std::uint8_t>& restored,
                               const std::vector<std::uint8_t>& source, std::size_t elementSize) {
    if (restored.size() != source.size())
        return fmt::format("restored {} bytes, the source has {}", restored.size(), source.size());
    std::size_t first = 0;
    std::size_t count = 0;
    for (std::size_t i = 0; i < source.size(); i += elementSize) {
        if (std::equal(source.begin() + i, source.begin() + i + elementSize, restored.begin() + i))
            continue;
        if (count++ == 0)
            first = i / elementSize;
    }
    return fmt::format("restored data differ from the source in {} elements, first at element "
                       "{} (C order)",
                       count, first);
}

// The selection the compress run should have made, re-derived from the recorded config and a
// description, or nothing (with the reason on stdout) when it cannot be.
std::optional<plan::Plan> expectedPlan(const OutputReader& reader, const VerifyOptions& options,
                                       const checkpoint::Checkpoint* source) {
    const nlohmann::json config = nlohmann::json::parse(reader.root().config, nullptr, false);
    if (!config.is_object())
        throw InputError(reader.path(), "", "root attribute config is not a JSON object");
    std::string description = options.description;
    if (description.empty() && config.contains("description") && config["description"].is_string())
        description = config["description"].get<std::string>();
    if (!description.empty() && options.description.empty() &&
        !std::filesystem::is_regular_file(description)) {
        std::cout << "note: selection not checked: the run's description " << description
                  << " is not readable here (pass --description)\n";
        return std::nullopt;
    }
    plan::Options planOptions;
    if (!description.empty())
        planOptions.description = checkpoint::loadQuantDescription(description);
    try {
        planOptions.compressType =
            plan::parseCompressChoice(config.value("compress_type", std::string("auto")));
        for (const nlohmann::json& name : config.value("disable_layers", nlohmann::json::array()))
            planOptions.disableLayers.push_back(name.get<std::string>());
    } catch (const std::exception& error) {
        throw InputError(reader.path(), "", std::string("root attribute config: ") + error.what());
    }
    std::vector<checkpoint::TensorInfo> table;
    if (source != nullptr) {
        table = source->tensors();
    } else {
        // The table the run saw, rebuilt from the stored dtype and shape attributes.
        for (const StoredTensor& t : reader.tensors()) {
            const auto dtype = checkpoint::parseDType(t.dtype);
            if (!t.problem.empty() || !dtype)
                continue;
            checkpoint::TensorInfo info;
            info.name = t.name;
            info.dtype = *dtype;
            info.shape = t.shape;
            info.file = reader.path();
            info.bytes = t.originalBytes();
            table.push_back(std::move(info));
        }
    }
    try {
        return plan::makePlan(table, planOptions, 1);
    } catch (const Error& error) {
        throw InputError(reader.path(), error.tensor(),
                         "the recorded options do not apply to these tensors: " + error.reason());
    }
}

report::Kind expectedKind(plan::Action action) {
    switch (action) {
    case plan::Action::Compress:
        return report::Kind::Compressed;
    case plan::Action::Disable:
        return report::Kind::Disabled;
    case plan::Action::Passthrough:
        break;
    }
    return report::Kind::Passthrough;
}

// Compares one tensor with its source; throws InputError / IoError.
void compareWithSource(const OutputReader& reader, const StoredTensor& t,
                       const std::vector<std::uint8_t>& restored,
                       const checkpoint::Checkpoint& source) {
    const checkpoint::TensorInfo* original = source.find(t.name);
    if (original == nullptr)
        throw InputError(reader.path(), t.name, "not in the input checkpoint");
    if (checkpoint::dtypeName(original->dtype) != t.dtype || original->shape != t.shape)
        throw InputError(reader.path(), t.name,
                         fmt::format("stored as {} [{}], the input has {} [{}]", t.dtype,
                                     fmt::join(t.shape, ", "),
                                     checkpoint::dtypeName(original->dtype),
                                     fmt::join(original->shape, ", ")));
    std::vector<std::uint8_t> expected(original->bytes);
    source.read(*original, 0, expected);
    if (t.sparseRatio)
        sparse::applyPseudoSparse(expected, t.elementSize(), *t.sparseRatio, t.seed, t.name);
    if (restored != expected)
        throw InputError(reader.path(), t.name,
                         describeDifference(restored, expected, t.elementSize()) +
                             (t.sparseRatio ? " (after re-applying the pseudo-sparse draw)" : ""));
}

void verifyTensor(const OutputReader& reader, const StoredTensor& t,
                  const checkpoint::Checkpoint* source, const plan::Plan* expected,
                  const std::map<std::string, std::size_t, std::less<>>& planIndex) {
    reader.requireSound(t);
    if (expected != nullptr) {
        const auto found = planIndex.find(t.name);
        if (found != planIndex.end()) {
            const plan::TensorPlan& entry = expected->tensors[found->second];
            const report::Kind kind = expectedKind(entry.action);
            if (kind != t.kind || (t.isWeight() && entry.type != t.type))
                throw InputError(
                    reader.path(), t.name,
                    fmt::format(
                        "stored as {}{}, the selection gives {}{} ({})", report::kindName(t.kind),
                        t.isWeight() ? " " + compressTypeName(t.type) : "", report::kindName(kind),
                        kind != report::Kind::Passthrough ? " " + compressTypeName(entry.type) : "",
                        entry.reason));
        }
    }
    if (!t.isWeight()) {
        const std::vector<std::uint8_t> bytes = reader.readPassthrough(t);
        if (bytes.size() != t.originalBytes())
            throw InputError(
                reader.path(), t.name,
                fmt::format("holds {} bytes, its shape needs {}", bytes.size(), t.originalBytes()));
        reader.checkChecksum(t, bytes);
        if (source != nullptr)
            compareWithSource(reader, t, bytes, *source);
        return;
    }
    const std::vector<std::uint8_t> nz = reader.nzBytes(t);
    reader.checkChecksum(t, nz);
    if (source != nullptr)
        compareWithSource(reader, t, reader.fromNz(t, nz), *source);
}

} // namespace

int runVerifyCommand(const Args& args) {
    VerifyOptions options;
    po::options_description flags(kUsage);
    flags.add_options()("help,h", po::bool_switch(), "show this help")(
        "input", po::value(&options.inputs)->composing(),
        "the source checkpoint, as given to compress (repeatable): compare every tensor")(
        "description", po::value(&options.description),
        "the quant description the run used: check which tensors were compressed");
    po::variables_map values;
    std::string file;
    if (!parseCommandLine(args, "verify", flags, values, file))
        return 0;

    const OutputReader reader = OutputReader::open(file, false);
    std::optional<checkpoint::Checkpoint> source;
    if (!options.inputs.empty())
        source.emplace(checkpoint::Checkpoint::open(options.inputs));
    std::optional<plan::Plan> expected;
    if (source || !options.description.empty())
        expected = expectedPlan(reader, options, source ? &*source : nullptr);
    std::map<std::string, std::size_t, std::less<>> planIndex;
    if (expected) {
        for (std::size_t i = 0; i < expected->tensors.size(); ++i)
            planIndex[expected->tensors[i].tensor.name] = i;
    }

    Tally tally(file);
    for (const StoredTensor& t : reader.tensors()) {
        if (t.problem.empty() && !t.done) {
            if (!reader.root().complete) {
                tally.unfinished(); // the interrupted run had not written it yet
                continue;
            }
            tally.fail(t.name, "no done marker in a complete file", ExitCode::InvalidInput);
            continue;
        }
        try {
            verifyTensor(reader, t, source ? &*source : nullptr, expected ? &*expected : nullptr,
                         planIndex);
            tally.ok();
        } catch (const Error& error) {
            tally.fail(error);
        }
    }
    if (source && reader.root().complete) {
        for (const checkpoint::TensorInfo& original : source->tensors()) {
            if (reader.find(original.name) == nullptr)
                tally.fail(original.name,
                           "in the input (" + original.file + ") but not in the output",
                           ExitCode::InvalidInput);
        }
    }
    std::cout << tally.summary() << std::endl;
    if (!reader.root().complete) {
        // Not an OUT.h5 a finished run would leave: report it even if every tensor was fine.
        throw InputError(file, "",
                         "incomplete: root attribute complete is not 1, the compress run that "
                         "writes it has not finished (continue it with compress --resume)");
    }
    return tally.exitCode();
}

} // namespace nzc::app
