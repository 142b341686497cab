// Selection rules and validation: what each tensor becomes, decided once on rank 0 before
// any byte is written.
#include <nzcompress/errors.h>
#include <nzcompress/plan.h>

#include <set>

namespace nzc::plan {
namespace {

using checkpoint::DType;
using checkpoint::TensorInfo;

// msModelSlim's rule for "is a linear layer's weight": the name ends in ".weight" and is not
// a normalisation's.
bool isWeightName(std::string_view name) {
    return name.ends_with(".weight") && name.find("norm") == std::string_view::npos;
}

struct Selection {
    Action action = Action::Passthrough;
    codec::CompressType autoType = codec::CompressType::Low;
    std::string reason;
    std::string quantType; // description type, empty without a description
};

Selection select(const TensorInfo& tensor, const Options& options) {
    if (options.description) {
        const auto found = options.description->find(tensor.name);
        const std::string type = found != options.description->end() ? found->second : "";
        if (!isWeightName(tensor.name))
            return {Action::Passthrough, {}, "not a linear weight name", type};
        if (type == "W8A8S")
            return {Action::Compress, codec::CompressType::Low, "W8A8S in the description", type};
        if (type == "W16A16S")
            return {Action::Compress, codec::CompressType::High, "W16A16S in the description",
                    type};
        return {Action::Passthrough,
                {},
                type.empty() ? "not in the description" : "description type " + type,
                type};
    }
    if (tensor.dtype == DType::I8 && tensor.shape.size() == 2 && isWeightName(tensor.name))
        return {Action::Compress, codec::CompressType::Low, "2-D int8 weight", ""};
    return {Action::Passthrough, {}, "not a 2-D int8 weight", ""};
}

// A tensor selected for compression must be a matrix of 1- or 2-byte elements matching its
// quant type; anything else cannot be laid out in Nz meaningfully.
void validateSelected(const TensorInfo& tensor, const Selection& selection) {
    if (tensor.shape.size() != 2)
        throw InputError(tensor.file, tensor.name,
                         "selected for compression (" + selection.reason + ") but has " +
                             std::to_string(tensor.shape.size()) + " dimensions, not 2");
    if (tensor.shape[0] == 0 || tensor.shape[1] == 0)
        throw InputError(tensor.file, tensor.name, "selected for compression but is empty");
    const std::string dtype(checkpoint::dtypeName(tensor.dtype));
    if (selection.quantType == "W8A8S" && tensor.dtype != DType::I8)
        throw InputError(tensor.file, tensor.name, "W8A8S weight must be I8, found " + dtype);
    if (selection.quantType == "W16A16S" && tensor.dtype != DType::F16 &&
        tensor.dtype != DType::BF16)
        throw InputError(tensor.file, tensor.name,
                         "W16A16S weight must be F16 or BF16, found " + dtype);
    const std::size_t item = checkpoint::itemSize(tensor.dtype);
    if (item != 1 && item != 2)
        throw InputError(tensor.file, tensor.name,
                         "cannot compress " + dtype + " elements (1 or 2 bytes needed)");
}

void validateOptions(const Options& options, int ranks) {
    if (ranks < 1)
        throw UsageError("at least one rank is needed");
    if (!(options.sparseRatio >= 0.0 && options.sparseRatio <= 1.0))
        throw UsageError("--sparse-ratio must be between 0 and 1, got " +
                         std::to_string(options.sparseRatio));
    if (options.memoryBudget == 0)
        throw UsageError("--memory-budget must be positive");
}

} // namespace

std::string_view actionName(Action action) {
    switch (action) {
    case Action::Compress:
        return "compress";
    case Action::Disable:
        return "disabled";
    case Action::Passthrough:
        return "passthrough";
    }
    return "unknown";
}

CompressChoice parseCompressChoice(std::string_view text) {
    if (text == "auto")
        return CompressChoice::Auto;
    if (text == "low")
        return CompressChoice::Low;
    if (text == "high")
        return CompressChoice::High;
    throw UsageError("--compress-type must be auto, low or high, got '" + std::string(text) + "'");
}

Plan makePlan(const std::vector<TensorInfo>& tensors, const Options& options, int ranks) {
    validateOptions(options, ranks);
    Plan plan;
    plan.ranks = ranks;
    std::set<std::string_view> names;
    for (const TensorInfo& tensor : tensors) {
        if (tensor.name.empty())
            throw InputError(tensor.file, "", "a tensor has an empty name");
        if (!names.insert(tensor.name).second)
            throw InputError(tensor.file, tensor.name, "tensor name appears twice");
        const Selection selection = select(tensor, options);
        TensorPlan entry;
        entry.tensor = tensor;
        entry.action = selection.action;
        entry.reason = selection.reason;
        if (entry.action == Action::Compress) {
            validateSelected(tensor, selection);
            entry.type = options.compressType == CompressChoice::Low    ? codec::CompressType::Low
                         : options.compressType == CompressChoice::High ? codec::CompressType::High
                                                                        : selection.autoType;
        }
        plan.tensors.push_back(std::move(entry));
    }
    // --disable-layers: each name must hit a tensor selected for compression.
    for (const std::string& name : options.disableLayers) {
        TensorPlan* hit = nullptr;
        for (TensorPlan& entry : plan.tensors) {
            if (entry.tensor.name == name || entry.tensor.name == name + ".weight") {
                hit = &entry;
                if (entry.tensor.name == name)
                    break;
            }
        }
        if (hit == nullptr)
            throw UsageError("--disable-layers: no tensor named '" + name + "' (nor '" + name +
                             ".weight') in the input");
        if (hit->action == Action::Passthrough)
            throw UsageError("--disable-layers: tensor '" + hit->tensor.name +
                             "' is not selected for compression (" + hit->reason + ")");
        hit->action = Action::Disable;
        hit->reason = "listed in --disable-layers";
    }
    for (TensorPlan& entry : plan.tensors)
        entry.workBytes = workBytesOf(entry.tensor, entry.action);
    partitionTensors(plan, options.memoryBudget);
    return plan;
}

} // namespace nzc::plan
