// Parsing of byte sizes given on the command line ("512MiB", "4GiB", "1G", "1000000").
#pragma once

#include <cstdint>
#include <string_view>

namespace nzc::app {

/// Parses a non-negative size: digits (a decimal fraction allowed) and an optional unit
/// K/M/G/T (powers of 1024, with or without "iB"/"B"), KB/MB/GB/TB as powers of 1000.
/// Throws UsageError naming `flag` on anything else.
std::uint64_t parseByteSize(std::string_view text, std::string_view flag);

} // namespace nzc::app
