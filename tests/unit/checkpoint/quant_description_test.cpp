#include "nzcompress/checkpoint.h"
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"
#include "test_files.h"

#include <gtest/gtest.h>

namespace nzc::checkpoint {
namespace {

TEST(CheckpointQuantDescription, KeepsStringEntriesOnly) {
    const auto description = parseQuantDescription(
        R"({"model_quant_type":"W8A8S","version":1,"a.weight":"W8A8S","b.weight":"FLOAT",
            "group":{"x":1}})",
        "d.json");
    EXPECT_EQ(description.size(), 3u);
    EXPECT_EQ(description.at("a.weight"), "W8A8S");
    EXPECT_FALSE(description.contains("version"));
}

TEST(CheckpointQuantDescription, LoadsFileAndFindsMissingTensors) {
    test::TempDir dir;
    test::writeFile(dir.file("m.safetensors"),
                    test::safetensorsBytes({test::makeTensor("a.weight", DType::I8, {2, 2})}));
    test::writeText(dir.file("quant_model_description.json"),
                    R"({"model_quant_type":"W8A8S","a.weight":"W8A8S","c.weight":"W8A8S",
                        "b.weight":"FLOAT"})");
    const auto description = loadQuantDescription(dir.file("quant_model_description.json"));
    const auto checkpoint = Checkpoint::open({dir.file("m.safetensors")});
    EXPECT_EQ(missingTensors(description, checkpoint),
              (std::vector<std::string>{"b.weight", "c.weight"}));
}

TEST(CheckpointQuantDescription, TensorKeysContainADot) {
    EXPECT_TRUE(isTensorKey("lm_head.weight"));
    EXPECT_FALSE(isTensorKey("model_quant_type"));
}

} // namespace
} // namespace nzc::checkpoint
