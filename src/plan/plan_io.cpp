// The plan as CBOR for the broadcast from rank 0.
#include <nzcompress/plan.h>

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace nzc::plan {

std::vector<std::uint8_t> serialize(const Plan& plan) {
    nlohmann::json rows = nlohmann::json::array();
    for (const TensorPlan& e : plan.tensors) {
        const auto& t = e.tensor;
        rows.push_back({t.name, std::string(checkpoint::dtypeName(t.dtype)), t.shape, t.file,
                        t.offset, t.bytes, static_cast<int>(e.action), static_cast<int>(e.type),
                        e.reason, e.workBytes, e.rank, e.round, t.member});
    }
    return nlohmann::json::to_cbor(
        {{"ranks", plan.ranks}, {"rounds", plan.rounds}, {"tensors", rows}});
}

Plan deserialize(std::span<const std::uint8_t> bytes) {
    try {
        const nlohmann::json doc = nlohmann::json::from_cbor(bytes.begin(), bytes.end());
        Plan plan;
        plan.ranks = doc.at("ranks").get<int>();
        plan.rounds = doc.at("rounds").get<int>();
        for (const nlohmann::json& row : doc.at("tensors")) {
            TensorPlan e;
            e.tensor.name = row.at(0).get<std::string>();
            const auto dtype = checkpoint::parseDType(row.at(1).get<std::string>());
            if (!dtype)
                throw std::invalid_argument("unknown dtype");
            e.tensor.dtype = *dtype;
            e.tensor.shape = row.at(2).get<std::vector<std::uint64_t>>();
            e.tensor.file = row.at(3).get<std::string>();
            e.tensor.offset = row.at(4).get<std::uint64_t>();
            e.tensor.bytes = row.at(5).get<std::uint64_t>();
            const int action = row.at(6).get<int>();
            if (action < 0 || action > static_cast<int>(Action::Passthrough))
                throw std::invalid_argument("bad action");
            e.action = static_cast<Action>(action);
            e.type =
                row.at(7).get<int>() == 1 ? codec::CompressType::High : codec::CompressType::Low;
            e.reason = row.at(8).get<std::string>();
            e.workBytes = row.at(9).get<std::uint64_t>();
            e.rank = row.at(10).get<int>();
            e.round = row.at(11).get<int>();
            e.tensor.member = row.at(12).get<std::string>();
            plan.tensors.push_back(std::move(e));
        }
        return plan;
    } catch (const nlohmann::json::exception& error) {
        throw std::invalid_argument(std::string("malformed plan: ") + error.what());
    }
}

} // namespace nzc::plan
