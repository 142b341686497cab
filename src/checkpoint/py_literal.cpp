#include "py_literal.h"

#include <stdexcept>

namespace nzc::checkpoint {
namespace {

// npy headers nest two levels (a dict holding a tuple); structured dtypes a few more.
constexpr int kMaxDepth = 16;

class LiteralParser {
public:
    explicit LiteralParser(std::string_view text) : text_(text) {}

    PyValue parseAll() {
        PyValue value = parseValue(0);
        skipSpace();
        if (pos_ != text_.size())
            fail("unexpected text after the literal");
        return value;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::invalid_argument(what + " at offset " + std::to_string(pos_));
    }

    void skipSpace() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                       text_[pos_] == '\n' || text_[pos_] == '\r'))
            ++pos_;
    }

    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

    bool startsWithWord(std::string_view word) const {
        return text_.substr(pos_, word.size()) == word;
    }

    PyValue parseValue(int depth) {
        if (depth > kMaxDepth)
            fail("literal nests too deeply");
        skipSpace();
        if (pos_ >= text_.size())
            fail("literal ends early");
        const char c = text_[pos_];
        if (c == '{')
            return parseSequence(depth, '}', PyValue::Kind::Dict);
        if (c == '(')
            return parseSequence(depth, ')', PyValue::Kind::Tuple);
        if (c == '[')
            return parseSequence(depth, ']', PyValue::Kind::List);
        if (c == '\'' || c == '"')
            return parseString();
        if (c == '-' || c == '+' || (c >= '0' && c <= '9'))
            return parseInt();
        PyValue value;
        if (startsWithWord("True") || startsWithWord("False")) {
            value.kind = PyValue::Kind::Bool;
            value.boolean = c == 'T';
            pos_ += value.boolean ? 4 : 5;
        } else if (startsWithWord("None")) {
            pos_ += 4;
        } else {
            fail("unexpected character '" + std::string(1, c) + "'");
        }
        checkWordEnd();
        return value;
    }

    // "Truex" or "None_" are names, which a literal cannot contain.
    void checkWordEnd() {
        const char c = peek();
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '_' || c == '(' || c == '.')
            fail("unexpected name or call");
    }

    PyValue parseSequence(int depth, char close, PyValue::Kind kind) {
        PyValue value;
        value.kind = kind;
        ++pos_; // opening bracket
        bool sawComma = false;
        while (true) {
            skipSpace();
            if (peek() == close) {
                ++pos_;
                break;
            }
            if (!value.items.empty() && !sawComma)
                fail("expected ',' or '" + std::string(1, close) + "'");
            value.items.push_back(parseValue(depth + 1));
            if (kind == PyValue::Kind::Dict) {
                skipSpace();
                if (peek() != ':')
                    fail("expected ':' in dict");
                ++pos_;
                value.items.push_back(parseValue(depth + 1));
            }
            skipSpace();
            sawComma = peek() == ',';
            if (sawComma)
                ++pos_;
        }
        // (1) is an int in Python, (1,) a tuple: only the latter is a tuple literal here.
        if (kind == PyValue::Kind::Tuple && value.items.size() == 1 && !sawComma)
            return std::move(value.items.front());
        return value;
    }

    PyValue parseString() {
        const char quote = text_[pos_++];
        PyValue value;
        value.kind = PyValue::Kind::String;
        while (true) {
            if (pos_ >= text_.size())
                fail("unterminated string");
            const char c = text_[pos_++];
            if (c == quote)
                break;
            if (c == '\n')
                fail("newline inside a string");
            if (c == '\\') {
                if (pos_ >= text_.size())
                    fail("unterminated string");
                const char e = text_[pos_++];
                if (e != '\\' && e != '\'' && e != '"')
                    fail("unsupported escape in string");
                value.text.push_back(e);
                continue;
            }
            value.text.push_back(c);
        }
        return value;
    }

    PyValue parseInt() {
        PyValue value;
        value.kind = PyValue::Kind::Int;
        if (peek() == '-' || peek() == '+')
            value.negative = text_[pos_++] == '-';
        if (!(peek() >= '0' && peek() <= '9'))
            fail("expected digits");
        std::uint64_t magnitude = 0;
        bool overflow = false;
        while (peek() >= '0' && peek() <= '9') {
            const auto digit = static_cast<std::uint64_t>(text_[pos_] - '0');
            value.text.push_back(text_[pos_++]);
            if (__builtin_mul_overflow(magnitude, 10u, &magnitude) ||
                __builtin_add_overflow(magnitude, digit, &magnitude))
                overflow = true;
        }
        if (peek() == 'L') // Python 2 numpy wrote long integers as 3L
            ++pos_;
        checkWordEnd();
        if (!overflow)
            value.magnitude = magnitude;
        return value;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

} // namespace

PyValue parsePyLiteral(std::string_view text) {
    return LiteralParser(text).parseAll();
}

std::string_view pyKindName(PyValue::Kind kind) {
    switch (kind) {
    case PyValue::Kind::Dict:
        return "a dict";
    case PyValue::Kind::Tuple:
        return "a tuple";
    case PyValue::Kind::List:
        return "a list";
    case PyValue::Kind::String:
        return "a string";
    case PyValue::Kind::Int:
        return "an integer";
    case PyValue::Kind::Bool:
        return "a bool";
    case PyValue::Kind::None:
        return "None";
    }
    return "a value";
}

} // namespace nzc::checkpoint
