// Where each member's local header sits in a zip file. libzip reads and checks archives but
// does not say where a member's bytes are; for stored (uncompressed) npz members we want that
// position so that tensor reads are plain preads into the zip file.
#pragma once

#include "posix_file.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace nzc::checkpoint {

/// Member name -> offset of its local file header, from the central directory (zip64
/// included). Empty if the directory cannot be walked or a name repeats: callers then fall
/// back to reading members through libzip.
std::map<std::string, std::uint64_t> zipLocalHeaderOffsets(const PosixFile& file);

/// Offset of the member data following the local header at `headerOffset`, if that header is
/// well-formed and names `name`.
std::optional<std::uint64_t> zipMemberDataOffset(const PosixFile& file, std::uint64_t headerOffset,
                                                 const std::string& name);

} // namespace nzc::checkpoint
