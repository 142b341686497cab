// Opens every entry of the malformed-input corpus (tests/data/bad, made by
// scripts/make_bad_inputs.py) and expects an InputError whose message names the entry.
#include "nzcompress/checkpoint.h"
#include "nzcompress/errors.h"
#include "test_files.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nzc::checkpoint {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> corpusEntries() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(test::dataPath("bad")))
        if (entry.path().filename() != "README.md")
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

class CheckpointBadInput : public ::testing::TestWithParam<std::string> {};

TEST_P(CheckpointBadInput, IsRefusedWithAMessageNamingTheFile) {
    const std::string name = GetParam();
    const std::string path = test::dataPath("bad/" + name);
    try {
        if (name.starts_with("quant_"))
            loadQuantDescription(path);
        else
            Checkpoint::open({path});
        FAIL() << name << " was accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(e.code(), ExitCode::InvalidInput);
        EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
        EXPECT_FALSE(e.reason().empty());
    }
}

INSTANTIATE_TEST_SUITE_P(Corpus, CheckpointBadInput, ::testing::ValuesIn(corpusEntries()),
                         [](const auto& param) {
                             std::string id = param.param;
                             std::replace_if(
                                 id.begin(), id.end(), [](char c) { return !std::isalnum(c); },
                                 '_');
                             return id;
                         });

TEST(CheckpointBadInputCorpus, HasThirtyEntriesAllInTheManifest) {
    const auto entries = corpusEntries();
    EXPECT_GE(entries.size(), 30u);
    std::ifstream readme(test::dataPath("bad/README.md"));
    std::stringstream text;
    text << readme.rdbuf();
    for (const auto& name : entries)
        EXPECT_NE(text.str().find("`" + name), std::string::npos) << name << " not in README.md";
}

} // namespace
} // namespace nzc::checkpoint
