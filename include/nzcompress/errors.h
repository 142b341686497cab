// Typed errors shared by every module. Each carries the file, the tensor (where there is
// one) and the reason, so that main can print one line and map it to an exit code from
// the CLI contract without knowing which module threw.
#pragma once

#include <stdexcept>
#include <string>

namespace nzc {

/// Process exit codes, as fixed by the CLI contract (spec/CLI.md).
enum class ExitCode : int {
    Success = 0,
    Internal = 1,
    Usage = 2,
    InvalidInput = 3,
    Io = 4,
    Interrupted = 5,
};

/// Base of every expected failure. what() is the one-line message without the
/// "nzcompress: error: " prefix, e.g. "a.safetensors: tensor 'w': data_offsets end before begin".
class Error : public std::runtime_error {
public:
    Error(ExitCode code, std::string file, std::string tensor, std::string reason)
        : std::runtime_error(format(file, tensor, reason)), code_(code), file_(std::move(file)),
          tensor_(std::move(tensor)), reason_(std::move(reason)) {}

    ExitCode code() const noexcept { return code_; }
    const std::string& file() const noexcept { return file_; }
    const std::string& tensor() const noexcept { return tensor_; }
    const std::string& reason() const noexcept { return reason_; }

private:
    static std::string format(const std::string& file, const std::string& tensor,
                              const std::string& reason) {
        std::string line;
        if (!file.empty())
            line += file + ": ";
        if (!tensor.empty())
            line += "tensor '" + tensor + "': ";
        return line + reason;
    }

    ExitCode code_;
    std::string file_;
    std::string tensor_;
    std::string reason_;
};

/// Bad flags or flag values (exit code 2).
class UsageError : public Error {
public:
    explicit UsageError(std::string reason) : Error(ExitCode::Usage, "", "", std::move(reason)) {}
};

/// Malformed or unsupported input data, or a verification mismatch (exit code 3).
class InputError : public Error {
public:
    InputError(std::string file, std::string tensor, std::string reason)
        : Error(ExitCode::InvalidInput, std::move(file), std::move(tensor), std::move(reason)) {}
};

/// A read, write or space failure of the operating system or of HDF5 (exit code 4).
class IoError : public Error {
public:
    IoError(std::string file, std::string reason)
        : Error(ExitCode::Io, std::move(file), "", std::move(reason)) {}
};

/// The run was stopped by a signal and can be resumed (exit code 5).
class InterruptedError : public Error {
public:
    explicit InterruptedError(std::string reason)
        : Error(ExitCode::Interrupted, "", "", std::move(reason)) {}
};

} // namespace nzc
