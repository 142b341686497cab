// The reversible escaping of tensor names into HDF5 link names.
#include <nzcompress/h5.h>

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using nzc::h5::escapeName;
using nzc::h5::unescapeName;

TEST(H5Names, PlainNamesAreKept) {
    EXPECT_EQ(escapeName("model.layers.0.mlp.up_proj.weight"), "model.layers.0.mlp.up_proj.weight");
}

TEST(H5Names, SlashPercentAndDotAreEscaped) {
    EXPECT_EQ(escapeName("a/b"), "a%2Fb");
    EXPECT_EQ(escapeName("100%"), "100%25");
    EXPECT_EQ(escapeName("%2F"), "%252F");
    EXPECT_EQ(escapeName("."), "%2E");
    EXPECT_EQ(escapeName(".."), "..");
}

TEST(H5Names, EscapingRoundTrips) {
    for (const std::string name : {"a/b/c", "%", "%25", "/", "x%2Fy", ".", "", "é/ü"})
        EXPECT_EQ(unescapeName(escapeName(name)), name) << name;
}

TEST(H5Names, EscapedNamesHaveNoSlash) {
    EXPECT_EQ(escapeName("/a//b/").find('/'), std::string::npos);
}

TEST(H5Names, MalformedEscapesThrow) {
    EXPECT_THROW(unescapeName("%"), std::invalid_argument);
    EXPECT_THROW(unescapeName("%2"), std::invalid_argument);
    EXPECT_THROW(unescapeName("%41"), std::invalid_argument);
    EXPECT_THROW(unescapeName("a%2Eb"), std::invalid_argument);
}

} // namespace
