// --memory-budget sizes.
#include "byte_size.h"

#include <nzcompress/errors.h>

#include <gtest/gtest.h>

namespace {

using nzc::app::parseByteSize;

TEST(ByteSize, BinaryAndDecimalUnits) {
    EXPECT_EQ(parseByteSize("1000000", "--x"), 1000000u);
    EXPECT_EQ(parseByteSize("512MiB", "--x"), 512ull << 20);
    EXPECT_EQ(parseByteSize("4GiB", "--x"), 4ull << 30);
    EXPECT_EQ(parseByteSize("4g", "--x"), 4ull << 30);
    EXPECT_EQ(parseByteSize("1.5K", "--x"), 1536u);
    EXPECT_EQ(parseByteSize("2GB", "--x"), 2000000000u);
    EXPECT_EQ(parseByteSize("7B", "--x"), 7u);
}

TEST(ByteSize, RejectsOtherTextNamingTheFlag) {
    for (const char* text : {"", "MiB", "-1", "12 MiB", "3XB", "1e3"}) {
        try {
            parseByteSize(text, "--memory-budget");
            ADD_FAILURE() << "accepted '" << text << "'";
        } catch (const nzc::UsageError& error) {
            EXPECT_NE(std::string(error.what()).find("--memory-budget"), std::string::npos);
        }
    }
}

} // namespace
