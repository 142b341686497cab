#include "command_line.h"

#include <nzcompress/errors.h>

#include <iostream>
#include <vector>

namespace nzc::app {

namespace po = boost::program_options;

bool parseCommandLine(const Args& args, const std::string& command,
                      const po::options_description& flags, po::variables_map& values,
                      std::string& file) {
    po::options_description all;
    all.add(flags);
    std::vector<std::string> files;
    all.add_options()("file", po::value(&files));
    po::positional_options_description positional;
    positional.add("file", -1);
    po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                  .options(all)
                  .positional(positional)
                  .run(),
              values);
    if (values.count("help") != 0 && values["help"].as<bool>()) {
        std::cout << flags << "\n";
        return false;
    }
    po::notify(values);
    if (files.size() != 1)
        throw UsageError(command + ": " +
                         (files.empty()
                              ? std::string("OUT.h5 is required")
                              : "one OUT.h5 expected, got " + std::to_string(files.size()) + " (" +
                                    files[0] + ", " + files[1] + (files.size() > 2 ? ", ..." : "") +
                                    ")") +
                         " (see nzcompress " + command + " --help)");
    file = files.front();
    return true;
}

} // namespace nzc::app
