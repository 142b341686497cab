// Selection rules, --disable-layers and --compress-type, validation and serialization.
#include "plan_fixtures.h"

#include <nzcompress/errors.h>
#include <nzcompress/plan.h>

#include <gtest/gtest.h>

namespace {

using namespace nzc::plan;
using nzc::checkpoint::DType;
using nzc::plan::test::smallModel;
using nzc::plan::test::tensor;

const TensorPlan& entryOf(const Plan& plan, const std::string& name) {
    for (const TensorPlan& e : plan.tensors) {
        if (e.tensor.name == name)
            return e;
    }
    throw std::runtime_error("no entry " + name);
}

TEST(PlanSelection, WithoutDescriptionOnly2DInt8WeightsWithoutNorm) {
    auto tensors = smallModel();
    tensors.push_back(tensor("model.norm_x.weight", DType::I8, {16, 32}));
    tensors.push_back(tensor("model.bias3d.weight", DType::I8, {2, 16, 32}));
    const Plan plan = makePlan(tensors, Options{}, 1);
    EXPECT_EQ(entryOf(plan, "model.layers.0.self_attn.q_proj.weight").action, Action::Compress);
    EXPECT_EQ(entryOf(plan, "model.layers.0.self_attn.q_proj.weight").type,
              nzc::codec::CompressType::Low);
    EXPECT_EQ(entryOf(plan, "model.layers.0.mlp.down_proj.weight").action, Action::Compress);
    EXPECT_EQ(entryOf(plan, "model.layers.0.self_attn.q_proj.weight_scale").action,
              Action::Passthrough);
    EXPECT_EQ(entryOf(plan, "model.layers.0.input_layernorm.weight").action, Action::Passthrough);
    EXPECT_EQ(entryOf(plan, "model.embed_tokens.weight").action, Action::Passthrough);
    EXPECT_EQ(entryOf(plan, "model.norm_x.weight").action, Action::Passthrough);
    EXPECT_EQ(entryOf(plan, "model.bias3d.weight").action, Action::Passthrough);
}

TEST(PlanSelection, DescriptionDecidesAndTypesFollowIt) {
    std::vector<nzc::checkpoint::TensorInfo> tensors = {
        tensor("a.weight", DType::I8, {32, 32}),
        tensor("b.weight", DType::F16, {32, 32}),
        tensor("c.weight", DType::I8, {32, 32}),
        tensor("a.weight_scale", DType::F32, {32, 1}),
        tensor("post_norm.weight", DType::I8, {32, 32}),
    };
    Options options;
    options.description = nzc::checkpoint::QuantDescription{{"a.weight", "W8A8S"},
                                                            {"b.weight", "W16A16S"},
                                                            {"c.weight", "FLOAT"},
                                                            {"a.weight_scale", "W8A8S"},
                                                            {"post_norm.weight", "W8A8S"}};
    const Plan plan = makePlan(tensors, options, 2);
    EXPECT_EQ(entryOf(plan, "a.weight").action, Action::Compress);
    EXPECT_EQ(entryOf(plan, "a.weight").type, nzc::codec::CompressType::Low);
    EXPECT_EQ(entryOf(plan, "b.weight").action, Action::Compress);
    EXPECT_EQ(entryOf(plan, "b.weight").type, nzc::codec::CompressType::High);
    EXPECT_EQ(entryOf(plan, "c.weight").action, Action::Passthrough);
    EXPECT_EQ(entryOf(plan, "a.weight_scale").action, Action::Passthrough);
    EXPECT_EQ(entryOf(plan, "post_norm.weight").action, Action::Passthrough);
}

TEST(PlanSelection, CompressTypeOverridesAuto) {
    Options options;
    options.compressType = CompressChoice::High;
    const Plan plan = makePlan(smallModel(), options, 1);
    EXPECT_EQ(entryOf(plan, "model.layers.0.mlp.down_proj.weight").type,
              nzc::codec::CompressType::High);
    EXPECT_EQ(parseCompressChoice("low"), CompressChoice::Low);
    EXPECT_THROW(parseCompressChoice("medium"), nzc::UsageError);
}

TEST(PlanValidation, WrongDtypeForTheQuantTypeIsInvalidInput) {
    Options options;
    options.description = nzc::checkpoint::QuantDescription{{"a.weight", "W8A8S"}};
    try {
        makePlan({tensor("a.weight", DType::F16, {32, 32})}, options, 1);
        ADD_FAILURE() << "accepted an F16 W8A8S weight";
    } catch (const nzc::InputError& error) {
        EXPECT_EQ(error.tensor(), "a.weight");
        EXPECT_EQ(error.file(), "model.safetensors");
        EXPECT_EQ(error.code(), nzc::ExitCode::InvalidInput);
    }
}

TEST(PlanValidation, SelectedTensorMustBeANonEmptyMatrix) {
    Options options;
    options.description = nzc::checkpoint::QuantDescription{{"a.weight", "W8A8S"}};
    EXPECT_THROW(makePlan({tensor("a.weight", DType::I8, {4, 32, 32})}, options, 1),
                 nzc::InputError);
    EXPECT_THROW(makePlan({tensor("a.weight", DType::I8, {0, 32})}, options, 1), nzc::InputError);
}

TEST(PlanValidation, DuplicateAndEmptyNamesAreInvalid) {
    EXPECT_THROW(makePlan({tensor("x", DType::I8, {1}), tensor("x", DType::I8, {1})}, {}, 1),
                 nzc::InputError);
    EXPECT_THROW(makePlan({tensor("", DType::I8, {1})}, {}, 1), nzc::InputError);
}

TEST(PlanValidation, BadOptionValuesAreUsageErrors) {
    Options options;
    options.sparseRatio = 1.5;
    EXPECT_THROW(makePlan(smallModel(), options, 1), nzc::UsageError);
    options.sparseRatio = 0.5;
    options.memoryBudget = 0;
    EXPECT_THROW(makePlan(smallModel(), options, 1), nzc::UsageError);
    EXPECT_THROW(makePlan(smallModel(), Options{}, 0), nzc::UsageError);
}

TEST(PlanDisable, LayerOrTensorNamesDisableCompression) {
    Options options;
    options.disableLayers = {"model.layers.0.mlp.down_proj",
                             "model.layers.0.self_attn.q_proj.weight"};
    const Plan plan = makePlan(smallModel(), options, 1);
    EXPECT_EQ(entryOf(plan, "model.layers.0.mlp.down_proj.weight").action, Action::Disable);
    EXPECT_EQ(entryOf(plan, "model.layers.0.self_attn.q_proj.weight").action, Action::Disable);
}

TEST(PlanDisable, UnknownNameIsAnErrorNamingIt) {
    Options options;
    options.disableLayers = {"model.layers.9.mlp.down_proj"};
    try {
        makePlan(smallModel(), options, 1);
        ADD_FAILURE() << "unknown --disable-layers name accepted";
    } catch (const nzc::UsageError& error) {
        EXPECT_NE(std::string(error.what()).find("model.layers.9.mlp.down_proj"),
                  std::string::npos);
    }
}

TEST(PlanDisable, PassthroughTensorCannotBeDisabled) {
    Options options;
    options.disableLayers = {"model.embed_tokens.weight"};
    EXPECT_THROW(makePlan(smallModel(), options, 1), nzc::UsageError);
}

TEST(PlanLayerList, SplitsOnCommasAndTrims) {
    EXPECT_EQ(splitLayerList("a, b,,c "), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(splitLayerList(" , ").empty());
    EXPECT_THROW(readLayerFile("/nonexistent/layers.txt"), nzc::IoError);
}

TEST(PlanSerialization, RoundTripKeepsEveryField) {
    Options options;
    options.disableLayers = {"model.layers.0.mlp.down_proj"};
    auto tensors = smallModel();
    tensors[0].member = "q.npy";
    tensors[0].offset = 1234;
    const Plan plan = makePlan(tensors, options, 3);
    const Plan back = deserialize(serialize(plan));
    ASSERT_EQ(back.tensors.size(), plan.tensors.size());
    EXPECT_EQ(back.ranks, 3);
    EXPECT_EQ(back.rounds, plan.rounds);
    for (std::size_t i = 0; i < plan.tensors.size(); ++i) {
        const TensorPlan& a = plan.tensors[i];
        const TensorPlan& b = back.tensors[i];
        EXPECT_EQ(a.tensor.name, b.tensor.name);
        EXPECT_EQ(a.tensor.dtype, b.tensor.dtype);
        EXPECT_EQ(a.tensor.shape, b.tensor.shape);
        EXPECT_EQ(a.tensor.file, b.tensor.file);
        EXPECT_EQ(a.tensor.offset, b.tensor.offset);
        EXPECT_EQ(a.tensor.bytes, b.tensor.bytes);
        EXPECT_EQ(a.tensor.member, b.tensor.member);
        EXPECT_EQ(a.action, b.action);
        EXPECT_EQ(a.type, b.type);
        EXPECT_EQ(a.rank, b.rank);
        EXPECT_EQ(a.round, b.round);
        EXPECT_EQ(a.workBytes, b.workBytes);
    }
    const std::vector<std::uint8_t> garbage = {0xff, 0x00, 0x13};
    EXPECT_THROW(deserialize(garbage), std::invalid_argument);
}

TEST(PlanRender, TableNamesEveryTensorAndItsAction) {
    Options options;
    options.disableLayers = {"model.layers.0.mlp.down_proj"};
    const std::string text = renderPlan(makePlan(smallModel(), options, 2));
    for (const auto& t : smallModel())
        EXPECT_NE(text.find(t.name), std::string::npos) << t.name;
    EXPECT_NE(text.find("compress low"), std::string::npos);
    EXPECT_NE(text.find("disabled"), std::string::npos);
    EXPECT_NE(text.find("passthrough"), std::string::npos);
    EXPECT_NE(text.find("5 tensors"), std::string::npos);
}

} // namespace
