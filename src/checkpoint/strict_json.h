// JSON parsing for untrusted headers: UTF-8 checked first, duplicate object keys refused
// (nlohmann would silently keep one of them, which would let two tensors share a name), and
// nesting bounded so that a hostile header cannot exhaust memory through the parser's stacks.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace nzc::checkpoint {

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF).
bool isValidUtf8(std::string_view text);

/// Parses `text` as JSON; throws InputError(file, "", what) naming `what` (e.g. "header") on
/// invalid UTF-8, a syntax error, a duplicate key or excessive nesting.
nlohmann::json parseStrictJson(std::string_view text, const std::string& file,
                               std::string_view what);

} // namespace nzc::checkpoint
