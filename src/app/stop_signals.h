// SIGTERM, SIGINT and SIGUSR1 (what Slurm sends before a time limit with --signal) ask the
// compress run to stop at the next tensor boundary, keep what is done and exit with code 5.
// A second signal ends the process at once.
#pragma once

namespace nzc::app {

/// Installs the handlers (once per process). Local.
void installStopSignals();
/// The signal that asked to stop, or 0. Local, async-signal-safe to read.
int stopSignal();
/// "SIGTERM", "SIGINT", "SIGUSR1" or "signal N".
const char* signalName(int signal);

} // namespace nzc::app
