// A parser for the tiny subset of Python literals that npy headers use: dicts, tuples, lists,
// strings, integers, True, False and None. It builds values and never evaluates anything, so a
// header such as "{'descr': __import__('os')...}" is a syntax error, not a call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nzc::checkpoint {

struct PyValue {
    enum class Kind { Dict, Tuple, List, String, Int, Bool, None };
    Kind kind = Kind::None;
    std::string text;                       ///< String: contents; Int: the digits as written
    std::optional<std::uint64_t> magnitude; ///< Int: |value|, nullopt when it exceeds 64 bits
    bool negative = false;                  ///< Int
    bool boolean = false;                   ///< Bool
    std::vector<PyValue> items;             ///< Tuple/List items; Dict keys and values alternate
};

/// Parses one literal filling all of `text` (surrounding whitespace allowed). Throws
/// std::invalid_argument with a short reason on anything else; nesting is limited.
PyValue parsePyLiteral(std::string_view text);

/// How a value is called in messages ("a dict", "a string", ...).
std::string_view pyKindName(PyValue::Kind kind);

} // namespace nzc::checkpoint
