// Flag parsing shared by the read-side commands (verify, decompress, inspect, export): one
// positional OUT.h5 and the command's flags. Boost's errors propagate to main, which prints
// them as usage errors (exit 2). Local.
#pragma once

#include "commands.h"

#include <boost/program_options.hpp>

#include <string>

namespace nzc::app {

/// Parses args[1..] against `flags` plus the hidden positional "file". Returns false after
/// printing `flags` to stdout if --help was given (declare "help,h" in `flags`); otherwise
/// checks that exactly one file was given (UsageError naming `command`).
bool parseCommandLine(const Args& args, const std::string& command,
                      const boost::program_options::options_description& flags,
                      boost::program_options::variables_map& values, std::string& file);

} // namespace nzc::app
