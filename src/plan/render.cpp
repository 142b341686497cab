// The --dry-run table.
#include <nzcompress/plan.h>

#include <fmt/format.h>

#include <algorithm>

namespace nzc::plan {
namespace {

std::string shapeText(const std::vector<std::uint64_t>& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

std::string actionText(const TensorPlan& e) {
    if (e.action == Action::Passthrough)
        return "passthrough";
    const char* type = e.type == codec::CompressType::High ? "high" : "low";
    return e.action == Action::Compress ? fmt::format("compress {}", type)
                                        : fmt::format("disabled (raw Nz, {})", type);
}

} // namespace

std::string renderPlan(const Plan& plan) {
    std::size_t nameWidth = 4;
    for (const TensorPlan& e : plan.tensors)
        nameWidth = std::max(nameWidth, e.tensor.name.size());
    std::string text =
        fmt::format("{:<{}}  {:<7} {:<16} {:<24} {:>4} {:>5} {:>14}  {}\n", "name", nameWidth,
                    "dtype", "shape", "action", "rank", "round", "bytes", "why");
    std::uint64_t counts[3] = {0, 0, 0};
    std::uint64_t bytes = 0;
    for (const TensorPlan& e : plan.tensors) {
        text +=
            fmt::format("{:<{}}  {:<7} {:<16} {:<24} {:>4} {:>5} {:>14}  {}\n", e.tensor.name,
                        nameWidth, checkpoint::dtypeName(e.tensor.dtype), shapeText(e.tensor.shape),
                        actionText(e), e.rank, e.round, e.tensor.bytes, e.reason);
        ++counts[static_cast<int>(e.action)];
        bytes += e.tensor.bytes;
    }
    text += fmt::format("{} tensors ({} bytes): {} to compress, {} disabled, {} passthrough; "
                        "{} rank(s), {} round(s)\n",
                        plan.tensors.size(), bytes, counts[0], counts[1], counts[2], plan.ranks,
                        plan.rounds);
    return text;
}

} // namespace nzc::plan
