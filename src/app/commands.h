// The subcommands of the nzcompress program. Each takes its own arguments (args[0] is the
// subcommand name) and returns an exit code from the CLI contract; expected failures are
// thrown as nzc::Error and mapped to exit codes by main.
#pragma once

#include <string>
#include <vector>

namespace nzc::app {

using Args = std::vector<std::string>;

int runCodecCommand(const Args& args);
int runCompressCommand(const Args& args);
int runVerifyCommand(const Args& args);
int runDecompressCommand(const Args& args);
int runInspectCommand(const Args& args);
int runExportCommand(const Args& args);

} // namespace nzc::app
