// The tile order of spec section 6: n-tile major, k-tile minor, narrow k tail, narrow single
// tile for N1 < 8, full-width overlapping last n-tile for N1 > 8 with N1 % 8 != 0.
#include "tile_plan.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace {

using nzc::layout::NzShape;
using nzc::layout::tileCount;
using nzc::layout::detail::planTiles;
using nzc::layout::detail::Tile;

struct Expected {
    std::size_t kBlock, kBlocks, nBlock, nBlocks, nSkip;
};

void expectTiles(NzShape shape, const std::vector<Expected>& expected) {
    const auto tiles = planTiles(shape);
    ASSERT_EQ(tiles.size(), expected.size());
    EXPECT_EQ(tileCount(shape), expected.size());
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        SCOPED_TRACE("tile " + std::to_string(i));
        EXPECT_EQ(tiles[i].kBlock, expected[i].kBlock);
        EXPECT_EQ(tiles[i].kBlocks, expected[i].kBlocks);
        EXPECT_EQ(tiles[i].nBlock, expected[i].nBlock);
        EXPECT_EQ(tiles[i].nBlocks, expected[i].nBlocks);
        EXPECT_EQ(tiles[i].nSkip, expected[i].nSkip);
    }
}

TEST(LayoutTiles, NarrowKTailAsInTheOfficialVector) {
    // int8 [128, 320]: K1 = 10, N1 = 8 -> 8x8 then 2x8 (6528 B and 1792 B of output upstream).
    expectTiles({10, 8}, {{0, 8, 0, 8, 0}, {8, 2, 0, 8, 0}});
}

TEST(LayoutTiles, SingleNarrowTileWhenFewerThanEightBlockRows) {
    expectTiles({5, 3}, {{0, 5, 0, 3, 0}});
    expectTiles({1, 1}, {{0, 1, 0, 1, 0}});
}

TEST(LayoutTiles, LastNTileOverlapsThePreviousOne) {
    // N1 = 13: columns 0-7, then 5-12 (blocks 5-7 are already in the first n-tile).
    expectTiles({11, 13}, {{0, 8, 0, 8, 0}, {8, 3, 0, 8, 0}, {0, 8, 5, 8, 3}, {8, 3, 5, 8, 3}});
    // N1 = 9: the last n-tile is 1-8, all but one block repeated.
    const auto tiles = planTiles({32, 9});
    ASSERT_EQ(tiles.size(), 8u);
    EXPECT_EQ(tiles[4].nBlock, 1u);
    EXPECT_EQ(tiles[4].nSkip, 7u);
}

TEST(LayoutTiles, NTileMajorKTileMinor) {
    const auto tiles = planTiles({16, 16});
    ASSERT_EQ(tiles.size(), 4u);
    EXPECT_EQ(tiles[1].kBlock, 8u);
    EXPECT_EQ(tiles[1].nBlock, 0u);
    EXPECT_EQ(tiles[2].kBlock, 0u);
    EXPECT_EQ(tiles[2].nBlock, 8u);
}

TEST(LayoutTiles, CoverEveryBlockAndAtMost32KiB) {
    for (std::size_t k1 = 1; k1 <= 20; ++k1) {
        for (std::size_t n1 = 1; n1 <= 20; ++n1) {
            std::vector<int> owner(k1 * n1, 0);
            for (const Tile& tile : planTiles({k1, n1})) {
                ASSERT_LE(tile.bytes(), 32768u);
                for (std::size_t kk = 0; kk < tile.kBlocks; ++kk)
                    for (std::size_t nn = tile.nSkip; nn < tile.nBlocks; ++nn)
                        ++owner[(tile.kBlock + kk) * n1 + tile.nBlock + nn];
            }
            // Each block is written back by exactly one tile once the overlap is skipped.
            for (std::size_t b = 0; b < owner.size(); ++b)
                ASSERT_EQ(owner[b], 1) << "K1 " << k1 << " N1 " << n1 << " block " << b;
        }
    }
}

} // namespace
